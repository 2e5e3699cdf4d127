using System.Globalization;
using System.Text;
using Loadlens.Core.Sql;
using Loadlens.Evidence.Sql;

namespace Loadlens.Evidence.Plans;

/// <summary>When the advisor speaks.</summary>
internal sealed record IndexAdvisorOptions
{
    /// <summary>Tables with fewer rows are read whole cheaply: no advice.</summary>
    public long MinimumRows { get; init; } = 1_000;

    /// <summary>When the planner estimates the filter keeps more than this share of the table (PostgreSQL), an index would not be used: no advice.</summary>
    public double MaximumSelectivity { get; init; } = 0.3;
}

/// <summary>One index to add, with its evidence.</summary>
/// <param name="Table">The table scanned.</param>
/// <param name="Columns">The index columns: equality columns, then range columns, then ORDER BY columns.</param>
/// <param name="CreateIndex">The exact statement to run.</param>
/// <param name="RowsScanned">The table's rows (all are read by the scan).</param>
/// <param name="RowsFrom">Where that number comes from.</param>
/// <param name="PlanLine">The plan line that scans.</param>
/// <param name="FilterColumns">The columns the statement filters or joins the table on.</param>
/// <param name="Reason">One sentence of evidence.</param>
internal sealed record IndexAdvice(
    string Table,
    IReadOnlyList<string> Columns,
    string CreateIndex,
    long? RowsScanned,
    RowCountSource RowsFrom,
    string PlanLine,
    IReadOnlyList<string> FilterColumns,
    string Reason);

