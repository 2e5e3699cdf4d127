using Loadlens.Analysis.Statistics;
using Loadlens.Core.Findings;
using Loadlens.Core.Results;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>periodic-stall</c>: short bursts where all endpoints slow down together (stop-the-world GC, cron jobs,
/// CPU throttling), research §4.3. On the steady intervals: an interval is a stall when the run's tail
/// latency has a modified z-score above 3.5 (median/MAD, scale floored at 10 % of the median and 1 ms), is
/// ≥ 2× and ≥ 20 ms above the median, and at least two thirds of the endpoints called in it are themselves
/// ≥ 1.5× their own median tail; or when throughput drops below half its median. Adjacent stall intervals
/// merge into events. With ≥ 3 events whose onsets are evenly spaced (CV of the gaps &lt; 0.25) it is a
/// periodic stall (warning) with the median gap as the period; 2 or more irregular events are info. The
/// stall length is estimated as the median excess tail latency (peak − median) of the events: a request
/// that arrives as a stall begins waits its whole length. Resolution is one interval: stalls that repeat
/// faster than every 2 intervals cannot be seen.
/// </summary>
internal sealed class PeriodicStallRule : IRule
{
    internal const int MinIntervals = 10;
    internal const double ZThreshold = 3.5;
    internal const double MaxPeriodCv = 0.25;

    public string Id => RuleIds.PeriodicStall;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        var intervals = view.Steady.Where(i => i.Total.Requests > 0 && i.DurationSeconds > 0).ToList();
        if (intervals.Count < MinIntervals)
        {
            yield break;
        }

        var tails = intervals.Select(i => RunView.TailLatency(i.Total.Latency)).ToList();
        var rates = intervals.Select(i => i.Total.Requests / i.DurationSeconds).ToList();
        var baseline = Robust.Median(tails);
        var scale = Math.Max(Robust.ScaledMad(tails), Math.Max(0.1 * baseline, 1));
        var rateBaseline = Robust.Median(rates);
        var endpointBaselines = view.Endpoints.ToDictionary(
            e => e.Name,
            e => Robust.Median(RunView.Series(intervals, e.Name).Where(p => p.Figures.Requests > 0).Select(p => RunView.TailLatency(p.Figures.Latency)).ToList()));

        var spike = new bool[intervals.Count];
        for (var k = 0; k < intervals.Count; k++)
        {
            var slow = (tails[k] - baseline) / scale > ZThreshold && tails[k] >= 2 * baseline && tails[k] - baseline >= 20 && Together(intervals[k], endpointBaselines);
            var dip = rates[k] < 0.5 * rateBaseline;
            spike[k] = slow || dip;
        }

        var events = new List<(double Onset, double Peak)>();
        for (var k = 0; k < intervals.Count; k++)
        {
            if (!spike[k] || (k > 0 && spike[k - 1] && intervals[k - 1].Index == intervals[k].Index - 1))
            {
                if (spike[k] && events.Count > 0)
                {
                    events[^1] = (events[^1].Onset, Math.Max(events[^1].Peak, tails[k]));
                }

                continue;
            }

            events.Add((intervals[k].StartSeconds, tails[k]));
        }

        if (events.Count < 2)
        {
            yield break;
        }

        var gaps = events.Zip(events.Skip(1), (a, b) => b.Onset - a.Onset).ToList();
        var period = Robust.Median(gaps);
        var cv = Robust.CoefficientOfVariation(gaps);
        var stallMs = Robust.Median(events.Select(ev => Math.Max(0, ev.Peak - baseline)).ToList());
        var periodic = events.Count >= 3 && cv < MaxPeriodCv;
        var evidence = new List<Evidence>
        {
            Ev("stalls", events.Count, "count"),
            Ev("period", period, "s"),
            Ev("periodCv", cv, "ratio", MaxPeriodCv),
            Ev("stallLength", stallMs, "ms"),
            Ev("baselineTail", baseline, "ms"),
        };
        if (periodic)
        {
            yield return new Finding(
                Id,
                FindingSeverity.Warning,
                null,
                $"All endpoints stall together every ≈ {Num(period, "0.#")} s for ≈ {Ms(stallMs)}",
                evidence,
                new Recommendation(
                    RecommendationTier.ShortTerm,
                    $"Correlate the stalls (every ≈ {Num(period, "0.#")} s, ≈ {Ms(stallMs)} each) with server-side GC pauses, timers, cron jobs and CPU throttling; a stop-the-world pause of that length shows up in every endpoint's tail."));
        }
        else
        {
            yield return new Finding(
                Id,
                FindingSeverity.Info,
                null,
                $"All endpoints slowed down together {events.Count} times, at irregular times",
                evidence,
                null);
        }
    }

    private static bool Together(TimeSeriesInterval interval, Dictionary<string, double> baselines)
    {
        var called = 0;
        var slow = 0;
        foreach (var e in interval.Endpoints)
        {
            if (e.Requests == 0 || !baselines.TryGetValue(e.Name, out var b) || double.IsNaN(b) || b <= 0)
            {
                continue;
            }

            called++;
            if (RunView.TailLatency(e.Latency) >= 1.5 * b)
            {
                slow++;
            }
        }

        return called == 0 || slow * 3 >= called * 2;
    }
}
