using Loadlens.Core.Results;

namespace Loadlens.Html.Tests;

/// <summary>
/// The "Server side" section of report.html for a real run of an OpenTelemetry-instrumented app (spans joined over
/// OTLP, Server-Timing headers measured by the app), opened offline in Chromium; the run without either has none.
/// </summary>
[Collection("browser")]
public sealed class ServerSideReportTests(BrowserFixture browser, Reports reports)
{
    [BrowserFact]
    public async Task Server_timing_and_otlp_evidence_render_with_the_runs_numbers_and_no_console_errors()
    {
        var run = reports.Evidence;
        run.TryGetSection<ServerEvidence>(ServerEvidence.SectionName, out var evidence).ShouldBeTrue();
        evidence.Endpoints.Count.ShouldBe(2);
        var timed = run.Endpoints.Where(e => e.ServerTiming is not null).ToList();
        timed.Count.ShouldBe(2); // both endpoints carry db and app
        timed.ShouldAllBe(e => e.ServerTiming!.Responses == e.Requests && e.ServerTiming.UnparsableEntries == 0);

        await using var report = await browser.OpenAsync(reports.EvidenceReport);
        var page = report.Page;
        await report.ScreenshotAsync("server-side");
        report.ConsoleErrors.ShouldBeEmpty();
        (await page.Locator("nav.toc a[href='#server']").InnerTextAsync()).ShouldBe("Server side");

        // Server-Timing next to the client latency: categories are the endpoints, bars the means.
        (await page.EvaluateAsync<string[]>("() => window.loadlensCharts.servertiming.series.slice(1).map(s => s.label)")).ShouldBe(["client", "db", "app"]);
        var bars = await RunReportTests.ChartData(page, "servertiming");
        for (var i = 0; i < timed.Count; i++)
        {
            bars[1][i]!.Value.ShouldBe(timed[i].Latency.Mean, timed[i].Latency.Mean * 0.001 + 0.001);
            var app = timed[i].ServerTiming!["app"]!.Duration.Mean;
            bars[3][i]!.Value.ShouldBe(app, app * 0.001 + 0.001);
            app.ShouldBeLessThan(timed[i].Latency.Mean); // the app's own time is inside what the client waited
        }

        (await RunReportTests.InkedPixels(page, "servertiming")).ShouldBeGreaterThan(500);
        var rows = page.Locator("table.server-timing tbody tr");
        (await rows.CountAsync()).ShouldBe(4); // 2 endpoints × (db, app)
        var firstDbMean = await page.Locator("table.server-timing tbody tr:first-child td:nth-child(6)").InnerTextAsync();
        firstDbMean.ShouldBe(Reporting.ReportFormat.Ms(timed[0].ServerTiming!["db"]!.Duration.Mean));
        (await page.Locator("#server p.server-share").First.InnerTextAsync()).ShouldContain("Server-Timing \"app\" says the app spent");

        // OTLP evidence: server time, before/outside the app and DB time per endpoint; the N+1's statements listed.
        var evidenceBars = await RunReportTests.ChartData(page, "serverevidence");
        for (var i = 0; i < evidence.Endpoints.Count; i++)
        {
            var e = evidence.Endpoints[i];
            evidenceBars[2][i]!.Value.ShouldBe(e.ServerTime.Mean, e.ServerTime.Mean * 0.001 + 0.001);
            evidenceBars[5][i]!.Value.ShouldBe(e.DbTimeMeanMs, e.DbTimeMeanMs * 0.001 + 0.001);
        }

        (await RunReportTests.InkedPixels(page, "serverevidence")).ShouldBeGreaterThan(500);
        (await page.Locator("table.server-evidence tbody tr").CountAsync()).ShouldBe(evidence.Endpoints.Count);
        var statements = await page.Locator("table.statements tbody td code").AllInnerTextsAsync();
        statements.ShouldContain("SELECT count(*) FROM bookings WHERE chef_id = ?");
        statements.Count.ShouldBe(Math.Min(10, evidence.Statements.Count)); // the run-wide list, by total time
        var nPlusOne = evidence.Statements.Single(s => s.Statement.Contains("chef_id", StringComparison.Ordinal));
        var cells = await page.EvaluateAsync<string[]>(
            "() => Array.from(Array.from(document.querySelectorAll('table.statements tbody tr')).find(r => r.querySelector('code').textContent.includes('chef_id')).children).map(c => c.textContent)");
        cells[3].ShouldBe(Reporting.ReportFormat.Number(nPlusOne.PerRequestMean)); // per request
        cells[4].ShouldBe(Reporting.ReportFormat.Ms(nPlusOne.P50Ms));
        cells[5].ShouldBe(Reporting.ReportFormat.Ms(nPlusOne.P95Ms));

        // --db: the N+1's scan of bookings gets its exact CREATE INDEX.
        var advice = evidence.Database.ShouldNotBeNull().IndexAdvice;
        advice.ShouldNotBeEmpty();
        (await page.Locator("#server ul.index-advice li code").AllInnerTextsAsync()).ShouldBe([.. advice.Select(a => a.CreateIndex)]);

        // Sorting the Server-Timing table by its mean puts the largest last.
        await page.Locator("table.server-timing thead th", new() { HasText = "Server-Timing mean" }).ClickAsync();
        var sorted = await page.EvaluateAsync<double[]>("() => Array.from(document.querySelectorAll('table.server-timing tbody tr')).map(r => +r.children[5].dataset.v)");
        sorted.ShouldBe(sorted.Order().ToArray());
        report.ConsoleErrors.ShouldBeEmpty();
    }

    [BrowserFact]
    public async Task A_run_without_server_timing_or_evidence_has_no_server_side_section()
    {
        reports.Run.Endpoints.ShouldAllBe(e => e.ServerTiming == null);
        await using var report = await browser.OpenAsync(reports.RunReport);
        (await report.Page.Locator("#server").CountAsync()).ShouldBe(0);
        (await report.Page.EvaluateAsync<bool>("() => 'servertiming' in window.loadlensCharts")).ShouldBeFalse();
    }
}
