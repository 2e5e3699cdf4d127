using System.Diagnostics;
using System.Text.Json;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;
using Loadlens.TestUtils;

namespace Loadlens.Cli.Tests;

/// <summary>
/// <c>--target-pid</c> against real processes: a CPU-bound and an I/O-bound Flask app behind <c>gunicorn -w 1</c> (its master
/// watched with <c>--target-children</c>), with the worker's own CPU time as the oracle.
/// </summary>
[Collection("exclusive-load")] // never beside another load-generating class of this assembly: generator-saturation reads this process's CPU
public sealed class ProcessWatchGunicornTests
{
    [Fact]
    public async Task A_cpu_bound_single_worker_is_sampled_per_interval_and_diagnosed_as_one_busy_core()
    {
        await using var app = await GunicornTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "cpu");
        var cpuBefore = await app.WorkerCpuSecondsAsync();

        // 20 ms of CPU per request, 4 users queue behind the one worker.
        var exit = await cli.RunAsync("run", new Uri(app.BaseAddress, "/cpu?ms=20").ToString(), "-u", "4", "-d", "6s", "-w", "1s",
            "--target-pid", app.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--target-children", "-o", outDir);

        var cpuAfter = await app.WorkerCpuSecondsAsync();
        exit.ShouldBe(0, cli.Error.ToString());
        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        result.TryGetSection<ProcessWatch>(ProcessWatch.SectionName, out var watch).ShouldBeTrue();

        // One sample per interval, aligned: same index, start, flags, and the interval's completed requests.
        watch.Samples.Select(s => s.IntervalIndex).ShouldBe(result.Intervals.Select(i => i.Index));
        watch.Samples.Select(s => s.StartSeconds).ShouldBe(result.Intervals.Select(i => i.StartSeconds));
        watch.Samples.Select(s => s.Warmup).ShouldBe(result.Intervals.Select(i => i.Warmup));
        watch.Samples.Select(s => s.Drain).ShouldBe(result.Intervals.Select(i => i.Drain));
        watch.Samples.Select(s => s.CompletedRequests).ShouldBe(result.Intervals.Select(i => i.Total.Requests));

        // The master and its one worker, found by parent pid.
        var master = watch.Processes.Single(p => p.Root);
        master.Pid.ShouldBe(app.Pid);
        var worker = watch.Processes.Single(p => !p.Root);
        worker.ParentPid.ShouldBe(app.Pid);
        worker.Name.ShouldContain("gunicorn");
        watch.Samples.Where(s => !s.Warmup && !s.Drain).ShouldAllBe(s => s.Processes == 2 && s.RssBytes > 10_000_000 && s.Threads >= 2 && s.OpenFileDescriptors > 3);

        // The CPU the monitor saw over all intervals is the CPU the worker says it used (the master idles).
        var sampled = watch.Samples.Sum(s => s.CpuPercent * s.DurationSeconds / 100);
        var own = cpuAfter - cpuBefore;
        own.ShouldBeGreaterThan(1);
        sampled.ShouldBe(own, (0.15 * own) + 0.2);
        watch.Summary.CpuMsPerRequest!.Value.ShouldBeInRange(18, 40); // 20 ms of work plus the framework's own
        watch.Summary.CompletedRequests.ShouldBe(result.Intervals.Where(i => !i.Warmup && !i.Drain).Sum(i => i.Total.Requests));

        // The busiest process wants one whole core: on a core, or runnable and waiting for one (other work shares this machine).
        var measured = watch.Samples.Where(s => !s.Warmup && !s.Drain && s.CompletedRequests > 0).ToList();
        measured.Average(s => s.BusiestProcessCpuPercent + s.BusiestProcessMainThreadWaitPercent).ShouldBeInRange(80, 115);

        using var analysis = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "analysis.json")));
        var findings = analysis.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var finding = findings.Where(f => f.GetProperty("ruleId").GetString() == "cpu-saturation").ShouldHaveSingleItem(analysis.RootElement.GetProperty("findings").ToString());
        finding.GetProperty("title").GetString()!.ShouldContain("ONE core");
        finding.GetProperty("recommendation").GetProperty("text").GetString()!.ShouldContain("more worker processes");

        // Rendered everywhere: the console, summary.md, report.html.
        cli.Console.Output.ShouldContain("Server process (/proc)");
        cli.Console.Output.ShouldContain("CPU per request");
        var summary = await File.ReadAllTextAsync(Path.Combine(outDir, "summary.md"));
        summary.ShouldContain("## Server process");
        summary.ShouldContain($"gunicorn (pid {app.Pid})");
        var html = await File.ReadAllTextAsync(Path.Combine(outDir, "report.html"));
        html.ShouldContain("process-cpu");
        html.ShouldContain("process-rss");
    }

    [Fact]
    public async Task An_io_bound_worker_that_sleeps_is_not_cpu_saturated()
    {
        await using var app = await GunicornTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "io");

        // 50 ms of sleep per request: the same queue behind one worker, but no CPU.
        var exit = await cli.RunAsync("run", new Uri(app.BaseAddress, "/work?ms=50").ToString(), "-u", "4", "-d", "5s", "-w", "1s",
            "--target-pid", app.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--target-children", "-o", outDir);

        exit.ShouldBe(0, cli.Error.ToString());
        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        result.TryGetSection<ProcessWatch>(ProcessWatch.SectionName, out var watch).ShouldBeTrue();
        watch.Summary.MeanCpuPercent.ShouldBeLessThan(40);
        watch.Summary.CpuMsPerRequest!.Value.ShouldBeLessThan(15); // far below the 50 ms each request takes
        watch.Summary.VoluntaryContextSwitchesPerRequest!.Value.ShouldBeGreaterThan(0.5); // it sleeps: it gives the core away
        using var analysis = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "analysis.json")));
        analysis.RootElement.GetProperty("findings").EnumerateArray().ShouldNotContain(f => f.GetProperty("ruleId").GetString() == "cpu-saturation");
    }
}

