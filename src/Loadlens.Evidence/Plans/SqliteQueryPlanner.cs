using System.Globalization;
using System.Text.RegularExpressions;
using Loadlens.Core.Sql;
using Loadlens.Evidence.Sql;
using Microsoft.Data.Sqlite;

namespace Loadlens.Evidence.Plans;

/// <summary>
/// Plans statements with SQLite's <c>EXPLAIN QUERY PLAN</c> over a connection opened <c>Mode=ReadOnly</c> (and
/// <c>PRAGMA query_only</c>): nothing is written to the file. Parameters are bound to NULL, which is what SQLite does with
/// unbound ones; the plan shape does not depend on their values. Table sizes come from <c>sqlite_stat1</c> when present,
/// else <c>count(*)</c> when the file is at most <see cref="CountLimitBytes"/>, else <c>max(rowid)</c> (an upper bound).
/// </summary>
internal sealed partial class SqliteQueryPlanner : IQueryPlanner
{
    /// <summary>Above this file size a <c>count(*)</c> could take long: <c>max(rowid)</c> is used instead.</summary>
    public const long CountLimitBytes = 64L * 1024 * 1024;

    private readonly SqliteConnection _connection;
    private readonly long _fileBytes;

    private SqliteQueryPlanner(SqliteConnection connection, long fileBytes)
    {
        _connection = connection;
        _fileBytes = fileBytes;
    }

    /// <summary>Open <paramref name="target"/> (a SQLite target) read-only.</summary>
    public static async Task<SqliteQueryPlanner> OpenAsync(DatabaseTarget target, CancellationToken cancellationToken = default)
    {
        if (target.Kind != DatabaseKind.Sqlite)
        {
            throw new ArgumentException($"--db {target}: not a SQLite database", nameof(target));
        }

        var connection = new SqliteConnection(target.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA query_only = ON";
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new QueryPlanException($"--db {target}: cannot open read-only ({ex.Message})", ex);
        }

        return new SqliteQueryPlanner(connection, new FileInfo(target.Display).Length);
    }

