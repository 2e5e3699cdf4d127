using System.Diagnostics;
using System.Text.RegularExpressions;
using Loadlens.Analysis;
using Loadlens.Analysis.Compare;
using Loadlens.Cli.Commands;
using Loadlens.Core.Serialization;
using Loadlens.DemoApi;
using Loadlens.Pipeline;

namespace Loadlens.Cli.Tests;

/// <summary>
/// <c>loadlens demo --quick</c>, the whole journey: the API as a child process with every flaw, sweep, flawed run, diagnosis,
/// fixed run, comparison, report folder and history; exit 0, no API process left behind.
/// </summary>
[Collection("exclusive-load")]
public sealed partial class DemoCommandTests
{
    [GeneratedRegex(@"Demo API \(.*\) pid (\d+) on ")]
    private static partial Regex ApiLine();

    [Fact]
    public async Task Quick_demo_names_every_flaw_fixes_them_compares_and_saves_both_runs()
    {
        using var cli = new CliHarness();
        var root = Path.Combine(cli.Directory, "demo");
        var history = Path.Combine(cli.Directory, "history.db");

        var exit = await cli.RunAsync("demo", "--quick", "-o", root, "--history", history);

        var output = cli.Out.ToString();
        exit.ShouldBe(0, cli.Error.ToString() + output);

        // The API ran as its own process twice (flawed for its mixed run; fixed for its mixed run and the sweep), none left running.
        var pids = ApiLine().Matches(output).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        pids.Count.ShouldBe(2);
        pids.ShouldNotContain(Environment.ProcessId);
        foreach (var pid in pids)
        {
            Alive(pid).ShouldBeFalse($"demo API process {pid} was left running");
        }

        // One report folder.
        foreach (var file in new[] { "demo.md", "comparison.md", "sweep/sweep.json", "sweep/report.html", "baseline/result.json", "baseline/analysis.md", "baseline/summary.md", "baseline/report.html", "optimized/result.json", "optimized/analysis.md", "optimized/report.html" })
        {
            File.Exists(Path.Combine(root, file)).ShouldBeTrue(file);
        }

        // Every flaw is named in the flawed run (with evidence), none in the fixed one.
        var baseline = await RunResultJson.ReadAsync(Path.Combine(root, "baseline", "result.json"));
        var optimized = await RunResultJson.ReadAsync(Path.Combine(root, "optimized", "result.json"));
        var flawed = Analyzer.Analyze(baseline).Findings;
        // Sync-over-async included: threadpool-starvation from the API process's runtime counters (EventPipe).
        foreach (var expected in DemoDiagnosis.All)
        {
            var named = DemoDiagnosis.Match(expected, flawed);
            named.ShouldNotBeNull($"{DemoFlawNames.NameOf(expected.Flaw)} not named by {expected.RuleId}: {string.Join(" | ", flawed.Select(f => f.RuleId + " " + f.Endpoint))}");
            named.Evidence.ShouldNotBeEmpty();
        }

        DemoDiagnosis.Remaining(Analyzer.Analyze(optimized).Findings).ShouldBeEmpty();
        output.ShouldContain("With the fixes on, none of the flaws' findings is reported.");
        var story = await File.ReadAllTextAsync(Path.Combine(root, "demo.md"));
        story.ShouldContain("`n-plus-one` on GET /api/chefs");
        story.ShouldContain("`large-response` on GET /api/chefs/{id}/reviews");
        story.ShouldContain("## What to deploy"); // the sizing advice from the sweep of the fixed API (--target-rate 200/s by default)
        story.ShouldNotContain("replicas:** data too thin"); // the fixed API meets the SLA at some level, so its capacity per instance is known

        // The comparison: the fixed endpoints are faster (mean latency, the verdict with confidence intervals).
        var compared = await LoadlensPipeline.CompareAsync(new Pipeline.CompareOptions { Baseline = CompareInput.FromRun(baseline), Candidate = CompareInput.FromRun(optimized) });
        var report = compared.Comparison.ShouldNotBeNull();
        foreach (var endpoint in new[] { DemoEndpoints.ChefList, DemoEndpoints.BookingsOfDay, DemoEndpoints.Stats, DemoEndpoints.Book, DemoEndpoints.Reviews })
        {
            report.Endpoints.Single(e => e.Name == endpoint).Metric("mean")!.Verdict.ShouldBe(ComparisonVerdict.Faster, endpoint);
        }

        (await File.ReadAllTextAsync(Path.Combine(root, "comparison.md"))).ShouldContain("faster");

        // Both runs are in the history.
        Regex.Count(output, "Saved to history as ").ShouldBe(2);
        File.Exists(history).ShouldBeTrue();
    }

    [Fact]
    public async Task An_unknown_flaw_is_a_usage_error()
    {
        using var cli = new CliHarness();
        (await cli.RunAsync("demo", "--flaws", "slow-everything")).ShouldBe(2);
        cli.Error.ToString().ShouldContain("unknown flaw 'slow-everything'");
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
