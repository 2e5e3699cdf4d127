using Loadlens.Core.Results;

namespace Loadlens.Analysis;

/// <summary>
/// A read-only view of a <see cref="RunResult"/> that the rules share: which intervals count, per-endpoint
/// rates, and per-interval series. Pure: built from the result alone.
/// </summary>
internal sealed class RunView
{
    public RunView(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Run = run;
        Endpoints = run.Endpoints.Where(e => !e.IsAggregate).ToList();
        var nominal = run.Settings.IntervalSeconds > 0 ? run.Settings.IntervalSeconds : 1;

        // Measured: after the warm-up, before the drain, and long enough to give a rate (a short trailing interval is noise).
        Measured = run.Intervals.Where(i => !i.Warmup && !i.Drain && i.DurationSeconds >= 0.5 * nominal).OrderBy(i => i.StartSeconds).ToList();

        // Steady: at (near) the peak user count, so a ramp does not look like a trend or a cold start.
        var peakUsers = Measured.Count == 0 ? 0 : Measured.Max(i => i.ActiveUsers);
        Steady = peakUsers > 0 && run.Settings.Model == "closed"
            ? Measured.Where(i => i.ActiveUsers >= 0.9 * peakUsers).ToList()
            : Measured.Where(i => i.Total.Requests > 0).ToList();
    }

    public RunResult Run { get; }

    /// <summary>The run's server-side evidence (<c>--otlp</c>), or null without one.</summary>
    public Core.Results.ServerEvidence? ServerEvidence => _evidence ??= Run.TryGetSection<Core.Results.ServerEvidence>(Core.Results.ServerEvidence.SectionName, out var e) ? e : null;

    private Core.Results.ServerEvidence? _evidence;

    /// <summary>Endpoints without the aggregate row.</summary>
    public IReadOnlyList<EndpointResult> Endpoints { get; }

    /// <summary>Post-warm-up intervals of (about) full length, in time order.</summary>
    public IReadOnlyList<TimeSeriesInterval> Measured { get; }

    /// <summary>Measured intervals at the peak load (closed model) or with traffic (otherwise).</summary>
    public IReadOnlyList<TimeSeriesInterval> Steady { get; }

    /// <summary>The endpoint's figures in each of <paramref name="intervals"/> (skipping intervals where it is absent).</summary>
    public static IEnumerable<(TimeSeriesInterval Interval, IntervalEndpoint Figures)> Series(IEnumerable<TimeSeriesInterval> intervals, string endpoint)
    {
        foreach (var interval in intervals)
        {
            foreach (var e in interval.Endpoints)
            {
                if (e.Name == endpoint)
                {
                    yield return (interval, e);
                    break;
                }
            }
        }
    }

    /// <summary>
    /// The endpoint's low-load latency: its fastest request over the whole run, warm-up included (the run's first
    /// requests met an empty queue); null without samples. An upper bound of its work time.
    /// </summary>
    public double? LowLoadLatency(string endpoint)
    {
        double? low = null;
        foreach (var interval in Run.Intervals)
        {
            foreach (var figures in interval.Endpoints)
            {
                if (figures.Name == endpoint && figures.Requests > figures.Failures && figures.Latency.Min > 0 && (low is null || figures.Latency.Min < low))
                {
                    low = figures.Latency.Min;
                }
            }
        }

        return low;
    }

    /// <summary>A representative per-interval latency: the mean when recorded, else the median.</summary>
    public static double TypicalLatency(LatencyStats stats) => stats.Mean > 0 ? stats.Mean : stats.P50;

    /// <summary>A per-interval tail latency: p99 when recorded, else the max.</summary>
    public static double TailLatency(LatencyStats stats) => stats.P99 > 0 ? stats.P99 : stats.Max;
}
