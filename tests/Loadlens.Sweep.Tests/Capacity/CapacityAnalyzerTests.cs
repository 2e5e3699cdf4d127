using Loadlens.Analysis.Capacity;
using Loadlens.Core.Scenarios;
using static Loadlens.Sweep.Tests.Capacity.SyntheticSweep;

namespace Loadlens.Sweep.Tests.Capacity;

public sealed class CapacityAnalyzerTests
{
    [Fact]
    public void Retrograde_throughput_is_reported_only_when_kappa_is_significant_and_throughput_falls()
    {
        var sweep = Build(Usl(0.0277, 1.044e-4, 90, 1, 18, 36, 72, 108, 144, 216, 300));
        var report = CapacityAnalyzer.Analyze(sweep);

        var finding = report.Findings.Where(f => f.RuleId == "retrograde-throughput").ShouldHaveSingleItem();
        finding.Evidence.Single(e => e.Name.StartsWith("N*", StringComparison.Ordinal)).Value.ShouldBe(96.5, 1);
        report.Usl!.CoherencySignificant.ShouldBeTrue();
        report.Findings.ShouldNotContain(f => f.RuleId == "contention");
    }

    [Fact]
    public void Amdahl_scaling_without_a_plateau_is_contention_not_coherency()
    {
        var sweep = Build(Usl(0.08, 0, 100, 1, 2, 4, 8, 16, 32));
        var report = CapacityAnalyzer.Analyze(sweep);

        report.Plateau.ShouldBeNull();
        var finding = report.Findings.Where(f => f.RuleId == "contention").ShouldHaveSingleItem();
        finding.Evidence.Single(e => e.Name == "asymptotic ceiling λ/σ").Value.ShouldBe(1250, 25);
        report.Findings.ShouldNotContain(f => f.RuleId == "retrograde-throughput");
    }

    [Fact]
    public void Linear_scaling_gives_no_finding()
    {
        var report = CapacityAnalyzer.Analyze(Build(Usl(0, 0, 100, 1, 2, 4, 8, 16)));
        report.Findings.ShouldBeEmpty();
        report.Plateau.ShouldBeNull();
        report.ThroughputKnee.ShouldBeNull();
    }

    [Fact]
    public void A_pool_of_c_plateau_estimates_c_and_the_service_time()
    {
        // 4 slots held 20 ms: X_max = 200 req/s, R = 20 ms until 4 users, then N / 200.
        var points = new[] { 1.0, 2, 4, 8, 16, 32 }.Select(n =>
        {
            var x = Math.Min(50 * n, 200);
            var r = 1000 * n / x;
            return new Point(n, x, r, r * 1.5);
        });
        var report = CapacityAnalyzer.Analyze(Build(points));

        report.Plateau.ShouldNotBeNull();
        report.Plateau.Ceiling.ShouldBe(200);
        report.Plateau.EstimatedParallelism!.Value.ShouldBe(4, 0.01);
        report.Plateau.ServiceTimeMs.ShouldBe(20, 0.01);
        report.Plateau.LinearLatency.ShouldBeTrue();
        var finding = report.Findings.Where(f => f.RuleId == "throughput-plateau").ShouldHaveSingleItem();
        finding.Recommendation!.Text.ShouldContain("≈ 4 parallel units");
        report.Steps[report.ThroughputKnee!.Value].Level.ShouldBe(4);
    }

    [Fact]
    public void A_saturated_first_step_with_several_users_leaves_the_parallelism_unknown()
    {
        var points = new[] { 5.0, 10, 20, 40 }.Select(n => new Point(n, 100, 10 * n, 15 * n));
        var report = CapacityAnalyzer.Analyze(Build(points));
        report.Plateau!.EstimatedParallelism.ShouldBeNull();
        report.Findings.ShouldContain(f => f.RuleId == "throughput-plateau");
        report.Findings.ShouldNotContain(f => f.RuleId == "serialized-resource");
    }

