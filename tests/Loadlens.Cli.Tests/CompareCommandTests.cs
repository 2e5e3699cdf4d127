using System.Diagnostics;
using System.Text.Json;
using Loadlens.Engine;
using Loadlens.Pipeline;
using Loadlens.TestUtils;

namespace Loadlens.Cli.Tests;

/// <summary>
/// Two real short runs against one real Kestrel server: F with /work taking 1 ms, S with the same endpoint taking
/// 40 ms (250 ms intervals, so a 3 s run has 10 measured intervals), written as ordinary output folders. The
/// difference is made large on purpose: CI machines are shared, and a test asserts only a clear case (A/A and
/// small changes are measured by bench/compare-honesty.sh).
/// </summary>
public sealed class CompareRuns : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "loadlens-compare-" + Guid.NewGuid().ToString("N"));

    public string Fast => Path.Combine(Directory, "fast");

    public string Slow => Path.Combine(Directory, "slow");

    public async Task InitializeAsync()
    {
        await using var target = await TestTarget.StartAsync();
        foreach (var (folder, ms) in new[] { (Fast, 1.0), (Slow, 40.0) })
        {
            target.WorkMs = ms;
            var done = await LoadlensPipeline.RunAsync(new RunOptions
            {
                Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/work").ToString(), new ScenarioOverrides { Users = 8, Duration = TimeSpan.FromSeconds(3), WarmUp = TimeSpan.FromSeconds(0.5) }),
                Runner = new LoadRunnerOptions { IntervalLength = TimeSpan.FromMilliseconds(250) },
                OutputDirectory = folder,
            });
            done.ExitCode.ShouldBe(0, string.Join("\n", done.Messages));
        }
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

public sealed class CompareCommandTests(CompareRuns runs) : IClassFixture<CompareRuns>
{
    [Fact]
    public async Task MuchSlowerServer_IsSlower_AndFailsTheGate()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("compare", runs.Fast, runs.Slow, "--fail-on-regression", "10%");

        exit.ShouldBe(1, cli.Error.ToString());
        cli.Error.ToString().ShouldContain("regression: p95 of Aggregated worsened");
        cli.Error.ToString().ShouldContain("regression: p95 of GET /work worsened");
        cli.Console.Output.ShouldContain("slower");
        cli.Console.Output.ShouldContain("GET /work");
    }

    [Fact]
    public async Task WithoutTheGate_ARegressionIsReportedButExitsZero()
    {
        using var cli = new CliHarness();

        (await cli.RunAsync("compare", runs.Fast, runs.Slow)).ShouldBe(0, cli.Error.ToString());
        cli.Console.Output.ShouldContain("regression");
    }

    [Fact]
    public async Task Json_HasTheVersionedShape()
    {
        using var cli = new CliHarness();

        (await cli.RunAsync("compare", runs.Fast, runs.Slow, "-f", "json")).ShouldBe(0, cli.Error.ToString());

        using var json = JsonDocument.Parse(cli.Out.ToString());
        var root = json.RootElement;
        root.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
        root.GetProperty("verdict").GetString().ShouldBe("slower", cli.Out.ToString());
        var endpoint = root.GetProperty("endpoints").EnumerateArray().ShouldHaveSingleItem();
        endpoint.GetProperty("name").GetString().ShouldBe("GET /work");
        var metrics = endpoint.GetProperty("metrics").EnumerateArray().ToList();
        metrics.Select(m => m.GetProperty("metric").GetString()).ShouldBe(["mean", "p50", "p95", "p99", "max", "throughput", "error-rate", "unfinished"]);
        var p95 = metrics.Single(m => m.GetProperty("metric").GetString() == "p95");
        foreach (var field in new[] { "metric", "baseline", "candidate", "change", "ciLow", "ciHigh", "verdict" })
        {
            p95.TryGetProperty(field, out _).ShouldBeTrue(field);
        }

        p95.GetProperty("verdict").GetString().ShouldBe("slower");
        p95.GetProperty("baseline").GetDouble().ShouldBeGreaterThanOrEqualTo(1);
        p95.GetProperty("candidate").GetDouble().ShouldBeGreaterThanOrEqualTo(40);
        p95.GetProperty("change").GetDouble().ShouldBeGreaterThan(0.5);
        p95.GetProperty("ciLow").GetDouble().ShouldBeGreaterThan(0.3);
        var regression = root.GetProperty("regressions").EnumerateArray().First();
        regression.GetProperty("metric").GetString().ShouldBe("p95");
        root.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()).ShouldContain("achieved-rate"); // closed model: the slower server also lowered the rate
    }

    [Fact]
    public async Task Junit_ValidatesAgainstTheJunitSchema_WithTheRegressionAsAFailure()
    {
        using var cli = new CliHarness();
        var file = Path.Combine(cli.Directory, "perf.xml");

        (await cli.RunAsync("compare", runs.Fast, runs.Slow, "--fail-on-regression", "10%", "-o", file)).ShouldBe(1, cli.Error.ToString());

        var xml = await File.ReadAllTextAsync(file);
        xml.ShouldContain("<failure message=\"p95 of GET /work:");
        xml.ShouldContain("testcase name=\"p95 of Aggregated\"");
        var (code, output) = await XmlLint(file);
        code.ShouldBe(0, output);
        output.ShouldContain("validates");

        // A document that breaks the shape is refused by the same check (the schema is not a no-op).
        var broken = Path.Combine(cli.Directory, "broken.xml");
        await File.WriteAllTextAsync(broken, xml.Replace("<testcase ", "<testcase tests=\"x\" ", StringComparison.Ordinal));
        (await XmlLint(broken)).Code.ShouldNotBe(0);
    }

    [Fact]
    public async Task Markdown_IsTheBaselineVsCandidateImprovementTable()
    {
        using var cli = new CliHarness();

        (await cli.RunAsync("compare", runs.Slow, runs.Fast, "-f", "md")).ShouldBe(0, cli.Error.ToString());

        var md = cli.Out.ToString();
        md.ShouldContain("**Verdict: faster**");
        md.ShouldContain("| Metric | Baseline | Candidate | Improvement | 95 % CI of change | Verdict |");
        md.ShouldContain("% faster | ");
        md.ShouldContain("## GET /work");
    }

    [Fact]
    public async Task OutputDir_WritesEveryComparisonDocument()
    {
        using var cli = new CliHarness();
        var dir = Path.Combine(cli.Directory, "cmp");

        (await cli.RunAsync("compare", runs.Fast, runs.Slow, "--output-dir", dir)).ShouldBe(0, cli.Error.ToString());

        System.IO.Directory.GetFiles(dir).Select(Path.GetFileName).ShouldBe(["comparison.json", "comparison.junit.xml", "comparison.md", "report.html"], ignoreOrder: true);
    }

    [Fact]
    public async Task LocustCsvOfTheSameRun_MatchesTheLoadlensEndpoint()
    {
        using var cli = new CliHarness();

        (await cli.RunAsync("compare", Path.Combine(runs.Fast, "result.json"), Path.Combine(runs.Slow, "loadlens_stats.csv"), "-f", "json")).ShouldBe(0, cli.Error.ToString());

        using var json = JsonDocument.Parse(cli.Out.ToString());
        json.RootElement.GetProperty("endpoints").GetArrayLength().ShouldBe(1);
        json.RootElement.GetProperty("unmatched").GetProperty("baseline").GetArrayLength().ShouldBe(0);
        json.RootElement.GetProperty("candidate").GetProperty("tool").GetString().ShouldBe("locust");
    }

    [Theory]
    [InlineData("missing", "error: ")]
    [InlineData("@last:main", "is a history reference, but no history store is open")]
    public async Task BadInput_ExitsTwoWithOneLine(string candidate, string message)
    {
        using var cli = new CliHarness();

        (await cli.RunAsync("compare", runs.Fast, Path.Combine(cli.Directory, candidate) is var p && candidate.StartsWith('@') ? candidate : p)).ShouldBe(2);

        var error = cli.Error.ToString().Trim();
        error.ShouldContain(message);
        error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task UnknownMetric_ExitsTwoWithASuggestion()
    {
        using var cli = new CliHarness();

        (await cli.RunAsync("compare", runs.Fast, runs.Slow, "--metric", "p96")).ShouldBe(2);
        cli.Error.ToString().ShouldContain("--metric: unknown metric 'p96'");
    }

    private static async Task<(int Code, string Output)> XmlLint(string file)
    {
        var xsd = Path.Combine(RepositoryRoot(), "tests", "Loadlens.Analysis.Tests", "Compare", "junit.xsd");
        using var process = Process.Start(new ProcessStartInfo("xmllint", ["--noout", "--schema", xsd, file]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("xmllint could not be started (apt-get install libxml2-utils)");
        var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Loadlens.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root (Loadlens.slnx) not found");
    }
}
