using Loadlens.Core.Findings;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>high-variance</c>: the maximum far above p99 (rare, extreme outliers), or a very wide p99/p50 ratio
/// (a bimodal or heavy-tailed endpoint). Absolute floors keep millisecond-scale jitter on fast endpoints
/// from being reported: a 1 ms median with a 7 ms p99 is a ratio of 7 that nobody needs to act on.
/// </summary>
internal sealed class HighVarianceRule : IRule
{
    internal const double MaxOverP99Warning = 10;
    internal const double MaxOverP99Info = 5;
    internal const double MinMaxMs = 200;
    internal const double P99OverP50Warning = 10;
    internal const double MinP99Ms = 100;

    public string Id => RuleIds.HighVariance;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        foreach (var e in view.Endpoints)
        {
            if (e.Requests < options.MinRequests || e.Latency.P50 <= 0 || e.Latency.P99 <= 0)
            {
                continue;
            }

            var l = e.Latency;
            var maxRatio = l.Max / l.P99;
            var spread = l.P99 / l.P50;
            var evidence = new List<Evidence>
            {
                Ev("p50", l.P50, "ms"),
                Ev("p99", l.P99, "ms"),
                Ev("max", l.Max, "ms"),
                Ev("maxOverP99", maxRatio, "ratio", MaxOverP99Warning),
                Ev("p99OverP50", spread, "ratio", P99OverP50Warning),
            };

            if (spread >= P99OverP50Warning && l.P99 >= MinP99Ms)
            {
                yield return new Finding(
                    Id,
                    FindingSeverity.Warning,
                    e.Name,
                    $"p99 is {Num(spread, "0.#")}× the median ({Ms(l.P99)} against {Ms(l.P50)})",
                    evidence,
                    new Recommendation(
                        RecommendationTier.ShortTerm,
                        $"Split the slow path of {e.Name} from the fast one: 1 % of requests take over {Ms(l.P99)} while the median is {Ms(l.P50)}; look for cache misses, cold paths, retries or lock waits that only some requests hit."));
            }
            else if (maxRatio >= MaxOverP99Info && l.Max >= MinMaxMs && l.Max >= options.TailLatencyWarningMs / 2)
            {
                var warning = maxRatio >= MaxOverP99Warning;
                yield return new Finding(
                    Id,
                    warning ? FindingSeverity.Warning : FindingSeverity.Info,
                    e.Name,
                    $"The slowest request ({Ms(l.Max)}) is {Num(maxRatio, "0.#")}× the p99",
                    evidence,
                    warning
                        ? new Recommendation(
                            RecommendationTier.ShortTerm,
                            $"Find what stalls {e.Name} now and then (max {Ms(l.Max)} against a p99 of {Ms(l.P99)}): GC pauses, connection setup, timeouts and retries are the usual causes; check when the outliers happened.")
                        : null);
            }
        }
    }
}
