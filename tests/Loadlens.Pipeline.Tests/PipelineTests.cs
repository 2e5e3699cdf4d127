using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Core.Serialization;
using Loadlens.Engine;
using Loadlens.Pipeline;
using Loadlens.Reporting.Outputs;
using Loadlens.TestUtils;

namespace Loadlens.Pipeline.Tests;

/// <summary>The library pipeline end to end against a real Kestrel server on 127.0.0.1, without the CLI.</summary>
public sealed class PipelineTests : IDisposable
{
    private static readonly string[] RunFolder =
    [
        "result.json", "loadlens_stats.csv", "loadlens_stats_history.csv", "loadlens_failures.csv", "loadlens_exceptions.csv",
        "summary.md", "analysis.md", "analysis.json", "report.html",
    ];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "loadlens-pipeline-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task RunAsync_writes_the_same_output_folder_as_loadlens_run()
    {
        await using var target = await TestTarget.StartAsync();
        var outDir = Path.Combine(_dir, "run");

        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/count").ToString(), new ScenarioOverrides { Users = 2, Iterations = 60 }),
            OutputDirectory = outDir,
        });

        done.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", done.Messages));
        done.ExitCode.ShouldBe(0);
        done.OutputDirectory.ShouldBe(outDir);
        done.Files.Select(Path.GetFileName).ShouldBe(RunFolder);
        Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(RunFolder.Order(StringComparer.Ordinal));
        target.Count.ShouldBe(60);

        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        result.Total.Requests.ShouldBe(60);
        done.Run!.Total.Requests.ShouldBe(60);
        done.Analysis!.SlaPassed.ShouldBeTrue();
        (await File.ReadAllLinesAsync(Path.Combine(outDir, "loadlens_stats.csv")))[1].ShouldStartWith("GET,GET /count,60,0,");
        (await File.ReadAllTextAsync(Path.Combine(outDir, "analysis.md"))).ShouldStartWith("# Performance analysis: 127.0.0.1-");
    }

    [Fact]
    public async Task A_failing_writer_is_reported_and_the_others_still_write()
    {
        await using var target = await TestTarget.StartAsync();
        var outDir = Path.Combine(_dir, "failing");
        var outputs = OutputRegistry.Default;
        outputs.Writers[0].Name.ShouldBe("result.json");
        var registry = new OutputRegistry([new ThrowingWriter(), .. outputs.Writers]);

        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/count").ToString(), new ScenarioOverrides { Users = 1, Iterations = 5 }),
            OutputDirectory = outDir,
            Outputs = registry,
        });

        done.Verdict.ShouldBe(Verdict.RunFailed);
        done.OutputFailures.ShouldHaveSingleItem().Writer.ShouldBe("broken.txt");
        done.Messages.ShouldContain(m => m.Contains("broken.txt could not be written: disk on fire", StringComparison.Ordinal));
        done.Files.Select(Path.GetFileName).ShouldBe(RunFolder);
        (await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"))).Total.Requests.ShouldBe(5);
    }

    [Fact]
    public async Task An_added_writer_and_a_hook_plug_in_without_touching_the_pipeline()
    {
        await using var target = await TestTarget.StartAsync();
        var outDir = Path.Combine(_dir, "plugins");
        var hook = new RecordingHook();

        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/count").ToString(), new ScenarioOverrides { Users = 1, Iterations = 7 }),
            OutputDirectory = outDir,
            Outputs = OutputRegistry.Default.Add(new CountWriter()),
            Hooks = [hook],
        });

        done.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", done.Messages));
        hook.Calls.ShouldBe(["before", "after"]);
        (await File.ReadAllTextAsync(Path.Combine(outDir, "count.txt"))).ShouldBe("7 requests");

        // The hook's header reached the server's requests, and its section round-trips through result.json.
        target.Count.ShouldBe(7);
        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        result.TryGetSection<HookSection>("test-hook", out var section).ShouldBeTrue();
        section!.Requests.ShouldBe(7);
        section.Note.ShouldBe("added after the run");
        result.Scenario!.Headers["X-Hook"].ShouldBe("1");
    }

    [Fact]
    public async Task Bad_input_and_an_unreachable_target_are_verdicts_not_exceptions()
    {
        var bad = await LoadlensPipeline.RunAsync(new RunOptions { Scenario = ScenarioRequest.ForUrl("ftp://127.0.0.1/x") });
        bad.Verdict.ShouldBe(Verdict.UsageError);
        bad.Messages.ShouldHaveSingleItem().ShouldStartWith("error: TARGET must be an http:// or https:// URL");

        var inconsistent = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl("http://127.0.0.1:9/x", new ScenarioOverrides { Duration = TimeSpan.FromSeconds(2), WarmUp = TimeSpan.FromSeconds(3) }),
        });
        inconsistent.Verdict.ShouldBe(Verdict.UsageError);
        inconsistent.Messages.ShouldHaveSingleItem().ShouldContain("the warm-up (3 s) must be shorter than the run (2 s)");

        var unreachable = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl("http://127.0.0.1:9/x", new ScenarioOverrides { Users = 1, Iterations = 1 }),
            OutputDirectory = Path.Combine(_dir, "never"),
        });
        unreachable.Verdict.ShouldBe(Verdict.RunFailed);
        unreachable.ExitCode.ShouldBe(3);
        unreachable.Messages.ShouldHaveSingleItem().ShouldContain("connection refused");
        Directory.Exists(Path.Combine(_dir, "never")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_failing_hook_is_a_run_failure_and_the_hooks_already_entered_are_released()
    {
        await using var target = await TestTarget.StartAsync();
        var entered = new RecordingHook();
        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/count").ToString(), new ScenarioOverrides { Users = 1, Iterations = 3 }),
            OutputDirectory = Path.Combine(_dir, "hook"),
            Hooks = [entered, new FailingHook()],
        });

        done.Verdict.ShouldBe(Verdict.RunFailed);
        done.Messages.ShouldHaveSingleItem().ShouldBe("error: the run hook FailingHook failed: ArgumentException: a bug in the hook");
        entered.Calls.ShouldBe(["before", "abandoned"]);
        target.Count.ShouldBe(0);
    }

    [Fact]
    public async Task AnalyzeAsync_into_an_unusable_folder_falls_back_without_throwing()
    {
        await using var target = await TestTarget.StartAsync();
        var runDir = Path.Combine(_dir, "src");
        (await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/count").ToString(), new ScenarioOverrides { Users = 1, Iterations = 3 }),
            OutputDirectory = runDir,
        })).Verdict.ShouldBe(Verdict.Ok);
        var blocker = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(blocker, "x");

        var done = await LoadlensPipeline.AnalyzeAsync(new AnalyzeOptions { Input = runDir, OutputDirectory = Path.Combine(blocker, "out") });

        done.Verdict.ShouldBe(Verdict.RunFailed);
        done.Messages.ShouldContain(m => m.StartsWith("error: cannot write results to", StringComparison.Ordinal));
        done.OutputDirectory.ShouldNotBeNull().ShouldStartWith(Path.GetTempPath());
        File.Exists(Path.Combine(done.OutputDirectory, "result.json")).ShouldBeTrue();
        Directory.Delete(done.OutputDirectory, recursive: true);
    }

    [Fact]
    public async Task AnalyzeAsync_renders_and_writes_documents_through_the_registry()
    {
        await using var target = await TestTarget.StartAsync();
        var runDir = Path.Combine(_dir, "source");
        var run = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/count").ToString(), new ScenarioOverrides { Users = 1, Iterations = 20 }),
            OutputDirectory = runDir,
        });
        run.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", run.Messages));

        // A Loadlens output folder is read from its exact result.json, not from its (lossy) Locust CSV.
        var rendered = await LoadlensPipeline.AnalyzeAsync(new AnalyzeOptions { Input = runDir, Format = "json" });
        rendered.Verdict.ShouldBe(Verdict.Ok);
        rendered.Document.ShouldBe(await File.ReadAllTextAsync(Path.Combine(runDir, "analysis.json")));

        var file = Path.Combine(_dir, "docs", "report.md");
        var written = await LoadlensPipeline.AnalyzeAsync(new AnalyzeOptions { Input = Path.Combine(runDir, "result.json"), Format = "md", OutputFile = file });
        written.Files.ShouldBe([Path.GetFullPath(file)]);
        (await File.ReadAllTextAsync(file)).ShouldBe(await File.ReadAllTextAsync(Path.Combine(runDir, "analysis.md")));

        // An imported result can be turned into a full Loadlens output folder.
        var folder = Path.Combine(_dir, "converted");
        var converted = await LoadlensPipeline.AnalyzeAsync(new AnalyzeOptions { Input = runDir, OutputDirectory = folder });
        converted.Files.Select(Path.GetFileName).ShouldBe(RunFolder);

        var unknown = await LoadlensPipeline.AnalyzeAsync(new AnalyzeOptions { Input = runDir, Format = "pdf" });
        unknown.Verdict.ShouldBe(Verdict.UsageError);
        unknown.Messages.ShouldHaveSingleItem().ShouldBe("error: no 'pdf' output for this input (available: md, json, html)");
    }

    [Fact]
    public async Task SweepAsync_runs_every_level_through_the_hooks_and_writes_the_sweep_folder()
    {
        await using var target = await TestTarget.StartAsync();
        var outDir = Path.Combine(_dir, "sweep");
        var hook = new RecordingHook();

        var done = await LoadlensPipeline.SweepAsync(new SweepOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/count").ToString()),
            Levels = [1, 2],
            StepDuration = TimeSpan.FromSeconds(0.6),
            StepWarmup = TimeSpan.FromSeconds(0.2),
            OutputDirectory = outDir,
            Hooks = [hook],
        });

        done.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", done.Messages));
        hook.Calls.ShouldBe(["before", "after", "before", "after"]);
        done.Sweep!.Steps.Count.ShouldBe(2);
        done.Sweep.Steps.ShouldAllBe(s => s.Result.Sections != null && s.Result.Sections.ContainsKey("test-hook"));
        done.Files.Select(Path.GetFileName).ShouldBe(["sweep.json", "throughput.png", "throughput.svg", "latency.png", "latency.svg", "sweep.md", "sweep-analysis.json", "report.html"]);
    }

    [Theory]
    [InlineData(new double[] { }, "give the levels")]
    [InlineData(new double[] { 2, 1 }, "levels must increase")]
    [InlineData(new double[] { 1.5 }, "whole numbers of users")]
    public async Task SweepAsync_bad_levels_are_usage_errors(double[] levels, string message)
    {
        var done = await LoadlensPipeline.SweepAsync(new SweepOptions { Scenario = ScenarioRequest.ForUrl("http://127.0.0.1:9/x"), Levels = levels });
        done.Verdict.ShouldBe(Verdict.UsageError);
        done.Messages.ShouldHaveSingleItem().ShouldContain(message);
    }

    [Fact]
    public void Sweep_stages_give_levels_and_the_step_length()
    {
        var plan = LoadlensPipeline.BuildPlan(new SweepOptions { Scenario = ScenarioRequest.ForUrl("http://127.0.0.1:9/x"), Stages = "3s:1,3s:5,3s:10" });
        plan.Levels.ShouldBe([1, 5, 10]);
        plan.StepDuration.ShouldBe(TimeSpan.FromSeconds(3));
        Should.Throw<Core.InputFormatException>(() => LoadlensPipeline.BuildPlan(new SweepOptions { Scenario = ScenarioRequest.ForUrl("http://127.0.0.1:9/x"), Stages = "3s:1,4s:5" }))
            .Message.ShouldContain("same length");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private sealed record HookSection(long Requests, string Note);

    private sealed class RecordingHook : IRunHook
    {
        public List<string> Calls { get; } = [];

        public ValueTask<RunSetup> BeforeRunAsync(RunSetup setup, CancellationToken cancellationToken)
        {
            Calls.Add("before");
            var headers = new Dictionary<string, string>(setup.Scenario.Headers) { ["X-Hook"] = "1" };
            return ValueTask.FromResult(setup with { Scenario = setup.Scenario with { Headers = headers } });
        }

        public ValueTask<RunResult> AfterRunAsync(RunSetup setup, RunResult result, CancellationToken cancellationToken)
        {
            Calls.Add("after");
            return ValueTask.FromResult(result.WithSection("test-hook", new HookSection(result.Total.Requests, "added after the run")));
        }

        public ValueTask RunAbandonedAsync(RunSetup setup, Exception error)
        {
            Calls.Add("abandoned");
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FailingHook : IRunHook
    {
        public ValueTask<RunSetup> BeforeRunAsync(RunSetup setup, CancellationToken cancellationToken) => throw new ArgumentException("a bug in the hook");
    }

    private sealed class ThrowingWriter : IOutputWriter
    {
        public string Name => "broken.txt";

        public string? Format => null;

        public bool Supports(OutputContext context) => true;

        public Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
            => throw new IOException("disk on fire");
    }

    private sealed class CountWriter : IOutputWriter
    {
        public string Name => "count.txt";

        public string? Format => "txt";

        public bool Supports(OutputContext context) => context.Run is not null;

        public async Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
        {
            var path = target.PathFor(Name);
            await File.WriteAllTextAsync(path, $"{context.Run!.Total.Requests} requests", cancellationToken);
            return [path];
        }
    }
}
