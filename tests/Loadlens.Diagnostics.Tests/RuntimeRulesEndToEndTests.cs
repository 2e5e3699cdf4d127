using System.Diagnostics;
using Loadlens.Analysis;
using Loadlens.Core.Findings;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;
using Loadlens.Pipeline;
using Xunit.Abstractions;

namespace Loadlens.Diagnostics.Tests;

/// <summary>
/// The runtime counters and the three runtime rules on real .NET processes (tests/apps/Loadlens.RuntimeApp), loaded
/// through <see cref="LoadlensPipeline.RunAsync"/> with the <see cref="DotnetCountersHook"/>: each flawed mode fires its
/// rule with the counter next to the latency, the healthy mode fires none of them.
/// </summary>
[Collection(RuntimeAppGroup.Name)]
public sealed class RuntimeRulesEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loadlens-dotnet-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<(PipelineResult Done, DotnetProcessCounters Counters)> RunAsync(RuntimeApp app, int users, string name, int seconds = 8, int warmup = 1)
    {
        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(app.Work.ToString(), new ScenarioOverrides { Users = users, Duration = TimeSpan.FromSeconds(seconds), WarmUp = TimeSpan.FromSeconds(warmup) }),
            OutputDirectory = Path.Combine(_dir, name),
            Hooks = [new DotnetCountersHook(new ProcessTargets([app.Pid], Dotnet: true))],
        });
        done.Run.ShouldNotBeNull(string.Join("\n", done.Messages));
        foreach (var f in done.Analysis!.Findings)
        {
            output.WriteLine($"{f.RuleId}: {f.Title}");
        }

        // The section survives result.json.
        var stored = await RunResultJson.ReadAsync(Path.Combine(done.OutputDirectory!, "result.json"));
        stored.TryGetSection<DotnetCounters>(DotnetCounters.SectionName, out var section).ShouldBeTrue();
        section.Notes.ShouldBeEmpty();
        var process = section.Processes.ShouldHaveSingleItem();
        var byIndex = stored.Intervals.ToDictionary(i => i.Index);
        foreach (var s in process.Samples)
        {
            var i = byIndex[s.IntervalIndex].Total;
            output.WriteLine($"{s.StartSeconds,5:0.0}{(s.Warmup ? " w" : s.Drain ? " d" : "  ")} req {s.CompletedRequests,5} p50 {i.Latency.P50,7:0.0} p99 {i.Latency.P99,7:0.0} gc {s.GcPauseMs,6:0.0} ms {s.Gen0Collections}/{s.Gen1Collections}/{s.Gen2Collections} heap {s.HeapBytes / 1e6,6:0.0} MB alloc {s.AllocatedBytesPerSecond / 1e6,6:0.0} MB/s queue {s.ThreadPoolQueueLength,3} threads {s.ThreadPoolThreads,3}");
        }

        process.Pid.ShouldBe(app.Pid);
        process.RuntimeVersion.ShouldNotBeNull().ShouldStartWith("10.");

        // One sample per run interval, carrying that interval's marks and completed requests.
        process.Samples.Select(s => s.IntervalIndex).ShouldBe(stored.Intervals.Select(i => i.Index));
        foreach (var (sample, interval) in process.Samples.Zip(stored.Intervals))
        {
            sample.CompletedRequests.ShouldBe(interval.Total.Requests);
            sample.Warmup.ShouldBe(interval.Warmup);
            sample.Drain.ShouldBe(interval.Drain);
            sample.StartSeconds.ShouldBe(interval.StartSeconds);
        }

        var measured = process.Samples.Where(s => !s.Warmup && !s.Drain).ToList();
        measured.Count.ShouldBeGreaterThanOrEqualTo(6);
        measured.ShouldAllBe(s => s.ThreadPoolThreads > 0 && s.HeapBytes > 0); // every measured interval has the gauges
        return (done, process);
    }

    private static Finding Single(PipelineResult done, string rule) => done.Analysis!.Findings.Where(f => f.RuleId == rule).ShouldHaveSingleItem();

    private static double Evidence(Finding f, string name) => f.Evidence.Single(e => e.Name == name).Value;

    [Fact]
    public async Task A_leaking_app_grows_its_heap_by_the_bytes_it_keeps_per_request_and_memory_growth_fires()
    {
        await using var app = await RuntimeApp.StartAsync("leak");
        var (done, counters) = await RunAsync(app, 16, "leak");

        // The app keeps 16 KB (16,408 bytes with the array header) per request: 16.4 MB per 1,000 requests.
        counters.Summary.HeapGrowthBytesPer1kRequests.ShouldNotBeNull().ShouldBeInRange(12e6, 22e6);
        counters.Summary.AllocatedBytesPerRequest.ShouldNotBeNull().ShouldBeGreaterThan(16_384);
        var f = Single(done, RuleIds.MemoryGrowth);
        f.Title.ShouldContain("GC heap");
        f.Title.ShouldContain("per million requests");
        Evidence(f, "bytesPer1kRequests").ShouldBeInRange(12e6, 22e6);
        Evidence(f, "pValue").ShouldBeLessThan(0.01);
    }

    [Fact]
    public async Task A_sync_over_async_app_starves_the_thread_pool_and_threadpool_starvation_names_the_counters()
    {
        await using var app = await RuntimeApp.StartAsync("sync");
        var (done, counters) = await RunAsync(app, 32, "sync");

        counters.Summary.PeakThreadPoolQueueLength.ShouldBeGreaterThanOrEqualTo(10);
        var f = Single(done, RuleIds.ThreadPoolStarvation);
        f.Severity.ShouldBe(FindingSeverity.Critical);
        f.Title.ShouldContain("CPU unknown"); // no process watch in this run
        Evidence(f, "peakQueueLength").ShouldBeGreaterThanOrEqualTo(10);
        (Evidence(f, "threadsEnd") - Evidence(f, "threadsStart")).ShouldBeGreaterThanOrEqualTo(3);
        Evidence(f, "threadGrowthPerSecond").ShouldBeLessThanOrEqualTo(10);
        f.Recommendation.ShouldNotBeNull().Text.ShouldContain(".Wait()");
        f.Recommendation.Text.ShouldContain("threadpool-queue-length");
    }

    [Fact]
    public async Task A_gc_heavy_app_has_its_tail_latency_in_the_intervals_of_its_gc_pauses_and_gc_pauses_fires()
    {
        await using var app = await RuntimeApp.StartAsync("gc");
        var (done, counters) = await RunAsync(app, 16, "gc", seconds: 10, warmup: 2); // the first full collections of 1.5 M objects and the JIT stay in the warm-up

        counters.Summary.Gen2Collections.ShouldBeGreaterThanOrEqualTo(2); // a forced full collection every 1.5 s
        counters.Summary.GcPauseMs.ShouldBeGreaterThan(50);
        var f = Single(done, RuleIds.GcPauses);
        Math.Min(Evidence(f, "pValue"), Evidence(f, "splitPValue")).ShouldBeLessThan(0.05);
        Evidence(f, "pauseIntervalP99").ShouldBeGreaterThan(Evidence(f, "otherIntervalP99"));
        Evidence(f, "gen2Collections").ShouldBeGreaterThanOrEqualTo(2);
        f.Recommendation.ShouldNotBeNull().Text.ShouldContain("total-pause-time-by-gc");
    }

    [Fact]
    public async Task The_healthy_app_under_the_same_load_fires_none_of_the_runtime_rules()
    {
        await using var app = await RuntimeApp.StartAsync("healthy");
        var (done, counters) = await RunAsync(app, 32, "healthy");

        counters.Summary.AllocatedBytesPerRequest.ShouldNotBeNull().ShouldBeInRange(1, 100_000);
        counters.Summary.Gen2Collections.ShouldBe(0);
        done.Analysis!.Findings.ShouldNotContain(f => f.RuleId == RuleIds.MemoryGrowth || f.RuleId == RuleIds.ThreadPoolStarvation || f.RuleId == RuleIds.GcPauses);
    }

    [Fact]
    public async Task A_target_that_dies_during_the_run_ends_the_session_with_a_note_and_no_hang()
    {
        await using var app = await RuntimeApp.StartAsync("healthy");
        var killer = Task.Run(async () =>
        {
            await Task.Delay(2500);
            app.Kill();
        });
        var clock = Stopwatch.StartNew();
        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(app.Work.ToString(), new ScenarioOverrides { Users = 4, Duration = TimeSpan.FromSeconds(5) }),
            OutputDirectory = Path.Combine(_dir, "dies"),
            Hooks = [new DotnetCountersHook(new ProcessTargets([app.Pid], Dotnet: true))],
        });
        await killer;
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5 + 20)); // bounded: the run, the grace period and the hook's bounded waits

        var run = done.Run.ShouldNotBeNull(string.Join("\n", done.Messages));
        run.TryGetSection<DotnetCounters>(DotnetCounters.SectionName, out var section).ShouldBeTrue();
        section.Notes.ShouldContain(n => n.Contains("ended its EventPipe session before the run did", StringComparison.Ordinal));
        var process = section.Processes.ShouldHaveSingleItem();
        process.Samples.Count.ShouldBe(run.Intervals.Count);
        process.Samples.Where(s => s.StartSeconds < 2).ShouldContain(s => s.ThreadPoolThreads > 0); // read while it lived
    }

    [Fact]
    public async Task A_pid_that_is_not_dotnet_is_skipped_in_auto_mode_and_refused_with_target_dotnet()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            await using var app = await RuntimeApp.StartAsync("healthy");
            var auto = await LoadlensPipeline.RunAsync(new RunOptions
            {
                Scenario = ScenarioRequest.ForUrl(app.Work.ToString(), new ScenarioOverrides { Users = 2, Iterations = 50 }),
                OutputDirectory = Path.Combine(_dir, "auto"),
                Hooks = [new DotnetCountersHook(new ProcessTargets([sleeper.Id, app.Pid]))],
            });
            auto.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", auto.Messages));
            auto.Run!.TryGetSection<DotnetCounters>(DotnetCounters.SectionName, out var section).ShouldBeTrue();
            section.Processes.ShouldHaveSingleItem().Pid.ShouldBe(app.Pid); // the sleep process is left out silently
            section.Notes.ShouldBeEmpty();

            var required = await LoadlensPipeline.RunAsync(new RunOptions
            {
                Scenario = ScenarioRequest.ForUrl(app.Work.ToString(), new ScenarioOverrides { Users = 2, Iterations = 50 }),
                OutputDirectory = Path.Combine(_dir, "required"),
                Hooks = [new DotnetCountersHook(new ProcessTargets([sleeper.Id], Dotnet: true))],
            });
            required.Verdict.ShouldBe(Verdict.UsageError);
            required.Messages.ShouldHaveSingleItem().ShouldBe($"error: --target-dotnet: process {sleeper.Id} is not a .NET process (it publishes no diagnostics port); leave --target-dotnet off to watch it without runtime counters");
            required.Run.ShouldBeNull();
        }
        finally
        {
            sleeper.Kill();
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RuntimeAppGroup
{
    public const string Name = "runtime apps (one load at a time)";
}
