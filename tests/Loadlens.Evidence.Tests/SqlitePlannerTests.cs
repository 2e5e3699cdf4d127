using System.Security.Cryptography;
using Loadlens.Evidence.Plans;
using Microsoft.Data.Sqlite;

namespace Loadlens.Evidence.Tests;

/// <summary>A real SQLite file in a fresh temp folder: chefs (5,000 rows), bookings (20,000), cuisines (12).</summary>
internal sealed class SqliteApp : IDisposable
{
    public SqliteApp()
    {
        Folder = Path.Combine(Path.GetTempPath(), "loadlens-evidence-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        File = Path.Combine(Folder, "app.db");
        Execute("""
            CREATE TABLE chefs (id INTEGER PRIMARY KEY, name TEXT NOT NULL, cuisine_type TEXT NOT NULL, rating INTEGER NOT NULL);
            CREATE TABLE bookings (id INTEGER PRIMARY KEY, chef_id INTEGER NOT NULL, day TEXT NOT NULL, guests INTEGER NOT NULL);
            CREATE TABLE cuisines (code TEXT PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
            INSERT INTO chefs (id, name, cuisine_type, rating) SELECT i, 'chef ' || i, 'cuisine ' || (i % 50), i % 5 FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
            INSERT INTO bookings (chef_id, day, guests) SELECT 1 + i % 5000, date('2024-01-01', '+' || (i % 365) || ' days'), 1 + i % 8 FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12)
            INSERT INTO cuisines (code, label) SELECT 'c' || i, 'Cuisine ' || i FROM n;
            """);
    }

    public string Folder { get; }

    public string File { get; }

    /// <summary>Run SQL over an ordinary (writable) connection: the test's own set-up, never Loadlens.</summary>
    public void Execute(string sql)
    {
        using (var c = new SqliteConnection($"Data Source={File};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
    }

    public long Scalar(string sql)
    {
        using var c = new SqliteConnection($"Data Source={File};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task<SqliteQueryPlanner> PlannerAsync() => SqliteQueryPlanner.OpenAsync(DatabaseTarget.Parse(File));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public class SqlitePlannerTests
{
    private static async Task<(QueryPlan Plan, IReadOnlyList<IndexAdvice> Advice)> PlanAsync(SqliteApp app, string sql)
    {
        await using var planner = await app.PlannerAsync();
        var plan = await planner.PlanAsync(sql);
        return (plan, IndexAdvisor.Advise(plan));
    }

    [Fact]
    public async Task Unindexed_filter_on_a_large_table_gets_the_exact_create_index()
    {
        using var app = new SqliteApp();
        var (plan, advice) = await PlanAsync(app, "SELECT * FROM chefs WHERE cuisine_type = ?");

        plan.Database.ShouldBe("sqlite");
        var scan = plan.Nodes.ShouldHaveSingleItem();
        scan.Kind.ShouldBe(PlanNodeKind.Scan);
        scan.Table.ShouldBe("chefs");
        scan.Detail.ShouldBe("SCAN chefs");
        plan.Table("chefs")!.Rows.ShouldBe(5000);
        plan.Table("chefs")!.RowsFrom.ShouldBe(RowCountSource.Count);
        plan.Parameters.ShouldHaveSingleItem().Source.ShouldBe(BindingSource.Unbound);

        var a = advice.ShouldHaveSingleItem();
        a.CreateIndex.ShouldBe("CREATE INDEX idx_chefs_cuisine_type ON chefs (cuisine_type)");
        a.Columns.ShouldBe(["cuisine_type"]);
        a.FilterColumns.ShouldBe(["cuisine_type"]);
        a.RowsScanned.ShouldBe(5000);
        a.RowsFrom.ShouldBe(RowCountSource.Count);
        a.PlanLine.ShouldBe("SCAN chefs");
        a.Reason.ShouldBe("SCAN chefs reads all 5,000 rows of chefs (count(*)) to find rows by cuisine_type");

        // The advice is right: after creating exactly that index, the same statement searches it and gets no advice.
        app.Execute(a.CreateIndex);
        var (after, none) = await PlanAsync(app, "SELECT * FROM chefs WHERE cuisine_type = ?");
        var search = after.Nodes.ShouldHaveSingleItem();
        search.Kind.ShouldBe(PlanNodeKind.Search);
        search.Index.ShouldBe("idx_chefs_cuisine_type");
        search.IndexColumns.ShouldBe(["cuisine_type"]);
        none.ShouldBeEmpty();
    }

    [Fact]
    public async Task Raw_statements_with_literals_and_other_markers_are_planned_like_their_normal_form()
    {
        using var app = new SqliteApp();
        foreach (var sql in new[] { "select * from chefs where cuisine_type = 'cuisine 7'", "SELECT * FROM chefs WHERE cuisine_type = :c", "SELECT * FROM chefs WHERE cuisine_type = $1" })
        {
            var (plan, advice) = await PlanAsync(app, sql);
            plan.Statement.ShouldBe("SELECT * FROM chefs WHERE cuisine_type = ?");
            advice.ShouldHaveSingleItem().CreateIndex.ShouldBe("CREATE INDEX idx_chefs_cuisine_type ON chefs (cuisine_type)");
        }
    }

    [Fact]
    public async Task Primary_key_lookup_and_small_table_get_no_advice()
    {
        using var app = new SqliteApp();
        var (pk, pkAdvice) = await PlanAsync(app, "SELECT * FROM chefs WHERE id = ?");
        var search = pk.Nodes.ShouldHaveSingleItem();
        search.Kind.ShouldBe(PlanNodeKind.Search);
        search.Index.ShouldBe("INTEGER PRIMARY KEY");
        search.Detail.ShouldBe("SEARCH chefs USING INTEGER PRIMARY KEY (rowid=?)");
        pkAdvice.ShouldBeEmpty();

        var (small, smallAdvice) = await PlanAsync(app, "SELECT * FROM cuisines WHERE label = ?");
        small.Nodes.ShouldHaveSingleItem().Kind.ShouldBe(PlanNodeKind.Scan);
        small.Table("cuisines")!.Rows.ShouldBe(12);
        smallAdvice.ShouldBeEmpty();

        // The threshold is configurable: with 10 rows enough, the small table gets advice too.
        IndexAdvisor.Advise(small, new IndexAdvisorOptions { MinimumRows = 10 }).ShouldHaveSingleItem()
            .CreateIndex.ShouldBe("CREATE INDEX idx_cuisines_label ON cuisines (label)");

        // A scan without any filter reads every row on purpose: no advice.
        var (all, allAdvice) = await PlanAsync(app, "SELECT * FROM chefs");
        all.Nodes.ShouldHaveSingleItem().Kind.ShouldBe(PlanNodeKind.Scan);
        allAdvice.ShouldBeEmpty();
    }

    [Fact]
    public async Task Columns_are_ordered_equality_then_range_then_order_by()
    {
        using var app = new SqliteApp();
        var (plan, advice) = await PlanAsync(app, "SELECT name FROM chefs WHERE rating > 2 AND cuisine_type IN ('a', 'b') ORDER BY name DESC LIMIT 10");
        plan.Nodes.ShouldContain(n => n.Kind == PlanNodeKind.Sort && n.Detail == "USE TEMP B-TREE FOR ORDER BY");
        var a = advice.ShouldHaveSingleItem();
        a.CreateIndex.ShouldBe("CREATE INDEX idx_chefs_cuisine_type_rating_name ON chefs (cuisine_type, rating, name)");
        a.FilterColumns.ShouldBe(["cuisine_type", "rating"]);
    }

    [Fact]
    public async Task Join_on_an_unindexed_foreign_key_gets_an_index_on_it()
    {
        using var app = new SqliteApp();
        const string sql = "SELECT c.name, b.day FROM chefs c JOIN bookings b ON b.chef_id = c.id WHERE c.cuisine_type = ?";
        var (plan, advice) = await PlanAsync(app, sql);
        // SQLite either scans bookings in an inner loop or builds an automatic index on bookings(chef_id) for this one statement;
        // both say the index is missing.
        plan.Nodes.ShouldContain(n => n.Table == "bookings" && (n.Kind == PlanNodeKind.AutomaticIndex || n.Kind == PlanNodeKind.Scan));
        var lines = string.Join(" | ", plan.Nodes.Select(n => n.Detail));
        advice.Select(a => a.CreateIndex).ShouldContain("CREATE INDEX idx_bookings_chef_id ON bookings (chef_id)", lines);

        // Following the advice converges: each round adds what the new plan still scans, until nothing large is scanned.
        var applied = new List<string>();
        for (var round = 0; round < 3 && advice.Count > 0; round++)
        {
            foreach (var a in advice)
            {
                app.Execute(a.CreateIndex);
                applied.Add(a.CreateIndex);
            }

            (plan, advice) = await PlanAsync(app, sql);
        }

        advice.ShouldBeEmpty();
        applied.ShouldBe(["CREATE INDEX idx_bookings_chef_id ON bookings (chef_id)", "CREATE INDEX idx_chefs_cuisine_type ON chefs (cuisine_type)"]);
        plan.Nodes.Where(n => n.Table is not null).Select(n => n.Detail).ShouldBe(
            ["SEARCH c USING INDEX idx_chefs_cuisine_type (cuisine_type=?)", "SEARCH b USING INDEX idx_bookings_chef_id (chef_id=?)"]);
        plan.Nodes.Where(n => n.Table is not null).Select(n => n.Table).ShouldBe(["chefs", "bookings"]);
    }

    [Fact]
    public async Task Planning_never_writes_to_the_database_file()
    {
        using var app = new SqliteApp();
        var before = SHA256.HashData(await System.IO.File.ReadAllBytesAsync(app.File));
        var mtime = System.IO.File.GetLastWriteTimeUtc(app.File);
        var files = Directory.GetFiles(app.Folder).Order().ToArray();

        await using (var planner = await app.PlannerAsync())
        {
            foreach (var sql in new[]
                     {
                         "SELECT * FROM chefs WHERE cuisine_type = ?", "SELECT * FROM chefs WHERE id = ?", "DELETE FROM chefs WHERE rating = ?",
                         "UPDATE chefs SET name = ? WHERE cuisine_type = ?", "INSERT INTO bookings (chef_id, day, guests) VALUES (?, ?, ?)",
                         "SELECT c.name FROM chefs c JOIN bookings b ON b.chef_id = c.id",
                     })
            {
                var plan = await planner.PlanAsync(sql);
                if (!sql.StartsWith("INSERT", StringComparison.Ordinal))
                {
                    plan.Nodes.ShouldNotBeEmpty(sql); // INSERT … VALUES has no plan lines in SQLite
                }
            }

            // A second statement would be executed, not explained: refused before the database sees it.
            var multi = await Should.ThrowAsync<QueryPlanException>(() => planner.PlanAsync("SELECT 1; DELETE FROM chefs"));
            multi.Message.ShouldStartWith("cannot plan 2 statements at once");
            var ddl = await Should.ThrowAsync<QueryPlanException>(() => planner.PlanAsync("DROP TABLE chefs"));
            ddl.Message.ShouldBe("only SELECT, WITH, INSERT, UPDATE and DELETE statements are planned, not DROP TABLE chefs");
            var bad = await Should.ThrowAsync<QueryPlanException>(() => planner.PlanAsync("SELECT * FROM no_such_table WHERE x = 1"));
            bad.Message.ShouldBe("SQLite cannot plan SELECT * FROM no_such_table WHERE x = ?: SQLite Error 1: 'no such table: no_such_table'.");
        }

        SHA256.HashData(await System.IO.File.ReadAllBytesAsync(app.File)).ShouldBe(before);
        System.IO.File.GetLastWriteTimeUtc(app.File).ShouldBe(mtime);
        Directory.GetFiles(app.Folder).Order().ToArray().ShouldBe(files);
        app.Scalar("SELECT count(*) FROM chefs").ShouldBe(5000);
        app.Scalar("SELECT count(*) FROM bookings").ShouldBe(20000);
    }

    [Fact]
    public async Task A_wal_mode_database_in_use_by_the_app_is_planned_without_writing_to_it()
    {
        using var app = new SqliteApp();
        app.Execute("PRAGMA journal_mode=WAL;");
        // The application keeps its connection open (its -wal and -shm files exist), as a running app does.
        using var appConnection = new SqliteConnection($"Data Source={app.File};Pooling=False");
        appConnection.Open();
        using (var write = appConnection.CreateCommand())
        {
            write.CommandText = "INSERT INTO chefs (id, name, cuisine_type, rating) VALUES (5001, 'new', 'cuisine 1', 3)";
            write.ExecuteNonQuery();
        }

        var before = SHA256.HashData(await System.IO.File.ReadAllBytesAsync(app.File));
        var walBefore = SHA256.HashData(await System.IO.File.ReadAllBytesAsync(app.File + "-wal"));
        await using (var planner = await QueryPlanners.OpenAsync(DatabaseTarget.Parse(app.File)))
        {
            var plan = await planner.PlanAsync("SELECT * FROM chefs WHERE cuisine_type = ?");
            plan.Table("chefs")!.Rows.ShouldBe(5001); // the row still in the WAL is seen
            IndexAdvisor.Advise(plan).ShouldHaveSingleItem().CreateIndex.ShouldBe("CREATE INDEX idx_chefs_cuisine_type ON chefs (cuisine_type)");
        }

        SHA256.HashData(await System.IO.File.ReadAllBytesAsync(app.File)).ShouldBe(before);
        SHA256.HashData(await System.IO.File.ReadAllBytesAsync(app.File + "-wal")).ShouldBe(walBefore);
    }

    [Fact]
    public async Task Row_counts_come_from_sqlite_stat1_when_the_database_was_analysed()
    {
        using var app = new SqliteApp();
        app.Execute("CREATE INDEX idx_bookings_day ON bookings (day); ANALYZE;");
        var (plan, advice) = await PlanAsync(app, "SELECT * FROM bookings WHERE guests = ?");
        var table = plan.Table("bookings")!;
        table.RowsFrom.ShouldBe(RowCountSource.SqliteStat1);
        table.Rows.ShouldBe(20000);
        table.Indexes.ShouldContain(ix => ix.SequenceEqual(new[] { "day" }));
        var a = advice.ShouldHaveSingleItem();
        a.CreateIndex.ShouldBe("CREATE INDEX idx_bookings_guests ON bookings (guests)");
        a.Reason.ShouldContain("(sqlite_stat1)");
    }

    [Theory]
    [InlineData("SCAN chefs", "Scan", "chefs", null, "")]
    [InlineData("SCAN TABLE chefs AS c", "Scan", "chefs", null, "")]
    [InlineData("SCAN chefs USING COVERING INDEX idx_x", "Scan", "chefs", "idx_x", "")]
    [InlineData("SEARCH chefs USING INDEX idx_chefs_cuisine_type (cuisine_type=?)", "Search", "chefs", "idx_chefs_cuisine_type", "cuisine_type")]
    [InlineData("SEARCH TABLE chefs USING COVERING INDEX i2 (cuisine_type=? AND rating>?)", "Search", "chefs", "i2", "cuisine_type,rating")]
    [InlineData("SEARCH chefs USING INTEGER PRIMARY KEY (rowid=?)", "Search", "chefs", "INTEGER PRIMARY KEY", "rowid")]
    [InlineData("SEARCH cuisines USING PRIMARY KEY (code=?)", "Search", "cuisines", "PRIMARY KEY", "code")]
    [InlineData("SEARCH b USING AUTOMATIC COVERING INDEX (chef_id=?)", "AutomaticIndex", "b", null, "chef_id")]
    [InlineData("SEARCH b USING AUTOMATIC PARTIAL COVERING INDEX (chef_id=?)", "AutomaticIndex", "b", null, "chef_id")]
    [InlineData("USE TEMP B-TREE FOR ORDER BY", "Sort", null, null, "")]
    [InlineData("SCAN (subquery-1)", "Other", null, null, "")]
    [InlineData("SCAN CONSTANT ROW", "Other", null, null, "")]
    public void Parses_plan_lines(string detail, string kind, string? table, string? index, string columns)
    {
        var node = SqliteQueryPlanner.ParseDetail(detail, 0, null);
        node.Kind.ToString().ShouldBe(kind);
        node.Table.ShouldBe(table);
        node.Index.ShouldBe(index);
        string.Join(',', node.IndexColumns).ShouldBe(columns);
        node.Detail.ShouldBe(detail);
    }
}
