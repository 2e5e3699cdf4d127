using Loadlens.Analysis.Capacity;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Engine.Sweeps;
using Loadlens.TestUtils;
using Xunit.Abstractions;

namespace Loadlens.Sweep.Tests;

/// <summary>Real sweeps against real Kestrel endpoints of known capacity on 127.0.0.1.</summary>
[Collection("loopback sweeps")]
public sealed class LoopbackSweepTests(ITestOutputHelper output) : IAsyncLifetime
{
    private CapacityTarget _target = null!;

    public async Task InitializeAsync()
    {
        // JIT both sides before measuring.
        _target = await CapacityTarget.StartAsync();
        foreach (var path in new[] { "/serialized", "/parallel", "/pool" })
        {
            await SweepAsync(path, [2], stepSeconds: 0.3, warmupSeconds: 0, quiet: true);
        }
    }

    public async Task DisposeAsync() => await _target.DisposeAsync();

    private async Task<(SweepResult Sweep, CapacityReport Report)> SweepAsync(string path, double[] users, double stepSeconds = 2, double warmupSeconds = 0.5, bool quiet = false)
    {
        var plan = new SweepPlan
        {
            Scenario = new ScenarioDefinition
            {
                Name = path.Trim('/'),
                BaseUrl = _target.BaseAddress,
                Endpoints = [new EndpointDefinition { Name = "GET " + path, Path = path }],
                Load = new LoadProfile(),
            },
            Model = LoadModel.Closed,
            Levels = users,
            StepDuration = TimeSpan.FromSeconds(stepSeconds),
            StepWarmup = TimeSpan.FromSeconds(warmupSeconds),
        };
        var sweep = await SweepRunner.RunAsync(plan);
        var report = CapacityAnalyzer.Analyze(sweep);
        if (quiet)
        {
            return (sweep, report);
        }

        foreach (var s in report.Steps)
        {
            output.WriteLine($"N={s.Level} X={s.Goodput:0.0} mean={s.MeanMs:0.00} p99={s.P99Ms:0.00} err={s.ErrorRate:P2} little={s.LittleRatio:0.00}");
        }

        foreach (var f in report.Findings)
        {
            output.WriteLine($"{f.RuleId}: {f.Title}");
        }

        if (report.Usl is { } u)
        {
            output.WriteLine($"USL σ={u.Sigma:0.####} κ={u.Kappa:0.####e0} λ={u.Lambda:0.#} R²={u.RSquared:0.###}");
        }

        return (sweep, report);
    }

    private static string Describe(CapacityReport report)
        => string.Join(Environment.NewLine, report.Steps.Select(s => $"N={s.Level} X={s.Goodput:0.0} mean={s.MeanMs:0.00} p50={s.P50Ms:0.00} p99={s.P99Ms:0.00} err={s.ErrorRate:P2}")
            .Concat(report.Findings.Select(f => $"{f.RuleId}: {f.Title}"))
            .Append(report.Plateau is { } p ? $"plateau from step {p.FirstStep}: ceiling {p.Ceiling:0.0}, slope {p.LatencySlopeMsPerUser:0.00} vs {p.ExpectedSlopeMsPerUser:0.00}, c {p.EstimatedParallelism:0.00}, S {p.ServiceTimeMs:0.00}" : "no plateau"));

    [Fact]
    public async Task A_serialized_10ms_endpoint_reports_a_100_rps_ceiling_and_a_10ms_service_time()
    {
        var (sweep, report) = await SweepAsync("/serialized", [1, 2, 4, 8, 16]);

        var table = Describe(report);
        sweep.Steps.Count.ShouldBe(5);
        sweep.Outcome.Completed.ShouldBeTrue();
        var finding = report.Findings.Where(f => f.RuleId == "serialized-resource").ShouldHaveSingleItem(table);
        report.Plateau.ShouldNotBeNull(table);
        report.Plateau.Ceiling.ShouldBeInRange(90, 110, table);
        report.Plateau.ServiceTimeMs.ShouldBeInRange(8.5, 11.5, table);
        report.Plateau.LatencySlopeMsPerUser!.Value.ShouldBeInRange(8.5, 11.5, table);
        finding.Evidence.ShouldContain(e => e.Name == "ceiling" && e.Value >= 90 && e.Value <= 110);
        report.Findings.ShouldNotContain(f => f.RuleId == "retrograde-throughput");
    }

    [Fact]
    public async Task A_parallel_10ms_endpoint_scales_and_reports_no_plateau()
    {
        var (_, report) = await SweepAsync("/parallel", [1, 2, 4, 8, 16]);

        var table = Describe(report);
        report.Steps.Count.ShouldBe(5);
        report.Plateau.ShouldBeNull(table);
        report.Findings.ShouldNotContain(f => f.RuleId == "serialized-resource" || f.RuleId == "throughput-plateau" || f.RuleId == "retrograde-throughput", table);

        // 1 user ≈ 90 req/s; 16 users must deliver many times that (linear would be 16×).
        report.Steps[^1].Goodput.ShouldBeGreaterThan(6 * report.Steps[0].Goodput, table);
        report.Usl.ShouldNotBeNull();
        report.Usl.CoherencySignificant.ShouldBeFalse(table);
    }

    [Fact]
    public async Task A_pool_of_4_with_a_wait_timeout_reports_pool_exhaustion_at_a_threshold()
    {
        // 4 slots × ~11 ms ≈ 360 req/s; a request that waits > 100 ms for a slot gets 503.
        // Queue wait ≈ (N − 4) × 2.8 ms: ~35 ms at 16 users (3× below the timeout, even on a busy
        // machine), ~170 ms at 64 users. Where exactly errors begin depends on the machine's speed,
        // so the test asks for a threshold well above the pool size, not a particular level.
        var (_, report) = await SweepAsync("/pool", [1, 2, 4, 8, 16, 64]);

        var table = Describe(report);
        var finding = report.Findings.Where(f => f.RuleId == "pool-exhaustion").ShouldHaveSingleItem(table);
        var pool = finding.Evidence.Single(e => e.Name == "estimated pool size").Value;
        pool.ShouldBeInRange(3, 6, table);
        finding.Evidence.Single(e => e.Name == "errors begin at").Value.ShouldBeGreaterThanOrEqualTo(16, table);
        report.Capacity.Level.ShouldNotBeNull();
        report.Capacity.Level.Value.ShouldBeLessThan(64);
    }
}
