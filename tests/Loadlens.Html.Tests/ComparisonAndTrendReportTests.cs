using Loadlens.Analysis.Compare;
using Loadlens.Analysis.Trends;
using Loadlens.Core.Results;
using Loadlens.Reporting.Html;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Html.Tests;

/// <summary><c>compare -f html</c> and <c>history trend -f html</c> pages, opened in Chromium.</summary>
[Collection("browser")]
public sealed class ComparisonAndTrendReportTests(BrowserFixture browser)
{
    private const string Hostile = "GET /<img src=x onerror=alert(1)>";

    private static RunResult Renamed(RunResult run, string from, string to) => run with
    {
        Endpoints = [.. run.Endpoints.Select(e => e.Name == from ? e with { Name = to } : e)],
        Intervals = [.. run.Intervals.Select(i => i with { Endpoints = [.. i.Endpoints.Select(e => e.Name == from ? e with { Name = to } : e)] })],
    };

    [BrowserFact]
    public async Task A_comparison_page_draws_baseline_and_candidate_per_endpoint_with_every_metric_in_a_sortable_table()
    {
        var baseline = ReportDocumentTests.SyntheticRun(endpoints: 3, seconds: 20);
        var first = baseline.Endpoints[0].Name;
        baseline = Renamed(baseline, first, Hostile);
        var candidate = baseline with { Name = "candidate </script><script>window.pwned=1</script>" };
        var report = RunComparer.Compare(baseline, candidate, baselineLabel: "before/", candidateLabel: "after/");
        var html = HtmlReport.Render(OutputContext.ForComparison(report));
        var file = Path.Combine(Path.GetTempPath(), "loadlens-compare-" + Guid.NewGuid().ToString("N") + ".html");
        await File.WriteAllTextAsync(file, html);
        try
        {
            await using var page = await browser.OpenAsync(file);
            page.ConsoleErrors.ShouldBeEmpty();
            page.Dialogs.ShouldBeEmpty();
            (await page.Page.EvaluateAsync<bool>("() => window.pwned === undefined")).ShouldBeTrue();
            (await page.Page.Locator("h1").InnerTextAsync()).ShouldContain("</script><script>window.pwned=1</script>"); // text, not markup
            (await page.Page.Locator("img").CountAsync()).ShouldBe(0);

            // The bars are the report's p95 values, endpoint by endpoint, overall last.
            var data = await RunReportTests.ChartData(page.Page, "compare");
            var rows = report.Endpoints.Append(report.Overall).ToList();
            data[1].ShouldBe(rows.Select(r => r.Metric("p95")!.Baseline).ToList());
            data[2].ShouldBe(rows.Select(r => r.Metric("p95")!.Candidate).ToList());
            (await page.Page.EvaluateAsync<string[]>("() => window.loadlensCharts.compare.series.slice(1).map(s => s.label)")).ShouldBe(["baseline", "candidate"]);
            (await RunReportTests.InkedPixels(page.Page, "compare")).ShouldBeGreaterThan(500);

            // Every metric of every row is in the table, the hostile name as text; sorting by Change works.
            var table = page.Page.Locator("table.comparison tbody tr");
            (await table.CountAsync()).ShouldBe(rows.Sum(r => r.Metrics.Count));
            (await page.Page.Locator("table.comparison td.name", new() { HasText = Hostile }).CountAsync()).ShouldBe(rows[0].Metrics.Count);
            await page.Page.Locator("table.comparison th", new() { HasText = "Verdict" }).ClickAsync();
            (await table.CountAsync()).ShouldBe(rows.Sum(r => r.Metrics.Count));
            await page.ScreenshotAsync("comparison");
            page.ConsoleErrors.ShouldBeEmpty();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [BrowserFact]
    public async Task A_trend_page_draws_every_saved_run_and_marks_its_change_point()
    {
        var start = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        var values = new[] { 20.0, 21, 19.5, 20.5, 20, 31, 30, 32, 31.5, 30.5 };
        var trend = new TrendReport
        {
            Scenario = "shop <b>",
            Endpoint = Hostile,
            Metric = TrendMetric.P95,
            Points = [.. values.Select((v, i) => new TrendPoint($"run{i:00}", start.AddHours(i), $"c0ffee{i}", "main", v))],
            ChangePoints =
            [
                new TrendChangePoint
                {
                    Index = 5, RunId = "run05", Commit = "c0ffee5", StartedAt = start.AddHours(5), BeforeMedian = 20, AfterMedian = 31,
                    RelativeChange = 0.55, PValue = 0.002, Regression = true, Text = $"p95 of {Hostile} rose 55 % at run 6 (commit c0ffee5, 2026-11-20)",
                },
            ],
            Method = "E-Divisive means, permutation test.",
        };
        var file = Path.Combine(Path.GetTempPath(), "loadlens-trend-" + Guid.NewGuid().ToString("N") + ".html");
        await File.WriteAllTextAsync(file, HtmlReport.Render(OutputContext.ForTrend(trend)));
        try
        {
            await using var page = await browser.OpenAsync(file);
            page.ConsoleErrors.ShouldBeEmpty();
            page.Dialogs.ShouldBeEmpty();
            var data = await RunReportTests.ChartData(page.Page, "trend");
            data[0].ShouldBe(Enumerable.Range(1, 10).Select(i => (double?)i).ToList());
            data[1].ShouldBe(values.Select(v => (double?)v).ToList());
            data[2].Count(v => v is not null).ShouldBe(1); // the change point, at run 6
            data[2][5].ShouldBe(31);
            (await RunReportTests.InkedPixels(page.Page, "trend")).ShouldBeGreaterThan(500);
            (await page.Page.Locator("ul.warnings li.bad").InnerTextAsync()).ShouldContain("rose 55 % at run 6");
            (await page.Page.Locator("table.sortable tbody tr").CountAsync()).ShouldBe(10);
            (await page.Page.Locator("img, b").CountAsync()).ShouldBe(0);
            await page.ScreenshotAsync("trend");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
