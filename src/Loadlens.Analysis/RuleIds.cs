namespace Loadlens.Analysis;

/// <summary>
/// The stable rule ids a finding can carry (see docs/analysis.md and docs/sweep.md): the single-run rules of
/// <see cref="Analyzer"/> and the capacity rules of <see cref="Capacity.CapacityAnalyzer"/>. Two ids are shared:
/// <see cref="GeneratorSaturation"/> and <see cref="SerializedResource"/> mean the same diagnosis in both.
/// </summary>
public static class RuleIds
{
    /// <summary>p99 above the tail-latency thresholds.</summary>
    public const string TailLatency = "tail-latency";

    /// <summary>Failure share above 0.1 % (warning) or 1 % (critical).</summary>
    public const string ErrorRate = "error-rate";

    /// <summary>Max far above p99, or a very wide p99/p50 ratio.</summary>
    public const string HighVariance = "high-variance";

    /// <summary>
    /// Throughput flat while latency is far above the work time: requests queue behind one resource. In a run:
    /// one endpoint's queue (Little's law); in a sweep: a plateau whose latency grows by 1/X per user with c ≈ 1.
    /// </summary>
    public const string SerializedResource = "serialized-resource";

    /// <summary>
    /// Every endpoint waits in one queue (one worker, one lock, one connection): each endpoint's latency is its own
    /// work plus the same queueing delay. One run-level finding with the aggregate capacity, the mean service demand,
    /// the common delay and each endpoint's own work.
    /// </summary>
    public const string SharedBottleneck = "shared-bottleneck";

    /// <summary>
    /// The offered load is above capacity and the run measured a queue still filling (closed model: latency below
    /// Little's-law steady state N/X − Z and rising) or growing (open model: completed under 90 % of what was sent).
    /// </summary>
    public const string NoSteadyState = "no-steady-state";

    /// <summary>Server evidence: the same normalised statement runs ≥ 5 times one after another in one request.</summary>
    public const string NPlusOne = "n-plus-one";

    /// <summary>Server evidence: the database takes ≥ 70 % of an endpoint's server time.</summary>
    public const string DbBound = "db-bound";

    /// <summary>Server evidence: most of the latency passes before the app's server span starts (a worker pool or accept queue).</summary>
    public const string QueuedBeforeApp = "queued-before-app";

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

    /// <summary>
    /// The load generator could not keep the intended load; results are suspect. In a sweep: the steps it could
    /// not drive as configured (Little's ratio, dispatched or late arrivals, self-reported saturation).
    /// </summary>
    public const string GeneratorSaturation = "generator-saturation";

    /// <summary>Sweep: throughput stops growing with load (a pool of c, CPU, or an unknown c) without being one serialized resource.</summary>
    public const string ThroughputPlateau = "throughput-plateau";

    /// <summary>Sweep: errors jump above 1 % at one level while goodput stops growing: a connection or worker pool runs out.</summary>
    public const string PoolExhaustion = "pool-exhaustion";

    /// <summary>Sweep: the USL coherency cost κ is significant and throughput falls past its peak as load grows.</summary>
    public const string RetrogradeThroughput = "retrograde-throughput";

    /// <summary>Sweep: the USL contention σ keeps scaling efficiency below 80 % at the top level (no plateau or pool finding).</summary>
    public const string Contention = "contention";

    /// <summary>The single-run rule ids, in report order (the order <see cref="Analyzer"/> sorts findings by).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        GeneratorSaturation, NoSteadyState, ErrorRate, ConnectionErrors, RateLimited, QueuedBeforeApp, SharedBottleneck, SerializedResource,
        NPlusOne, DbBound, TailLatency, LatencyDegradation, PeriodicStall, HighVariance, ColdStart,
    ];

    /// <summary>The capacity (sweep) rule ids, in report order (the order <see cref="Capacity.CapacityAnalyzer"/> sorts findings by).</summary>
    public static IReadOnlyList<string> Capacity { get; } =
    [
        GeneratorSaturation, SerializedResource, ThroughputPlateau, PoolExhaustion, RetrogradeThroughput, Contention,
    ];
}
