namespace Loadlens.Analysis;

/// <summary>The stable rule ids a finding can carry (see docs/analysis.md).</summary>
public static class RuleIds
{
    /// <summary>p99 above the tail-latency thresholds.</summary>
    public const string TailLatency = "tail-latency";

    /// <summary>Failure share above 0.1 % (warning) or 1 % (critical).</summary>
    public const string ErrorRate = "error-rate";

    /// <summary>Max far above p99, or a very wide p99/p50 ratio.</summary>
    public const string HighVariance = "high-variance";

    /// <summary>Throughput flat while latency is far above the work time: requests queue behind one resource.</summary>
    public const string SerializedResource = "serialized-resource";

    /// <summary>HTTP 429 responses.</summary>
    public const string RateLimited = "rate-limited";

    /// <summary>Latency rising steadily over the run (Mann–Kendall + Sen's slope).</summary>
    public const string LatencyDegradation = "latency-degradation";

    /// <summary>Short bursts where all endpoints slow down together, periodically.</summary>
    public const string PeriodicStall = "periodic-stall";

    /// <summary>First-interval latency outliers.</summary>
    public const string ColdStart = "cold-start";

    /// <summary>Refused/reset connections, timeouts, DNS/TLS/protocol errors.</summary>
    public const string ConnectionErrors = "connection-errors";

    /// <summary>The load generator could not keep the intended load; results are suspect.</summary>
    public const string GeneratorSaturation = "generator-saturation";

    /// <summary>All rule ids, in report order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        GeneratorSaturation, ErrorRate, ConnectionErrors, RateLimited, SerializedResource, TailLatency,
        LatencyDegradation, PeriodicStall, HighVariance, ColdStart,
    ];
}
