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

    /// <summary>Server evidence: a normalised statement's p95 exceeds <see cref="AnalysisOptions.SlowQueryMs"/> (100 ms).</summary>
    public const string SlowQuery = "slow-query";

    /// <summary>Server evidence + <c>--db</c>: the database's own plan scans a large table to filter or join it; the exact <c>CREATE INDEX</c>.</summary>
    public const string MissingIndex = "missing-index";

    /// <summary>Server evidence: requests wait for a database connection from the app's pool (<c>pool.wait</c> spans, the profiler's connection opens).</summary>
    public const string PoolWait = "pool-wait";

    /// <summary>Server evidence: writes queue on the database's write lock (a slow <c>BEGIN IMMEDIATE</c>/<c>COMMIT</c>, SQLite's single writer).</summary>
    public const string WriteLockWait = "write-lock-wait";

    /// <summary>Server evidence: a read endpoint recomputes the same parameterless aggregate on every request (cache it with a TTL).</summary>
    public const string UncachedAggregate = "uncached-aggregate";

    /// <summary>Responses of ≥ 32 KiB on average: project and compress.</summary>
    public const string LargeResponse = "large-response";
    /// <summary>
    /// Process watch (<c>--target-pid</c>): the server's processes want the CPU they may use (the busiest one a whole core,
    /// or all of them all cores) while latency rises; one busy process among more cores: more workers would help.
    /// </summary>
    public const string CpuSaturation = "cpu-saturation";

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

    /// <summary>.NET runtime counters: tail latency rises in the intervals where the GC paused (rank correlation and co-occurrence).</summary>
    public const string GcPauses = "gc-pauses";

    /// <summary>.NET runtime counters: the thread-pool queue grows while threads are added slowly and the CPU is not the limit (sync-over-async).</summary>
    public const string ThreadPoolStarvation = "threadpool-starvation";

    /// <summary>GC heap (.NET runtime counters) or RSS (process watch) rising steadily per request served (Mann–Kendall + a minimum slope).</summary>
    public const string MemoryGrowth = "memory-growth";

    /// <summary>The single-run rule ids, in report order (the order <see cref="Analyzer"/> sorts findings by).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        GeneratorSaturation, NoSteadyState, ErrorRate, ConnectionErrors, RateLimited, QueuedBeforeApp, SharedBottleneck, SerializedResource,
        PoolWait, WriteLockWait, NPlusOne, MissingIndex, UncachedAggregate, SlowQuery, DbBound, LargeResponse, TailLatency, LatencyDegradation, PeriodicStall, HighVariance, ColdStart,
        CpuSaturation,
        ThreadPoolStarvation, GcPauses, MemoryGrowth,
    ];

    /// <summary>The capacity (sweep) rule ids, in report order (the order <see cref="Capacity.CapacityAnalyzer"/> sorts findings by).</summary>
    public static IReadOnlyList<string> Capacity { get; } =
    [
        GeneratorSaturation, SerializedResource, ThroughputPlateau, PoolExhaustion, RetrogradeThroughput, Contention,
    ];
}
