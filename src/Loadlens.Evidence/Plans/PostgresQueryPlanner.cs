using System.Globalization;
using System.Text.Json;
using Loadlens.Core.Sql;
using Loadlens.Evidence.Sql;
using Npgsql;

namespace Loadlens.Evidence.Plans;

/// <summary>
/// Plans statements with PostgreSQL's <c>EXPLAIN (FORMAT JSON)</c> — never <c>ANALYZE</c>, so the statement is not executed —
/// inside a transaction that is <c>READ ONLY</c> (and the session defaults to read-only) and is rolled back.
/// <para>
/// PostgreSQL before 16 has no <c>GENERIC_PLAN</c>, so each placeholder is bound to a typical literal of the column it is
/// compared with (found in the statement: <c>col = ?</c>, <c>col IN (?)</c>, <c>col &gt; ?</c>, <c>SET col = ?</c>,
/// <c>INSERT … (col) VALUES (?)</c>): the first of <c>pg_stats.most_common_vals</c> for equality, the middle of
/// <c>histogram_bounds</c> for ranges, else a default of the column's type; LIMIT ? is 10 and OFFSET ? 0; anything else NULL.
/// <see cref="QueryPlan.Parameters"/> says which, per placeholder. Values taken from the database's statistics are data, so
/// they are not recorded, and filters in plan lines are shown normalised (literals as <c>?</c>).
/// </para>
/// </summary>
internal sealed class PostgresQueryPlanner : IQueryPlanner
{
    /// <summary>Above this relation size a <c>count(*)</c> (used only when <c>reltuples</c> is unknown) is not run.</summary>
    public const long CountLimitBytes = 64L * 1024 * 1024;

    private readonly NpgsqlConnection _connection;

    private PostgresQueryPlanner(NpgsqlConnection connection) => _connection = connection;

    public static async Task<PostgresQueryPlanner> OpenAsync(DatabaseTarget target, CancellationToken cancellationToken = default)
    {
        if (target.Kind != DatabaseKind.Postgres)
        {
            throw new ArgumentException($"--db {target}: not a PostgreSQL database", nameof(target));
        }

        var connection = new NpgsqlConnection(target.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new QueryPlanException($"--db {target}: cannot connect ({DatabaseTarget.Redact(ex.Message)})", ex);
        }

        return new PostgresQueryPlanner(connection);
    }

    public async Task<QueryPlan> PlanAsync(string statement, CancellationToken cancellationToken = default)
    {
        var normal = PlannableStatement.Check(statement);
        var shape = SqlPredicates.Parse(normal.Text);
        await using var transaction = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync("SET TRANSACTION READ ONLY", transaction, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync("SET LOCAL statement_timeout = '15s'", transaction, cancellationToken).ConfigureAwait(false);

            var tables = new List<PlanTable>();
            var types = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in normal.Tables)
            {
                if (await DescribeAsync(name, transaction, cancellationToken).ConfigureAwait(false) is { } described)
                {
                    tables.Add(described.Table);
                    types[name] = described.Types;
                }
            }

            var bindings = new List<ParameterBinding>();
            var literals = new List<string>();
            foreach (var p in shape.Placeholders)
            {
                var (binding, literal) = await BindAsync(p, shape, types, transaction, cancellationToken).ConfigureAwait(false);
                bindings.Add(binding);
                literals.Add(literal);
            }

            var sql = PlannableStatement.ReplaceValues(normal.Text, n => n <= literals.Count ? literals[n - 1] : "NULL");
            string json;
            await using (var command = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + sql, _connection, transaction))
            {
                try
                {
                    json = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }
                catch (PostgresException ex)
                {
                    throw new QueryPlanException($"PostgreSQL cannot plan {PlannableStatement.Shorten(normal.Text)}: {ex.MessageText}", ex);
                }
            }

