using Loadlens.Analysis.Capacity;
using Loadlens.Analysis.Sizing;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Sweep.Tests.Capacity;
using static Loadlens.Sweep.Tests.Sizing.SizingSweeps;

namespace Loadlens.Sweep.Tests.Sizing;

/// <summary>
/// The sizing arithmetic on constructed sweeps (<see cref="SizingSweeps"/>: one worker, 40 ms per request, capacity
/// at SLA 15 req/s, ceiling 25 req/s), target 100 req/s, 20 % headroom. Every expected number is worked out by hand in
/// the comment above its assertion.
/// </summary>
public sealed class SizingAdvisorTests
{
    private static SizingAdvice Advise(SweepResult sweep, double rate = 100) => SizingAdvisor.Advise(sweep, CapacityAnalyzer.Analyze(sweep), rate);

    [Fact]
    public void Cpu_bound_work_is_sized_as_processes_and_the_hpa_target_comes_from_the_cpu_at_the_knee()
    {
        var advice = Advise(WithCpu(SingleWorker(), cpuMsPerRequest: 38));

        // L = 100 req/s × 40 ms = 4; at capacity at SLA one slot was 15 × 0.04 / 1 = 60 % busy (< 80 %): ⌈4 / 0.6⌉ = 7.
        var w = advice.Workers;
        w.ThinData.ShouldBeNull();
        w.ServiceTimeMs.ShouldBe(40);
        w.Concurrency!.Value.ShouldBe(4, 1e-9);
        w.MeasuredParallelism!.Value.ShouldBe(1, 1e-9);
        w.Utilisation!.Value.ShouldBe(0.6, 1e-9);
        w.Slots.ShouldBe(7);
        // 38 ms of CPU in 40 ms of service: CPU-bound → 7 processes of 1 thread; cores 100 × 0.038 / 0.8 = 4.75.
        w.Kind.ShouldBe(WorkKind.CpuBound);
        w.CpuMsPerRequest!.Value.ShouldBe(38, 1e-9);
        w.Processes.ShouldBe(7);
        w.ThreadsPerProcess.ShouldBe(1);
        w.CoresNeeded!.Value.ShouldBe(4.75, 1e-9);
        w.Advice!.ShouldContain("7 worker processes, 1 thread each");
        w.Assumptions.ShouldContain(a => a.Contains("2 cores, fewer than the 4.75 needed", StringComparison.Ordinal));
        w.Arithmetic.ShouldContain("requests in service L = 100 req/s × 40 ms = 4");

        // ⌈100 / (15 × 0.8)⌉ = ⌈8.33⌉ = 9 instances.
        advice.Replicas.CapacityPerInstance.ShouldBe(15);
        advice.Replicas.CapacityIsLowerBound.ShouldBeFalse();
        advice.Replicas.Count.ShouldBe(9);

        // At 15 req/s: 150 requests × 38 ms = 5.7 CPU-s in 10 s = 0.57 cores of 2 = 28.5 %; × 0.8 = 22.8 → 22 %.
        var a = advice.Autoscale;
        a.CpuCoresAtKnee!.Value.ShouldBe(0.57, 1e-9);
        a.CpuCoresAvailable.ShouldBe(2);
        a.UtilisationAtKneePercent!.Value.ShouldBe(28.5, 1e-9);
        a.CpuTargetPercent.ShouldBe(22);
        a.MinReplicas.ShouldBe(2);
        a.MaxReplicas.ShouldBe(9);
        a.DeploymentName.ShouldBe("synthetic");
        a.HasManifest.ShouldBeTrue();

        // No server evidence: the pool cannot be sized.
        advice.Pool.Size.ShouldBeNull();
        advice.Pool.ThinData!.ShouldContain("no server evidence");
    }

    [Fact]
    public void Waiting_work_is_sized_as_threads_in_the_processes_the_cpu_needs()
    {
        var advice = Advise(WithCpu(SingleWorker(), cpuMsPerRequest: 4));

        // 4 ms of 40 ms on the CPU = 10 %: waiting. Cores 100 × 0.004 / 0.8 = 0.5 → 1 process; ⌈7 / 1⌉ = 7 threads.
        var w = advice.Workers;
        w.Kind.ShouldBe(WorkKind.Waiting);
        w.Slots.ShouldBe(7);
        w.CoresNeeded!.Value.ShouldBe(0.5, 1e-9);
        w.Processes.ShouldBe(1);
        w.ThreadsPerProcess.ShouldBe(7);
        w.Advice!.ShouldContain("1 worker process × 7 threads");

        // CPU at the knee: 150 × 4 ms / 10 s = 0.06 cores of 2 = 3 %; × 0.8 = 2.4 → 2 %, and CPU is a weak signal here.
        advice.Autoscale.CpuTargetPercent.ShouldBe(2);
        advice.Autoscale.Assumptions.ShouldContain(s => s.Contains("not what limits this service", StringComparison.Ordinal) && s.Contains("12 req/s per pod", StringComparison.Ordinal));
    }

