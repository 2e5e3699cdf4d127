using Loadlens.Analysis.Compare;
using Loadlens.Analysis.Trends;
using Loadlens.Reporting.Compare;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Reporting.Html.Sections;

/// <summary>
/// <c>compare -f html</c>: the verdict, the comparability warnings, baseline vs. candidate per endpoint as bars with the
/// candidate's 95 % interval, and the sortable table of every metric with its change, interval and verdict.
/// </summary>
internal sealed class ComparisonSection : IHtmlSection
{
    public bool Applies(OutputContext context) => context.Comparison is not null;

    public void Write(HtmlPage page, OutputContext context)
    {
        var report = context.Comparison!;
        var alone = context.Run is null && context.Sweep is null; // compare -f html; with run --baseline the run's header leads
        if (alone)
        {
            page.Raw("<header class=\"report-header\"><p class=\"kicker\">Comparison</p>")
            .Element("h1", $"{report.Baseline.Name} → {report.Candidate.Name}")
            .Element("p", $"Baseline: {report.Baseline.Label} ({report.Baseline.Tool}, {report.Baseline.StartedAt:yyyy-MM-dd HH:mm} UTC, {ReportFormat.Count(report.Baseline.Requests)} requests, {report.Baseline.Intervals} intervals). Candidate: {report.Candidate.Label} ({report.Candidate.Tool}, {report.Candidate.StartedAt:yyyy-MM-dd HH:mm} UTC, {ReportFormat.Count(report.Candidate.Requests)} requests, {report.Candidate.Intervals} intervals).", "note")
            .Raw("</header>\n");
        }

        var bad = report.Verdict == ComparisonVerdict.Slower || report.Regressions.Count > 0;
        page.Raw(bad ? "<div class=\"verdict fail\" role=\"status\">" : "<div class=\"verdict pass\" role=\"status\">")
            .Element("span", ComparisonText.Verdict(report.Verdict).ToUpperInvariant(), "verdict-word")
            .Element("span", ComparisonText.Settings(report.Options) + (report.Regressions.Count > 0 ? $" · {report.Regressions.Count} regression(s)" : string.Empty), "verdict-text")
            .Raw("</div>\n");

        page.BeginSection("comparison", "Baseline vs. candidate");
        if (report.NotComparableReason is { } reason)
        {
            page.Element("p", "Not comparable: " + reason, "note");
        }

        if (report.Warnings.Count > 0 || report.Regressions.Count > 0)
        {
            page.Raw("<ul class=\"warnings\">");
            foreach (var r in report.Regressions)
            {
                page.Raw("<li class=\"bad\">").Text(ComparisonText.Regression(r, ComparisonText.UnitOf(r, report.Endpoints.Append(report.Overall)))).Raw("</li>");
            }

            foreach (var w in report.Warnings)
            {
                page.Raw("<li>").Element("code", w.Code).Text(" " + w.Message).Raw("</li>");
            }

            page.Raw("</ul>");
        }

        var rows = report.Endpoints.Append(report.Overall).ToList();
        var metric = report.Options.GatedMetrics.Count > 0 ? report.Options.GatedMetrics[0] : "p95";
        var compared = rows.Select(r => (Row: r, M: r.Metric(metric))).Where(p => p.M?.Baseline is not null && p.M.Candidate is not null).ToList();
        if (compared.Count > 0)
        {
            var unit = compared[0].M!.Unit;
            page.Chart("compare", $"{metric} per endpoint: baseline vs. candidate", new ChartSpec
            {
                Kind = "bars",
                X = new ChartAxis("endpoint", string.Empty),
                Y = new ChartAxis($"{metric} ({unit})", unit),
                Categories = [.. compared.Select(p => p.Row.Name)],
                Series =
                [
                    new ChartSeries { Label = "baseline", Y = [.. compared.Select(p => p.M!.Baseline)], Color = "muted" },
                    new ChartSeries
                    {
                        Label = "candidate",
                        Y = [.. compared.Select(p => p.M!.Candidate)],
                        Low = [.. compared.Select(p => p.M!.CiLow is { } lo ? p.M.Baseline * (1 + lo) : null)],
                        High = [.. compared.Select(p => p.M!.CiHigh is { } hi ? p.M.Baseline * (1 + hi) : null)],
                        Color = "c0",
                    },
                ],
            }, "Whiskers: the 95 % interval of the candidate's value (baseline × (1 + the bootstrap interval of the relative change)).");
        }

        page.Raw("<div class=\"table-wrap\"><table class=\"data sortable comparison\"><thead><tr>")
            .Raw("<th data-sort=\"text\" scope=\"col\">Endpoint</th><th data-sort=\"text\" scope=\"col\">Metric</th>")
            .Raw("<th data-sort=\"num\" scope=\"col\" class=\"num\">Baseline</th><th data-sort=\"num\" scope=\"col\" class=\"num\">Candidate</th>")
            .Raw("<th data-sort=\"num\" scope=\"col\" class=\"num\">Change</th><th data-sort=\"text\" scope=\"col\">95 % CI</th>")
            .Raw("<th data-sort=\"text\" scope=\"col\">Verdict</th><th data-sort=\"text\" scope=\"col\">Why</th></tr></thead><tbody>");
        foreach (var row in rows)
        {
            foreach (var m in row.Metrics)
            {
                var cls = m.Verdict switch { ComparisonVerdict.Slower => "bad", ComparisonVerdict.Faster => "good", _ => string.Empty };
                page.Raw("<tr>").Raw("<td class=\"name\">").Text(row.Name).Raw("</td>").Element("td", m.Metric)
                    .NumberCell(ComparisonText.Value(m.Baseline, m.Unit), m.Baseline)
                    .NumberCell(ComparisonText.Value(m.Candidate, m.Unit), m.Candidate)
                    .NumberCell(ComparisonText.Relative(m.RelativeChange), m.RelativeChange)
                    .Element("td", ComparisonText.Interval(m))
                    .Element("td", ComparisonText.Verdict(m.Verdict), cls)
                    .Element("td", m.Reason, "note")
                    .Raw("</tr>");
            }
        }

        page.Raw("</tbody></table></div>");
        if (report.UnmatchedBaseline.Count > 0 || report.UnmatchedCandidate.Count > 0)
        {
            page.Element("p", $"Not matched: baseline only {string.Join(", ", report.UnmatchedBaseline)}; candidate only {string.Join(", ", report.UnmatchedCandidate)}.", "note");
        }

        page.EndSection();
    }
}