            var nodes = ParseJson(json);
            return new QueryPlan("postgresql", normal.Text, "EXPLAIN (FORMAT JSON), placeholders bound to typical values (see Parameters)", nodes, tables, bindings);
        }
        finally
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task ExecuteAsync(string sql, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<(PlanTable Table, Dictionary<string, string> Types)?> DescribeAsync(string name, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT c.oid::bigint, c.relname, c.reltuples::bigint, pg_relation_size(c.oid)
            FROM pg_class c WHERE c.oid = to_regclass(@t) AND c.relkind IN ('r', 'p', 'm')
            """, _connection, transaction);
        command.Parameters.AddWithValue("t", name);
        long oid;
        string relname;
        long reltuples;
        long bytes;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null; // a CTE name, a view, or not visible on the search path
            }

            oid = reader.GetInt64(0);
            relname = reader.GetString(1);
            reltuples = reader.GetInt64(2);
            bytes = reader.GetInt64(3);
        }

        var columns = new List<string>();
        var types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        command.Parameters.Clear();
        command.CommandText = "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = @oid::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum";
        command.Parameters.AddWithValue("oid", oid);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                columns.Add(reader.GetString(0));
                types[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var indexes = new List<IReadOnlyList<string>>();
        command.CommandText = """
            SELECT array_agg(a.attname::text ORDER BY k.ord)
            FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = @oid::oid GROUP BY i.indexrelid
            """;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                indexes.Add(reader.GetFieldValue<string[]>(0));
            }
        }

        long? rows = reltuples;
        var source = RowCountSource.PgClassReltuples;
        if (reltuples < 0)
        {
            // Never vacuumed or analysed: count only when the table is small.
            if (bytes <= CountLimitBytes)
            {
                command.Parameters.Clear();
                command.CommandText = $"SELECT count(*) FROM {QuoteName(name)}";
                rows = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                source = RowCountSource.Count;
            }
            else
            {
                rows = null;
                source = RowCountSource.Unknown;
            }
        }

        return (new PlanTable(relname, rows, source, columns, indexes), types);
    }

    private async Task<(ParameterBinding Binding, string Literal)> BindAsync(Placeholder p, StatementShape shape,
        Dictionary<string, Dictionary<string, string>> types, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        switch (p.Role)
        {
            case PlaceholderRole.Limit:
                return (new ParameterBinding(p.Ordinal, null, "bigint", BindingSource.Constant, "10"), "10");
            case PlaceholderRole.Offset:
                return (new ParameterBinding(p.Ordinal, null, "bigint", BindingSource.Constant, "0"), "0");
        }

        var table = p.Column is null ? null : shape.TableOf(p.Column, (t, c) => types.TryGetValue(t, out var cs) && cs.ContainsKey(c));
        if (p.Column is null || table is null || !types.TryGetValue(table, out var columnTypes) || !columnTypes.TryGetValue(p.Column.Column, out var type))
        {
            return (new ParameterBinding(p.Ordinal, p.Column?.ToString(), null, BindingSource.Null, "NULL"), "NULL");
        }

        var column = $"{SqlTables.Unqualified(table)}.{p.Column.Column}";
        if (p.Role is PlaceholderRole.Equality or PlaceholderRole.Range)
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT (s.most_common_vals::text::text[])[1],
                       (s.histogram_bounds::text::text[])[array_length(s.histogram_bounds::text::text[], 1) / 2 + 1]
                FROM pg_stats s
                JOIN pg_class c ON c.relname = s.tablename
                JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname
                WHERE c.oid = to_regclass(@t) AND s.attname = @c
                LIMIT 1
                """, _connection, transaction);
            command.Parameters.AddWithValue("t", table);
            command.Parameters.AddWithValue("c", p.Column.Column);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var common = reader.IsDBNull(0) ? null : reader.GetString(0);
                var middle = reader.IsDBNull(1) ? null : reader.GetString(1);
                var (value, source) = p.Role == PlaceholderRole.Range
                    ? (middle ?? common, middle is not null ? BindingSource.HistogramMiddle : BindingSource.MostCommonValue)
                    : (common ?? middle, common is not null ? BindingSource.MostCommonValue : BindingSource.HistogramMiddle);
                if (value is not null)
                {
                    return (new ParameterBinding(p.Ordinal, column, type, source, null), Typed(value, type));
                }
            }
        }

        var fallback = TypeDefault(type);
        return fallback is null
            ? (new ParameterBinding(p.Ordinal, column, type, BindingSource.Null, "NULL"), "NULL")
            : (new ParameterBinding(p.Ordinal, column, type, BindingSource.TypeDefault, fallback), Typed(fallback, type));
    }

    private static string Typed(string value, string type) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'::" + type;

    /// <summary>A value of the type that the planner treats like any other (no column statistics to prefer one).</summary>
    internal static string? TypeDefault(string type)
    {
        var t = type.ToLowerInvariant();
        if (t.EndsWith("[]", StringComparison.Ordinal))
        {
            return "{}";
        }

        return t switch
        {
            "smallint" or "integer" or "bigint" or "real" or "double precision" or "oid" or "money" => "1",
            _ when t.StartsWith("numeric", StringComparison.Ordinal) => "1",
            "text" or "name" or "citext" => "a",
            _ when t.StartsWith("character", StringComparison.Ordinal) || t.StartsWith("bpchar", StringComparison.Ordinal) => "a",
            "boolean" => "true",
            "date" => "2000-01-01",
            _ when t.StartsWith("timestamp", StringComparison.Ordinal) => "2000-01-01 00:00:00",
            _ when t.StartsWith("time", StringComparison.Ordinal) => "00:00:00",
            "interval" => "1 day",
            "uuid" => "00000000-0000-0000-0000-000000000000",
            "json" or "jsonb" => "{}",
            "bytea" => "",
            _ => null,
        };
    }

    private static string QuoteName(string name) =>
        string.Join('.', name.Split('.').Select(part => "\"" + part.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));

    /// <summary>Flatten the JSON plan tree depth-first; table-reading nodes are numbered in visiting order.</summary>
    internal static List<PlanNode> ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var nodes = new List<PlanNode>();
        var loop = 0;
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            if (entry.TryGetProperty("Plan", out var plan))
            {
                Walk(plan, 0, inner: false, nodes, ref loop);
            }
        }

        return nodes;
    }

    private static void Walk(JsonElement plan, int depth, bool inner, List<PlanNode> nodes, ref int loop)
    {
        var type = Text(plan, "Node Type") ?? "";
        var table = Text(plan, "Relation Name");
        var alias = Text(plan, "Alias");
        var index = Text(plan, "Index Name");
        var filter = Text(plan, "Filter");
        var condition = Text(plan, "Index Cond") ?? Text(plan, "Recheck Cond") ?? Text(plan, "Hash Cond") ?? Text(plan, "Merge Cond") ?? Text(plan, "Join Filter");
        double? rows = plan.TryGetProperty("Plan Rows", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetDouble() : null;
        var kind = type switch
        {
            "Seq Scan" => PlanNodeKind.Scan,
            "Index Scan" or "Index Only Scan" or "Bitmap Index Scan" or "Bitmap Heap Scan" => PlanNodeKind.Search,
            "Sort" or "Incremental Sort" => PlanNodeKind.Sort,
            _ => PlanNodeKind.Other,
        };

        var normalFilter = filter is null ? null : SqlNormalizer.Normalize(filter).Text;
        var detail = type + (table is null ? "" : " on " + table + (alias is not null && alias != table ? " " + alias : ""))
                     + (index is null ? "" : " using " + index)
                     + (condition is null ? "" : "  Cond: " + SqlNormalizer.Normalize(condition).Text)
                     + (normalFilter is null ? "" : "  Filter: " + normalFilter)
                     + (rows is null ? "" : "  (rows=" + rows.Value.ToString("0", CultureInfo.InvariantCulture) + ")");
        nodes.Add(new PlanNode(kind, table, alias == table ? null : alias, index, [], normalFilter, detail, rows, depth, table is null ? -1 : loop++, inner));
        if (plan.TryGetProperty("Plans", out var children) && children.ValueKind == JsonValueKind.Array)
        {
            var isJoin = type is "Nested Loop" or "Hash Join" or "Merge Join";
            var position = 0;
            foreach (var child in children.EnumerateArray())
            {
                // The inner (second) side of a Nested Loop runs once per outer row; other joins read each side once.
                var childInner = type == "Nested Loop" ? position > 0 : !isJoin && inner;
                Walk(child, depth + 1, childInner, nodes, ref loop);
                position++;
            }
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
