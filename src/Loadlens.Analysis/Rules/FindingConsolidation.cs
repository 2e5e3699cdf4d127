using Loadlens.Core.Findings;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// One finding and one recommendation per cause (docs/analysis.md, "One cause, one recommendation"): the rules
/// run independently, then findings that another finding explains are dropped or lose their advice.
/// <list type="bullet">
/// <item><c>shared-bottleneck</c> explains each member endpoint's <c>serialized-resource</c> (dropped) and its
/// tail latency (kept, saying how much is the shared queue and how much its own work, without advice);</item>
/// <item><c>no-steady-state</c> explains rising latency: <c>latency-degradation</c> is dropped;</item>
/// <item><c>latency-degradation</c> on an endpoint explains its queue: its <c>serialized-resource</c> is dropped (growing
/// service time, not a lock);</item>
/// <item><c>n-plus-one</c> explains its endpoint's <c>db-bound</c> (kept, without advice of its own); so does a
/// <c>missing-index</c> on the endpoint, and on its statement's <c>slow-query</c> (both decided in their rules);</item>
/// <item><c>pool-wait</c> explains a <c>shared-bottleneck</c> (the one queue is the connection pool: kept without advice);
/// a <c>write-lock-wait</c> or <c>uncached-aggregate</c> explains the <c>slow-query</c> of its statement (kept without advice);</item>
/// <item>without a pool wait, <c>cpu-saturation</c> explains <c>shared-bottleneck</c> and <c>serialized-resource</c>: the one
/// queue is the CPU (every core busy, or a worker held to one), so the CPU finding's advice is the one kept;</item>
/// <item><c>tail-latency</c> on an endpoint with a cause finding (queue, degradation, variance, stalls, overload) keeps
/// no advice of its own; the rest share one recommendation that lists them.</item>
/// </list>
/// </summary>
internal static class FindingConsolidation
{
    private static readonly HashSet<string> TailCauses =
    [
        RuleIds.SerializedResource, RuleIds.LatencyDegradation, RuleIds.HighVariance, RuleIds.PeriodicStall, RuleIds.NoSteadyState,
        RuleIds.SharedBottleneck, RuleIds.ErrorRate, RuleIds.ConnectionErrors, RuleIds.NPlusOne, RuleIds.DbBound, RuleIds.QueuedBeforeApp, RuleIds.MissingIndex, RuleIds.SlowQuery,
        RuleIds.PoolWait, RuleIds.WriteLockWait, RuleIds.UncachedAggregate, RuleIds.LargeResponse,
        RuleIds.CpuSaturation,
    ];

