using Loadlens.Analysis.Statistics;
using Loadlens.Core.Findings;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>latency-degradation</c>: an endpoint's latency rises steadily over the run at constant load.
/// The per-interval median (else mean; the median so that stalls do not pose as a trend) over the steady intervals is batched into at most
/// 30 windows (to damp autocorrelation), then Mann–Kendall with Sen's slope decides (research §4.2):
/// p &lt; 0.01, the rise over the run (Sen slope × span) ≥ 20 % of the first-fifth median and ≥ 5 ms, and the
/// last fifth's median ≥ 1.1 × the first fifth's (guards against a single step). Needs ≥ 10 windows.
/// </summary>
internal sealed class LatencyDegradationRule : IRule
{
    internal const int MinWindows = 10;
    internal const int MaxWindows = 30;
    internal const double MaxPValue = 0.01;
    internal const double MinRelativeRise = 0.2;
    internal const double MinAbsoluteRiseMs = 5;

    public string Id => RuleIds.LatencyDegradation;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        foreach (var e in view.Endpoints)
        {
            if (e.Requests < options.MinRequests)
            {
                continue;
            }

            var points = RunView.Series(view.Steady, e.Name).Where(p => p.Figures.Requests > 0).ToList();
            if (points.Count < MinWindows)
            {
                continue;
            }

            var size = (int)Math.Ceiling(points.Count / (double)MaxWindows);
            var windows = new List<double>();
            for (var i = 0; i + size <= points.Count; i += size)
            {
                var batch = points.Skip(i).Take(size).ToList();
                var weight = batch.Sum(p => (double)p.Figures.Requests);
                windows.Add(batch.Sum(p => Median(p.Figures.Latency) * p.Figures.Requests) / weight);
            }

            if (windows.Count < MinWindows)
            {
                continue;
            }

            var trend = MannKendall.Test(windows);
            var fifth = Math.Max(2, windows.Count / 5);
            var start = Robust.Median(windows.Take(fifth).ToList());
            var end = Robust.Median(windows.Skip(windows.Count - fifth).ToList());
            var rise = trend.SenSlope * (windows.Count - 1);
            var windowSeconds = size * points[0].Interval.DurationSeconds;
            if (trend.PValue >= MaxPValue || trend.SenSlope <= 0 || rise < MinRelativeRise * start || rise < MinAbsoluteRiseMs || end < 1.1 * start)
            {
                continue;
            }

            var slopePerSecond = trend.SenSlope / windowSeconds;
            yield return new Finding(
                Id,
                FindingSeverity.Warning,
                e.Name,
                $"Latency rises steadily during the run, by ≈ {Ms(slopePerSecond * 60)} per minute ({Ms(start)} → {Ms(end)})",
                [
                    Ev("slope", slopePerSecond, "ms/s"),
                    Ev("startLatency", start, "ms"),
                    Ev("endLatency", end, "ms"),
                    Ev("pValue", trend.PValue, "p", MaxPValue),
                    Ev("kendallTau", trend.Tau, "ratio"),
                    Ev("windows", windows.Count, "count"),
                ],
                new Recommendation(
                    RecommendationTier.ShortTerm,
                    $"Run a longer soak test on {e.Name} at this load and watch memory, GC, queue lengths and table/cache sizes: its latency grows by ≈ {Ms(slopePerSecond * 60)} per minute, which points at something that accumulates (a leak, a growing table, an unbounded cache or queue)."));
        }
    }

    private static double Median(Core.Results.LatencyStats stats) => stats.P50 > 0 ? stats.P50 : stats.Mean;
}
