using Loadlens.Engine;
using Loadlens.Pipeline;
using Loadlens.TestUtils;

namespace Loadlens.History.Tests;

/// <summary>run --baseline @last and history compare against saved real runs: the stored baseline is the run before this one.</summary>
[Collection(HeavyTests.Name)]
public sealed class BaselineTests
{
    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task A_run_40x_slower_than_the_last_saved_one_fails_its_baseline_gate_and_history_compare_agrees(string backend)
    {
        await using var target = await TestTarget.StartAsync();
        await using var t = TestStore.Create(backend);
        var folder = Path.Combine(Path.GetTempPath(), "loadlens-history-baseline-" + Guid.NewGuid().ToString("N"));
        RunOptions Options(string name) => new()
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/work").ToString(), new ScenarioOverrides { Users = 8, Duration = TimeSpan.FromSeconds(3), WarmUp = TimeSpan.FromSeconds(0.5), Name = "orders" }),
            Runner = new LoadRunnerOptions { IntervalLength = TimeSpan.FromMilliseconds(250) },
            OutputDirectory = Path.Combine(folder, name),
            Save = new HistoryOptions { Connection = t.Connection, Git = new GitInfo("aaaa111", "main") },
        };

        target.WorkMs = 1;
        var fast = await LoadlensPipeline.RunAsync(Options("fast"));
        fast.ExitCode.ShouldBe(0, string.Join("\n", fast.Messages));

        target.WorkMs = 40;
        var slow = await LoadlensPipeline.RunAsync(Options("slow") with
        {
            Baseline = "@last:main",
            BaselineComparison = Analysis.Compare.ComparisonOptions.Default with { FailOnRegression = 0.10 },
        });
        slow.ExitCode.ShouldBe(1, string.Join("\n", slow.Messages));
        slow.Comparison.ShouldNotBeNull();
        slow.Comparison.Baseline.Label.ShouldStartWith($"@last:main ({fast.SavedId![..10]}");
        slow.Messages.ShouldContain(m => m.StartsWith("regression: p95 of GET /work worsened", StringComparison.Ordinal));
        slow.SavedId.ShouldNotBeNull().ShouldNotBe(fast.SavedId);

        using var cli = new CliRunner();
        (await cli.RunAsync("history", "compare", fast.SavedId, slow.SavedId, "--fail-on-regression", "10%", "--history", t.Connection)).ShouldBe(1, cli.Error.ToString());
        cli.Error.ToString().ShouldContain("regression: p95 of GET /work worsened");
        (await cli.RunAsync("compare", "@last", Path.Combine(folder, "fast"), "--history", t.Connection)).ShouldBe(0, cli.Error.ToString());
        Directory.Delete(folder, recursive: true);
    }

    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task Baseline_runs_takes_the_newest_runs_of_the_branch_as_replicates_and_a_comma_list_does_the_same_for_files(string backend)
    {
        await using var target = await TestTarget.StartAsync();
        await using var t = TestStore.Create(backend);
        var folder = Path.Combine(Path.GetTempPath(), "loadlens-history-replicates-" + Guid.NewGuid().ToString("N"));
        RunOptions Options(string name, string branch) => new()
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/work").ToString(), new ScenarioOverrides { Users = 4, Duration = TimeSpan.FromSeconds(2), WarmUp = TimeSpan.FromSeconds(0.25), Name = "orders" }),
            Runner = new LoadRunnerOptions { IntervalLength = TimeSpan.FromMilliseconds(200) },
            OutputDirectory = Path.Combine(folder, name),
            Save = new HistoryOptions { Connection = t.Connection, Git = new GitInfo("aaaa111", branch) },
        };

        target.WorkMs = 3;
        var saved = new List<string>();
        foreach (var (name, branch) in new[] { ("m1", "main"), ("m2", "main"), ("f1", "feature"), ("m3", "main") })
        {
            var done = await LoadlensPipeline.RunAsync(Options(name, branch));
            done.ExitCode.ShouldBe(0, string.Join("\n", done.Messages));
            saved.Add(done.SavedId!);
        }

        var candidate = await LoadlensPipeline.RunAsync(Options("c", "feature") with { Baseline = "@last:main", BaselineRuns = 3 });
        candidate.ExitCode.ShouldBe(0, string.Join("\n", candidate.Messages));
        var report = candidate.Comparison.ShouldNotBeNull();
        report.Baseline.Runs.ShouldBe(3); // m3, m2, m1: the feature-branch run in between is not one of them
        report.Baseline.Label.ShouldStartWith($"@last:main ({saved[3][..10]}");
        report.Baseline.Label.ShouldEndWith("+ 2 earlier runs");
        report.Candidate.Runs.ShouldBe(1);
        report.RunNoise.ShouldNotBeNull().ShouldStartWith("3 baseline runs, 1 candidate run");
        report.Overall.Metric("p95")!.RunNoise.ShouldNotBeNull().ShouldBeGreaterThan(0);

        // The same from files: a comma-separated list is one side of replicates.
        using var cli = new CliRunner();
        var json = Path.Combine(folder, "cmp.json");
        (await cli.RunAsync("compare", $"{Path.Combine(folder, "m1")},{Path.Combine(folder, "m2")}", Path.Combine(folder, "c"), "-f", "json", "-o", json)).ShouldBe(0, cli.Error.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(json));
        doc.RootElement.GetProperty("baseline").GetProperty("runs").GetInt32().ShouldBe(2);
        doc.RootElement.GetProperty("runNoise").GetString().ShouldNotBeNull().ShouldStartWith("2 baseline runs");
        (await cli.RunAsync("compare", "@last:main", Path.Combine(folder, "c"), "--baseline-runs", "0", "--history", t.Connection)).ShouldBe(2);
        cli.Error.ToString().ShouldContain("--baseline-runs must be at least 1");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_sweep_baseline_is_the_last_saved_sweep_of_the_scenario_not_a_run()
    {
        await using var target = await TestTarget.StartAsync();
        await using var t = TestStore.Create("sqlite");
        var folder = Path.Combine(Path.GetTempPath(), "loadlens-history-sweep-baseline-" + Guid.NewGuid().ToString("N"));
        SweepOptions Options(string name) => new()
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/work").ToString(), new ScenarioOverrides { Name = "orders" }),
            Levels = [1, 2],
            StepIterations = 40,
            OutputDirectory = Path.Combine(folder, name),
            Save = new HistoryOptions { Connection = t.Connection },
        };

        target.WorkMs = 1;
        var first = await LoadlensPipeline.SweepAsync(Options("first"));
        first.SavedId.ShouldNotBeNull(string.Join("\n", first.Messages));

        // A plain run of the same scenario saved in between must not be taken for the sweep's baseline.
        var run = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/work").ToString(), new ScenarioOverrides { Name = "orders", Iterations = 20 }),
            OutputDirectory = Path.Combine(folder, "run"),
            Save = new HistoryOptions { Connection = t.Connection },
        });
        run.SavedId.ShouldNotBeNull();

        var second = await LoadlensPipeline.SweepAsync(Options("second") with { Baseline = "@last" });
        second.SweepComparison.ShouldNotBeNull(string.Join("\n", second.Messages));
        second.SweepComparison.BaselineLabel.ShouldStartWith($"@last ({first.SavedId[..10]}");
        Directory.Delete(folder, recursive: true);
    }
}
