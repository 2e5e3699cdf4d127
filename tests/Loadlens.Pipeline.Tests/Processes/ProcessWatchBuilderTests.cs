using Loadlens.Core.Results;
using Loadlens.Pipeline.Processes;

namespace Loadlens.Pipeline.Tests.Processes;

/// <summary>Alignment of snapshots with the run's intervals and the summary arithmetic, on constructed snapshots.</summary>
public sealed class ProcessWatchBuilderTests
{
    private static readonly DateTimeOffset Wall = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const double Frequency = 1000; // timestamp ticks per second: 1 tick = 1 ms
    private const double ClockTicks = 100;

    private static TimeSeriesInterval Interval(int index, long requests, bool warmup = false, bool drain = false) => new()
    {
        Index = index,
        StartSeconds = index,
        DurationSeconds = 1,
        Warmup = warmup,
        Drain = drain,
        Endpoints = [],
        Total = new IntervalEndpoint { Name = EndpointResult.AggregatedName, Requests = requests, Failures = 0, Latency = new LatencyStats { Count = requests } },
    };

    private static RunResult Run(params TimeSeriesInterval[] intervals) => new()
    {
        Name = "r",
        Source = new RunSource("loadlens", "native"),
        Environment = new RunEnvironment("m", "os", 2, "rt", "loadlens", "0"),
        StartedAt = Wall,
        DurationSeconds = intervals.Length,
        WarmupSeconds = intervals.Count(i => i.Warmup),
        Settings = new RunSettings { Model = "closed", Target = "http://127.0.0.1/" },
        Outcome = RunOutcome.Complete,
        Endpoints = [],
        Total = new EndpointResult { Name = EndpointResult.AggregatedName, Method = "", Requests = intervals.Sum(i => i.Total.Requests), Failures = 0, Latency = new LatencyStats(), RequestsPerSecond = 0 },
        Intervals = intervals,
        Errors = [],
    };

    /// <summary>A reading: <paramref name="cpuTicks"/> user ticks (system = a tenth of it), RSS in MB.</summary>
    private static ProcReading P(int pid, long cpuTicks, long rssMb, long start = 1, int threads = 1, long voluntary = 0, long waitNs = 0, long? mainWaitNs = null) =>
        new(pid, start, 1, cpuTicks, cpuTicks / 10, rssMb << 20, threads, 5, voluntary, 0, waitNs, mainWaitNs ?? waitNs);

    private static ProcessWatch Build(RunResult run, (long AtMs, ProcReading[] Processes)[] snapshots, double offsetSeconds = 0)
    {
        var snaps = snapshots.Select(s => new ProcSnapshot(s.AtMs, s.Processes)).ToList();
        var seen = new List<SeenProcess>();
        for (var i = 0; i < snaps.Count; i++)
        {
            foreach (var r in snaps[i].Processes.Where(r => seen.All(s => s.Key != r.Key)))
            {
                seen.Add(new SeenProcess(r.Key, 1, "worker", r.Pid == 1, false, i));
            }
        }

        // The sampler started offsetSeconds before the engine's StartedAt.
        return ProcessWatchBuilder.Build(run, snaps, seen, [], 0, Wall.AddSeconds(-offsetSeconds), Frequency, ClockTicks, 2, null);
    }