    [Fact]
    public void Mixed_work_gets_processes_for_its_cpu_and_threads_for_the_rest()
    {
        var advice = Advise(WithCpu(SingleWorker(), cpuMsPerRequest: 20));

        // 20 / 40 = 50 %: mixed. Cores 100 × 0.02 / 0.8 = 2.5 → 3 processes; ⌈7 / 3⌉ = 3 threads.
        advice.Workers.Kind.ShouldBe(WorkKind.Mixed);
        advice.Workers.Processes.ShouldBe(3);
        advice.Workers.ThreadsPerProcess.ShouldBe(3);
    }

    [Fact]
    public void A_cpu_limit_is_the_base_of_the_utilisation_at_the_knee()
    {
        var advice = Advise(WithCpu(SingleWorker(), cpuMsPerRequest: 38, cpuLimitCores: 1));

        // 0.57 cores of a 1-core limit = 57 %; × 0.8 = 45.6 → 45 %.
        advice.Autoscale.CpuCoresAvailable.ShouldBe(1);
        advice.Autoscale.CpuTargetPercent.ShouldBe(45);
    }

    [Fact]
    public void Without_cpu_measurements_the_advice_counts_processes_and_says_cpu_was_not_measured()
    {
        var advice = Advise(SingleWorker());

        advice.Workers.Kind.ShouldBe(WorkKind.Unknown);
        advice.Workers.Processes.ShouldBe(7);
        advice.Workers.ThreadsPerProcess.ShouldBe(1);
        advice.Workers.CoresNeeded.ShouldBeNull();
        advice.Workers.Advice!.ShouldContain("CPU per request was not measured (add --target-pid PID to the sweep)");
        advice.Workers.Inputs.Single(i => i.Name == "service time").Source.ShouldContain("mean latency at 5 req/s offered, the fastest step below the plateau");

        // Replicas come from the sweep alone; the HPA needs the CPU at the knee.
        advice.Replicas.Count.ShouldBe(9);
        advice.Autoscale.HasManifest.ShouldBeFalse();
        advice.Autoscale.ThinData!.ShouldContain("--target-pid");
    }

    [Fact]
    public void Server_evidence_gives_the_service_time_and_the_pool_against_the_measured_waits()
    {
        var advice = Advise(WithEvidence(SingleWorker(), serverMs: 35, dbMs: 20, poolWaitAt20: 8));

        // Server span 35 ms: c = max(1, 25 × 0.035) = 1; slot busy 15 × 0.035 = 52.5 %; ⌈3.5 / 0.525⌉ = 7.
        var w = advice.Workers;
        w.ServiceTimeMs.ShouldBe(35);
        w.Inputs.Single(i => i.Name == "service time").Source.ShouldContain("server span mean at 5 req/s offered");
        w.Utilisation!.Value.ShouldBe(0.525, 1e-9);
        w.Slots.ShouldBe(7);

        // 100 req/s × 20 ms = 2 connections busy; ⌈2 / 0.8⌉ = 3; 7 processes → ⌈3 / 7⌉ = 1 each.
        var p = advice.Pool;
        p.ThinData.ShouldBeNull();
        p.DbTimeMs.ShouldBe(20);
        p.BusyConnections!.Value.ShouldBe(2, 1e-9);
        p.Size.ShouldBe(3);
        p.PerProcess.ShouldBe(1);
        // The waits started at 20 req/s: 8 ms each, 20 req/s × 8 ms = 0.16 requests waiting.
        p.MaxPoolWaitMs.ShouldBe(8);
        p.PoolWaitLevel.ShouldBe(20);
        p.Advice!.ShouldContain("requests waited 8 ms each for a connection at 20 req/s offered");
        p.Arithmetic.ShouldContain(s => s.Contains("0.16 requests waiting", StringComparison.Ordinal));
    }