/// <summary>
/// Recommends a <c>CREATE INDEX</c> where a plan reads a whole large table to filter or join it on columns
/// (SQLite <c>SCAN t</c> or <c>AUTOMATIC INDEX</c>, PostgreSQL <c>Seq Scan</c> with a <c>Filter</c>). Silent when an index is
/// used, when the table has fewer than <see cref="IndexAdvisorOptions.MinimumRows"/> rows or its size is unknown, when the
/// scan has no filter, and when an existing index already leads with the first recommended column (the planner chose not to use it).
/// </summary>
internal static class IndexAdvisor
{
    public static IReadOnlyList<IndexAdvice> Advise(QueryPlan plan, IndexAdvisorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        options ??= new IndexAdvisorOptions();
        var shape = SqlPredicates.Parse(plan.Statement);
        var advice = new List<IndexAdvice>();
        foreach (var node in plan.Nodes)
        {
            if (node.Kind is not (PlanNodeKind.Scan or PlanNodeKind.AutomaticIndex) || node.Table is null)
            {
                continue;
            }

            var table = plan.Table(node.Table);
            if (table?.Rows is not { } rows || rows < options.MinimumRows)
            {
                continue;
            }

            bool Has(string column) => table.Columns.Count == 0 || table.Columns.Contains(column, StringComparer.OrdinalIgnoreCase);
            var equality = new List<string>();
            var range = new List<string>();
            var joins = new List<string>();

            if (node.Kind == PlanNodeKind.AutomaticIndex)
            {
                equality.AddRange(node.IndexColumns.Where(Has));
            }

            foreach (var condition in shape.Conditions)
            {
                if (!Belongs(shape, condition.Column, node, plan) || !Has(condition.Column.Column))
                {
                    continue;
                }

                switch (condition.Kind)
                {
                    case ConditionKind.Equality:
                        equality.Add(condition.Column.Column);
                        break;
                    case ConditionKind.Range:
                        range.Add(condition.Column.Column);
                        break;
                    case ConditionKind.Join when node.InnerLoop || node.Kind == PlanNodeKind.AutomaticIndex
                                                 || (plan.Database == "sqlite" && OtherSideIsFiltered(shape, condition, plan)):
                        // The inner side of a nested loop looks rows up by the join column. SQLite joins only by nested loops, so
                        // its outermost loop reads the table whole when the other table is filtered but cannot look this one up:
                        // with the index it starts from the filtered table. PostgreSQL can hash-join instead, so there only its
                        // own Nested Loop inner sides count.
                        joins.Add(condition.Column.Column);
                        break;
                }
            }

            if (node.Filter is { } filter)
            {
                FromFilter(filter, table.Columns, equality, range);
            }

            if (node.Kind == PlanNodeKind.Scan && node.Filter is null && plan.Database == "postgresql" && joins.Count == 0)
            {
                continue; // a Seq Scan without a Filter reads every row on purpose
            }

            // A filter that keeps a large share of the table would not use an index (PostgreSQL estimates what it keeps; a scan
            // read for a join keeps every row, and the join column index is what helps there).
            if (node.Filter is not null && joins.Count == 0 && node.EstimatedRows is { } kept && rows > 0 && kept / rows > options.MaximumSelectivity)
            {
                continue;
            }

            var filterColumns = Distinct(equality.Concat(joins).Concat(range));
            if (filterColumns.Count == 0)
            {
                continue;
            }

            var order = shape.OrderBy.Where(c => Belongs(shape, c, node, plan) && Has(c.Column)).Select(c => c.Column);
            var columns = Distinct(equality.Concat(joins).Concat(range).Concat(order));
            if (table.Indexes.Any(ix => ix.Count > 0 && string.Equals(ix[0], columns[0], StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var name = IndexName(table.Name, columns);
            var create = $"CREATE INDEX {name} ON {Quote(table.Name)} ({string.Join(", ", columns.Select(Quote))})";
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"{node.Detail.Trim()} reads all {rows:N0} rows of {table.Name} ({Describe(table.RowsFrom)}) to find rows by {string.Join(", ", filterColumns)}");
            if (advice.All(a => a.CreateIndex != create))
            {
                advice.Add(new IndexAdvice(table.Name, columns, create, rows, table.RowsFrom, node.Detail, filterColumns, reason));
            }
        }

        return advice;
    }

    private static bool OtherSideIsFiltered(StatementShape shape, Condition join, QueryPlan plan)
    {
        bool Owns(string table, string column) => plan.Table(table)?.Columns.Contains(column, StringComparer.OrdinalIgnoreCase) == true;
        var other = join.Other is null ? null : shape.TableOf(join.Other, Owns);
        return other is not null && shape.Conditions.Any(c =>
            c.Kind is ConditionKind.Equality or ConditionKind.Range
            && string.Equals(shape.TableOf(c.Column, Owns), other, StringComparison.OrdinalIgnoreCase)
            && (c.Column.Qualifier is null || join.Other!.Qualifier is null || string.Equals(c.Column.Qualifier, join.Other.Qualifier, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Does the column belong to the table the node reads (by qualifier = alias/table, or by being the only/owning table)?</summary>
    private static bool Belongs(StatementShape shape, ColumnRef column, PlanNode node, QueryPlan plan)
    {
        if (column.Qualifier is { } q)
        {
            if (node.Alias is { } alias)
            {
                return string.Equals(q, alias, StringComparison.OrdinalIgnoreCase);
            }

            var owner = shape.TableOf(column);
            return owner is not null && string.Equals(SqlTables.Unqualified(owner), node.Table, StringComparison.OrdinalIgnoreCase);
        }

        var resolved = shape.TableOf(column, (t, c) => plan.Table(t)?.Columns.Contains(c, StringComparer.OrdinalIgnoreCase) == true);
        return resolved is not null && string.Equals(SqlTables.Unqualified(resolved), node.Table, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Columns of the table in a PostgreSQL filter text, e.g. <c>((cuisine_type)::text = ?::text)</c>, by the operator after them.</summary>
    internal static void FromFilter(string filter, IReadOnlyList<string> columns, List<string> equality, List<string> range)
    {
        var tokens = SqlLexer.Tokenize(filter);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (!t.IsIdentifier)
            {
                continue;
            }

            var name = SqlTables.Unquote(t.Text(filter));
            if (!columns.Contains(name, StringComparer.OrdinalIgnoreCase) || (i + 1 < tokens.Count && SqlNormalizer.IsPunct(filter, tokens[i + 1], '.')))
            {
                continue;
            }

            // Skip ")" and "::type" after the column: (cuisine_type)::text = …
            var j = i + 1;
            while (j < tokens.Count)
            {
                if (SqlNormalizer.IsPunct(filter, tokens[j], ')'))
                {
                    j++;
                }
                else if (tokens[j].Kind == SqlTokenKind.Operator && tokens[j].Text(filter) is "::" && j + 1 < tokens.Count)
                {
                    j += 2;
                }
                else
                {
                    break;
                }
            }

            if (j >= tokens.Count)
            {
                continue;
            }

            var op = tokens[j].Text(filter);
            if (op is "=")
            {
                equality.Add(name);
            }
            else if (op is "<" or ">" or "<=" or ">=")
            {
                range.Add(name);
            }
        }
    }

    private static List<string> Distinct(IEnumerable<string> columns) => columns.Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static string Describe(RowCountSource source) => source switch
    {
        RowCountSource.SqliteStat1 => "sqlite_stat1",
        RowCountSource.Count => "count(*)",
        RowCountSource.MaxRowId => "max(rowid), an upper bound",
        RowCountSource.PgClassReltuples => "pg_class.reltuples",
        _ => "unknown",
    };

    /// <summary><c>idx_&lt;table&gt;_&lt;col&gt;_&lt;col&gt;</c>, lower-case, non-identifier characters as <c>_</c>, at most 63 characters.</summary>
    internal static string IndexName(string table, IReadOnlyList<string> columns)
    {
        var sb = new StringBuilder("idx_");
        foreach (var c in SqlTables.Unqualified(table).ToLowerInvariant())
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        foreach (var column in columns)
        {
            sb.Append('_');
            foreach (var c in column.ToLowerInvariant())
            {
                sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
            }
        }

        return sb.Length <= 63 ? sb.ToString() : sb.ToString(0, 63);
    }

    /// <summary>An identifier as is when it is a plain lower-case name, else double-quoted.</summary>
    internal static string Quote(string identifier)
    {
        var plain = identifier.Length > 0 && (char.IsAsciiLetterLower(identifier[0]) || identifier[0] == '_')
                    && identifier.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')
                    && !SqlLexer.Keywords.ContainsKey(identifier);
        return plain ? identifier : "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
