using Loadlens.Core.Results;

namespace Loadlens.Evidence.Plans;

/// <summary>
/// <c>--db</c>: asks the app's database for the plans of a run's top statements by total time (read-only:
/// <see cref="QueryPlanners"/> open SQLite read-only and PostgreSQL in a read-only transaction) and turns the plans
/// that scan a large table into exact <c>CREATE INDEX</c> advice (<see cref="IndexAdvisor"/>). A statement that cannot be
/// planned is listed with its reason; it never fails the run.
/// </summary>
internal static class DatabaseEvidenceBuilder
{
    /// <summary>Statements planned per run (by total time).</summary>
    public const int TopStatements = 10;

    /// <summary>Check that <paramref name="target"/> opens (before the run, so a wrong <c>--db</c> costs no load).</summary>
    /// <exception cref="QueryPlanException">It does not (one line, no password).</exception>
    public static async Task ProbeAsync(DatabaseTarget target, CancellationToken cancellationToken)
    {
        await using var planner = await QueryPlanners.OpenAsync(target, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Plan the top statements of <paramref name="statements"/> (run-wide, by total time) and advise indexes.</summary>
    public static async Task<DatabaseEvidence> BuildAsync(DatabaseTarget target, IReadOnlyList<StatementEvidence> statements, IndexAdvisorOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(statements);
        var system = target.Kind == DatabaseKind.Sqlite ? "sqlite" : "postgresql";
        var plans = new List<StatementPlan>();
        var advice = new List<IndexRecommendation>();
        IQueryPlanner planner;
        try
        {
            planner = await QueryPlanners.OpenAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (QueryPlanException ex)
        {
            return new DatabaseEvidence { Target = target.Display, System = system, Plans = [new StatementPlan { Statement = "(none)", Error = ex.Message }] };
        }

        await using (planner.ConfigureAwait(false))
        {
            foreach (var s in statements.Where(s => Matches(s.System, target.Kind)).OrderByDescending(s => s.TotalMs).Take(TopStatements))
            {
                QueryPlan plan;
                try
                {
                    plan = await planner.PlanAsync(s.Statement, cancellationToken).ConfigureAwait(false);
                }
                catch (QueryPlanException ex)
                {
                    plans.Add(new StatementPlan { Statement = s.Statement, Error = ex.Message });
                    continue;
                }

                plans.Add(new StatementPlan { Statement = s.Statement, Method = plan.Method, Lines = plan.Nodes.Select(n => new string(' ', 2 * n.Depth) + n.Detail).ToList() });
                foreach (var a in IndexAdvisor.Advise(plan, options))
                {
                    if (advice.Any(x => string.Equals(x.CreateIndex, a.CreateIndex, StringComparison.Ordinal)))
                    {
                        continue; // the same index serves several statements: advise it once (for the costliest)
                    }

                    advice.Add(new IndexRecommendation
                    {
                        CreateIndex = a.CreateIndex,
                        Table = a.Table,
                        Columns = a.Columns,
                        Statement = s.Statement,
                        Endpoints = s.Endpoints,
                        RowsScanned = a.RowsScanned,
                        RowsFrom = RowsFrom(a.RowsFrom),
                        PlanLine = a.PlanLine,
                        Method = plan.Method,
                        Reason = a.Reason,
                        ShareOfDbTime = s.ShareOfDbTime,
                    });
                }
            }
        }

        return new DatabaseEvidence { Target = target.Display, System = system, Plans = plans, IndexAdvice = advice };
    }

    /// <summary>A statement whose span named another database system is not planned against this one.</summary>
    private static bool Matches(string? system, DatabaseKind kind) => system is null
        || (kind == DatabaseKind.Sqlite ? system.Contains("sqlite", StringComparison.OrdinalIgnoreCase)
            : system.Contains("postgres", StringComparison.OrdinalIgnoreCase) || system.Equals("pg", StringComparison.OrdinalIgnoreCase));

    private static string RowsFrom(RowCountSource source) => source switch
    {
        RowCountSource.SqliteStat1 => "sqlite_stat1 (ANALYZE)",
        RowCountSource.Count => "count(*)",
        RowCountSource.MaxRowId => "max(rowid), an upper bound",
        RowCountSource.PgClassReltuples => "pg_class.reltuples (statistics)",
        _ => "unknown",
    };
}