    [Fact]
    public void Snapshots_on_the_interval_boundaries_give_each_interval_its_own_delta()
    {
        var run = Run(Interval(0, 10, warmup: true), Interval(1, 20), Interval(2, 20), Interval(3, 20));
        // Process 1: 50 ticks (0.5 s) of user CPU per second = 50 % of one core, then 100 % in the last second.
        var watch = Build(run, [(0, [P(1, 0, 10)]), (1000, [P(1, 50, 10)]), (2000, [P(1, 100, 11)]), (3000, [P(1, 150, 12)]), (4000, [P(1, 250, 13)])]);

        watch.Samples.Select(s => s.IntervalIndex).ShouldBe([0, 1, 2, 3]);
        watch.Samples.Select(s => s.CpuUserPercent).ShouldBe([50, 50, 50, 100], tolerance: 1e-9);
        watch.Samples.Select(s => s.CpuSystemPercent).ShouldBe([5, 5, 5, 10], tolerance: 1e-9);
        watch.Samples[0].Warmup.ShouldBeTrue();
        watch.Samples.Select(s => s.CompletedRequests).ShouldBe([10, 20, 20, 20]);
        watch.Samples.Select(s => s.RssBytes >> 20).ShouldBe([10, 11, 12, 13]); // RSS at each interval's end

        // Measured window = intervals 1–3: 3 s, (50+50+100) ticks user = 2 s, 0.2 s system, 60 requests.
        watch.Summary.Seconds.ShouldBe(3);
        watch.Summary.CpuUserSeconds.ShouldBe(2, 1e-9);
        watch.Summary.CpuSystemSeconds.ShouldBe(0.2, 1e-9);
        watch.Summary.MeanCpuPercent.ShouldBe(2.2 / 3 * 100, 1e-9);
        watch.Summary.PeakCpuPercent.ShouldBe(110, 1e-9);
        watch.Summary.CompletedRequests.ShouldBe(60);
        watch.Summary.CpuMsPerRequest!.Value.ShouldBe(2200.0 / 60, 1e-9);
        watch.Summary.PeakRssBytes.ShouldBe(13L << 20);
        watch.Processes.ShouldHaveSingleItem().CpuSeconds.ShouldBe(2.2, 1e-9);
        watch.Processes[0].ExitedSeconds.ShouldBeNull();
    }

    [Fact]
    public void Snapshots_off_the_boundaries_are_interpolated()
    {
        var run = Run(Interval(0, 10), Interval(1, 10));
        // The sampler started 0.5 s before the run: snapshots at run time -0.5, 0.5, 1.5, 2.5 s, a steady 40 ticks per second.
        var watch = Build(run, [(0, [P(1, 1000, 10)]), (1000, [P(1, 1040, 10)]), (2000, [P(1, 1080, 10)]), (3000, [P(1, 1120, 10)])], offsetSeconds: 0.5);

        watch.Samples.Select(s => s.CpuUserPercent).ShouldBe([40, 40], tolerance: 1e-9);
    }

    [Fact]
    public void A_worker_started_during_the_run_counts_from_zero_and_one_that_exits_is_kept_until_its_last_reading()
    {
        var run = Run(Interval(0, 10), Interval(1, 10), Interval(2, 10));
        // Worker 2 exits after 1 s (its last reading is at 1 s); worker 3 (a restart) appears at 2 s with 60 ticks used since it started after 1 s.
        var watch = Build(run, [
            (0, [P(1, 0, 10), P(2, 500, 20, start: 7)]),
            (1000, [P(1, 0, 10), P(2, 590, 20, start: 7)]),
            (2000, [P(1, 0, 10), P(3, 60, 15, start: 9)]),
            (3000, [P(1, 0, 10), P(3, 150, 15, start: 9)]),
        ]);

        watch.Samples.Select(s => s.CpuUserPercent).ShouldBe([90, 60, 90], tolerance: 1e-9);
        watch.Samples.Select(s => s.BusiestProcessCpuPercent).ShouldBe([99, 66, 99], tolerance: 1e-9);
        watch.Samples.Select(s => s.Processes).ShouldBe([2, 2, 2]);
        watch.Processes.Select(p => p.Pid).ShouldBe([1, 2, 3]);
        watch.Processes.Single(p => p.Pid == 2).ExitedSeconds.ShouldBe(1);
        watch.Processes.Single(p => p.Pid == 3).FirstSeenSeconds.ShouldBe(2);
        watch.Processes.Single(p => p.Pid == 3).PeakRssBytes.ShouldBe(15L << 20);
    }