/// <summary><c>history trend -f html</c>: the metric across saved runs with each change point marked, and the change points' text.</summary>
internal sealed class TrendSection : IHtmlSection
{
    public bool Applies(OutputContext context) => context.Trend is not null;

    public void Write(HtmlPage page, OutputContext context)
    {
        var trend = context.Trend!;
        var metric = TrendMetrics.Name(trend.Metric);
        page.Raw("<header class=\"report-header\"><p class=\"kicker\">History trend</p>")
            .Element("h1", $"{metric} of {trend.Endpoint}")
            .Element("p", $"Scenario {trend.Scenario}: {trend.Points.Count} saved runs, {trend.ChangePoints.Count} change point(s). {trend.Method}", "note")
            .Raw("</header>\n");
        page.BeginSection("trend", "Trend");
        var changeAt = trend.ChangePoints.ToDictionary(c => c.Index);
        page.Chart("trend", $"{metric} of {trend.Endpoint} per saved run", new ChartSpec
        {
            Kind = "line",
            X = new ChartAxis("run", string.Empty),
            Y = new ChartAxis(metric, string.Empty),
            Xs = [.. Enumerable.Range(1, trend.Points.Count).Select(i => (double)i)],
            Series =
            [
                new ChartSeries { Label = metric, Y = [.. trend.Points.Select(p => (double?)p.Value)], Style = "linepoints", Color = "c0" },
                new ChartSeries { Label = "change point", Y = [.. trend.Points.Select((p, i) => changeAt.ContainsKey(i) ? (double?)p.Value : null)], Style = "points", Color = "bad" },
            ],
            Marks = [.. trend.ChangePoints.Select(c => new ChartMark("x", c.Index + 1, c.Text, c.Regression ? "bad" : "good"))],
        }, "Run number on the x axis, oldest first; marked: the first run after each change point.");
        if (trend.ChangePoints.Count > 0)
        {
            page.Raw("<ul class=\"warnings\">");
            foreach (var c in trend.ChangePoints)
            {
                page.Raw(c.Regression ? "<li class=\"bad\">" : "<li>").Text($"{c.Text} (median {ReportFormat.Number(Math.Round(c.BeforeMedian, 3))} → {ReportFormat.Number(Math.Round(c.AfterMedian, 3))}, p = {ReportFormat.Number(Math.Round(c.PValue, 4))})").Raw("</li>");
            }

            page.Raw("</ul>");
        }

        page.Raw("<div class=\"table-wrap\"><table class=\"data sortable\"><thead><tr><th data-sort=\"num\" scope=\"col\" class=\"num\">Run</th><th data-sort=\"text\" scope=\"col\">Id</th><th data-sort=\"text\" scope=\"col\">Started</th><th data-sort=\"text\" scope=\"col\">Commit</th><th data-sort=\"text\" scope=\"col\">Branch</th><th data-sort=\"num\" scope=\"col\" class=\"num\">").Text(metric).Raw("</th></tr></thead><tbody>");
        for (var i = 0; i < trend.Points.Count; i++)
        {
            var p = trend.Points[i];
            page.Raw("<tr>").NumberCell((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), i + 1).Element("td", p.RunId)
                .Element("td", p.StartedAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)).Element("td", p.Commit ?? ReportFormat.None)
                .Element("td", p.Branch ?? ReportFormat.None).NumberCell(ReportFormat.Number(Math.Round(p.Value, 3)), p.Value).Raw("</tr>");
        }

        page.Raw("</tbody></table></div>");
        page.EndSection();
    }
}