    public async Task<QueryPlan> PlanAsync(string statement, CancellationToken cancellationToken = default)
    {
        var normal = PlannableStatement.Check(statement);
        var shape = SqlPredicates.Parse(normal.Text);
        var count = 0;
        var sql = PlannableStatement.ReplaceValues(normal.Text, n =>
        {
            count = n;
            return "@p" + n.ToString(CultureInfo.InvariantCulture);
        });

        var rows = new List<(long Id, long Parent, string Detail)>();
        await using (var command = _connection.CreateCommand())
        {
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            for (var n = 1; n <= count; n++)
            {
                command.Parameters.AddWithValue("@p" + n.ToString(CultureInfo.InvariantCulture), DBNull.Value);
            }

            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(3)));
                }
            }
            catch (SqliteException ex)
            {
                throw new QueryPlanException($"SQLite cannot plan {PlannableStatement.Shorten(normal.Text)}: {ex.Message}", ex);
            }
        }

        var nodes = ParseRows(rows, shape);
        var names = normal.Tables.Concat(nodes.Where(n => n.Table is not null).Select(n => n.Table!))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var tables = new List<PlanTable>();
        foreach (var name in names)
        {
            if (await DescribeAsync(name, cancellationToken).ConfigureAwait(false) is { } table)
            {
                tables.Add(table);
            }
        }

        var bindings = Enumerable.Range(1, count).Select(n => new ParameterBinding(n, null, null, BindingSource.Unbound, null)).ToList();
        return new QueryPlan("sqlite", normal.Text, "EXPLAIN QUERY PLAN, parameters unbound (NULL)", nodes, tables, bindings);
    }

    /// <summary>Turn (id, parent, detail) rows into nodes: depth from the parent chain, loop order from the row order.</summary>
    internal static List<PlanNode> ParseRows(IReadOnlyList<(long Id, long Parent, string Detail)> rows, StatementShape? shape)
    {
        var depth = new Dictionary<long, int>();
        var nodes = new List<PlanNode>(rows.Count);
        var loop = 0;
        foreach (var (id, parent, detail) in rows)
        {
            var d = depth.TryGetValue(parent, out var p) ? p + 1 : 0;
            depth[id] = d;
            var node = ParseDetail(detail, d, shape);
            if (node.Table is not null)
            {
                node = node with { Loop = loop, InnerLoop = loop > 0 };
                loop++;
            }

            nodes.Add(node);
        }

        return nodes;
    }

    internal static PlanNode ParseDetail(string detail, int depth, StatementShape? shape)
    {
        var m = ScanRegex().Match(detail);
        if (!m.Success || m.Groups["name"].Value.StartsWith('(') || detail == "SCAN CONSTANT ROW")
        {
            var kind = detail.StartsWith("USE TEMP B-TREE", StringComparison.Ordinal) ? PlanNodeKind.Sort : PlanNodeKind.Other;
            return new PlanNode(kind, null, null, null, [], null, detail, null, depth, -1);
        }

        var name = m.Groups["name"].Value;
        var alias = m.Groups["alias"].Success ? m.Groups["alias"].Value : null;
        var table = name;
        // Newer SQLite prints the alias alone ("SCAN c"); map it back to the table.
        if (shape is not null)
        {
            var reference = shape.Tables.FirstOrDefault(t => string.Equals(t.Alias, alias ?? name, StringComparison.OrdinalIgnoreCase))
                            ?? shape.Tables.FirstOrDefault(t => string.Equals(SqlTables.Unqualified(t.Table), name, StringComparison.OrdinalIgnoreCase));
            if (reference is not null)
            {
                table = SqlTables.Unqualified(reference.Table);
                alias = string.Equals(reference.Alias, table, StringComparison.OrdinalIgnoreCase) ? null : reference.Alias;
            }
        }

        var usingText = m.Groups["using"].Success ? m.Groups["using"].Value : "";
        var columns = new List<string>();
        if (m.Groups["cond"].Success)
        {
            foreach (Match c in ConditionColumnRegex().Matches(m.Groups["cond"].Value))
            {
                columns.Add(c.Groups[1].Value);
            }
        }

        string? index = m.Groups["index"].Success ? m.Groups["index"].Value : null;
        PlanNodeKind nodeKind;
        if (usingText.Contains("AUTOMATIC", StringComparison.Ordinal))
        {
            nodeKind = PlanNodeKind.AutomaticIndex;
        }
        else if (m.Groups["verb"].Value == "SEARCH")
        {
            nodeKind = PlanNodeKind.Search;
            if (index is null && usingText.Contains("PRIMARY KEY", StringComparison.Ordinal))
            {
                index = usingText.Contains("INTEGER", StringComparison.Ordinal) ? "INTEGER PRIMARY KEY" : "PRIMARY KEY";
            }
        }
        else
        {
            nodeKind = PlanNodeKind.Scan; // SCAN t, or SCAN t USING [COVERING] INDEX i: every entry is read
        }

        return new PlanNode(nodeKind, table, alias, index, columns, null, detail, null, depth, -1);
    }

    private async Task<PlanTable?> DescribeAsync(string name, CancellationToken cancellationToken)
    {
        var bare = SqlTables.Unqualified(name);
        var columns = new List<string>();
        var isTable = false;
        await using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT type FROM sqlite_schema WHERE name = @t COLLATE NOCASE AND type IN ('table', 'view')";
            command.Parameters.AddWithValue("@t", bare);
            isTable = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is "table";
        }

        if (!isTable)
        {
            return null;
        }

        await using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM pragma_table_info(@t) ORDER BY cid";
            command.Parameters.AddWithValue("@t", bare);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                columns.Add(reader.GetString(0));
            }
        }

        var indexes = new List<IReadOnlyList<string>>();
        await using (var command = _connection.CreateCommand())
        {
            command.CommandText = """
                SELECT l.name, i.name FROM pragma_index_list(@t) AS l, pragma_index_info(l.name) AS i
                ORDER BY l.name, i.seqno
                """;
            command.Parameters.AddWithValue("@t", bare);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            string? current = null;
            List<string>? list = null;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var indexName = reader.GetString(0);
                if (indexName != current)
                {
                    current = indexName;
                    list = [];
                    indexes.Add(list);
                }

                list!.Add(reader.IsDBNull(1) ? "" : reader.GetString(1));
            }
        }

        var (rows, source) = await RowCountAsync(bare, cancellationToken).ConfigureAwait(false);
        return new PlanTable(bare, rows, source, columns, indexes);
    }

    private async Task<(long? Rows, RowCountSource Source)> RowCountAsync(string table, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat1'";
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            command.CommandText = "SELECT stat FROM sqlite_stat1 WHERE tbl = @t COLLATE NOCASE LIMIT 1";
            command.Parameters.AddWithValue("@t", table);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string stat
                && long.TryParse(stat.Split(' ', 2)[0], NumberStyles.None, CultureInfo.InvariantCulture, out var fromStat))
            {
                return (fromStat, RowCountSource.SqliteStat1);
            }

            command.Parameters.Clear();
        }

        var quoted = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        try
        {
            if (_fileBytes <= CountLimitBytes)
            {
                command.CommandText = $"SELECT count(*) FROM {quoted}";
                return (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture), RowCountSource.Count);
            }

            command.CommandText = $"SELECT max(rowid) FROM {quoted}";
            var max = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return max is long l ? (l, RowCountSource.MaxRowId) : (0, RowCountSource.MaxRowId);
        }
        catch (SqliteException)
        {
            return (null, RowCountSource.Unknown); // WITHOUT ROWID table: no rowid to bound the count with
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    // SCAN t | SCAN TABLE t AS a | SEARCH t USING [COVERING|AUTOMATIC [PARTIAL] COVERING] INDEX i (a=? AND b>?) | … USING INTEGER PRIMARY KEY (rowid=?)
    [GeneratedRegex(@"^(?<verb>SCAN|SEARCH)\s+(?:TABLE\s+)?(?<name>\S+)(?:\s+AS\s+(?<alias>\S+))?(?:\s+(?<using>USING\s+(?:[A-Z\-]+\s+)*?(?:INDEX(?:\s+(?<index>[^\s(]+))?|PRIMARY\s+KEY|INTEGER\s+PRIMARY\s+KEY)))?(?:\s+\((?<cond>[^)]*)\))?")]
    private static partial Regex ScanRegex();

    [GeneratedRegex(@"([A-Za-z_][\w$]*)\s*(?:=|>|<|>=|<=|\s+IN\b)")]
    private static partial Regex ConditionColumnRegex();
}