    [Fact]
    public void Evidence_without_database_spans_says_so_instead_of_sizing_a_pool()
    {
        var advice = Advise(WithEvidence(SingleWorker(), serverMs: 35, dbMs: 0, poolWaitAt20: 0));

        advice.Pool.Size.ShouldBeNull();
        advice.Pool.ThinData!.ShouldContain("no database spans");
    }

    [Fact]
    public void When_every_level_met_the_sla_the_capacity_is_a_lower_bound_and_the_headroom_cap_applies()
    {
        var advice = Advise(SingleWorker([new SlaTarget { Endpoint = "*", P99Ms = 5000 }]));

        // Capacity 25 req/s (the ceiling), nothing failed: slots at 80 %: ⌈4 / 0.8⌉ = 5; ⌈100 / (25 × 0.8)⌉ = 5.
        advice.Workers.Utilisation!.Value.ShouldBe(0.8, 1e-9);
        advice.Workers.Slots.ShouldBe(5);
        advice.Replicas.CapacityPerInstance.ShouldBe(25);
        advice.Replicas.CapacityIsLowerBound.ShouldBeTrue();
        advice.Replicas.Count.ShouldBe(5);
        advice.Replicas.Assumptions.ShouldContain(s => s.Contains("lower bound", StringComparison.Ordinal));
    }

    [Fact]
    public void One_instance_is_enough_below_its_capacity()
    {
        var advice = Advise(WithCpu(SingleWorker(), cpuMsPerRequest: 38), rate: 10);

        // ⌈10 / 12⌉ = 1.
        advice.Replicas.Count.ShouldBe(1);
        advice.Replicas.Advice!.ShouldStartWith("1 instance");
        advice.Autoscale.MinReplicas.ShouldBe(1);
        advice.Autoscale.MaxReplicas.ShouldBe(1);
    }

    [Fact]
    public void No_step_within_the_sla_leaves_replicas_and_autoscaling_without_data()
    {
        var advice = Advise(WithCpu(SingleWorker([new SlaTarget { Endpoint = "*", P99Ms = 10 }]), 38));

        advice.Replicas.Count.ShouldBeNull();
        advice.Replicas.ThinData!.ShouldContain("no step met the SLA");
        advice.Autoscale.HasManifest.ShouldBeFalse();
        advice.Workers.Slots.ShouldBe(5); // ⌈4 / 0.8⌉: the SLA never held, so the headroom cap is all there is
    }

    [Fact]
    public void An_empty_sweep_is_too_thin_for_any_advice()
    {
        var advice = Advise(SyntheticSweep.Build([]));

        advice.Items.ShouldAllBe(i => i.Advice == null && i.ThinData != null);
        advice.Workers.ThinData!.ShouldContain("no step completed a request");
        advice.Replicas.ThinData!.ShouldContain("no step was measured");
    }

    [Fact]
    public void A_missing_latency_target_is_stated_as_an_assumption()
    {
        var advice = Advise(SyntheticSweep.Build(OfferedRates.Select(r => new SyntheticSweep.Point(r, Math.Min(r, 25), 40, 60)), "open", []));

        advice.Replicas.Assumptions.ShouldContain(s => s.Contains("no latency target was given (add --sla-p99)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_service_time_is_the_fastest_step_below_the_plateau_not_a_first_step_still_warming_up()
    {
        // The 5 req/s step is slow (62 ms: warm-up, a late generator); 10 and 15 req/s show the real 40 ms.
        var points = OfferedRates.Select(r => new SyntheticSweep.Point(r, Math.Min(r, 25), r == 5 ? 62 : r <= 15 ? 40 : 200, r <= 15 ? 80 : 2000));
        var advice = Advise(SyntheticSweep.Build(points, "open", [new SlaTarget { Endpoint = "*", P99Ms = 250 }]));

        advice.Workers.ServiceTimeMs.ShouldBe(40);
        advice.Workers.Inputs.Single(i => i.Name == "service time").Source.ShouldStartWith("mean latency at 10 req/s offered");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(double.PositiveInfinity)]
    public void A_target_rate_that_is_not_a_positive_number_is_refused(double rate)
    {
        var sweep = SingleWorker();
        Should.Throw<ArgumentOutOfRangeException>(() => SizingAdvisor.Advise(sweep, CapacityAnalyzer.Analyze(sweep), rate));
    }

    [Theory]
    [InlineData("shop", "shop")]
    [InlineData("My Shop_API v2", "my-shop-api-v2")]
    [InlineData("--", "app")]
    public void The_deployment_name_is_a_kubernetes_name(string name, string expected)
        => SizingAdvisor.KubernetesName(name).ShouldBe(expected);
}
