using Loadlens.Core.Results;
using Microsoft.Playwright;

namespace Loadlens.Html.Tests;

/// <summary>The report.html of a real sweep and of <c>analyze -f html</c> on a real Locust run, opened offline in Chromium.</summary>
[Collection("browser")]
public sealed class SweepAndAnalyzeReportTests(BrowserFixture browser, Reports reports)
{
    [BrowserFact]
    public async Task Sweep_report_draws_throughput_with_the_usl_fit_and_latency_per_step()
    {
        File.Exists(reports.SweepReport).ShouldBeTrue("the sweep's output folder has report.html");
        await using var report = await browser.OpenAsync(reports.SweepReport);
        var page = report.Page;
        await report.ScreenshotAsync("sweep-light");
        report.ConsoleErrors.ShouldBeEmpty();
        report.Requests.Count.ShouldBe(1);

        var steps = reports.Capacity.Steps;
        steps.Count.ShouldBe(4);
        var ids = await page.EvaluateAsync<string[]>("() => Object.keys(window.loadlensCharts).sort()");
        ids.ShouldBe(["sweep-latency", "sweep-throughput"]);

        // Throughput: the measured series holds each step's goodput at its level, and the USL curve is drawn.
        var labels = await page.EvaluateAsync<string[]>("() => window.loadlensCharts['sweep-throughput'].series.slice(1).map(s => s.label)");
        labels[0].ShouldBe("measured (successful req/s)");
        var data = await RunReportTests.ChartData(page, "sweep-throughput");
        var measured = data[0].Zip(data[1]).Where(p => p.Second is not null).ToList();
        measured.Select(p => p.First!.Value).ShouldBe(steps.Select(s => s.Level));
        measured.Select(p => p.Second!.Value).ToArray().ShouldBe([.. steps.Select(s => s.Goodput)], tolerance: 0.1);
        var usl = labels.ToList().FindIndex(l => l.StartsWith("USL fit", StringComparison.Ordinal)) + 1;
        if (reports.Capacity.Usl is { } fit)
        {
            // The fitted curve is drawn densely and goes through the model's own predictions.
            var curve = data[0].Zip(data[usl]).Where(p => p.Second is not null).ToList();
            curve.Count.ShouldBeGreaterThan(100);
            foreach (var (x, y) in curve.Where(p => p.First > 0.5))
            {
                y!.Value.ShouldBe(fit.Predict(x!.Value), tolerance: Math.Abs(fit.Predict(x.Value)) * 0.002 + 0.01);
            }
        }
        else
        {
            usl.ShouldBe(0, "no fit, no curve");
        }

        var latency = await RunReportTests.ChartData(page, "sweep-latency");
        latency[0].Select(v => v!.Value).ShouldBe(steps.Select(s => s.Level));
        latency[1].Select(v => v!.Value).ToArray().ShouldBe([.. steps.Select(s => s.P99Ms)], tolerance: 0.05);
        foreach (var id in ids)
        {
            (await RunReportTests.InkedPixels(page, id)).ShouldBeGreaterThan(500, $"chart {id} drew nothing");
        }

        // The step table sorts: by p99, descending on the second click.
        var p99 = page.Locator("table.steps thead th", new PageLocatorOptions { HasText = "p99 ms" });
        await p99.ClickAsync();
        await p99.ClickAsync();
        var levels = await page.Locator("table.steps tbody tr td:first-child").AllInnerTextsAsync();
        levels.ShouldBe([.. steps.OrderByDescending(s => s.P99Ms).Select(s => s.Level.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        (await page.Locator("#capacity .capacity").InnerTextAsync()).ShouldBe(Reporting.Sweep.SweepText.Capacity(reports.Capacity));
    }

    [BrowserFact]
    public async Task Analyze_html_of_the_sweep_folder_is_the_sweep_page()
    {
        await using var report = await browser.OpenAsync(reports.SweepAnalyzeReport);
        report.ConsoleErrors.ShouldBeEmpty();
        (await report.Page.EvaluateAsync<string[]>("() => Object.keys(window.loadlensCharts).sort()")).ShouldBe(["sweep-latency", "sweep-throughput"]);
        (await report.Page.Locator("table.steps tbody tr").CountAsync()).ShouldBe(reports.Sweep.Steps.Count);
        (await RunReportTests.ChartData(report.Page, "sweep-latency"))[0].Select(v => v!.Value).ShouldBe(reports.Sweep.Steps.Select(s => s.Level));
    }

    [BrowserFact]
    public async Task Analyze_html_of_the_locust_shop_run_shows_its_findings_and_charts()
    {
        await using var report = await browser.OpenAsync(reports.ShopReport);
        var page = report.Page;
        await report.ScreenshotAsync("shop-light");
        report.ConsoleErrors.ShouldBeEmpty();
        report.Dialogs.ShouldBeEmpty();

        var shop = reports.Shop;
        shop.Total.Requests.ShouldBe(6259);
        (await page.Locator("table.endpoints tbody tr").CountAsync()).ShouldBe(shop.Endpoints.Count);
        (await page.Locator("#findings article[data-rule=serialized-resource]").CountAsync()).ShouldBeGreaterThan(0);
        (await page.Locator("#findings").InnerTextAsync()).ShouldContain("/api/orders");

        var throughput = await RunReportTests.ChartData(page, "throughput");
        throughput[0].Count.ShouldBe(shop.Intervals.Count);
        var spectrum = await page.EvaluateAsync<int>("() => window.loadlensCharts.spectrum.series.length");
        spectrum.ShouldBe(1 + 1 + shop.Endpoints.Count(e => e.Requests > 0));
        foreach (var id in new[] { "throughput", "latency", "spectrum" })
        {
            (await RunReportTests.InkedPixels(page, id)).ShouldBeGreaterThan(500, $"chart {id} drew nothing");
        }

        (await page.Locator("tfoot td.name").InnerTextAsync()).ShouldBe(EndpointResult.AggregatedName);
    }
}
