using Loadlens.Analysis.Statistics;
using Loadlens.Core.Findings;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>cold-start</c>: the first interval in which an endpoint is called (warm-up included) has a tail
/// latency ≥ 3× the median per-interval tail of the steady intervals after it, and ≥ 50 ms above it (JIT,
/// connection set-up, empty caches). Always info; it carries an immediate recommendation only when the
/// outlier fell inside the measured period (no warm-up excluded it).
/// </summary>
internal sealed class ColdStartRule : IRule
{
    internal const double MinRatio = 3;
    internal const double MinExcessMs = 50;
    internal const int MinLaterIntervals = 5;

    public string Id => RuleIds.ColdStart;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        var all = view.Run.Intervals.OrderBy(i => i.StartSeconds).ToList();
        foreach (var e in view.Endpoints)
        {
            var series = RunView.Series(all, e.Name).Where(p => p.Figures.Requests > 0).ToList();
            if (series.Count == 0)
            {
                continue;
            }

            var (firstInterval, first) = series[0];
            var later = RunView.Series(view.Steady, e.Name)
                .Where(p => p.Figures.Requests > 0 && p.Interval.Index != firstInterval.Index)
                .Select(p => RunView.TailLatency(p.Figures.Latency))
                .ToList();
            if (later.Count < MinLaterIntervals)
            {
                continue;
            }

            var baseline = Robust.Median(later);
            var firstTail = RunView.TailLatency(first.Latency);
            if (baseline <= 0 || firstTail < MinRatio * baseline || firstTail - baseline < MinExcessMs)
            {
                continue;
            }

            var measured = !firstInterval.Warmup;
            yield return new Finding(
                Id,
                FindingSeverity.Info,
                e.Name,
                $"The first second is slow: tail latency {Ms(firstTail)} against {Ms(baseline)} afterwards" + (measured ? string.Empty : " (inside the warm-up)"),
                [
                    Ev("firstIntervalTail", firstTail, "ms"),
                    Ev("steadyTail", baseline, "ms"),
                    Ev("ratio", firstTail / baseline, "ratio", MinRatio),
                    Ev("firstIntervalStart", firstInterval.StartSeconds, "s"),
                ],
                measured
                    ? new Recommendation(
                        RecommendationTier.Immediate,
                        $"Exclude start-up from the statistics with a warm-up (e.g. --warmup 5s), and warm {e.Name} up before it takes traffic (JIT, connection pools, caches): its first requests took {Ms(firstTail)}.")
                    : null);
        }
    }
}
