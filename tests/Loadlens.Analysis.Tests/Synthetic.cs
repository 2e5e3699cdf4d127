using Loadlens.Core.Results;

namespace Loadlens.Analysis.Tests;

/// <summary>Builds synthetic <see cref="RunResult"/>s with known properties for the rule tests.</summary>
internal static class Synthetic
{
    public static LatencyStats Stats(double mean, double min = -1, double p50 = -1, double p99 = -1, double max = -1, long count = 1000)
    {
        var median = p50 < 0 ? mean : p50;
        var tail = p99 < 0 ? mean * 1.5 : p99;
        return new LatencyStats
        {
            Count = count,
            Min = min < 0 ? mean * 0.5 : min,
            Mean = mean,
            P50 = median,
            P66 = median,
            P75 = median,
            P80 = median,
            P90 = (median + tail) / 2,
            P95 = (median + tail) / 2,
            P98 = tail,
            P99 = tail,
            P999 = Math.Max(tail, max < 0 ? tail : max),
            P9999 = max < 0 ? tail : max,
            Max = max < 0 ? tail * 1.2 : max,
        };
    }

    public static EndpointResult Endpoint(
        string name,
        long requests,
        double seconds,
        LatencyStats latency,
        long failures = 0,
        string method = "GET",
        IReadOnlyDictionary<string, long>? status = null,
        IReadOnlyDictionary<string, long>? categories = null) => new()
        {
            Name = name,
            Method = method,
            Requests = requests,
            Failures = failures,
            Latency = latency with { Count = requests },
            RequestsPerSecond = requests / seconds,
            StatusCodes = status ?? new Dictionary<string, long> { ["200"] = requests - failures },
            ErrorCategories = categories ?? new Dictionary<string, long>(),
        };

    public static IntervalEndpoint Iv(string name, long requests, double mean, double p99 = -1, long failures = 0, double min = -1)
        => new() { Name = name, Requests = requests, Failures = failures, Latency = Stats(mean, min, mean, p99, -1, requests) };

    public static TimeSeriesInterval Interval(int index, int users, params IntervalEndpoint[] endpoints)
    {
        var requests = endpoints.Sum(e => e.Requests);
        var mean = requests == 0 ? 0 : endpoints.Sum(e => e.Latency.Mean * e.Requests) / requests;
        var p99 = endpoints.Length == 0 ? 0 : endpoints.Max(e => e.Latency.P99);
        return new TimeSeriesInterval
        {
            Index = index,
            StartSeconds = index,
            DurationSeconds = 1,
            ActiveUsers = users,
            Endpoints = endpoints,
            Total = new IntervalEndpoint
            {
                Name = EndpointResult.AggregatedName,
                Requests = requests,
                Failures = endpoints.Sum(e => e.Failures),
                Latency = Stats(mean, -1, mean, p99, -1, requests),
            },
        };
    }

    public static RunResult Run(
        IReadOnlyList<EndpointResult> endpoints,
        IReadOnlyList<TimeSeriesInterval> intervals,
        string model = "closed",
        string tool = "loadlens",
        int users = 10,
        double thinkMs = 0,
        IReadOnlyList<ErrorSummary>? errors = null,
        double warmup = 0)
    {
        var seconds = intervals.Count == 0 ? 10 : intervals.Count;
        var requests = endpoints.Sum(e => e.Requests);
        var mean = requests == 0 ? 0 : endpoints.Sum(e => e.Latency.Mean * e.Requests) / requests;
        return new RunResult
        {
            Name = "synthetic",
            Source = new RunSource(tool, tool == "loadlens" ? "native" : "csv"),
            Environment = new RunEnvironment("m", "os", 2, "rt", "loadlens", "0.1.0"),
            StartedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            DurationSeconds = seconds + warmup,
            WarmupSeconds = warmup,
            Settings = new RunSettings { Model = model, Target = "http://127.0.0.1/", Users = users, ThinkTimeMinMs = thinkMs, ThinkTimeMaxMs = thinkMs },
            Outcome = RunOutcome.Complete,
            Endpoints = endpoints,
            Total = new EndpointResult
            {
                Name = EndpointResult.AggregatedName,
                Method = string.Empty,
                Requests = requests,
                Failures = endpoints.Sum(e => e.Failures),
                Latency = Stats(mean, count: requests),
                RequestsPerSecond = requests / (double)seconds,
            },
            Intervals = intervals,
            Errors = errors ?? [],
        };
    }

    /// <summary>
    /// A healthy closed-model run: three parallel endpoints with steady throughput and latency and a little
    /// deterministic noise, 30 one-second intervals, 20 users.
    /// </summary>
    public static RunResult Healthy(int seconds = 30)
    {
        var intervals = new List<TimeSeriesInterval>();
        for (var i = 0; i < seconds; i++)
        {
            var wobble = ((i * 7) % 5) - 2; // -2..2, no trend
            intervals.Add(Interval(
                i,
                20,
                Iv("GET /health", 20 + wobble, 1 + (0.1 * wobble), 3),
                Iv("GET /api/products", 100 + (2 * wobble), 8 + (0.3 * wobble), 16),
                Iv("GET /api/items/{id}", 80 - wobble, 12 + (0.2 * wobble), 25)));
        }

        return Run(
            [
                Endpoint("GET /health", 20 * seconds, seconds, Stats(1, 0.3, 1, 7, 13)),
                Endpoint("GET /api/products", 100 * seconds, seconds, Stats(8, 4.5, 8, 16, 35)),
                Endpoint("GET /api/items/{id}", 80 * seconds, seconds, Stats(12, 6, 11, 25, 60)),
            ],
            intervals,
            users: 20,
            thinkMs: 91);
    }
}
