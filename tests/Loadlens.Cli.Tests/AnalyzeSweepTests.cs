using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Loadlens.Analysis.Capacity;
using Loadlens.Core.Serialization;
using Loadlens.TestUtils;

namespace Loadlens.Cli.Tests;

/// <summary>
/// Runs one real, short <c>loadlens sweep</c> against a loopback Kestrel server (1, 2, 4 users on
/// <c>/delay/5</c>) and keeps its output folder for the <c>loadlens analyze sweep.json</c> tests.
/// </summary>
public sealed class RecordedSweep : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "loadlens-analyze-sweep-" + Guid.NewGuid().ToString("N"));

    public string SweepJson => Path.Combine(Directory, "sweep.json");

    public int SweepExitCode { get; private set; }

    public string SweepErrors { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        SweepExitCode = await cli.RunAsync(
            "sweep", new Uri(target.BaseAddress, "/delay/5").ToString(), "--users", "1,2,4", "--step", "0.8s", "--step-warmup", "0.2s", "--sla-p99", "10s", "-o", Directory);
        SweepErrors = cli.Error.ToString();
    }

    public Task DisposeAsync()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }
}

/// <summary><c>loadlens analyze</c> on a sweep document: detection, the three formats, SLA override, bad input.</summary>
public sealed class AnalyzeSweepTests(RecordedSweep recorded) : IClassFixture<RecordedSweep>
{
    private static readonly string[] FindingKeys = ["ruleId", "severity", "endpoint", "title", "evidence", "recommendation"];

