using System.Text.Json;
using Loadlens.Core.Results;
using Microsoft.Playwright;

namespace Loadlens.Html.Tests;

/// <summary>The report.html of a real run, opened offline in Chromium.</summary>
[Collection("browser")]
public sealed class RunReportTests(BrowserFixture browser, Reports reports)
{
    [BrowserFact]
    public async Task Opens_offline_without_console_errors_and_every_chart_draws_the_runs_numbers()
    {
        File.Exists(reports.RunReport).ShouldBeTrue("the run's output folder has report.html");
        await using var report = await browser.OpenAsync(reports.RunReport);
        var page = report.Page;
        await report.ScreenshotAsync("run-light");

        report.ConsoleErrors.ShouldBeEmpty();
        report.Requests.ShouldAllBe(url => url.StartsWith("file://", StringComparison.Ordinal));
        report.Requests.Count.ShouldBe(1, "the page loads nothing but itself");

        var run = reports.Run;
        var ids = await page.EvaluateAsync<string[]>("() => Object.keys(window.loadlensCharts).sort()");
        ids.ShouldBe(["latency", "spectrum", "throughput"]);

        // Throughput over time: one point per interval; req/s × interval length adds up to the run's requests.
        var throughput = await ChartData(page, "throughput");
        throughput[0].Count.ShouldBe(run.Intervals.Count);
        var counted = run.Intervals.Select((i, k) => throughput[1][k]!.Value * i.DurationSeconds).Sum();
        counted.ShouldBe(run.Intervals.Sum(i => i.Total.Requests), tolerance: run.Intervals.Sum(i => i.Total.Requests) * 0.002);
        var failedPerSecond = run.Intervals.Select((i, k) => throughput[2][k]!.Value * i.DurationSeconds).Sum();
        failedPerSecond.ShouldBe(run.Intervals.Sum(i => i.Total.Failures), tolerance: Math.Max(1, run.Intervals.Sum(i => i.Total.Failures) * 0.002));
        (await page.EvaluateAsync<int>("() => window.loadlensCharts.throughput.series.length")).ShouldBe(5);

        // Latency over time: p99, p95, p50 for the aggregate and each endpoint; the aggregate's p99 is the interval's.
        var latency = await ChartData(page, "latency");
        latency.Count.ShouldBe(1 + (3 * (run.Endpoints.Count + 1)));
        for (var k = 0; k < run.Intervals.Count; k++)
        {
            var p99 = run.Intervals[k].Total.Latency.P99;
            if (run.Intervals[k].Total.Latency.Count > 0)
            {
                latency[1][k]!.Value.ShouldBe(p99, tolerance: p99 * 0.001 + 0.001);
            }
        }

        // Spectrum: every endpoint with requests, from 0 % to its maximum.
        var labels = await page.EvaluateAsync<string[]>("() => window.loadlensCharts.spectrum.series.slice(1).map(s => s.label)");
        labels.ShouldBe([EndpointResult.AggregatedName, .. run.Endpoints.Where(e => e.Requests > 0).Select(e => e.Name)]);
        var spectrum = await ChartData(page, "spectrum");
        spectrum[1].Where(v => v is not null).Last()!.Value.ShouldBe(run.Total.Latency.Max, tolerance: run.Total.Latency.Max * 0.001);
        spectrum[1].First(v => v is not null)!.Value.ShouldBe(run.Total.Latency.Min, tolerance: run.Total.Latency.Min * 0.002 + 0.01);

        // Each canvas has ink on it.
        foreach (var id in ids)
        {
            (await InkedPixels(page, id)).ShouldBeGreaterThan(500, $"chart {id} drew nothing");
        }

        // The banner says what the analysis decided: the 503 endpoint fails the default 1 % gate.
        reports.RunAnalysis.Passed.ShouldBeFalse();
        (await page.Locator(".verdict").GetAttributeAsync("data-verdict")).ShouldBe("fail");
        (await page.Locator(".verdict .badge.critical").GetAttributeAsync("data-critical"))
            .ShouldBe(reports.RunAnalysis.Findings.Count(f => f.Severity == Core.Findings.FindingSeverity.Critical).ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await page.Locator("#findings article.finding").CountAsync()).ShouldBe(reports.RunAnalysis.Findings.Count);
        (await page.Locator("#sla table.sla tbody tr").CountAsync()).ShouldBe(reports.RunAnalysis.Sla.Count);
    }

