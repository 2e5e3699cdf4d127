using Loadlens.Core.Metrics;
using Loadlens.Core.Results;

namespace Loadlens.Analysis.Tests.Compare;

/// <summary>
/// Runs with real HdrHistograms per interval: latencies drawn (seeded) from a log-normal around a median, so the
/// comparison goes through the same decode, merge and bootstrap path as a measured run.
/// </summary>
internal static class Runs
{
    public static RunResult Make(
        double medianMs,
        int seed,
        int intervals = 20,
        int perInterval = 400,
        double sigma = 0.25,
        string name = "GET /api/orders",
        string method = "GET",
        double failureShare = 0,
        int warmupIntervals = 2,
        string model = "closed",
        bool withHistograms = true,
        string tool = "loadlens",
        bool saturated = false)
    {
        var random = new Random(seed);
        var series = new List<TimeSeriesInterval>();
        var measured = new List<HdrHistogram.LongHistogram>();
        long requests = 0, failures = 0;
        for (var i = 0; i < intervals + warmupIntervals; i++)
        {
            var h = LatencyHistograms.Create();
            long intervalFailures = 0;
            for (var k = 0; k < perInterval; k++)
            {
                var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                h.RecordValue(LatencyHistograms.Clamp((long)(medianMs * 1000 * Math.Exp(sigma * z))));
                if (random.NextDouble() < failureShare)
                {
                    intervalFailures++;
                }
            }

            var warm = i < warmupIntervals;
            if (!warm)
            {
                measured.Add(h);
                requests += perInterval;
                failures += intervalFailures;
            }

            var stats = LatencyHistograms.ToStats(h);
            var encoded = withHistograms ? LatencyHistograms.Encode(h) : null;
            var endpoint = new IntervalEndpoint { Name = name, Requests = perInterval, Failures = intervalFailures, Latency = stats, Histogram = encoded };
            series.Add(new TimeSeriesInterval
            {
                Index = i,
                StartSeconds = i,
                DurationSeconds = 1,
                Warmup = warm,
                ActiveUsers = 10,
                Endpoints = [endpoint],
                Total = endpoint with { Name = EndpointResult.AggregatedName },
            });
        }

        var total = LatencyHistograms.Merge(measured);
        var totalStats = LatencyHistograms.ToStats(total);
        var categories = failures > 0 ? new Dictionary<string, long> { ["Http5xx"] = failures } : new Dictionary<string, long>();
        var ep = new EndpointResult
        {
            Name = name,
            Method = method,
            Requests = requests,
            Failures = failures,
            Latency = totalStats,
            RequestsPerSecond = requests / (double)intervals,
            ErrorCategories = categories,
            Histogram = LatencyHistograms.Encode(total),
        };
        return new RunResult
        {
            Name = "run-" + seed,
            Source = new RunSource(tool, tool == "loadlens" ? "native" : tool),
            Environment = new RunEnvironment("host", "linux", 2, ".NET", "loadlens", "1.0.0"),
            StartedAt = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero).AddMinutes(seed),
            DurationSeconds = intervals + warmupIntervals,
            WarmupSeconds = warmupIntervals,
            Settings = new RunSettings { Model = model, Target = "http://127.0.0.1:5000/", Users = model == "closed" ? 10 : null, Rate = model == "open" ? 400 : null },
            Outcome = RunOutcome.Complete,
            Endpoints = [ep],
            Total = ep with { Name = EndpointResult.AggregatedName, Method = string.Empty },
            Intervals = series,
            Errors = [],
            Generator = saturated ? new GeneratorStats { CpuSeconds = 1, Saturated = true, SaturationReason = "CPU 100 %" } : null,
        };
    }

    /// <summary>The same run without its time series (a Locust stats-only import).</summary>
    public static RunResult WithoutIntervals(RunResult run) => run with { Intervals = [] };
}
