using Loadlens.Core.Metrics;
using Loadlens.Core.Serialization;
using Loadlens.TestUtils;

namespace Loadlens.Cli.Tests;

public sealed class RunCommandTests
{
    [Fact]
    public async Task QuickMode_WritesAllOutputs_AndResultJsonRoundTripsExactly()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "out");

        var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/count").ToString(), "-u", "4", "-d", "3s", "-w", "1s", "-o", outDir);

        exit.ShouldBe(0, cli.Error.ToString());
        foreach (var f in new[] { "result.json", "summary.md", "loadlens_stats.csv", "loadlens_stats_history.csv", "loadlens_failures.csv" })
        {
            File.Exists(Path.Combine(outDir, f)).ShouldBeTrue(f);
        }

        var json = await File.ReadAllTextAsync(Path.Combine(outDir, "result.json"));
        var result = RunResultJson.Deserialize(json);
        RunResultJson.Serialize(result).ShouldBe(json); // byte-exact round trip

        // Statistics recomputed from the stored histograms are identical to the stored statistics.
        foreach (var endpoint in result.Endpoints.Append(result.Total))
        {
            LatencyHistograms.ToStats(LatencyHistograms.Decode(endpoint.Histogram!)).ShouldBe(endpoint.Latency);
        }

        var merged = LatencyHistograms.Merge(result.Intervals.Where(i => !i.Warmup && i.Total.Histogram is not null)
            .Select(i => LatencyHistograms.Decode(i.Total.Histogram!)));
        LatencyHistograms.ToStats(merged).ShouldBe(result.Total.Latency);
        // Every request the server answered is in the time series (warm-up included), and the totals are the measured intervals.
        result.Intervals.Sum(i => i.Total.Requests).ShouldBe(target.Count);
        result.Total.Requests.ShouldBeGreaterThan(0);
        result.Total.Requests.ShouldBe(result.Intervals.Where(i => !i.Warmup).Sum(i => i.Total.Requests));
        result.Intervals[0].Warmup.ShouldBeTrue();
        result.Scenario.ShouldNotBeNull();
        result.Environment.ToolName.ShouldBe("loadlens");
        cli.Out.ToString().ShouldContain("Results written to");
        cli.Console.Output.ShouldContain("GET /count");
    }

    [Fact]
    public async Task QuickMode_IterationsAndPost_ServerCountsMatchStats()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "out");

        var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/count").ToString(), "-X", "POST", "--body", "{}", "-H", "X-Test: 1",
            "-u", "3", "-n", "120", "--expect-status", "201", "-o", outDir);

        exit.ShouldBe(0, cli.Error.ToString());
        target.Count.ShouldBe(120);
        var stats = await File.ReadAllLinesAsync(Path.Combine(outDir, "loadlens_stats.csv"));
        stats[1].ShouldStartWith("POST,POST /count,120,0,");
        stats[^1].ShouldStartWith(",Aggregated,120,0,");
    }

    [Fact]
    public async Task ScenarioFile_WithUnknownKey_ExitCode2WithFileLineColumn()
    {
        using var cli = new CliHarness();
        var file = cli.File("bad.yaml", "baseUrl: http://127.0.0.1:9/\nendpoints:\n  - path: /\n    wieght: 2\nload:\n  users: 1\n  duration: 1s\n");

        var exit = await cli.RunAsync("run", file);

        exit.ShouldBe(2);
        cli.Error.ToString().ShouldContain($"{file}:4:5:");
        cli.Error.ToString().ShouldContain("wieght");
        cli.Error.ToString().ShouldNotContain("   at ");
    }

    [Fact]
    public async Task ScenarioFile_BadDuration_ExitCode2WithLocation()
    {
        using var cli = new CliHarness();
        var file = cli.File("bad.yaml", "baseUrl: http://127.0.0.1:9/\nendpoints:\n  - path: /\nload:\n  users: 1\n  duration: soon\n");

        var exit = await cli.RunAsync("run", file);

        exit.ShouldBe(2);
        cli.Error.ToString().ShouldContain($"{file}:6:13:");
    }

    [Fact]
    public async Task ScenarioFile_Valid_RunsAgainstTheServer()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var file = cli.File("ok.yaml", $"""
            name: file-run
            baseUrl: {target.BaseAddress}
            endpoints:
              - name: count
                path: /count
                weight: 3
              - name: text
                path: /text
                expect:
                  status: [200]
                  bodyContains: loadlens
            load:
              users: 2
              iterations: 60
            """);

        var exit = await cli.RunAsync("run", file, "-o", Path.Combine(cli.Directory, "out"));

        exit.ShouldBe(0, cli.Error.ToString());
        var result = await RunResultJson.ReadAsync(Path.Combine(cli.Directory, "out", "result.json"));
        result.Name.ShouldBe("file-run");
        result.Total.Requests.ShouldBe(60);
        result.Endpoints.Single(e => e.Name == "count").Requests.ShouldBe(target.Count);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("run", "http://127.0.0.1:9/", "-d", "abc")]
    [InlineData("run", "http://127.0.0.1:9/", "--rate", "-5/s")]
    [InlineData("run", "http://127.0.0.1:9/", "--users", "3", "--rate", "10/s")]
    [InlineData("run", "ftp://127.0.0.1/")]
    [InlineData("run", "http://127.0.0.1:9/", "--bogus")]
    [InlineData("run", "missing-file.yaml")]
    [InlineData("run", "http://127.0.0.1:9/", "-d", "2s", "-w", "5s")]
    [InlineData("run", "http://127.0.0.1:9/", "-X", "GE(T")]
    [InlineData("run", "http://127.0.0.1:9/", "-X", "POST", "--body", "x", "-H", "Content-Type: json", "-d", "1s")]
    public async Task BadUsage_ExitCode2_NoStackTrace(params string[] args)
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync(args);

        exit.ShouldBe(2);
        cli.Error.ToString().ShouldStartWith("error:");
        cli.Error.ToString().ShouldNotContain("   at ");
    }

    [Fact]
    public async Task UnreachableTarget_ExitCode3()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("run", "http://127.0.0.1:1/", "-d", "1s");

        exit.ShouldBe(3);
        cli.Error.ToString().ShouldContain("connection refused");
    }

    [Fact]
    public async Task OpenModel_ReportsIntendedAndAchievedRate()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "out");

        var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/count").ToString(), "--rate", "100/s", "-d", "2s", "-o", outDir);

        exit.ShouldBe(0, cli.Error.ToString());
        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        result.Arrivals.ShouldNotBeNull();
        result.Arrivals.Intended.ShouldBe(200);
        var summary = await File.ReadAllTextAsync(Path.Combine(outDir, "summary.md"));
        summary.ShouldContain("rrivals");
    }

    [Fact]
    public async Task UnwritableOutputFolder_ResultsGoToTheTempFolder_Exit3()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var blocker = cli.File("not-a-folder", "x"); // a file where the output folder should be

        var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/count").ToString(), "-u", "1", "-n", "5", "-o", Path.Combine(blocker, "out"));

        exit.ShouldBe(3);
        var error = cli.Error.ToString();
        error.ShouldContain("cannot write results");
        var match = System.Text.RegularExpressions.Regex.Match(error, "writing them to (.+) instead");
        match.Success.ShouldBeTrue(error);
        var result = await RunResultJson.ReadAsync(Path.Combine(match.Groups[1].Value, "result.json"));
        result.Total.Requests.ShouldBe(5);
        Directory.Delete(match.Groups[1].Value, recursive: true);
    }
}
