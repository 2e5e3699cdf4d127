using System.Globalization;
using Loadlens.Analysis.Capacity;
using Loadlens.Reporting.Outputs;
using Loadlens.Reporting.Sweep;

namespace Loadlens.Reporting.Html.Sections;

/// <summary>Capacity at SLA, the plateau, the USL fit and the knees, in the words of <see cref="SweepText"/>.</summary>
internal sealed class SweepCapacitySection : IHtmlSection
{
    public bool Applies(OutputContext context) => context.Sweep is not null && context.Capacity is not null;

    public void Write(HtmlPage page, OutputContext context)
    {
        var report = context.Capacity!;
        page.BeginSection("capacity", "Capacity at SLA");
        page.Raw("<p class=\"lead capacity\">").Text(SweepText.Capacity(report)).Raw("</p>");
        if (SweepText.Plateau(report) is { } plateau)
        {
            page.Element("p", "The " + plateau + ".");
        }

        page.Element("h3", "Scalability (Universal Scalability Law)");
        if (report.Usl is null)
        {
            page.Element("p", "No fit: " + string.Join("; ", report.Notes.Where(n => n.Contains("USL", StringComparison.Ordinal)).DefaultIfEmpty("too few usable levels")) + ".");
        }
        else
        {
            page.Element("p", $"X(N) = λN / (1 + σ(N−1) + κN(N−1)), N = {report.ConcurrencyMeaning}, bounded least squares (σ ∈ [0, 1], κ ≥ 0).", "note").Raw("<ul>");
            foreach (var line in SweepText.Usl(report))
            {
                page.Element("li", line);
            }

            page.Raw("</ul>");
        }

        page.Element("h3", "Knees").Element("p", SweepText.Knees(report) + ".").EndSection();
    }
}

/// <summary>Throughput vs. load with the fitted USL curve, the knee and capacity at SLA; latency vs. load with the SLA line.</summary>
internal sealed class SweepChartsSection : IHtmlSection
{
    public bool Applies(OutputContext context) => context.Sweep is not null && context.Capacity is { Steps.Count: > 0 };

    public void Write(HtmlPage page, OutputContext context)
    {
        var sweep = context.Sweep!;
        var report = context.Capacity!;
        var open = report.Model == "open";
        var levelAxis = new ChartAxis(open ? "offered load (req/s)" : "concurrent users", open ? "req/s" : "users");
        var levels = report.Steps.Select(s => s.Level).ToList();
        var maxLevel = levels.Max();

        var series = new List<ChartSeries>
        {
            new() { Label = "measured (successful req/s)", X = levels, Y = [.. report.Steps.Select(s => ChartNumbers.Value(s.Goodput))], Style = "linepoints", Color = "c0" },
            new() { Label = "all completed req/s", X = levels, Y = [.. report.Steps.Select(s => ChartNumbers.Value(s.Throughput))], Style = "points", Color = "muted", Shown = false },
        };
        var marks = new List<ChartMark>();
        if (open)
        {
            series.Add(new() { Label = "offered = completed", X = [0, maxLevel], Y = [0, maxLevel], Style = "dashed", Color = "muted" });
        }
        else if (report.Usl is { } usl)
        {
            var top = maxLevel * 1.05;
            var curveX = Enumerable.Range(0, 121).Select(i => ChartNumbers.Round(Math.Max(0.01, top * i / 120))).ToList();
            series.Add(new()
            {
                Label = string.Create(CultureInfo.InvariantCulture, $"USL fit (σ={usl.Sigma:0.####}, κ={usl.Kappa:0.###e0}, λ={usl.Lambda:0.#}, R²={usl.RSquared:0.###})"),
                X = curveX,
                Y = [.. curveX.Select(x => ChartNumbers.Value(usl.Predict(x)))],
                Style = "dashed",
                Color = "bad",
            });
            if (usl.PeakConcurrency is { } peak && usl.CoherencySignificant && peak <= top)
            {
                marks.Add(new ChartMark("x", ChartNumbers.Round(peak), string.Create(CultureInfo.InvariantCulture, $"USL peak N*={peak:0.#}"), "bad"));
            }
        }

        if (report.Capacity.StepIndex is { } c)
        {
            var s = report.Steps[c];
            series.Add(new()
            {
                Label = string.Create(CultureInfo.InvariantCulture, $"capacity at SLA: {s.Goodput:0.#} req/s at {s.Level:0.##}"),
                X = [s.Level],
                Y = [ChartNumbers.Value(s.Goodput)],
                Style = "points",
                Color = "warn",
            });
        }

        if (report.Plateau is { } plateau)
        {
            marks.Add(new ChartMark("y", ChartNumbers.Round(plateau.Ceiling), string.Create(CultureInfo.InvariantCulture, $"ceiling {plateau.Ceiling:0.#} req/s")));
        }

        if (report.ThroughputKnee is { } k)
        {
            marks.Add(new ChartMark("x", report.Steps[k].Level, "knee at " + SweepText.Level(report, report.Steps[k].Level), "accent"));
        }

        page.BeginSection("sweep-charts", "Charts");
        page.Chart("sweep-throughput", "Throughput vs. load", new ChartSpec
        {
            Kind = "line",
            X = levelAxis,
            Y = new ChartAxis("throughput (req/s)", "req/s"),
            Series = series,
            Marks = marks,
        }, "Successful requests per second at each step, with the fitted Universal Scalability Law curve, the throughput knee and the best step within the SLA.");

        var latencyMarks = new List<ChartMark>();
        var p99Target = sweep.Sla.Where(t => t.Endpoint is "*" or "Aggregated").Select(t => t.P99Ms).FirstOrDefault(v => v is not null);
        if (p99Target is { } target)
        {
            latencyMarks.Add(new ChartMark("y", target, string.Create(CultureInfo.InvariantCulture, $"SLA p99 ≤ {target:0.##} ms"), "bad"));
        }

        if (report.LatencyKnee is { } lk)
        {
            latencyMarks.Add(new ChartMark("x", report.Steps[lk].Level, "p99 knee at " + SweepText.Level(report, report.Steps[lk].Level), "accent"));
        }

        page.Chart("sweep-latency", "Latency vs. load", new ChartSpec
        {
            Kind = "line",
            X = levelAxis,
            Y = new ChartAxis("latency (ms)", "ms"),
            Xs = levels,
            Series =
            [
                new() { Label = "p99", Y = [.. report.Steps.Select(s => ChartNumbers.Value(s.P99Ms))], Style = "linepoints", Color = "bad" },
                new() { Label = "p95", Y = [.. report.Steps.Select(s => ChartNumbers.Value(s.P95Ms))], Style = "linepoints", Color = "warn" },
                new() { Label = "p50", Y = [.. report.Steps.Select(s => ChartNumbers.Value(s.P50Ms))], Style = "linepoints", Color = "good" },
                new() { Label = "mean", Y = [.. report.Steps.Select(s => ChartNumbers.Value(s.MeanMs))], Style = "dashed", Color = "c0" },
            ],
            Marks = latencyMarks,
            LogToggle = true,
        }, "Latency percentiles of each step (warm-up excluded), with the SLA's p99 target and the p99 knee.");
        page.EndSection();
    }
}

