using System.Globalization;
using Loadlens.Analysis.Capacity;
using Loadlens.Core.Results;
using ScottPlot;

namespace Loadlens.Reporting.Charts;

/// <summary>
/// The two sweep charts, as PNG and SVG: throughput vs. load with the fitted USL curve, knee,
/// ceiling and capacity at SLA marked; latency percentiles vs. load with the SLA line and the latency knee.
/// </summary>
internal static class SweepCharts
{
    /// <summary>File name (without extension) of the throughput chart.</summary>
    public const string ThroughputChart = "throughput";

    /// <summary>File name (without extension) of the latency chart.</summary>
    public const string LatencyChart = "latency";

    private const int Width = 960;
    private const int Height = 560;

    private static readonly Color Measured = Color.FromHex("#1f77b4");
    private static readonly Color Fitted = Color.FromHex("#d62728");
    private static readonly Color Knee = Color.FromHex("#9467bd");
    private static readonly Color Ceiling = Color.FromHex("#7f7f7f");
    private static readonly Color Capacity = Color.FromHex("#ff7f0e");

    /// <summary>Write throughput.png/.svg and latency.png/.svg into <paramref name="directory"/>; returns the paths written.</summary>
    public static IReadOnlyList<string> Write(SweepResult sweep, CapacityReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        if (report.Steps.Count == 0)
        {
            return written;
        }

        EmbeddedFont.EnsureRegistered();
        written.AddRange(Save(svg => ThroughputPlot(sweep, report, svg), directory, ThroughputChart));
        written.AddRange(Save(svg => LatencyPlot(sweep, report, svg), directory, LatencyChart));
        return written;
    }

    /// <summary>
    /// Save as PNG and SVG. The SVG is drawn without dash patterns: Skia's SVG backend cannot express
    /// path effects (it would print a warning per line and draw them solid anyway).
    /// </summary>
    private static string[] Save(Func<bool, Plot> build, string directory, string name)
    {
        var png = Path.Combine(directory, name + ".png");
        var svg = Path.Combine(directory, name + ".svg");
        build(false).SavePng(png, Width, Height);
        build(true).SaveSvg(svg, Width, Height);
        return [png, svg];
    }

    private static LinePattern Pattern(bool svg, LinePattern pattern) => svg ? LinePattern.Solid : pattern;

    private static string LevelLabel(CapacityReport report) => report.Model == "open" ? "offered load (req/s)" : "concurrent users";

    internal static Plot ThroughputPlot(SweepResult sweep, CapacityReport report, bool svg = false)
    {
        var plot = NewPlot($"{sweep.Name}: throughput vs. load", LevelLabel(report), "throughput (req/s)");
        var x = report.Steps.Select(s => s.Level).ToArray();
        var y = report.Steps.Select(s => s.Goodput).ToArray();
        var maxX = x.Max();

        if (report.Model == "open")
        {
            var offered = plot.Add.Scatter(new[] { 0, maxX }, new[] { 0, maxX });
            offered.Color = Ceiling;
            offered.LineWidth = 1.5f;
            offered.LinePattern = Pattern(svg, LinePattern.Dotted);
            offered.MarkerSize = 0;
            offered.LegendText = "offered = completed";
        }
        else if (report.Usl is { } usl)
        {
            var top = maxX * 1.05;
            var curveX = Enumerable.Range(0, 201).Select(i => Math.Max(0.01, top * i / 200)).ToArray();
            var curve = plot.Add.Scatter(curveX, curveX.Select(usl.Predict).ToArray());
            curve.Color = Fitted;
            curve.LineWidth = 2;
            curve.LinePattern = Pattern(svg, LinePattern.Dashed);
            curve.MarkerSize = 0;
            curve.LegendText = string.Create(CultureInfo.InvariantCulture,
                $"USL fit: σ={usl.Sigma:0.####}, κ={usl.Kappa:0.###e0}, λ={usl.Lambda:0.#}, R²={usl.RSquared:0.###}");
            if (usl.PeakConcurrency is { } peak && usl.CoherencySignificant && peak <= top)
            {
                var line = plot.Add.VerticalLine(peak);
                line.Color = Fitted.WithAlpha(0.6);
                line.LinePattern = Pattern(svg, LinePattern.Dotted);
                line.LineWidth = 1.5f;
                line.LegendText = string.Create(CultureInfo.InvariantCulture, $"USL peak N*={peak:0.#}");
            }
        }

        if (report.Plateau is { } plateau)
        {
            var line = plot.Add.HorizontalLine(plateau.Ceiling);
            line.Color = Ceiling;
            line.LinePattern = Pattern(svg, LinePattern.Dashed);
            line.LineWidth = 1.5f;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"ceiling {plateau.Ceiling:0.#} req/s");
        }

