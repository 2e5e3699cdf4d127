using Loadlens.Core.Results;
using Loadlens.Reporting.Html.Sections;

namespace Loadlens.Reporting.Html;

/// <summary>
/// Line charts over a run's elapsed time, shared by every section that draws a per-interval series (throughput, latency,
/// server CPU and memory, GC): the x values (each interval's or sample's midpoint), the elapsed-time axis and the
/// warm-up band.
/// </summary>
internal static class TimeCharts
{
    /// <summary>The x axis: seconds since the run started, shown as m:ss.</summary>
    public static ChartAxis Elapsed { get; } = new("time since start", "s", "elapsed");

    /// <summary>The warm-up as a shaded band (none without one).</summary>
    public static IReadOnlyList<ChartBand> Warmup(RunResult run) => run.WarmupSeconds > 0 ? [new ChartBand(0, run.WarmupSeconds, "warm-up")] : [];

    /// <summary>The midpoint of each span (start, duration), in seconds.</summary>
    public static IReadOnlyList<double> Midpoints(IEnumerable<(double Start, double Duration)> spans) =>
        [.. spans.Select(s => ChartNumbers.Round(s.Start + (s.Duration / 2)))];

    /// <summary>A line chart over <paramref name="xs"/> with the run's warm-up band; add Y2, marks or toggles with <c>with</c>.</summary>
    public static ChartSpec Line(RunResult run, IReadOnlyList<double> xs, ChartAxis y, IReadOnlyList<ChartSeries> series) => new()
    {
        Kind = "line",
        X = Elapsed,
        Y = y,
        Xs = xs,
        Bands = Warmup(run),
        Series = series,
    };
}