    private static string TestsFolder([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "..");

    [Fact]
    public async Task The_sweep_ran_for_real()
    {
        recorded.SweepExitCode.ShouldBe(0, recorded.SweepErrors);
        var sweep = await SweepResultJson.ReadAsync(recorded.SweepJson);
        sweep.Steps.Select(s => s.Level).ShouldBe([1, 2, 4]);
        sweep.Steps.ShouldAllBe(s => s.Result.Total.Requests > 0);
    }

    [Fact]
    public async Task Analyze_detects_a_sweep_file_or_folder_and_prints_the_capacity_table()
    {
        using var cli = new CliHarness();
        (await cli.RunAsync("analyze", recorded.SweepJson)).ShouldBe(0, cli.Error.ToString());
        var byFile = cli.Console.Output;
        byFile.ShouldContain("Capacity at SLA:");
        byFile.ShouldContain("p99 ≤ 10000 ms");
        byFile.ShouldContain("ok req/s");

        using var folder = new CliHarness();
        (await folder.RunAsync("analyze", recorded.Directory)).ShouldBe(0, folder.Error.ToString());
        folder.Console.Output.ShouldBe(byFile);
    }

    [Fact]
    public async Task Markdown_out_writes_the_same_report_as_the_sweep_with_its_charts_next_to_it()
    {
        using var cli = new CliHarness();
        var report = Path.Combine(cli.Directory, "reports", "capacity.md");
        (await cli.RunAsync("analyze", recorded.SweepJson, "--format", "md", "--out", report)).ShouldBe(0, cli.Error.ToString());

        // Same sweep, same analyzer, same renderer: byte for byte what `loadlens sweep` wrote.
        (await File.ReadAllTextAsync(report)).ShouldBe(await File.ReadAllTextAsync(Path.Combine(recorded.Directory, "sweep.md")));
        (await File.ReadAllTextAsync(report)).ShouldContain("![throughput](throughput.png)");
        foreach (var chart in new[] { "throughput.png", "latency.png" })
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(cli.Directory, "reports", chart));
            bytes.Take(4).ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, chart);
        }

        File.Exists(Path.Combine(cli.Directory, "reports", "latency.svg")).ShouldBeTrue();
        cli.Out.ToString().ShouldContain("capacity.md");

        // To the terminal: the same Markdown without the chart section (no files to point at).
        using var stdout = new CliHarness();
        (await stdout.RunAsync("analyze", recorded.SweepJson, "-f", "md")).ShouldBe(0, stdout.Error.ToString());
        stdout.Out.ToString().ShouldStartWith("# Capacity sweep: ");
        stdout.Out.ToString().ShouldNotContain("## Charts");
    }

    [Fact]
    public async Task Json_carries_the_capacity_summary_steps_and_findings_in_the_analysis_finding_shape()
    {
        using var cli = new CliHarness();
        (await cli.RunAsync("analyze", recorded.SweepJson, "--format", "json")).ShouldBe(0, cli.Error.ToString());
        using var doc = JsonDocument.Parse(cli.Out.ToString());
        var root = doc.RootElement;
        root.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
        root.GetProperty("kind").GetString().ShouldBe("sweep-analysis");
        root.GetProperty("slaPassed").GetBoolean().ShouldBeTrue();

        var sweep = await SweepResultJson.ReadAsync(recorded.SweepJson);
        var steps = root.GetProperty("steps").EnumerateArray().ToList();
        steps.Select(s => s.GetProperty("level").GetDouble()).ShouldBe([1, 2, 4]);
        for (var i = 0; i < steps.Count; i++)
        {
            var total = sweep.Steps[i].Result.Total;
            steps[i].GetProperty("requests").GetInt64().ShouldBe(total.Requests);
            steps[i].GetProperty("p99Ms").GetDouble().ShouldBe(total.Latency.P99, 0.0005); // rounded to 3 decimals
            steps[i].GetProperty("throughput").GetDouble().ShouldBe(total.RequestsPerSecond, 0.0005);
        }

        // Every step is within p99 ≤ 10 s (5 ms requests): capacity at SLA is the best step's goodput.
        var capacity = root.GetProperty("capacity");
        capacity.GetProperty("criteria").GetString().ShouldBe("p99 ≤ 10000 ms, errors ≤ 1%");
        var best = steps.Where(s => s.GetProperty("meetsSla").GetBoolean()).MaxBy(s => s.GetProperty("goodput").GetDouble());
        best.ValueKind.ShouldBe(JsonValueKind.Object);
        capacity.GetProperty("throughput").GetDouble().ShouldBe(best.GetProperty("goodput").GetDouble());
        capacity.GetProperty("level").GetDouble().ShouldBe(best.GetProperty("level").GetDouble());
        root.GetProperty("summary")[0].GetString().ShouldStartWith("Capacity at SLA: ");

        var expected = CapacityAnalyzer.Analyze(sweep);
        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        findings.Select(f => f.GetProperty("ruleId").GetString()).ShouldBe(expected.Findings.Select(f => f.RuleId));
        foreach (var f in findings)
        {
            f.EnumerateObject().Select(p => p.Name).ShouldBe(FindingKeys);
        }

        // The usl object is present (3 usable levels) or null with a note saying why.
        var usl = root.GetProperty("usl");
        if (usl.ValueKind == JsonValueKind.Null)
        {
            root.GetProperty("notes").EnumerateArray().ShouldContain(n => n.GetString()!.Contains("USL", StringComparison.Ordinal));
        }
        else
        {
            usl.GetProperty("points").GetInt32().ShouldBe(expected.Usl!.Points);
        }
    }

    [Fact]
    public async Task The_finding_shape_is_the_one_of_the_analysis_json()
    {
        using var cli = new CliHarness();
        var shop = Path.Combine(TestsFolder(), "Loadlens.Analysis.Tests", "Fixtures", "locust-shop", "shop");
        (await cli.RunAsync("analyze", shop, "--format", "json")).ShouldBe(0, cli.Error.ToString());
        using var doc = JsonDocument.Parse(cli.Out.ToString());
        var finding = doc.RootElement.GetProperty("findings")[0];
        finding.EnumerateObject().Select(p => p.Name).ShouldBe(FindingKeys);
    }

    [Fact]
    public async Task An_sla_file_replaces_the_sweeps_sla_and_exits_1_when_no_step_meets_it()
    {
        using var cli = new CliHarness();
        var sla = cli.File("sla.yaml", "sla:\n  - endpoint: \"*\"\n    p99: 1ms\n");
        var json = Path.Combine(cli.Directory, "out.json");
        (await cli.RunAsync("analyze", recorded.SweepJson, "--sla", sla, "--out", json)).ShouldBe(1);
        cli.Error.ToString().ShouldContain("SLA failed: no step met p99 ≤ 1 ms");
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        doc.RootElement.GetProperty("slaPassed").GetBoolean().ShouldBeFalse();
        doc.RootElement.GetProperty("capacity").GetProperty("level").ValueKind.ShouldBe(JsonValueKind.Null);
        doc.RootElement.GetProperty("capacity").GetProperty("firstFailingLevel").GetDouble().ShouldBe(1);
    }

    [Fact]
    public async Task A_truncated_sweep_json_exits_2_with_file_line_and_column()
    {
        using var cli = new CliHarness();
        var text = await File.ReadAllTextAsync(recorded.SweepJson);
        var truncated = cli.File("sweep.json", text[..(text.Length / 2)]);
        (await cli.RunAsync("analyze", truncated)).ShouldBe(2);
        var error = cli.Error.ToString();
        error.ShouldStartWith("error: ");
        Regex.IsMatch(error, Regex.Escape(truncated) + @":\d+:\d+: ").ShouldBeTrue(error);
        error.ShouldNotContain("   at ");

        // Forced to the single-run reader, the sweep is named as what it is.
        using var forced = new CliHarness();
        (await forced.RunAsync("analyze", recorded.SweepJson, "--input-format", "loadlens")).ShouldBe(2);
        forced.Error.ToString().ShouldContain("is a sweep document");

        // Forced to the sweep reader, a folder without sweep.json is a located usage error.
        using var empty = new CliHarness();
        (await empty.RunAsync("analyze", empty.Directory, "--input-format", "sweep")).ShouldBe(2);
        empty.Error.ToString().ShouldContain("no sweep.json");
    }
}
