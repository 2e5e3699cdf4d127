using Loadlens.Analysis.Compare;
using Loadlens.Core.Results;

namespace Loadlens.Analysis.Tests.Compare;

/// <summary>cpu-per-request and memory in a comparison, from the processWatch section's per-interval samples.</summary>
public sealed class ProcessMetricsTests
{
    private static readonly ComparisonOptions Fast = ComparisonOptions.Default with { Resamples = 500 };

    /// <summary>A run whose server used about <paramref name="cpuMsPerRequest"/> of CPU per request and held about <paramref name="rssMb"/> MB.</summary>
    private static RunResult WithWatch(RunResult run, double cpuMsPerRequest, double rssMb, int seed)
    {
        var random = new Random(seed);
        var samples = run.Intervals.Select(i =>
        {
            var cpuSeconds = cpuMsPerRequest * (1 + ((random.NextDouble() - 0.5) * 0.1)) * i.Total.Requests / 1000;
            return new ProcessSample
            {
                IntervalIndex = i.Index,
                StartSeconds = i.StartSeconds,
                DurationSeconds = i.DurationSeconds,
                Warmup = i.Warmup,
                Processes = 1,
                CpuUserPercent = cpuSeconds / i.DurationSeconds * 100,
                RssBytes = (long)(rssMb * 1e6 * (1 + ((random.NextDouble() - 0.5) * 0.02))),
                CompletedRequests = i.Total.Requests,
            };
        }).ToList();
        return run.WithSection(ProcessWatch.SectionName, new ProcessWatch { MachineCores = 2, Samples = samples, Summary = new ProcessWatchSummary() });
    }

    [Fact]
    public void Less_cpu_per_request_and_less_memory_are_better_on_the_overall_row()
    {
        var baseline = WithWatch(Runs.Make(10, seed: 1), cpuMsPerRequest: 3.1, rssMb: 45.2, seed: 1);
        var candidate = WithWatch(Runs.Make(10, seed: 2), cpuMsPerRequest: 1.2, rssMb: 35.1, seed: 2);

        var report = RunComparer.Compare(baseline, candidate, Fast);

        var cpu = report.Overall.Metrics.Single(m => m.Metric == "cpu-per-request");
        cpu.Unit.ShouldBe("ms");
        cpu.Baseline!.Value.ShouldBe(3.1, 0.1);
        cpu.Candidate!.Value.ShouldBe(1.2, 0.05);
        cpu.Verdict.ShouldBe(ComparisonVerdict.Faster);
        var memory = report.Overall.Metrics.Single(m => m.Metric == "memory");
        memory.Unit.ShouldBe("MB");
        memory.Baseline!.Value.ShouldBe(45.2, 0.3);
        memory.Candidate!.Value.ShouldBe(35.1, 0.3);
        memory.Verdict.ShouldBe(ComparisonVerdict.Faster);
        report.Endpoints.ShouldAllBe(e => e.Metrics.All(m => m.Metric != "cpu-per-request" && m.Metric != "memory")); // the processes serve every endpoint
    }

    [Fact]
    public void More_cpu_per_request_is_worse()
    {
        var report = RunComparer.Compare(WithWatch(Runs.Make(10, seed: 3), 1.2, 40, 3), WithWatch(Runs.Make(10, seed: 4), 3.1, 40, 4), Fast);

        report.Overall.Metrics.Single(m => m.Metric == "cpu-per-request").Verdict.ShouldBe(ComparisonVerdict.Slower);
        report.Overall.Metrics.Single(m => m.Metric == "memory").Verdict.ShouldBe(ComparisonVerdict.Same);
    }

    [Fact]
    public void Runs_without_the_section_have_no_process_metrics()
    {
        var report = RunComparer.Compare(Runs.Make(10, seed: 5), Runs.Make(10, seed: 6), Fast);

        report.Overall.Metrics.ShouldNotContain(m => m.Metric == "cpu-per-request" || m.Metric == "memory");
    }
}