    [BrowserFact]
    public async Task Hostile_endpoint_names_render_as_text_and_run_nothing()
    {
        await using var report = await browser.OpenAsync(reports.RunReport);
        var page = report.Page;

        report.Dialogs.ShouldBeEmpty();
        (await page.EvaluateAsync<bool>("() => typeof window.pwned === 'undefined'")).ShouldBeTrue();
        (await page.EvaluateAsync<int>("() => document.images.length")).ShouldBe(0);
        (await page.EvaluateAsync<int>("() => document.scripts.length")).ShouldBe(3, "the data block, uPlot and the page's script");
        (await page.EvaluateAsync<int>("() => document.querySelectorAll('b').length")).ShouldBe(0);

        var names = await page.Locator("table.endpoints td.name").AllInnerTextsAsync();
        names.ShouldContain(Reports.ImgName);
        names.ShouldContain(Reports.ScriptName);
        names.ShouldContain(Reports.CountName);
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("checkout <b>bold</b>");
        (await page.TitleAsync()).ShouldBe("Load test report: checkout <b>bold</b>");

        // The chart toggles and the error table carry the names as text too.
        var chips = await page.Locator("#chart-latency button[data-kind=group]").AllInnerTextsAsync();
        chips.ShouldContain(Reports.ImgName);
        chips.ShouldContain(Reports.ScriptName);
        (await page.Locator("table.errors td.name").AllInnerTextsAsync()).ShouldContain(Reports.ScriptName);

        // Hovering shows the names in the readout as text.
        await page.Locator("#chart-latency .u-over").HoverAsync(new LocatorHoverOptions { Position = new Position { X = 300, Y = 120 } });
        var readout = await page.Locator("#chart-latency .readout").InnerTextAsync();
        readout.ShouldContain("Aggregated p99");
        report.Dialogs.ShouldBeEmpty();
        report.ConsoleErrors.ShouldBeEmpty();
    }

    [BrowserFact]
    public async Task The_endpoint_table_sorts_by_any_column_and_keeps_the_aggregate_last()
    {
        await using var report = await browser.OpenAsync(reports.RunReport);
        var page = report.Page;
        var run = reports.Run;

        var header = page.Locator("table.endpoints thead th", new PageLocatorOptions { HasText = "p99" });
        await header.ClickAsync();
        (await Column(page, "p99")).ShouldBe([.. run.Endpoints.Where(e => e.Latency.Count > 0).Select(e => e.Latency.P99).Order()]);
        (await header.GetAttributeAsync("aria-sort")).ShouldBe("ascending");
        await header.ClickAsync();
        (await Column(page, "p99")).ShouldBe([.. run.Endpoints.Where(e => e.Latency.Count > 0).Select(e => e.Latency.P99).OrderDescending()]);

        await page.Locator("table.endpoints thead th", new PageLocatorOptions { HasText = "Requests" }).ClickAsync();
        var byRequests = await page.Locator("table.endpoints tbody td.name").AllInnerTextsAsync();
        byRequests.ShouldBe([.. run.Endpoints.OrderBy(e => e.Requests).Select(e => e.Name)]);

        await page.Locator("table.endpoints thead th", new PageLocatorOptions { HasText = "Endpoint" }).ClickAsync();
        var byName = await page.Locator("table.endpoints tbody td.name").AllInnerTextsAsync();
        byName.ShouldBe([.. byName.Order(StringComparer.Create(System.Globalization.CultureInfo.InvariantCulture, ignoreCase: true))], "text columns sort alphabetically");
        (await page.Locator("table.endpoints tfoot td.name").InnerTextAsync()).ShouldBe(EndpointResult.AggregatedName);
    }

