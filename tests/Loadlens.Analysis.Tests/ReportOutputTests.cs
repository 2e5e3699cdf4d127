using System.Text.Json;
using Loadlens.Analysis;
using Loadlens.Core.Scenarios;
using Loadlens.Reporting.Console;
using Loadlens.Reporting.Json;
using Loadlens.Reporting.Markdown;
using Spectre.Console.Testing;

namespace Loadlens.Analysis.Tests;

public sealed class ReportOutputTests
{
    private static readonly SlaTarget[] ShopSla =
    [
        new() { Endpoint = "*", P95Ms = 250, MaxErrorRate = 0.01 },
        new() { Endpoint = "/api/products", MinThroughput = 50 },
    ];

    [Fact]
    public async Task Shop_markdown_report_matches_golden()
    {
        var run = await ShopFixtureTests.ImportShopAsync();
        var report = Analyzer.Analyze(run, new AnalysisOptions { Sla = ShopSla });
        var md = AnalysisReportWriter.Render(run, report);
        md.ShouldContain("## Executive summary");
        md.ShouldContain("serialized resource");
        Golden.AssertMatches("shop-analysis.md", md);
    }

    [Fact]
    public async Task Shop_json_report_matches_golden_and_follows_the_schema()
    {
        var run = await ShopFixtureTests.ImportShopAsync();
        var report = Analyzer.Analyze(run, new AnalysisOptions { Sla = ShopSla });
        var json = AnalysisJsonWriter.Render(report);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        root.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
        foreach (var key in new[] { "findings", "sla", "recommendations", "cacheTtl", "summary" })
        {
            root.GetProperty(key).ValueKind.ShouldBe(JsonValueKind.Array);
        }

        root.GetProperty("slaPassed").GetBoolean().ShouldBeFalse();
        var serialized = root.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "serialized-resource");
        serialized.GetProperty("severity").GetString().ShouldBe("warning");
        serialized.GetProperty("recommendation").GetProperty("tier").GetString().ShouldBe("short-term");
        Golden.AssertMatches("shop-analysis.json", json);
    }

    [Fact]
    public void Healthy_run_report_says_so()
    {
        var run = Synthetic.Healthy();
        var report = Analyzer.Analyze(run);
        var md = AnalysisReportWriter.Render(run, report);
        md.ShouldContain("No rule fired");
        md.ShouldContain("No SLA targets were given");
        Golden.AssertMatches("healthy-analysis.md", md);
    }

    [Fact]
    public async Task Console_renderer_shows_findings_sla_and_recommendations()
    {
        var run = await ShopFixtureTests.ImportShopAsync();
        var report = Analyzer.Analyze(run, new AnalysisOptions { Sla = ShopSla });
        var console = new TestConsole().Width(200);
        FindingsRenderer.Write(console, report);
        var text = console.Output;
        text.ShouldContain("serialized-resource");
        text.ShouldContain("/api/orders");
        text.ShouldContain("SLA: FAIL");
        text.ShouldContain("Short-term:");
    }

    [Fact]
    public async Task Console_output_of_the_shop_run_matches_golden()
    {
        // What `loadlens analyze` prints for the shop run: the result table, then findings, SLA and advice
        // (fixed width, no colour).
        var run = await ShopFixtureTests.ImportShopAsync();
        var report = Analyzer.Analyze(run, new AnalysisOptions { Sla = ShopSla });
        var console = new TestConsole().Width(160);
        ResultTableRenderer.Write(console, run);
        FindingsRenderer.Write(console, report);
        Golden.AssertMatches("shop-console.txt", console.Output.ReplaceLineEndings("\n"));
    }
}
