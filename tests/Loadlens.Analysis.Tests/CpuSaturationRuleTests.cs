using Loadlens.Core.Results;

namespace Loadlens.Analysis.Tests;

/// <summary>cpu-saturation on constructed process samples: one busy worker among more cores, all cores busy, an I/O-bound server.</summary>
public sealed class CpuSaturationRuleTests
{
    /// <summary>A 10 s run at 30 req/s and <paramref name="latencyMs"/> mean, with one process sample per interval.</summary>
    private static RunResult Run(double latencyMs, int machineCores, Func<int, ProcessSample> sample, double? cpuLimit = null, double cpuMsPerRequest = 20)
    {
        var intervals = Enumerable.Range(0, 10).Select(i => Synthetic.Interval(i, 4, Synthetic.Iv("GET /cpu", 30, latencyMs))).ToList();
        var run = Synthetic.Run([Synthetic.Endpoint("GET /cpu", 300, 10, Synthetic.Stats(latencyMs))], intervals, users: 4);
        var samples = intervals.Select(i => sample(i.Index) with { IntervalIndex = i.Index, StartSeconds = i.StartSeconds, DurationSeconds = 1, CompletedRequests = 30, Processes = 2 }).ToList();
        return run.WithSection(ProcessWatch.SectionName, new ProcessWatch
        {
            MachineCores = machineCores,
            CpuLimitCores = cpuLimit,
            Processes = [new WatchedProcess { Pid = 10, Name = "gunicorn", Root = true }, new WatchedProcess { Pid = 11, ParentPid = 10, Name = "gunicorn", CpuSeconds = 6 }],
            Samples = samples,
            Summary = new ProcessWatchSummary { CpuMsPerRequest = cpuMsPerRequest, CompletedRequests = 300 },
        });
    }

    private static ProcessSample Sample(double busiestCpu, double busiestWait, double totalCpu, double totalWait) => new()
    {
        IntervalIndex = 0,
        StartSeconds = 0,
        DurationSeconds = 1,
        CpuUserPercent = totalCpu * 0.9,
        CpuSystemPercent = totalCpu * 0.1,
        CpuWaitPercent = totalWait,
        BusiestProcessCpuPercent = busiestCpu,
        BusiestProcessMainThreadWaitPercent = busiestWait,
    };

    [Fact]
    public void One_worker_at_one_core_of_two_says_more_workers_would_help()
    {
        // 66 % on a core + 32 % waiting for one (the load generator shares the machine): the worker wants the whole core.
        var run = Run(130, 2, _ => Sample(66, 32, 67, 33));

        var finding = Analyzer.Findings(run).Where(f => f.RuleId == RuleIds.CpuSaturation).ShouldHaveSingleItem();

        finding.Title.ShouldContain("ONE core");
        finding.Title.ShouldContain("gunicorn, pid 11");
        finding.Title.ShouldContain("98 % of one core");
        finding.Recommendation!.Text.ShouldContain("more worker processes");
        finding.Evidence.Single(e => e.Name == "busiestProcessCpu").Value.ShouldBe(66);
        finding.Evidence.Single(e => e.Name == "coresAvailable").Value.ShouldBe(2);
        finding.Evidence.Single(e => e.Name == "meanLatency").Value.ShouldBe(130); // the latency next to the CPU that explains it
        finding.Evidence.Single(e => e.Name == "latencyOverCpu").Value.ShouldBe(6.5);
        finding.Severity.ShouldBe(Core.Findings.FindingSeverity.Critical);
    }

    [Fact]
    public void Every_core_busy_asks_for_more_cores_or_instances()
    {
        // Four workers together at 190 % of the two cores.
        var run = Run(130, 2, _ => Sample(50, 5, 190, 10));

        var finding = Analyzer.Findings(run).Where(f => f.RuleId == RuleIds.CpuSaturation).ShouldHaveSingleItem();

        finding.Title.ShouldNotContain("ONE core");
        finding.Title.ShouldContain("190 % CPU");
        finding.Recommendation!.Text.ShouldContain("more cores or more instances");
    }

    [Fact]
    public void A_multi_threaded_process_above_one_core_is_not_pinned_to_one()
    {
        // One .NET process at 145 % of one core of two (the generator has the rest): it already runs on both cores, so
        // "run more worker processes" would be wrong, and the cores are not all busy for it either.
        var run = Run(130, 2, _ => Sample(145, 2, 145, 2));

        Analyzer.Findings(run).ShouldNotContain(f => f.RuleId == RuleIds.CpuSaturation);
    }

    [Fact]
    public void Waits_of_a_multi_threaded_servers_pool_threads_do_not_make_it_a_one_core_worker()
    {
        // The flawed demo API: 44 % CPU, its pool threads 38 % waiting for a core between them, its main thread idle. The
        // one-core test counts the main thread's wait (a single-threaded worker's), so 44 + 1 is not a worker at one core.
        var run = Run(130, 2, _ => Sample(44, 1, 44, 38));

        Analyzer.Findings(run).ShouldNotContain(f => f.RuleId == RuleIds.CpuSaturation);
    }

    [Fact]
    public void A_multi_threaded_server_whose_threads_want_every_core_is_cpu_bound_on_all()
    {
        // The fixed demo API in a closed-model run: 145 % CPU and 110 % more runnable but waiting for a core.
        var run = Run(130, 2, _ => Sample(145, 1, 145, 110));

        var finding = Analyzer.Findings(run).Where(f => f.RuleId == RuleIds.CpuSaturation).ShouldHaveSingleItem();

        finding.Title.ShouldNotContain("ONE core");
        finding.Recommendation!.Text.ShouldContain("more cores or more instances");
    }

    [Fact]
    public void A_cgroup_quota_of_one_core_makes_one_busy_worker_all_cores()
    {
        var run = Run(130, 8, _ => Sample(95, 3, 96, 3), cpuLimit: 1);

        var finding = Analyzer.Findings(run).Where(f => f.RuleId == RuleIds.CpuSaturation).ShouldHaveSingleItem();

        finding.Title.ShouldContain("of the 1 core they may use");
        finding.Evidence.Single(e => e.Name == "coresAvailable").Value.ShouldBe(1);
    }

    [Fact]
    public void A_sleeping_io_bound_worker_does_not_fire()
    {
        // The same latency, but the worker waits on I/O: 4 % CPU.
        var run = Run(130, 2, _ => Sample(4, 0, 5, 0), cpuMsPerRequest: 1.3);

        Analyzer.Findings(run).ShouldNotContain(f => f.RuleId == RuleIds.CpuSaturation);
    }

    [Fact]
    public void A_busy_core_without_waiting_requests_does_not_fire()
    {
        // One core busy, but each request takes about its CPU time: nothing queues for the CPU, latency is flat.
        var run = Run(21, 2, _ => Sample(95, 2, 96, 2));

        Analyzer.Findings(run).ShouldNotContain(f => f.RuleId == RuleIds.CpuSaturation);
    }

    [Fact]
    public void Saturation_in_fewer_than_half_of_the_intervals_does_not_fire()
    {
        var run = Run(130, 2, i => i < 4 ? Sample(95, 3, 96, 3) : Sample(30, 1, 31, 1));

        Analyzer.Findings(run).ShouldNotContain(f => f.RuleId == RuleIds.CpuSaturation);
    }

    [Fact]
    public void Without_a_process_watch_section_nothing_fires()
    {
        Analyzer.Findings(Synthetic.Healthy()).ShouldNotContain(f => f.RuleId == RuleIds.CpuSaturation);
    }
}
