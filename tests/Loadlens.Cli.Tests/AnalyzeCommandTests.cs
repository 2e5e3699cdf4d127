using System.Runtime.CompilerServices;
using System.Text.Json;
using Loadlens.TestUtils;

namespace Loadlens.Cli.Tests;

/// <summary><c>loadlens analyze</c> end to end, and the analysis appended to <c>loadlens run</c>.</summary>
public sealed class AnalyzeCommandTests
{
    private static string ShopPrefix([CallerFilePath] string source = "")
        => Path.Combine(Path.GetDirectoryName(source)!, "..", "Loadlens.Analysis.Tests", "Fixtures", "locust-shop", "shop");

    [Fact]
    public async Task Analyze_locust_fixture_prints_findings_exit_0()
    {
        using var cli = new CliHarness();
        var exit = await cli.RunAsync("analyze", ShopPrefix());
        exit.ShouldBe(0, cli.Error.ToString());
        var output = cli.Console.Output;
        output.ShouldContain("serialized-resource");
        output.ShouldContain("/api/orders");
        output.ShouldContain("error-rate");
    }

    [Fact]
    public async Task Analyze_writes_report_html_by_format_or_by_extension()
    {
        using var cli = new CliHarness();
        var byFormat = Path.Combine(cli.Directory, "page");
        var byExtension = Path.Combine(cli.Directory, "report.html");
        (await cli.RunAsync("analyze", ShopPrefix(), "-f", "html", "-o", byFormat)).ShouldBe(0, cli.Error.ToString());
        (await cli.RunAsync("analyze", ShopPrefix(), "-o", byExtension)).ShouldBe(0, cli.Error.ToString());
        var html = await File.ReadAllTextAsync(byExtension);
        html.ShouldStartWith("<!DOCTYPE html>");
        html.ShouldContain("data-rule=\"serialized-resource\"");
        (await File.ReadAllTextAsync(byFormat)).ShouldBe(html);
    }

    [Fact]
    public async Task Analyze_writes_markdown_and_json_files()
    {
        using var cli = new CliHarness();
        var md = Path.Combine(cli.Directory, "report.md");
        var json = Path.Combine(cli.Directory, "report.json");
        (await cli.RunAsync("analyze", ShopPrefix(), "--out", md)).ShouldBe(0, cli.Error.ToString());
        (await cli.RunAsync("analyze", ShopPrefix(), "--format", "json", "--out", json, "--input-format", "locust")).ShouldBe(0, cli.Error.ToString());
        (await File.ReadAllTextAsync(md)).ShouldContain("## Executive summary");
        (await cli.RunAsync("analyze", ShopPrefix(), "--format", "locust")).ShouldBe(0, cli.Error.ToString()); // importer name: the input format
        (await cli.RunAsync("analyze", ShopPrefix(), "--format", "k6-json")).ShouldBe(2); // forced and wrong: a located input error
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        doc.RootElement.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
        doc.RootElement.GetProperty("findings").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task Failed_sla_target_exits_1()
    {
        using var cli = new CliHarness();
        var sla = cli.File("sla.yaml", "sla:\n  - endpoint: \"*\"\n    p99: 250ms\n    errorRate: 1%\n");
        var exit = await cli.RunAsync("analyze", ShopPrefix(), "--sla", sla, "-f", "md");
        exit.ShouldBe(1);
        cli.Out.ToString().ShouldContain("**SLA: FAIL**");

        var passing = cli.File("pass.yaml", "- endpoint: /health\n  p99: 100ms\n");
        (await cli.RunAsync("analyze", ShopPrefix(), "--sla", passing)).ShouldBe(0, cli.Error.ToString());
    }

    [Fact]
    public async Task Bad_inputs_exit_2_with_a_located_message()
    {
        using var cli = new CliHarness();
        var sla = cli.File("bad.yaml", "sla:\n  - endpoint: \"*\"\n    p99: soon\n");
        (await cli.RunAsync("analyze", ShopPrefix(), "--sla", sla)).ShouldBe(2);
        cli.Error.ToString().ShouldContain("bad.yaml:3:10");

        (await cli.RunAsync("analyze", Path.Combine(cli.Directory, "missing.json"))).ShouldBe(2);
        (await cli.RunAsync("analyze", ShopPrefix(), "--format", "pdf")).ShouldBe(2);
        (await cli.RunAsync("analyze", ShopPrefix(), "--p99-warning", "fast")).ShouldBe(2);
        cli.Error.ToString().ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Run_appends_the_analysis_and_exits_1_when_its_sla_fails()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var scenario = cli.File("slow.yaml", $"""
            name: slow
            baseUrl: {target.BaseAddress}
            endpoints:
              - name: GET /delay/30
                path: /delay/30
            load:
              users: 2
              duration: 2s
            sla:
              - endpoint: "*"
                p99: 5ms
            """);
        var outDir = Path.Combine(cli.Directory, "out");
        var exit = await cli.RunAsync("run", scenario, "-o", outDir);
        exit.ShouldBe(1, cli.Error.ToString());
        cli.Error.ToString().ShouldContain("SLA failed");
        var md = await File.ReadAllTextAsync(Path.Combine(outDir, "analysis.md"));
        md.ShouldContain("**SLA: FAIL**");
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "analysis.json")));
        doc.RootElement.GetProperty("slaPassed").GetBoolean().ShouldBeFalse();
        cli.Console.Output.ShouldContain("SLA: FAIL");

        // The saved result analyzes to exactly the same analysis.json.
        var again = Path.Combine(cli.Directory, "again.json");
        (await cli.RunAsync("analyze", Path.Combine(outDir, "result.json"), "-o", again)).ShouldBe(1);
        (await File.ReadAllTextAsync(again)).ShouldBe(await File.ReadAllTextAsync(Path.Combine(outDir, "analysis.json")));
    }
}