/// <summary><c>--target-pid</c> errors and a target that exits, against Kestrel in this test process.</summary>
public sealed class ProcessWatchTests
{
    [Fact]
    public async Task A_pid_with_no_process_is_a_usage_error()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/count").ToString(), "-n", "5", "--target-pid", "2147483000", "-o", Path.Combine(cli.Directory, "x"));

        exit.ShouldBe(2);
        cli.Error.ToString().ShouldContain("no process with id 2147483000");
        cli.Error.ToString().ShouldNotContain("   at "); // one line, no stack trace
        target.Count.ShouldBe(0); // nothing was loaded
    }

    [Fact]
    public async Task A_target_that_exits_mid_run_becomes_a_note_and_every_output_is_written()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "exits");
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "1.5") { UseShellExecute = false })!;

        var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/delay/5").ToString(), "-u", "2", "-d", "4s",
            "--target-pid", sleeper.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", outDir);

        exit.ShouldBe(0, cli.Error.ToString());
        foreach (var file in new[] { "result.json", "summary.md", "analysis.json", "report.html" })
        {
            File.Exists(Path.Combine(outDir, file)).ShouldBeTrue(file);
        }

        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        result.TryGetSection<ProcessWatch>(ProcessWatch.SectionName, out var watch).ShouldBeTrue();
        watch.Notes.ShouldHaveSingleItem().ShouldContain($"process {sleeper.Id} (sleep) exited");
        watch.Processes.ShouldHaveSingleItem().ExitedSeconds.ShouldNotBeNull().ShouldBeLessThan(3);
        watch.Samples.Count.ShouldBe(result.Intervals.Count);
        watch.Samples[^1].Processes.ShouldBe(0);
        (await File.ReadAllTextAsync(Path.Combine(outDir, "summary.md"))).ShouldContain("exited");
    }

    [Fact]
    public async Task Each_sweep_step_gets_its_own_process_watch()
    {
        // The server is Kestrel in this very process: watch it.
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "sweep");

        var exit = await cli.RunAsync("sweep", new Uri(target.BaseAddress, "/delay/2").ToString(), "--users", "1,4", "--step", "1.5s", "--step-warmup", "0.5s",
            "--target-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", outDir);

        exit.ShouldBe(0, cli.Error.ToString());
        var sweep = await SweepResultJson.ReadAsync(Path.Combine(outDir, "sweep.json"));
        sweep.Steps.Count.ShouldBe(2);
        foreach (var step in sweep.Steps)
        {
            step.Result.TryGetSection<ProcessWatch>(ProcessWatch.SectionName, out var watch).ShouldBeTrue();
            watch.Processes.ShouldHaveSingleItem().Pid.ShouldBe(Environment.ProcessId);
            watch.Samples.Select(s => s.IntervalIndex).ShouldBe(step.Result.Intervals.Select(i => i.Index));
            watch.Summary.CompletedRequests.ShouldBeGreaterThan(0);
            watch.Summary.PeakThreads.ShouldBeGreaterThan(4);
        }

        cli.Console.Output.ShouldContain("Server process per step");
        (await File.ReadAllTextAsync(Path.Combine(outDir, "sweep.md"))).ShouldContain("## Server process per step");
    }
}
