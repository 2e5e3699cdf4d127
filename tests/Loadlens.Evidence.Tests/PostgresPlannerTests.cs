using Loadlens.Evidence.Plans;
using Npgsql;

namespace Loadlens.Evidence.Tests;

/// <summary>
/// A fresh schema in the PostgreSQL database of <c>LOADLENS_TEST_PG</c> (.ci/run starts the cluster and exports it), dropped
/// after the test. Outside CI the tests are skipped when it is unset; with CI=true they fail.
/// </summary>
internal sealed class PostgresApp : IAsyncDisposable
{
    private readonly string _admin;

    private PostgresApp(string url, string admin, string schema)
    {
        Url = url;
        _admin = admin;
        Schema = schema;
    }

    /// <summary>The URL with <c>?schema=</c> — what a user passes as <c>--db</c>.</summary>
    public string Url { get; }

    public string Schema { get; }

    public static async Task<PostgresApp> CreateAsync(bool analyze = true)
    {
        var url = Environment.GetEnvironmentVariable("LOADLENS_TEST_PG");
        if (string.IsNullOrWhiteSpace(url))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("CI=true but LOADLENS_TEST_PG is unset: .ci/run must start PostgreSQL (tests/history/ensure-postgres.sh)");
            }

            Skip.If(true, "LOADLENS_TEST_PG is unset (export LOADLENS_TEST_PG=postgres://postgres:PASSWORD@127.0.0.1:5432/loadlens_test)");
        }

        var uri = new Uri(url!);
        var user = uri.UserInfo.Split(':', 2);
        var admin = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = uri.AbsolutePath.Trim('/'),
            Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
            Pooling = false,
        }.ConnectionString;
        var schema = "evidence_" + Guid.NewGuid().ToString("N")[..12];
        var app = new PostgresApp(url + (url!.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "schema=" + schema, admin, schema);
        await app.ExecuteAsync($"""
            CREATE SCHEMA {schema};
            CREATE TABLE chefs (id integer PRIMARY KEY, name text NOT NULL, cuisine_type text NOT NULL, rating integer NOT NULL, active boolean NOT NULL);
            CREATE TABLE bookings (id serial PRIMARY KEY, chef_id integer NOT NULL, day date NOT NULL, guests integer NOT NULL);
            CREATE TABLE cuisines (code text PRIMARY KEY, label text NOT NULL);
            INSERT INTO chefs SELECT i, 'chef ' || i, 'cuisine ' || (i % 50), i % 5, i % 10 <> 0 FROM generate_series(1, 5000) AS i;
            INSERT INTO bookings (chef_id, day, guests) SELECT 1 + i % 5000, date '2024-01-01' + (i % 365), 1 + i % 8 FROM generate_series(1, 20000) AS i;
            INSERT INTO cuisines SELECT 'c' || i, 'Cuisine ' || i FROM generate_series(1, 12) AS i;
            """);
        if (analyze)
        {
            await app.ExecuteAsync("ANALYZE chefs; ANALYZE bookings; ANALYZE cuisines;"); // the test's set-up, not Loadlens
        }

        return app;
    }

    /// <summary>Run SQL in the test schema over the test's own (writable) connection.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var c = new NpgsqlConnection(_admin);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SET search_path TO {Schema}, public; {sql}", c);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var c = new NpgsqlConnection(_admin);
        await c.OpenAsync();
        await using (var set = new NpgsqlCommand($"SET search_path TO {Schema}, public", c))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using var cmd = new NpgsqlCommand(sql, c);
        return await cmd.ExecuteScalarAsync();
    }

    public Task<PostgresQueryPlanner> PlannerAsync() => PostgresQueryPlanner.OpenAsync(DatabaseTarget.Parse(Url));

    public async ValueTask DisposeAsync()
    {
        await using var c = new NpgsqlConnection(_admin);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", c);
        await cmd.ExecuteNonQueryAsync();
    }
}