        var measured = plot.Add.Scatter(x, y);
        measured.Color = Measured;
        measured.LineWidth = 2;
        measured.MarkerSize = 9;
        measured.LegendText = "measured (successful req/s)";

        if (report.ThroughputKnee is { } k)
        {
            var knee = plot.Add.VerticalLine(report.Steps[k].Level);
            knee.Color = Knee;
            knee.LineWidth = 2;
            knee.LegendText = string.Create(CultureInfo.InvariantCulture, $"knee at {report.Steps[k].Level:0.##}");
        }

        if (report.Capacity.StepIndex is { } c)
        {
            var s = report.Steps[c];
            var marker = plot.Add.Marker(s.Level, s.Goodput);
            marker.Color = Capacity;
            marker.Size = 18;
            marker.Shape = MarkerShape.OpenCircle;
            marker.LineWidth = 3;
            marker.LegendText = string.Create(CultureInfo.InvariantCulture, $"capacity at SLA: {s.Goodput:0.#} req/s at {s.Level:0.##}");
        }

        plot.Axes.SetLimits(0, maxX * 1.08, 0, Math.Max(y.Max(), report.Plateau?.Ceiling ?? 0) * 1.25);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    internal static Plot LatencyPlot(SweepResult sweep, CapacityReport report, bool svg = false)
    {
        var plot = NewPlot($"{sweep.Name}: latency vs. load", LevelLabel(report), "latency (ms)");
        var x = report.Steps.Select(s => s.Level).ToArray();
        var maxY = 0.0;
        foreach (var (name, color, values) in new (string, string, double[])[]
        {
            ("p50", "#2ca02c", report.Steps.Select(s => s.P50Ms).ToArray()),
            ("p95", "#ff7f0e", report.Steps.Select(s => s.P95Ms).ToArray()),
            ("p99", "#d62728", report.Steps.Select(s => s.P99Ms).ToArray()),
            ("mean", "#1f77b4", report.Steps.Select(s => s.MeanMs).ToArray()),
        })
        {
            var series = plot.Add.Scatter(x, values);
            series.Color = Color.FromHex(color);
            series.LineWidth = 2;
            series.MarkerSize = 7;
            series.LegendText = name;
            if (name == "mean")
            {
                series.LinePattern = Pattern(svg, LinePattern.Dashed);
            }

            maxY = Math.Max(maxY, values.Max());
        }

        var p99Target = sweep.Sla.Where(t => t.Endpoint is "*" or "Aggregated").Select(t => t.P99Ms).FirstOrDefault(v => v is not null);
        if (p99Target is { } target)
        {
            var line = plot.Add.HorizontalLine(target);
            line.Color = Color.FromHex("#d62728").WithAlpha(0.5);
            line.LinePattern = Pattern(svg, LinePattern.Dashed);
            line.LineWidth = 1.5f;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"SLA p99 ≤ {target:0.##} ms");
            maxY = Math.Max(maxY, target);
        }

        if (report.LatencyKnee is { } k)
        {
            var knee = plot.Add.VerticalLine(report.Steps[k].Level);
            knee.Color = Knee;
            knee.LineWidth = 2;
            knee.LegendText = string.Create(CultureInfo.InvariantCulture, $"latency knee at {report.Steps[k].Level:0.##}");
        }

        plot.Axes.SetLimits(0, x.Max() * 1.08, 0, maxY * 1.15);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(EmbeddedFont.Name);
        plot.Title(title, size: 20);
        plot.XLabel(xLabel, size: 16);
        plot.YLabel(yLabel, size: 16);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Legend.FontSize = 13;
        plot.Legend.FontName = EmbeddedFont.Name;
        return plot;
    }
}
