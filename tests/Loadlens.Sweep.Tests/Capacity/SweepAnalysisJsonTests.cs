using System.Text.Json;
using Loadlens.Analysis.Capacity;
using Loadlens.Reporting.Json;
using static Loadlens.Sweep.Tests.Capacity.SyntheticSweep;

namespace Loadlens.Sweep.Tests.Capacity;

/// <summary><see cref="SweepAnalysisJsonWriter"/> on exact sweeps: the numbers it writes and its edge cases.</summary>
public sealed class SweepAnalysisJsonTests
{
    [Fact]
    public void A_pool_plateau_is_written_with_its_ceiling_parallelism_and_rounded_numbers()
    {
        // 4 slots held 20 ms: X_max = 200 req/s.
        var points = new[] { 1.0, 2, 4, 8, 16, 32 }.Select(n =>
        {
            var x = Math.Min(50 * n, 200);
            var r = 1000 * n / x;
            return new Point(n, x, r, r * 1.5);
        });
        var sweep = Build(points, sla: [new Core.Scenarios.SlaTarget { Endpoint = "*", P99Ms = 100 }]);
        var report = CapacityAnalyzer.Analyze(sweep);
        using var doc = JsonDocument.Parse(SweepAnalysisJsonWriter.Render(sweep, report));
        var root = doc.RootElement;

        root.GetProperty("kind").GetString().ShouldBe("sweep-analysis");
        var plateau = root.GetProperty("plateau");
        plateau.GetProperty("ceiling").GetDouble().ShouldBe(200);
        plateau.GetProperty("estimatedParallelism").GetDouble().ShouldBe(4, 0.01);
        plateau.GetProperty("serviceTimeMs").GetDouble().ShouldBe(20, 0.01);
        plateau.GetProperty("firstLevel").GetDouble().ShouldBe(report.Steps[report.Plateau!.FirstStep].Level);

        // p99 = 1.5·R: 30 ms at ≤ 4 users, 60 ms at 8, 120 ms at 16 → capacity 200 req/s at 4 users (the first 200 req/s step).
        var capacity = root.GetProperty("capacity");
        capacity.GetProperty("throughput").GetDouble().ShouldBe(200);
        capacity.GetProperty("firstFailingLevel").GetDouble().ShouldBe(16);
        capacity.GetProperty("firstFailure").GetString()!.ShouldContain("p99 120 ms > 100 ms");
        root.GetProperty("slaPassed").GetBoolean().ShouldBeTrue();

        root.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()).ShouldContain("throughput-plateau");
        foreach (var evidence in root.GetProperty("findings").EnumerateArray().SelectMany(f => f.GetProperty("evidence").EnumerateArray()))
        {
            var value = evidence.GetProperty("value");
            if (value.ValueKind == JsonValueKind.Number && Math.Abs(value.GetDouble()) >= 1)
            {
                value.GetDouble().ShouldBe(Math.Round(value.GetDouble(), 3));
            }
        }

        root.GetProperty("usl").GetProperty("points").GetInt32().ShouldBe(report.Usl!.Points);
        root.GetProperty("knees").GetProperty("throughputLevel").GetDouble().ShouldBe(4);
    }

    [Fact]
    public void Non_finite_fit_statistics_are_null_not_an_exception()
    {
        // Three levels: the κ = 0 comparison has no degrees of freedom, so F and p are NaN.
        var sweep = Build(Usl(0.1, 0, 100, 1, 2, 4));
        var report = CapacityAnalyzer.Analyze(sweep);
        double.IsNaN(report.Usl!.Amdahl.FStatistic).ShouldBeTrue();
        using var doc = JsonDocument.Parse(SweepAnalysisJsonWriter.Render(sweep, report));
        doc.RootElement.GetProperty("usl").GetProperty("kappaZero").GetProperty("fStatistic").ValueKind.ShouldBe(JsonValueKind.Null);
        doc.RootElement.GetProperty("usl").GetProperty("sigma").GetDouble().ShouldBe(0.1, 0.01);
    }

    [Fact]
    public void An_empty_sweep_is_valid_json_that_passes_with_nothing_measured()
    {
        var sweep = Build([]);
        var report = CapacityAnalyzer.Analyze(sweep);
        using var doc = JsonDocument.Parse(SweepAnalysisJsonWriter.Render(sweep, report));
        var root = doc.RootElement;
        root.GetProperty("steps").GetArrayLength().ShouldBe(0);
        root.GetProperty("usl").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("plateau").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("capacity").GetProperty("level").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("slaPassed").GetBoolean().ShouldBeTrue();
        root.GetProperty("notes").GetArrayLength().ShouldBeGreaterThan(0);
    }
}