    [Fact]
    public void A_generator_that_cannot_keep_its_users_busy_is_reported()
    {
        // Little: 50 users, Z = 1 s, X = 40 req/s, R = 100 ms → N_eff = 44 (analysis.md Appendix B).
        var points = new[]
        {
            new Point(10, 9.5, 50, 80, ThinkMs: 1000),
            new Point(25, 23.5, 60, 90, ThinkMs: 1000),
            new Point(50, 40, 100, 150, ThinkMs: 1000),
        };
        var report = CapacityAnalyzer.Analyze(Build(points));

        report.Steps[2].LittleConcurrency.ShouldBe(44, 0.01);
        report.Steps[2].GeneratorLimited.ShouldBeTrue();
        report.Steps[0].GeneratorLimited.ShouldBeFalse();
        var finding = report.Findings.Where(f => f.RuleId == "generator-saturation").ShouldHaveSingleItem();
        finding.Evidence.Single(e => e.Name == "first affected level").Value.ShouldBe(50);
    }

    [Fact]
    public void Errors_that_exist_from_low_load_are_not_pool_exhaustion()
    {
        var points = new[] { 1.0, 2, 4, 8 }.Select(n => new Point(n, 50 * n, 20, 30, ErrorRate: 0.05));
        var report = CapacityAnalyzer.Analyze(Build(points, maxErrorRate: 0.1));
        report.Findings.ShouldNotContain(f => f.RuleId == "pool-exhaustion");
    }

    [Fact]
    public void Errors_starting_at_a_threshold_while_throughput_stops_are_pool_exhaustion()
    {
        var points = new[]
        {
            new Point(1, 50, 20, 25),
            new Point(5, 240, 20.8, 30),
            new Point(10, 250, 40, 60),
            new Point(20, 248, 80, 120, ErrorRate: 0.2, TimeoutFailures: 990),
        };
        var report = CapacityAnalyzer.Analyze(Build(points));

        var finding = report.Findings.Where(f => f.RuleId == "pool-exhaustion").ShouldHaveSingleItem();
        finding.Evidence.Single(e => e.Name == "errors begin at").Value.ShouldBe(20);
        finding.Evidence.Single(e => e.Name == "estimated pool size").Value.ShouldBe(5);
        report.Capacity.Level.ShouldBe(10);
        report.Capacity.FirstFailingLevel.ShouldBe(20);
    }

    [Fact]
    public void Capacity_at_sla_is_the_best_passing_step()
    {
        var sla = new[] { new SlaTarget { Endpoint = "*", P99Ms = 100 } };
        var points = new[]
        {
            new Point(1, 90, 10, 20),
            new Point(10, 800, 12, 60),
            new Point(20, 1200, 16, 99),
            new Point(40, 1300, 30, 180),
        };
        var report = CapacityAnalyzer.Analyze(Build(points, sla: sla));

        report.Capacity.Throughput.ShouldBe(1200);
        report.Capacity.Level.ShouldBe(20);
        report.Capacity.FirstFailingLevel.ShouldBe(40);
        report.Capacity.FirstFailure!.ShouldContain("p99 180 ms > 100 ms");
        report.Steps[3].MeetsSla.ShouldBeFalse();
    }

    [Fact]
    public void Open_model_plateau_is_reported_where_completions_fall_behind_the_offered_rate()
    {
        var points = new[] { 40.0, 80, 120, 160, 200 }.Select(r => new Point(r, Math.Min(r, 100), r <= 100 ? 11 : 500, r <= 100 ? 20 : 1500));
        var report = CapacityAnalyzer.Analyze(Build(points, model: "open"));

        report.Plateau.ShouldNotBeNull();
        report.Plateau.Ceiling.ShouldBe(100);
        report.Findings.ShouldContain(f => f.RuleId == "throughput-plateau");
        report.ConcurrencyMeaning.ShouldContain("Little");
    }

    [Fact]
    public void An_empty_sweep_reports_nothing_without_failing()
    {
        var report = CapacityAnalyzer.Analyze(Build([]));
        report.Steps.ShouldBeEmpty();
        report.Capacity.StepIndex.ShouldBeNull();
        report.Notes.ShouldNotBeEmpty();
    }
}
