using Loadlens.Analysis;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Reporting.Console;
using Loadlens.Reporting.Markdown;
using Spectre.Console.Testing;

namespace Loadlens.Reporting.Tests;

/// <summary>Server-Timing next to the client latency in the console, summary.md and analysis.md.</summary>
public sealed class ServerTimingRenderingTests
{
    /// <summary>The items endpoint of <see cref="TestResults"/> with Server-Timing app = 90 % of its client mean, db and a count-only cache.</summary>
    private static (RunResult Run, EndpointResult Items) WithServerTiming()
    {
        var run = TestResults.Create();
        var items = run.Endpoints.Single(e => e.Name == TestResults.Items);
        var app = items.Latency.Mean * 0.9;
        ServerTimingMetric Metric(string name, params double[] ms)
        {
            var h = LatencyHistograms.Create();
            foreach (var v in ms)
            {
                h.RecordValue((long)Math.Round(v * 1000));
            }

            return new ServerTimingMetric { Name = name, Count = ms.Length, Duration = LatencyHistograms.ToStats(h) with { Mean = ms.Average() }, Histogram = LatencyHistograms.Encode(h) };
        }

        var timing = new ServerTimingSummary
        {
            Responses = items.Requests,
            Metrics = [Metric("db", 4.5, 12.3, 20.1), Metric("app", app, app), new ServerTimingMetric { Name = "cache", Count = 7, Duration = LatencyStats.Empty }],
            UnparsableEntries = 3,
        };
        items = items with { ServerTiming = timing };
        return (run with { Endpoints = [.. run.Endpoints.Select(e => e.Name == items.Name ? items : e)] }, items);
    }

    [Fact]
    public void Console_prints_a_server_timing_table_next_to_the_client_latency()
    {
        var (run, items) = WithServerTiming();
        var console = new TestConsole().Width(220);
        ServerEvidenceRenderer.Write(console, run);
        var output = console.Output;
        output.ShouldContain("Server-Timing (response headers)");
        output.ShouldContain("3 malformed entries");
        var dbLine = output.Split('\n').Single(l => l.Contains(" db ", StringComparison.Ordinal));
        dbLine.ShouldContain(ReportFormat.Ms(items.Latency.Mean)); // the client mean on the same row
        dbLine.ShouldContain(ReportFormat.Ms(12.3)); // mean of 4.5, 12.3, 20.1
        dbLine.ShouldContain(ReportFormat.Ms(items.ServerTiming!["db"]!.Duration.P95));
        output.Split('\n').Single(l => l.Contains(" cache ", StringComparison.Ordinal)).ShouldContain("–");

        var plain = new TestConsole().Width(220);
        ServerEvidenceRenderer.Write(plain, TestResults.Create());
        plain.Output.ShouldNotContain("Server-Timing");
    }

    [Fact]
    public void Summary_md_shows_each_metric_as_mean_and_p95_next_to_the_client_latency()
    {
        var (run, items) = WithServerTiming();
        var md = MarkdownSummaryWriter.Render(run);
        md.ShouldContain("## Server-Timing (response headers)");
        var p95 = ReportFormat.Ms(items.ServerTiming!["db"]!.Duration.P95);
        md.ShouldContain($"- {TestResults.Items}: client mean {ReportFormat.Ms(items.Latency.Mean)} / p95 {ReportFormat.Ms(items.Latency.P95)} ms; server-timing db: mean 12.3 / p95 {p95} ms, app: mean {ReportFormat.Ms(items.Latency.Mean * 0.9)} / p95 ");
        md.ShouldContain("cache: 7 entries, no dur");
        md.ShouldContain($"| {TestResults.Items} | db | 3 | ");
        MarkdownSummaryWriter.Render(TestResults.Create()).ShouldNotContain("Server-Timing");
    }

    [Fact]
    public void Analysis_md_says_how_much_of_the_client_time_the_app_reported()
    {
        var (run, items) = WithServerTiming();
        var md = AnalysisReportWriter.Render(run, Analyzer.Analyze(run));
        var client = items.Latency.Mean;
        md.ShouldContain("## Server-Timing");
        md.ShouldContain($"**{TestResults.Items}**: Server-Timing \"app\" says the app spent {ReportFormat.Ms(client * 0.9)} ms of the client's {ReportFormat.Ms(client)} ms mean (90 %); {ReportFormat.Ms(client * 0.1)} ms are outside the app (connecting, queues before the app, transfer).");
        AnalysisReportWriter.Render(TestResults.Create(), Analyzer.Analyze(TestResults.Create())).ShouldNotContain("Server-Timing");
    }

    [Fact]
    public void Without_a_whole_app_metric_the_largest_mean_stands_for_the_app()
    {
        var (run, items) = WithServerTiming();
        var noApp = items with { ServerTiming = items.ServerTiming! with { Metrics = [.. items.ServerTiming.Metrics.Where(m => m.Name != "app")] } };
        ServerTimingRows.AppMetric(noApp)!.Name.ShouldBe("db");
        ServerTimingRows.AppShare(noApp)!.ShouldStartWith("Server-Timing \"db\" says the app spent 12.3 ms");
        ServerTimingRows.AppMetric(run.Endpoints.Single(e => e.Name == TestResults.Health)).ShouldBeNull();
    }
}