    public static IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> findings)
    {
        var shared = findings.FirstOrDefault(f => f.RuleId == RuleIds.SharedBottleneck);
        var noSteadyState = findings.Any(f => f.RuleId == RuleIds.NoSteadyState);
        var degraded = findings.Where(f => f.RuleId == RuleIds.LatencyDegradation).Select(f => f.Endpoint).ToHashSet();
        var kept = new List<Finding>(findings.Count);
        foreach (var f in findings)
        {
            if ((shared is not null && f.RuleId == RuleIds.SerializedResource)
                || (noSteadyState && f.RuleId == RuleIds.LatencyDegradation)
                || (!noSteadyState && f.RuleId == RuleIds.SerializedResource && degraded.Contains(f.Endpoint)))
            {
                continue;
            }

            kept.Add(f);
        }

        // An N+1 is the reason its endpoint is database-bound: one piece of advice (the N+1's).
        var nPlusOne = kept.Where(f => f.RuleId == RuleIds.NPlusOne).Select(f => f.Endpoint).ToHashSet();
        for (var i = 0; i < kept.Count; i++)
        {
            if (kept[i].RuleId == RuleIds.DbBound && nPlusOne.Contains(kept[i].Endpoint))
            {
                kept[i] = kept[i] with { Title = $"{kept[i].Title} (mostly the N+1, see {RuleIds.NPlusOne})", Recommendation = null };
            }
        }

        ExplainByResourceWaits(kept);

        var causes = kept.Where(f => TailCauses.Contains(f.RuleId)).ToList();
        var runLevelCause = causes.FirstOrDefault(f => f.Endpoint is null);
        var advised = new List<int>();
        for (var i = 0; i < kept.Count; i++)
        {
            var f = kept[i];
            if (f.RuleId != RuleIds.TailLatency || f.Endpoint is null)
            {
                continue;
            }

            if (shared is not null)
            {
                var queue = Value(shared, "queueingDelay");
                var work = Value(shared, SharedBottleneckRule.WorkEvidencePrefix + f.Endpoint);
                kept[i] = f with
                {
                    Title = $"{f.Title}: ≈ {Ms(queue)} of waiting in the shared queue (see {RuleIds.SharedBottleneck}) on ≈ {Ms(work)} of its own work",
                    Recommendation = null,
                };
            }
            else if ((causes.FirstOrDefault(c => c.Endpoint == f.Endpoint) ?? runLevelCause) is { } cause)
            {
                kept[i] = f with { Title = $"{f.Title} (explained by {cause.RuleId})", Recommendation = null };
            }
            else if (f.Recommendation is not null)
            {
                advised.Add(i);
            }
        }

        if (advised.Count >= 2)
        {
            var list = string.Join(", ", advised.Select(i => kept[i]).Select(f => $"{f.Endpoint} (p99 {Ms(Value(f, "p99"))} against a median of {Ms(Value(f, "p50"))})"));
            var text = $"Profile the slowest 1 % of {list}: trace where those requests wait (locks, pools, downstream calls, GC) before tuning anything else.";
            foreach (var i in advised)
            {
                kept[i] = kept[i] with { Recommendation = kept[i].Recommendation! with { Text = text } };
            }
        }

        return kept;
    }

    private static double Value(Finding f, string name) => f.Evidence.FirstOrDefault(e => e.Name == name)?.Value ?? 0;

    /// <summary>
    /// A pool wait is the shared queue's reason (else a saturated CPU is); a write-lock wait or an uncached aggregate is its statement's slowness:
    /// one piece of advice each (theirs).
    /// </summary>
    private static void ExplainByResourceWaits(List<Finding> kept)
    {
        var pool = kept.FirstOrDefault(f => f.RuleId == RuleIds.PoolWait);
        var cpu = kept.FirstOrDefault(f => f.RuleId == RuleIds.CpuSaturation);
        var statements = kept.Where(f => f.RuleId is RuleIds.WriteLockWait or RuleIds.UncachedAggregate)
            .Select(f => (f.RuleId, f.Endpoint, Statement: Quoted(f.Title)))
            .Where(x => x.Statement is not null)
            .ToList();
        for (var i = 0; i < kept.Count; i++)
        {
            var f = kept[i];
            if (pool is not null && f.RuleId == RuleIds.SharedBottleneck)
            {
                kept[i] = f with { Title = $"{f.Title} (the connection pool, see {RuleIds.PoolWait})", Recommendation = null };
            }
            else if (pool is null && cpu is not null && f.RuleId is RuleIds.SharedBottleneck or RuleIds.SerializedResource)
            {
                kept[i] = f with { Title = $"{f.Title} (the CPU, see {RuleIds.CpuSaturation})", Recommendation = null };
            }
            else if (f.RuleId == RuleIds.SlowQuery && Quoted(f.Title) is { } statement
                     && statements.FirstOrDefault(x => (f.Endpoint is null || x.Endpoint == f.Endpoint)
                                                       && (x.Statement == statement || (x.RuleId == RuleIds.UncachedAggregate && UncachedAggregateRule.IsConstantAggregate(statement)))) is { RuleId: not null } cause)
            {
                kept[i] = f with { Title = $"{f.Title} (see {cause.RuleId})", Recommendation = null };
            }
        }
    }

    /// <summary>The first `…` quoted text of a title (the statement the SQL rules name).</summary>
    private static string? Quoted(string title)
    {
        var start = title.IndexOf('`', StringComparison.Ordinal);
        var end = start < 0 ? -1 : title.IndexOf('`', start + 1);
        return end > start ? title[(start + 1)..end] : null;
    }
}
