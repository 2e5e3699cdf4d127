using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;

namespace Loadlens.Sweep.Tests.Capacity;

/// <summary>Builds sweeps from known numbers, to test the capacity rules on exact inputs.</summary>
internal static class SyntheticSweep
{
    public sealed record Point(double Level, double Throughput, double MeanMs, double P99Ms, double ErrorRate = 0, double ThinkMs = 0, long TimeoutFailures = 0);

    public static SweepResult Build(IEnumerable<Point> points, string model = "closed", IReadOnlyList<SlaTarget>? sla = null, double maxErrorRate = 0.01)
    {
        var steps = points.Select((p, i) => new SweepStep { Index = i, Level = p.Level, Result = Run(p, model) }).ToList();
        return new SweepResult
        {
            Name = "synthetic",
            Model = model,
            Target = "http://127.0.0.1:1/",
            StartedAt = DateTimeOffset.UnixEpoch,
            PlannedLevels = steps.Select(s => s.Level).ToList(),
            StepSeconds = 10,
            Steps = steps,
            Outcome = RunOutcome.Complete,
            Environment = new RunEnvironment("test", "linux", 2, ".NET", "loadlens", "0.1.0"),
            Sla = sla ?? [],
            MaxErrorRate = maxErrorRate,
        };
    }

    /// <summary>USL throughput at each level with closed-model latency R = N/X (no think time).</summary>
    public static IEnumerable<Point> Usl(double sigma, double kappa, double lambda, params double[] levels)
        => levels.Select(n =>
        {
            var x = lambda * n / (1 + (sigma * (n - 1)) + (kappa * n * (n - 1)));
            var r = 1000 * n / x;
            return new Point(n, x, r, r * 2);
        });

    private static RunResult Run(Point p, string model)
    {
        const double seconds = 10;
        var requests = (long)Math.Round(p.Throughput * seconds);
        var failures = (long)Math.Round(requests * p.ErrorRate);
        var latency = new LatencyStats { Count = requests, Mean = p.MeanMs, P50 = p.MeanMs, P95 = p.P99Ms * 0.8, P99 = p.P99Ms, Max = p.P99Ms * 2, Min = p.MeanMs * 0.5 };
        var total = new EndpointResult
        {
            Name = EndpointResult.AggregatedName,
            Method = string.Empty,
            Requests = requests,
            Failures = failures,
            Latency = latency,
            RequestsPerSecond = requests / seconds,
            ErrorCategories = p.TimeoutFailures > 0 ? new Dictionary<string, long> { ["Timeout"] = p.TimeoutFailures } : new Dictionary<string, long>(),
        };
        return new RunResult
        {
            Name = "synthetic",
            Source = new RunSource("loadlens", "native"),
            Environment = new RunEnvironment("test", "linux", 2, ".NET", "loadlens", "0.1.0"),
            StartedAt = DateTimeOffset.UnixEpoch,
            DurationSeconds = seconds,
            Settings = new RunSettings { Model = model, Target = "http://127.0.0.1:1/", Users = (int)p.Level, ThinkTimeMinMs = p.ThinkMs, ThinkTimeMaxMs = p.ThinkMs },
            Outcome = RunOutcome.Complete,
            Endpoints = [total with { Name = "GET /x", Method = "GET" }],
            Total = total,
            Intervals = [],
            Errors = [],
        };
    }
}
