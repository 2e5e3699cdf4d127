using Loadlens.Core.Findings;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary><c>tail-latency</c>: an endpoint's p99 above the warning/critical thresholds.</summary>
internal sealed class TailLatencyRule : IRule
{
    public string Id => RuleIds.TailLatency;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        foreach (var e in view.Endpoints)
        {
            if (e.Requests == 0)
            {
                continue;
            }

            var p99 = e.Latency.P99;
            var severity = p99 > options.TailLatencyCriticalMs ? FindingSeverity.Critical
                : p99 > options.TailLatencyWarningMs ? FindingSeverity.Warning
                : (FindingSeverity?)null;
            if (severity is not { } s)
            {
                continue;
            }

            var threshold = s == FindingSeverity.Critical ? options.TailLatencyCriticalMs : options.TailLatencyWarningMs;
            yield return new Finding(
                Id,
                s,
                e.Name,
                $"p99 latency {Ms(p99)} is above {Ms(threshold)}",
                [Ev("p99", p99, "ms", threshold), Ev("p50", e.Latency.P50, "ms"), Ev("p95", e.Latency.P95, "ms"), Ev("max", e.Latency.Max, "ms"), Ev("requests", e.Requests, "count")],
                new Recommendation(
                    RecommendationTier.ShortTerm,
                    $"Profile the slowest 1 % of {e.Name} (p99 {Ms(p99)} against a median of {Ms(e.Latency.P50)}): trace where those requests wait (locks, pools, downstream calls, GC) before tuning anything else."));
        }
    }
}
