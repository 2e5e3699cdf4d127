using Loadlens.Core.Findings;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>high-variance</c>: the maximum far above p99 (rare, extreme outliers), or a very wide p99/p50 ratio
/// (a bimodal or heavy-tailed endpoint). Absolute floors keep millisecond-scale jitter on fast endpoints
/// from being reported: a 1 ms median with a 7 ms p99 is a ratio of 7 that nobody needs to act on.
/// With ≥ 3 endpoints, a median p99 ≥ 100 ms, a median p99/p50 ≥ 5 and at least two thirds of the endpoints'
/// p99 within 3× of the median p99 (cheap endpoints included), the tail is not any endpoint's: one run-level
/// finding says the process pauses, and only endpoints outside that band are judged on their own.
/// </summary>
internal sealed class HighVarianceRule : IRule
{
    internal const double MaxOverP99Warning = 10;
    internal const double MaxOverP99Info = 5;
    internal const double MinMaxMs = 200;
    internal const double P99OverP50Warning = 10;
    internal const double MinP99Ms = 100;
    internal const double SharedTailSpread = 3;
    internal const double SharedMinRatio = 5;

    public string Id => RuleIds.HighVariance;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        // When every endpoint shares the same wide tail, even ones that do no work, the cause is
        // not in any endpoint: the process or machine pauses. Say that once, for the run.
        var eligible = view.Endpoints.Where(e => e.Requests >= options.MinRequests && e.Latency.P50 > 0 && e.Latency.P99 > 0).ToList();
        var band = new List<Core.Results.EndpointResult>();
        if (eligible.Count >= 3)
        {
            var medianTail = Statistics.Robust.Median(eligible.Select(e => e.Latency.P99).ToList());
            var medianRatio = Statistics.Robust.Median(eligible.Select(e => e.Latency.P99 / e.Latency.P50).ToList());
            var inBand = eligible.Where(e => e.Latency.P99 >= medianTail / SharedTailSpread && e.Latency.P99 <= medianTail * SharedTailSpread).ToList();
            if (medianTail >= MinP99Ms && medianRatio >= SharedMinRatio && inBand.Count * 3 >= eligible.Count * 2)
            {
                band = inBand;
            }
        }

        if (band.Count > 0)
        {
            var p99s = band.Select(e => e.Latency.P99).ToList();
            var p50s = band.Select(e => e.Latency.P50).ToList();
            yield return new Finding(
                Id,
                FindingSeverity.Warning,
                null,
                $"{band.Count} of {eligible.Count} endpoints{Skipped(view, eligible.Count, options)} share the same wide tail (p99 {Ms(p99s.Min())}–{Ms(p99s.Max())} against medians of {Ms(p50s.Min())}–{Ms(p50s.Max())}): the whole process pauses",
                [
                    Ev("endpointsAffected", band.Count, "count"),
                    Ev("endpoints", eligible.Count, "count"),
                    Ev("minP99", p99s.Min(), "ms"),
                    Ev("maxP99", p99s.Max(), "ms"),
                    Ev("medianP50", Statistics.Robust.Median(p50s), "ms"),
                ],
                new Recommendation(
                    RecommendationTier.ShortTerm,
                    $"Look for pauses that hit every request at once: GC pauses, CPU saturation or throttling on the server host, thread-pool starvation, or a load generator sharing the machine; {band.Count} endpoints, cheap ones included, see p99 around {Ms(Statistics.Robust.Median(p99s))} while their medians stay low."));
        }

        foreach (var e in view.Endpoints)
        {
            if (band.Contains(e))
            {
                continue; // explained by the shared tail above
            }

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

    /// <summary>" with ≥ 50 requests (3 others had fewer)" when the threshold skipped endpoints; empty otherwise.</summary>
    private static string Skipped(RunView view, int judged, AnalysisOptions options)
    {
        var others = view.Endpoints.Count(e => e.Requests > 0) - judged;
        return others > 0 ? $" with ≥ {options.MinRequests} requests ({others} other{(others == 1 ? " had" : "s had")} fewer)" : string.Empty;
    }
}