    [Fact]
    public void A_reused_pid_is_a_different_process()
    {
        var run = Run(Interval(0, 10), Interval(1, 10));
        // Pid 2 exits and a new process with pid 2 but a later start time appears: its 20 ticks are its own, not a drop of 80.
        var watch = Build(run, [(0, [P(2, 100, 5, start: 7)]), (1000, [P(2, 150, 5, start: 7)]), (2000, [P(2, 20, 5, start: 99)])]);

        watch.Processes.Count.ShouldBe(2);
        watch.Samples.Select(s => s.CpuUserPercent).ShouldBe([50, 20], tolerance: 1e-9);
    }

    [Fact]
    public void The_busiest_process_shows_its_main_threads_wait_and_the_total_every_threads()
    {
        var run = Run(Interval(0, 10), Interval(1, 10));
        // A multi-threaded server: its threads waited 800 ms for a core over the second, its main thread 10 ms. A thread
        // that exited between the samples lowered the sum: no negative wait.
        var watch = Build(run, [(0, [P(1, 0, 1, waitNs: 0, mainWaitNs: 0)]), (1000, [P(1, 80, 1, waitNs: 800_000_000, mainWaitNs: 10_000_000)]), (2000, [P(1, 160, 1, waitNs: 500_000_000, mainWaitNs: 10_000_000)])]);

        watch.Samples.Select(s => s.CpuWaitPercent).ShouldBe([80, 0], tolerance: 1e-9);
        watch.Samples.Select(s => s.BusiestProcessMainThreadWaitPercent).ShouldBe([1, 0], tolerance: 1e-9);
    }

    [Fact]
    public void Run_queue_wait_and_context_switches_are_deltas_per_interval()
    {
        var run = Run(Interval(0, 10), Interval(1, 10));
        var watch = Build(run, [(0, [P(1, 0, 1, voluntary: 100, waitNs: 0)]), (1000, [P(1, 50, 1, voluntary: 130, waitNs: 300_000_000)]), (2000, [P(1, 100, 1, voluntary: 190, waitNs: 700_000_000)])]);

        watch.Samples.Select(s => s.VoluntaryContextSwitches).ShouldBe([30L, 60L]);
        watch.Samples.Select(s => s.BusiestProcessMainThreadWaitPercent).ShouldBe([30, 40], tolerance: 1e-9);
        watch.Samples.Select(s => s.CpuWaitPercent).ShouldBe([30, 40], tolerance: 1e-9);
        watch.Summary.VoluntaryContextSwitchesPerRequest!.Value.ShouldBe(4.5, 1e-9);
    }

    [Fact]
    public void Rss_growth_is_the_least_squares_slope_against_requests_served()
    {
        // Measured intervals serve 100, 200, 100, 100 requests: 100, 300, 400, 500 served at their ends. RSS = 50 MB + 2 kB per request served.
        long[] served = [100, 300, 400, 500];
        var samples = new List<ProcessSample> { new() { IntervalIndex = 0, StartSeconds = 0, DurationSeconds = 1, Warmup = true, RssBytes = 1, CompletedRequests = 7 } };
        samples.AddRange(served.Select((n, i) => new ProcessSample
        {
            IntervalIndex = i + 1,
            StartSeconds = i + 1,
            DurationSeconds = 1,
            RssBytes = (50L << 20) + (2048 * n),
            CompletedRequests = i == 1 ? 200 : 100,
        }));

        var summary = ProcessWatchBuilder.Summarize(samples);

        summary.RssGrowthBytesPer1kRequests!.Value.ShouldBe(2048 * 1000, 1e-6);
        summary.CompletedRequests.ShouldBe(500);
        summary.RssStartBytes.ShouldBe((50L << 20) + 204800);
        summary.RssEndBytes.ShouldBe((50L << 20) + 1024000);
    }

    [Fact]
    public void Rss_growth_needs_three_measured_intervals()
    {
        var samples = new[] { 1L, 2 }.Select(i => new ProcessSample { IntervalIndex = (int)i, StartSeconds = i, DurationSeconds = 1, RssBytes = i << 20, CompletedRequests = 10 }).ToList();

        ProcessWatchBuilder.Summarize(samples).RssGrowthBytesPer1kRequests.ShouldBeNull();
        ProcessWatchBuilder.Summarize([]).CpuMsPerRequest.ShouldBeNull();
    }
}
