using Loadlens.Analysis;
using Loadlens.Core.Results;
using Loadlens.Reporting.Html;
using Loadlens.Reporting.Outputs;
using Microsoft.Playwright;

namespace Loadlens.Html.Tests;

/// <summary>
/// The seam the comparison and trend views plug into: a section added to the page draws a bar chart with
/// confidence-interval whiskers and a line chart with marked points, with no change to the page's script.
/// </summary>
[Collection("browser")]
public sealed class ChartSeamTests(BrowserFixture browser)
{
    [BrowserFact]
    public async Task An_added_section_draws_bars_with_whiskers_and_a_trend_with_marked_points()
    {
        var run = ReportDocumentTests.SyntheticRun(endpoints: 3, seconds: 20);
        var context = OutputContext.ForRun(run, Analyzer.Analyze(run));
        // Where a view belongs in the page: before the notes and the footer.
        var notes = HtmlReport.Sections.ToList().FindIndex(s => s is Reporting.Html.Sections.NotesSection);
        var html = HtmlReport.Render(context, [.. HtmlReport.Sections.Take(notes), new ComparisonLikeSection(), .. HtmlReport.Sections.Skip(notes)]);
        var file = Path.Combine(Path.GetTempPath(), "loadlens-seam-" + Guid.NewGuid().ToString("N") + ".html");
        await File.WriteAllTextAsync(file, html);
        try
        {
            await using var report = await browser.OpenAsync(file);
            var page = report.Page;
            report.ConsoleErrors.ShouldBeEmpty();
            (await page.Locator("nav.toc a[href='#compare']").InnerTextAsync()).ShouldBe("Comparison <test>");

            (await page.EvaluateAsync<string[]>("() => window.loadlensCharts.compare.series.slice(1).map(s => s.label)")).ShouldBe(["baseline", "candidate"]);
            (await RunReportTests.ChartData(page, "compare"))[2].ShouldBe([12.5, 30, 9]);
            (await RunReportTests.InkedPixels(page, "compare")).ShouldBeGreaterThan(500);

            // Hovering the first category reads out both bars with their intervals.
            var over = page.Locator("#chart-compare .u-over");
            var box = (await over.BoundingBoxAsync())!;
            await over.HoverAsync(new LocatorHoverOptions { Position = new Position { X = box.Width / 6, Y = box.Height / 2 } });
            var readout = await page.Locator("#chart-compare .readout").InnerTextAsync();
            readout.ShouldContain("GET /a <b>");
            readout.ShouldContain("12.5 ms [11.0, 14.0]");

            // Hiding the candidate removes its bars: fewer inked pixels, same chart.
            var before = await RunReportTests.InkedPixels(page, "compare");
            await page.Locator("#chart-compare button[data-kind=series]", new PageLocatorOptions { HasText = "candidate" }).ClickAsync();
            (await page.EvaluateAsync<bool>("() => window.loadlensCharts.compare.series[2].show")).ShouldBeFalse();
            (await RunReportTests.InkedPixels(page, "compare")).ShouldBeLessThan(before);

            // The trend: run numbers on x, the change point as a marked point.
            var trend = await RunReportTests.ChartData(page, "trend");
            trend[0].ShouldBe([1, 2, 3, 4, 5, 6]);
            trend[2].Count(v => v is not null).ShouldBe(1);
            (await RunReportTests.InkedPixels(page, "trend")).ShouldBeGreaterThan(500);
            await report.ScreenshotAsync("seam-bars-trend");
            report.ConsoleErrors.ShouldBeEmpty();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [BrowserFact]
    public async Task A_20_endpoint_10_minute_page_draws_with_the_busiest_endpoints_shown_first()
    {
        var run = ReportDocumentTests.SyntheticRun(endpoints: 20, seconds: 600);
        var file = Path.Combine(Path.GetTempPath(), "loadlens-big-" + Guid.NewGuid().ToString("N") + ".html");
        await File.WriteAllTextAsync(file, HtmlReport.Render(OutputContext.ForRun(run, Analyzer.Analyze(run))));
        try
        {
            await using var report = await browser.OpenAsync(file);
            var page = report.Page;
            report.ConsoleErrors.ShouldBeEmpty();
            (await page.EvaluateAsync<int>("() => window.loadlensCharts.latency.series.length")).ShouldBe(1 + (3 * 21));
            (await RunReportTests.ChartData(page, "latency"))[0].Count.ShouldBe(600);

            // More endpoints than fit a readable chart: the aggregate and the five busiest are on, the rest a click away.
            var busiest = run.Endpoints.OrderByDescending(e => e.Requests).Take(5).Select(e => e.Name).Prepend(EndpointResult.AggregatedName).Order(StringComparer.Ordinal).ToArray();
            var shown = await page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('#chart-latency button[data-kind=group][aria-pressed=true]')).map(b => b.textContent)");
            shown.Order(StringComparer.Ordinal).ShouldBe(busiest);
            (await page.EvaluateAsync<int>("() => window.loadlensCharts.latency.series.slice(1).filter(s => s.show).length")).ShouldBe(3 * 6);
            await page.Locator("#chart-latency button.chip-all", new PageLocatorOptions { HasText = "all" }).ClickAsync();
            (await page.EvaluateAsync<int>("() => window.loadlensCharts.latency.series.slice(1).filter(s => s.show).length")).ShouldBe(3 * 21);
            (await RunReportTests.InkedPixels(page, "latency")).ShouldBeGreaterThan(500);
            report.ConsoleErrors.ShouldBeEmpty();
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>What a comparison or trend section looks like: markup plus two chart specs.</summary>
    private sealed class ComparisonLikeSection : IHtmlSection
    {
        public bool Applies(OutputContext context) => context.Run is not null;

        public void Write(HtmlPage page, OutputContext context)
        {
            page.BeginSection("compare", "Comparison <test>");
            page.Chart("compare", "p99 per endpoint: baseline vs. candidate", new ChartSpec
            {
                Kind = "bars",
                X = new ChartAxis("endpoint", string.Empty),
                Y = new ChartAxis("p99 latency (ms)", "ms"),
                Categories = ["GET /a <b>", "GET /b", "POST /c"],
                Series =
                [
                    new ChartSeries { Label = "baseline", Y = [10, 20, 8], Low = [9, 18, 7], High = [11, 22, 9], Color = "muted" },
                    new ChartSeries { Label = "candidate", Y = [12.5, 30, 9], Low = [11, 27, 8], High = [14, 33, 10], Color = "c0" },
                ],
                Marks = [new ChartMark("y", 25, "SLA p99 ≤ 25 ms", "bad")],
            });
            page.Chart("trend", "p99 over the last runs", new ChartSpec
            {
                Kind = "line",
                X = new ChartAxis("run", string.Empty),
                Y = new ChartAxis("p99 latency (ms)", "ms"),
                Xs = [1, 2, 3, 4, 5, 6],
                Series =
                [
                    new ChartSeries { Label = "p99", Y = [10, 11, 10, 18, 19, 18], Style = "linepoints", Color = "c0" },
                    new ChartSeries { Label = "change point", Y = [null, null, null, 18, null, null], Style = "points", Color = "bad" },
                ],
                Marks = [new ChartMark("x", 4, "change point: run 4", "bad")],
            });
            page.EndSection();
        }
    }
}