/// <summary>The sweep's step table, sortable.</summary>
internal sealed class SweepStepsSection : IHtmlSection
{
    public bool Applies(OutputContext context) => context.Sweep is not null && context.Capacity is not null;

    public void Write(HtmlPage page, OutputContext context)
    {
        var report = context.Capacity!;
        var open = report.Model == "open";
        page.BeginSection("steps", "Steps");
        page.Raw("<div class=\"table-wrap\"><table class=\"data sortable steps\"><thead><tr>");
        foreach (var heading in new[] { open ? "offered req/s" : "users", "req/s", "ok req/s", "mean ms", "p50 ms", "p95 ms", "p99 ms", "errors", "Little N" })
        {
            page.Raw("<th data-sort=\"num\" class=\"num\">").Text(heading).Raw("</th>");
        }

        page.Raw("<th data-sort=\"text\">SLA</th></tr></thead><tbody>");
        foreach (var s in report.Steps)
        {
            page.Raw(s.MeetsSla ? "<tr>" : "<tr class=\"has-failures\">")
                .NumberCell(ReportFormat.Number(s.Level), s.Level)
                .NumberCell(ReportFormat.Rate(s.Throughput), s.Throughput)
                .NumberCell(ReportFormat.Rate(s.Goodput), s.Goodput)
                .NumberCell(ReportFormat.Ms(s.MeanMs), s.MeanMs)
                .NumberCell(ReportFormat.Ms(s.P50Ms), s.P50Ms)
                .NumberCell(ReportFormat.Ms(s.P95Ms), s.P95Ms)
                .NumberCell(ReportFormat.Ms(s.P99Ms), s.P99Ms)
                .NumberCell((s.ErrorRate * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %", s.ErrorRate)
                .NumberCell(s.LittleConcurrency.ToString("0.#", CultureInfo.InvariantCulture) + (s.GeneratorLimited ? " ⚠" : string.Empty), s.LittleConcurrency)
                .Raw("<td>");
            if (s.MeetsSla)
            {
                page.Raw("<span class=\"badge pass\">ok</span>");
            }
            else
            {
                page.Raw("<span class=\"badge fail\">fail</span> ").Text(string.Join("; ", s.Violations));
            }

            page.Raw("</td></tr>\n");
        }

        page.Raw("</tbody></table></div>\n");
        page.Element("p", open
            ? "Little N = X·R: mean requests in flight. ok req/s = successful requests per second (what the fit uses)."
            : "Little N = X·(R+Z): users the generator actually kept busy (⚠ below 90 % of the configured users). ok req/s = successful requests per second (what the fit uses).", "note");
        page.EndSection();
    }
}