    [BrowserFact]
    public async Task Endpoint_and_percentile_toggles_show_and_hide_their_series()
    {
        await using var report = await browser.OpenAsync(reports.RunReport);
        var page = report.Page;
        const string shownOf = "g => window.loadlensCharts.latency.series.filter(s => s.label.startsWith(g + ' ')).map(s => s.show)";

        (await page.EvaluateAsync<bool[]>(shownOf, Reports.ImgName)).ShouldBe([true, true, true]);
        var chip = page.Locator("#chart-latency button[data-kind=group]", new PageLocatorOptions { HasText = Reports.ImgName });
        await chip.ClickAsync();
        (await page.EvaluateAsync<bool[]>(shownOf, Reports.ImgName)).ShouldBe([false, false, false]);
        (await chip.GetAttributeAsync("aria-pressed")).ShouldBe("false");
        (await page.EvaluateAsync<bool[]>(shownOf, EndpointResult.AggregatedName)).ShouldBe([true, true, true]);

        await page.Locator("#chart-latency button[data-kind=variant]", new PageLocatorOptions { HasText = "p50" }).ClickAsync();
        (await page.EvaluateAsync<bool[]>(shownOf, EndpointResult.AggregatedName)).ShouldBe([true, true, false]);
        (await page.EvaluateAsync<bool[]>(shownOf, Reports.CountName)).ShouldBe([true, true, false]);

        await chip.ClickAsync();
        (await page.EvaluateAsync<bool[]>(shownOf, Reports.ImgName)).ShouldBe([true, true, false]);

        // The log-scale toggle redraws the chart with a logarithmic y axis and keeps the toggles as they were.
        await chip.ClickAsync();
        (await page.EvaluateAsync<bool[]>(shownOf, Reports.ImgName)).ShouldBe([false, false, false]);
        (await page.EvaluateAsync<int>("() => window.loadlensCharts.latency.scales.y.distr")).ShouldBe(1);
        await page.Locator("#chart-latency button[data-kind=log]").ClickAsync();
        (await page.EvaluateAsync<int>("() => window.loadlensCharts.latency.scales.y.distr")).ShouldBe(3);
        (await page.EvaluateAsync<bool[]>(shownOf, Reports.ImgName)).ShouldBe([false, false, false]);
        (await page.EvaluateAsync<bool[]>(shownOf, Reports.CountName)).ShouldBe([true, true, false]);
        (await page.Locator("#chart-latency button[data-kind=group]", new PageLocatorOptions { HasText = Reports.ImgName }).GetAttributeAsync("aria-pressed")).ShouldBe("false");
        (await InkedPixels(page, "latency")).ShouldBeGreaterThan(500);

        // A chart without groups toggles single series: the hidden "active users" line comes on.
        var users = page.Locator("#chart-throughput button[data-kind=series]", new PageLocatorOptions { HasText = "active users" });
        (await page.EvaluateAsync<bool>("() => window.loadlensCharts.throughput.series[4].show")).ShouldBeFalse();
        await users.ClickAsync();
        (await page.EvaluateAsync<bool>("() => window.loadlensCharts.throughput.series[4].show")).ShouldBeTrue();
        await report.ScreenshotAsync("run-toggled");
        report.ConsoleErrors.ShouldBeEmpty();
    }

    [BrowserFact]
    public async Task Dark_mode_and_print_render()
    {
        await using (var dark = await browser.OpenAsync(reports.RunReport, ColorScheme.Dark))
        {
            var background = await dark.Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
            background.ShouldBe("rgb(18, 22, 28)");
            await dark.ScreenshotAsync("run-dark");
            (await InkedPixels(dark.Page, "latency")).ShouldBeGreaterThan(500);
            dark.ConsoleErrors.ShouldBeEmpty();
        }

        await using var light = await browser.OpenAsync(reports.RunReport);
        await light.Page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        (await light.Page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('nav.toc')).display")).ShouldBe("none");
        var pdf = Path.Combine(Browser.Artifacts, "run.pdf");
        await light.Page.PdfAsync(new PagePdfOptions { Path = pdf, Format = "A4", PrintBackground = true });
        var bytes = await File.ReadAllBytesAsync(pdf);
        System.Text.Encoding.ASCII.GetString(bytes, 0, 5).ShouldBe("%PDF-");
        bytes.Length.ShouldBeGreaterThan(20_000);
        light.ConsoleErrors.ShouldBeEmpty();
    }

    internal static async Task<List<List<double?>>> ChartData(IPage page, string id)
    {
        var json = await page.EvaluateAsync<string>("id => JSON.stringify(window.loadlensCharts[id].data)", id);
        return JsonSerializer.Deserialize<List<List<double?>>>(json)!;
    }

    /// <summary>Pixels of the chart's canvas that are not transparent: the chart drew something.</summary>
    internal static Task<int> InkedPixels(IPage page, string id) => page.EvaluateAsync<int>(
        @"id => {
            const src = window.loadlensCharts[id].ctx.canvas;
            const copy = document.createElement('canvas');
            copy.width = src.width;
            copy.height = src.height;
            const ctx = copy.getContext('2d', { willReadFrequently: true });
            ctx.drawImage(src, 0, 0);
            const d = ctx.getImageData(0, 0, copy.width, copy.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
            return n;
        }", id);

    private static async Task<double[]> Column(IPage page, string heading)
    {
        var index = await page.EvaluateAsync<int>(
            "h => Array.from(document.querySelectorAll('table.endpoints thead th')).findIndex(th => th.textContent.trim() === h)", heading);
        var values = await page.EvaluateAsync<string[]>(
            "i => Array.from(document.querySelectorAll('table.endpoints tbody tr')).map(r => r.cells[i].getAttribute('data-v'))", index);
        return [.. values.Where(v => v is { Length: > 0 }).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
    }
}