public class PostgresPlannerTests
{
    private static async Task<(QueryPlan Plan, IReadOnlyList<IndexAdvice> Advice)> PlanAsync(PostgresApp app, string sql)
    {
        await using var planner = await app.PlannerAsync();
        var plan = await planner.PlanAsync(sql);
        return (plan, IndexAdvisor.Advise(plan));
    }

    [SkippableFact]
    public async Task Unindexed_filter_gets_the_exact_create_index_and_the_index_silences_it()
    {
        await using var app = await PostgresApp.CreateAsync();
        const string sql = "SELECT * FROM chefs WHERE cuisine_type = $1";
        var (plan, advice) = await PlanAsync(app, sql);

        plan.Database.ShouldBe("postgresql");
        plan.Statement.ShouldBe("SELECT * FROM chefs WHERE cuisine_type = ?");
        var scan = plan.Nodes.ShouldHaveSingleItem();
        scan.Kind.ShouldBe(PlanNodeKind.Scan);
        scan.Table.ShouldBe("chefs");
        scan.Filter.ShouldBe("(cuisine_type = ?::text)");
        scan.EstimatedRows!.Value.ShouldBeInRange(50, 200); // 5,000 rows over 50 cuisines
        plan.Table("chefs")!.Rows.ShouldBe(5000);
        plan.Table("chefs")!.RowsFrom.ShouldBe(RowCountSource.PgClassReltuples);

        // $1 was bound to a most common value of chefs.cuisine_type; the value itself is data and is not recorded.
        var binding = plan.Parameters.ShouldHaveSingleItem();
        binding.Column.ShouldBe("chefs.cuisine_type");
        binding.Type.ShouldBe("text");
        binding.Source.ShouldBe(BindingSource.MostCommonValue);
        binding.Value.ShouldBeNull();
        scan.Detail.ShouldNotContain("cuisine 1");

        var a = advice.ShouldHaveSingleItem();
        a.CreateIndex.ShouldBe("CREATE INDEX idx_chefs_cuisine_type ON chefs (cuisine_type)");
        a.RowsScanned.ShouldBe(5000);
        a.RowsFrom.ShouldBe(RowCountSource.PgClassReltuples);
        a.PlanLine.ShouldStartWith("Seq Scan on chefs  Filter: (cuisine_type = ?::text)");
        a.FilterColumns.ShouldBe(["cuisine_type"]);

        await app.ExecuteAsync(a.CreateIndex + "; ANALYZE chefs;");
        var (after, none) = await PlanAsync(app, sql);
        after.Nodes.ShouldContain(n => n.Kind == PlanNodeKind.Search && n.Index == "idx_chefs_cuisine_type");
        after.Nodes.ShouldNotContain(n => n.Kind == PlanNodeKind.Scan);
        none.ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task Primary_key_lookup_small_table_and_unfiltered_scan_get_no_advice()
    {
        await using var app = await PostgresApp.CreateAsync();
        var (pk, pkAdvice) = await PlanAsync(app, "SELECT * FROM chefs WHERE id = $1");
        pk.Nodes.ShouldContain(n => n.Kind == PlanNodeKind.Search && n.Index == "chefs_pkey");
        pk.Parameters.ShouldHaveSingleItem().Source.ShouldBe(BindingSource.HistogramMiddle); // a unique column has no common values
        pkAdvice.ShouldBeEmpty();

        var (small, smallAdvice) = await PlanAsync(app, "SELECT * FROM cuisines WHERE label = 'Cuisine 3'");
        small.Nodes.ShouldContain(n => n.Kind == PlanNodeKind.Scan && n.Table == "cuisines");
        small.Table("cuisines")!.Rows.ShouldBe(12);
        smallAdvice.ShouldBeEmpty();

        var (all, allAdvice) = await PlanAsync(app, "SELECT * FROM chefs");
        all.Nodes.ShouldHaveSingleItem().Kind.ShouldBe(PlanNodeKind.Scan);
        allAdvice.ShouldBeEmpty();

        // A filter that keeps most of the table would not use an index: no advice either.
        // (90 % of the chefs are active; the most common value is bound.)
        var (wide, wideAdvice) = await PlanAsync(app, "SELECT * FROM chefs WHERE active = ?");
        wide.Parameters.ShouldHaveSingleItem().Source.ShouldBe(BindingSource.MostCommonValue);
        wide.Nodes.ShouldHaveSingleItem().EstimatedRows!.Value.ShouldBeGreaterThan(4000);
        wideAdvice.ShouldBeEmpty();
        IndexAdvisor.Advise(wide, new IndexAdvisorOptions { MaximumSelectivity = 1 }).ShouldHaveSingleItem()
            .CreateIndex.ShouldBe("CREATE INDEX idx_chefs_active ON chefs (active)");
    }

    [SkippableFact]
    public async Task Join_advice_names_the_filtered_table_and_a_hash_join_gets_none()
    {
        await using var app = await PostgresApp.CreateAsync();
        const string sql = "SELECT c.name, b.day FROM chefs c JOIN bookings b ON b.chef_id = c.id WHERE c.cuisine_type = $1";
        var (plan, advice) = await PlanAsync(app, sql);
        var lines = string.Join(" | ", plan.Nodes.Select(n => n.Detail));
        plan.Nodes.ShouldContain(n => n.Detail.StartsWith("Hash Join", StringComparison.Ordinal), lines);
        // bookings is read whole once for the hash table, not once per chef: no index on its join column is advised.
        advice.ShouldHaveSingleItem(lines).CreateIndex.ShouldBe("CREATE INDEX idx_chefs_cuisine_type ON chefs (cuisine_type)");

        await app.ExecuteAsync(advice[0].CreateIndex + "; ANALYZE chefs;");
        (plan, advice) = await PlanAsync(app, sql);
        lines = string.Join(" | ", plan.Nodes.Select(n => n.Detail));
        plan.Nodes.ShouldContain(n => n.Table == "chefs" && n.Kind == PlanNodeKind.Search && n.Index == null, lines); // Bitmap Heap Scan
        plan.Nodes.ShouldContain(n => n.Kind == PlanNodeKind.Search && n.Index == "idx_chefs_cuisine_type", lines);
        advice.ShouldBeEmpty(lines);
    }

    [SkippableFact]
    public async Task Typical_values_follow_the_statement_and_say_where_they_came_from()
    {
        await using var app = await PostgresApp.CreateAsync();
        var (plan, advice) = await PlanAsync(app,
            "SELECT b.* FROM bookings b JOIN chefs c ON c.id = b.chef_id WHERE b.guests = ? AND b.day >= ? ORDER BY b.day LIMIT ? OFFSET ?");
        plan.Parameters.Select(p => (p.Ordinal, p.Column, p.Source, p.Value)).ShouldBe(
        [
            (1, "bookings.guests", BindingSource.MostCommonValue, null),
            (2, "bookings.day", BindingSource.HistogramMiddle, null),
            (3, null, BindingSource.Constant, "10"),
            (4, null, BindingSource.Constant, "0"),
        ]);
        plan.Parameters[1].Type.ShouldBe("date");
        advice.Select(a => a.Table).ShouldContain("bookings");
        advice.First(a => a.Table == "bookings").Columns[0].ShouldBe("guests");
    }

    [SkippableFact]
    public async Task Without_statistics_sizes_are_counted_and_values_are_type_defaults()
    {
        await using var app = await PostgresApp.CreateAsync(analyze: false);
        var (plan, advice) = await PlanAsync(app, "SELECT * FROM chefs WHERE cuisine_type = :c AND rating = :r");
        var chefs = plan.Table("chefs")!;
        chefs.RowsFrom.ShouldBeOneOf(RowCountSource.Count, RowCountSource.PgClassReltuples); // autovacuum may have analysed it meanwhile
        chefs.Rows.ShouldBe(5000);
        if (plan.Parameters.All(p => p.Source == BindingSource.TypeDefault))
        {
            plan.Parameters.Select(p => (p.Column, p.Type, p.Value)).ShouldBe([("chefs.cuisine_type", "text", "a"), ("chefs.rating", "integer", "1")]);
        }

        advice.ShouldHaveSingleItem().CreateIndex.ShouldBe("CREATE INDEX idx_chefs_cuisine_type_rating ON chefs (cuisine_type, rating)");
    }

    [SkippableFact]
    public async Task Planning_writes_nothing_and_refuses_what_would_execute()
    {
        await using var app = await PostgresApp.CreateAsync();
        await using (var planner = await app.PlannerAsync())
        {
            foreach (var sql in new[] { "DELETE FROM chefs WHERE cuisine_type = $1", "UPDATE chefs SET rating = $1 WHERE id = $2" })
            {
                (await planner.PlanAsync(sql)).Nodes.ShouldNotBeEmpty(sql);
            }

            (await Should.ThrowAsync<QueryPlanException>(() => planner.PlanAsync("TRUNCATE chefs"))).Message
                .ShouldBe("only SELECT, WITH, INSERT, UPDATE and DELETE statements are planned, not TRUNCATE chefs");
            (await Should.ThrowAsync<QueryPlanException>(() => planner.PlanAsync("SELECT 1; DROP TABLE chefs"))).Message
                .ShouldBe("cannot plan 2 statements at once: SELECT ?; DROP TABLE chefs");

            var insert = await planner.PlanAsync("INSERT INTO bookings (chef_id, day, guests) VALUES ($1, $2, $3)");
            insert.Parameters.Select(p => p.Column).ShouldBe(["bookings.chef_id", "bookings.day", "bookings.guests"]);
            insert.Parameters.ShouldAllBe(p => p.Source == BindingSource.TypeDefault);
            var update = await planner.PlanAsync("UPDATE chefs SET rating = $1 WHERE id = $2");
            update.Parameters[0].Source.ShouldBe(BindingSource.TypeDefault); // an assigned value is not looked up in the statistics
            update.Parameters[1].Column.ShouldBe("chefs.id");

            (await Should.ThrowAsync<QueryPlanException>(() => planner.PlanAsync("SELECT * FROM missing_table WHERE a = 1"))).Message
                .ShouldBe("PostgreSQL cannot plan SELECT * FROM missing_table WHERE a = ?: relation \"missing_table\" does not exist");

            // The session itself refuses writes even outside the planner's own read-only transaction.
            (await app.ScalarAsync("SELECT count(*) FROM chefs")).ShouldBe(5000L);
        }

        (await app.ScalarAsync("SELECT count(*) FROM chefs")).ShouldBe(5000L);
        (await app.ScalarAsync("SELECT count(*) FROM bookings")).ShouldBe(20000L);
        (await app.ScalarAsync("SELECT count(*) FROM chefs WHERE rating = 1")).ShouldBe(1000L);
        (await app.ScalarAsync("SELECT to_regclass('chefs') IS NOT NULL")).ShouldBe(true);
    }

    [SkippableFact]
    public async Task The_planner_session_is_read_only()
    {
        await using var app = await PostgresApp.CreateAsync();
        await using var c = new NpgsqlConnection(DatabaseTarget.Parse(app.Url).ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("DELETE FROM chefs", c);
        var ex = await Should.ThrowAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        ex.SqlState.ShouldBe("25006"); // read_only_sql_transaction
        (await app.ScalarAsync("SELECT count(*) FROM chefs")).ShouldBe(5000L);
    }

    [SkippableFact]
    public async Task A_wrong_password_is_reported_without_it()
    {
        await using var app = await PostgresApp.CreateAsync();
        var url = new UriBuilder(new Uri(app.Url)) { Password = "definitely-wrong-pw" }.Uri.ToString();
        var ex = await Should.ThrowAsync<QueryPlanException>(() => PostgresQueryPlanner.OpenAsync(DatabaseTarget.Parse(url)));
        ex.Message.ShouldNotContain("definitely-wrong-pw");
        ex.Message.ShouldContain("cannot connect");
        ex.Message.ShouldContain(":***@");
    }
}
