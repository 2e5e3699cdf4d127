using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Reporting.Html.Sections;

/// <summary>
/// The run's charts: throughput and error rate over time (warm-up shaded), p50/p95/p99 over time per endpoint
/// (toggles), and the latency distribution as a percentile spectrum (HdrHistogram style, log tail axis). Only the
/// numbers the charts draw go into the page, never the histograms.
/// </summary>
internal sealed class RunChartsSection : IHtmlSection
{
    /// <summary>Endpoints shown when the page opens (with the aggregate), when there are more than this many.</summary>
    internal const int InitiallyShown = 5;

    /// <summary>The spectrum's percentiles: 1 − 10^(−k/10) for k = 0…50 (0 % … 99.999 %), as x = 1/(1 − p).</summary>
    private static readonly double[] SpectrumX = [.. Enumerable.Range(0, 51).Select(k => Math.Pow(10, k / 10.0))];

    public bool Applies(OutputContext context) => context.Run is { Intervals.Count: > 0 } || context.Run is { Total.Requests: > 0 };

    public void Write(HtmlPage page, OutputContext context)
    {
        var run = context.Run!;
        var endpoints = run.Endpoints.Where(e => !e.IsAggregate).ToList();
        var shown = endpoints.Count <= InitiallyShown + 1
            ? endpoints.Select(e => e.Name).ToHashSet(StringComparer.Ordinal)
            : endpoints.OrderByDescending(e => e.Requests).Take(InitiallyShown).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        page.BeginSection("charts", "Charts");
        if (run.Intervals.Count > 0)
        {
            var xs = TimeCharts.Midpoints(run.Intervals.Select(i => (i.StartSeconds, i.DurationSeconds)));
            page.Chart("throughput", "Throughput and error rate over time", TimeCharts.Line(
                run,
                xs,
                new ChartAxis("throughput (req/s)", "req/s"),
                [
                    new ChartSeries { Label = "req/s", Y = [.. run.Intervals.Select(i => ChartNumbers.Value(Rate(i.Total.Requests, i.DurationSeconds)))], Style = "area", Color = "c0" },
                    new ChartSeries { Label = "failed req/s", Y = [.. run.Intervals.Select(i => ChartNumbers.Value(Rate(i.Total.Failures, i.DurationSeconds)))], Style = "line", Color = "bad" },
                    new ChartSeries { Label = "error rate", Y = [.. run.Intervals.Select(i => i.Total.Requests > 0 ? ChartNumbers.Value(100.0 * i.Total.Failures / i.Total.Requests) : null)], Axis = "y2", Style = "dashed", Color = "warn" },
                    new ChartSeries { Label = "active users", Y = [.. run.Intervals.Select(i => (double?)i.ActiveUsers)], Axis = "y2", Style = "step", Color = "muted", Shown = false },
                ]) with { Y2 = new ChartAxis("error rate (%)", "%") }, "Per interval. Shaded: warm-up (excluded from every total). Drag to zoom, double-click to reset. Active users (closed model) or requests in flight (open) share the right axis.");

            var series = new List<ChartSeries>();
            foreach (var (name, index) in endpoints.Select((e, i) => (e.Name, i)).Prepend((EndpointResult.AggregatedName, -1)))
            {
                foreach (var (variant, pick) in new (string, Func<LatencyStats, double>)[] { ("p99", l => l.P99), ("p95", l => l.P95), ("p50", l => l.P50) })
                {
                    series.Add(new ChartSeries
                    {
                        Label = $"{name} {variant}",
                        Group = name,
                        Variant = variant,
                        Y = [.. run.Intervals.Select(i => Interval(i, name, index) is { Latency.Count: > 0 } e ? ChartNumbers.Value(pick(e.Latency)) : null)],
                        Color = index < 0 ? "fg" : "c" + (index % 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Shown = index < 0 || shown.Contains(name),
                    });
                }
            }

            page.Chart("latency", "Latency over time (p50 / p95 / p99)", TimeCharts.Line(run, xs, new ChartAxis("latency (ms)", "ms"), series) with
            {
                GroupLabel = "endpoint",
                LogToggle = true,
            }, "Per interval and endpoint: p99 solid, p95 dashed, p50 dotted. Toggle endpoints and percentiles above the chart.");
        }

        page.Chart("spectrum", "Latency distribution (percentile spectrum)", Spectrum(run, endpoints, shown),
            "The latency at or below which a share of the measured requests completed, HdrHistogram style: the tail axis is logarithmic, so 90 %, 99 %, 99.9 % and 99.99 % are evenly spaced.");
        page.EndSection();
    }

    private static ChartSpec Spectrum(RunResult run, IReadOnlyList<EndpointResult> endpoints, HashSet<string> shown)
    {
        var series = new List<ChartSeries>();
        foreach (var (e, index) in endpoints.Select((e, i) => (e, i)).Prepend((run.Total, -1)))
        {
            if (e.Requests == 0 || e.Latency.Count == 0)
            {
                continue;
            }

            var (x, y) = SpectrumPoints(e);
            series.Add(new ChartSeries
            {
                Label = e.IsAggregate ? EndpointResult.AggregatedName : e.Name,
                Group = e.IsAggregate ? EndpointResult.AggregatedName : e.Name,
                X = x,
                Y = y,
                Style = "linepoints",
                Color = index < 0 ? "fg" : "c" + (index % 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Shown = index < 0 || shown.Contains(e.Name),
            });
        }

        return new ChartSpec
        {
            Kind = "line",
            X = new ChartAxis("percentile", "%", "percentile"),
            Y = new ChartAxis("latency (ms)", "ms"),
            Series = series,
            GroupLabel = "endpoint",
            LogToggle = true,
        };
    }

    /// <summary>
    /// The spectrum of one endpoint from its histogram (or, for imports without one, its standard percentiles), up to
    /// the deepest percentile its sample resolves (1 − 1/count), then its maximum there.
    /// </summary>
    internal static (IReadOnlyList<double> X, IReadOnlyList<double?> Y) SpectrumPoints(EndpointResult e)
    {
        var x = new List<double>();
        var y = new List<double?>();
        var deepest = Math.Max(1, (double)e.Latency.Count);
        if (e.Histogram is { } encoded && TryDecode(encoded) is { TotalCount: > 0 } histogram)
        {
            foreach (var px in SpectrumX.Where(v => v <= deepest))
            {
                x.Add(ChartNumbers.Round(px));
                y.Add(ChartNumbers.Value(histogram.GetValueAtPercentile(100 * (1 - (1 / px))) / 1000.0));
            }
        }
        else
        {
            x.Add(1);
            y.Add(ChartNumbers.Value(e.Latency.Min));
            foreach (var p in LatencyStats.StandardPercentiles.Where(p => 1 / (1 - (p / 100)) <= deepest))
            {
                x.Add(ChartNumbers.Round(1 / (1 - (p / 100))));
                y.Add(ChartNumbers.Value(e.Latency.AtPercentile(p)));
            }
        }

        if (deepest > x[^1])
        {
            x.Add(ChartNumbers.Round(deepest));
            y.Add(ChartNumbers.Value(e.Latency.Max));
        }

        return (x, y);
    }

    private static HdrHistogram.HistogramBase? TryDecode(string encoded)
    {
        try
        {
            return LatencyHistograms.Decode(encoded);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static IntervalEndpoint? Interval(TimeSeriesInterval interval, string name, int index)
    {
        if (index < 0)
        {
            return interval.Total;
        }

        // Intervals list endpoints in result order; fall back to a name search when they do not.
        return index < interval.Endpoints.Count && interval.Endpoints[index].Name == name
            ? interval.Endpoints[index]
            : interval.Endpoints.FirstOrDefault(e => e.Name == name);
    }

    private static double Rate(long count, double seconds) => seconds > 0 ? count / seconds : 0;
}

/// <summary>Numbers as the page's charts carry them: finite, 4 significant digits (the histograms hold 3).</summary>
internal static class ChartNumbers
{
    /// <summary><paramref name="value"/> rounded, or null when it is not finite.</summary>
    public static double? Value(double value) => double.IsFinite(value) ? Round(value) : null;

    /// <summary><paramref name="value"/> to 4 significant digits (0 and non-finite values unchanged).</summary>
    public static double Round(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value;
        }

        var digits = 3 - (int)Math.Floor(Math.Log10(Math.Abs(value)));
        return digits is >= 0 and <= 15 ? Math.Round(value, digits) : digits < 0 ? Math.Round(value / Math.Pow(10, -digits)) * Math.Pow(10, -digits) : value;
    }
}
