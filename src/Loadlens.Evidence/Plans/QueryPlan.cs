namespace Loadlens.Evidence.Plans;

/// <summary>What a plan node does.</summary>
internal enum PlanNodeKind
{
    /// <summary>Reads the whole table: SQLite <c>SCAN t</c>, PostgreSQL <c>Seq Scan</c>.</summary>
    Scan,

    /// <summary>Uses an existing index or the primary key: SQLite <c>SEARCH t USING [COVERING] INDEX i</c> / <c>USING INTEGER PRIMARY KEY</c>,
    /// PostgreSQL <c>Index Scan</c>, <c>Index Only Scan</c>, <c>Bitmap Index Scan</c>, <c>Bitmap Heap Scan</c>.</summary>
    Search,

    /// <summary>An index the database builds for this one statement (SQLite <c>USING AUTOMATIC [COVERING] INDEX</c>): a missing index.</summary>
    AutomaticIndex,

    /// <summary>Sorts rows: SQLite <c>USE TEMP B-TREE FOR ORDER BY</c>, PostgreSQL <c>Sort</c>.</summary>
    Sort,

    /// <summary>Anything else (joins, aggregates, subquery markers).</summary>
    Other,
}

/// <summary>One line of a plan.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="Table">The table it reads (the real table name, not the alias), when it reads one.</param>
/// <param name="Alias">The name the statement uses for the table, when it differs.</param>
/// <param name="Index">The index used (or, for <see cref="PlanNodeKind.AutomaticIndex"/>, the one built).</param>
/// <param name="IndexColumns">Columns of the index condition (SQLite <c>(a=? AND b&gt;?)</c>).</param>
/// <param name="Filter">PostgreSQL's <c>Filter</c> (rows read then discarded), verbatim.</param>
/// <param name="Detail">The plan line as the database printed it (SQLite detail; PostgreSQL node type, relation, conditions).</param>
/// <param name="EstimatedRows">The planner's estimate of rows this node returns (PostgreSQL <c>Plan Rows</c>; SQLite has none).</param>
/// <param name="Depth">Nesting depth (0 = top).</param>
/// <param name="Loop">Position among the table-reading nodes, in the order the database visits them (0 = outermost loop).</param>
/// <param name="InnerLoop">The node runs once per row of an outer loop (SQLite: any table after the first; PostgreSQL: under
/// the inner side of a Nested Loop), so an index on its join column turns each run into a lookup.</param>
internal sealed record PlanNode(
    PlanNodeKind Kind,
    string? Table,
    string? Alias,
    string? Index,
    IReadOnlyList<string> IndexColumns,
    string? Filter,
    string Detail,
    double? EstimatedRows,
    int Depth,
    int Loop,
    bool InnerLoop = false);

/// <summary>Where a table's row count comes from.</summary>
internal enum RowCountSource
{
    /// <summary>Not known (the statistics are missing and counting would be too expensive).</summary>
    Unknown,

    /// <summary>SQLite <c>sqlite_stat1</c> (written by <c>ANALYZE</c>).</summary>
    SqliteStat1,

    /// <summary><c>SELECT count(*)</c>: exact, run only when the database file / table is small (see the planner).</summary>
    Count,

    /// <summary>SQLite <c>SELECT max(rowid)</c>: an upper bound, O(log n).</summary>
    MaxRowId,

    /// <summary>PostgreSQL <c>pg_class.reltuples</c> (maintained by VACUUM / ANALYZE / autovacuum).</summary>
    PgClassReltuples,
}

/// <summary>A table the plan reads: its size, columns, and the column lists of its existing indexes.</summary>
internal sealed record PlanTable(string Name, long? Rows, RowCountSource RowsFrom, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Indexes);

/// <summary>Where the value bound to a placeholder for planning came from.</summary>
internal enum BindingSource
{
    /// <summary>SQLite plans with unbound parameters (NULL); the plan shape does not depend on them.</summary>
    Unbound,

    /// <summary>The first of <c>pg_stats.most_common_vals</c> of the compared column (the value itself is not recorded).</summary>
    MostCommonValue,

    /// <summary>The middle of <c>pg_stats.histogram_bounds</c> of the compared column (the value itself is not recorded).</summary>
    HistogramMiddle,

    /// <summary>A default for the column's type (recorded in <see cref="ParameterBinding.Value"/>).</summary>
    TypeDefault,

    /// <summary>A constant for LIMIT (10) / OFFSET (0) (recorded).</summary>
    Constant,

    /// <summary>No column was found to take a type from: NULL (recorded).</summary>
    Null,
}

/// <summary>The value one placeholder was planned with.</summary>
/// <param name="Ordinal">1-based position of the <c>?</c> in the normal form.</param>
/// <param name="Column">The column it is compared with / assigned to (<c>table.column</c>), when known.</param>
/// <param name="Type">The column's type, when known.</param>
/// <param name="Source">Where the value came from.</param>
/// <param name="Value">The literal used, only when it does not come from the database's data (type defaults, constants, NULL).</param>
internal sealed record ParameterBinding(int Ordinal, string? Column, string? Type, BindingSource Source, string? Value);

/// <summary>A statement's plan as the database's own planner produced it.</summary>
/// <param name="Database">"sqlite" or "postgresql".</param>
/// <param name="Statement">The normal form that was planned.</param>
/// <param name="Method">How it was planned, in words (e.g. "EXPLAIN QUERY PLAN, parameters unbound").</param>
/// <param name="Nodes">The plan lines, top-down.</param>
/// <param name="Tables">The tables the statement names.</param>
/// <param name="Parameters">How each placeholder was bound.</param>
internal sealed record QueryPlan(
    string Database,
    string Statement,
    string Method,
    IReadOnlyList<PlanNode> Nodes,
    IReadOnlyList<PlanTable> Tables,
    IReadOnlyList<ParameterBinding> Parameters)
{
    /// <summary>The table entry for <paramref name="name"/> (case-insensitive; a schema prefix is ignored).</summary>
    public PlanTable? Table(string name) =>
        Tables.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? Tables.FirstOrDefault(t => string.Equals(Core.Sql.SqlTables.Unqualified(t.Name), Core.Sql.SqlTables.Unqualified(name), StringComparison.OrdinalIgnoreCase));
}

/// <summary>Plans statements against one database, read-only.</summary>
internal interface IQueryPlanner : IAsyncDisposable
{
    /// <summary>Plan <paramref name="statement"/> (raw or normalised SQL; it is normalised first) without executing it.</summary>
    /// <exception cref="QueryPlanException">The statement cannot be planned (not a single SELECT/INSERT/UPDATE/DELETE/WITH, or the database refused it).</exception>
    Task<QueryPlan> PlanAsync(string statement, CancellationToken cancellationToken = default);
}

/// <summary>A statement could not be planned; the message is one line and holds no password.</summary>
internal sealed class QueryPlanException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Opens the planner for a <see cref="DatabaseTarget"/>.</summary>
internal static class QueryPlanners
{
    /// <summary>A read-only SQLite or PostgreSQL planner for <paramref name="target"/>.</summary>
    /// <exception cref="QueryPlanException">The database cannot be opened (one line, no password).</exception>
    public static async Task<IQueryPlanner> OpenAsync(DatabaseTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Kind == DatabaseKind.Sqlite
            ? await SqliteQueryPlanner.OpenAsync(target, cancellationToken).ConfigureAwait(false)
            : await PostgresQueryPlanner.OpenAsync(target, cancellationToken).ConfigureAwait(false);
    }
}
