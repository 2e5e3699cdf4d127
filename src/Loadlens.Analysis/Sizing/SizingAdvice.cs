namespace Loadlens.Analysis.Sizing;

/// <summary>
/// What it takes to serve <see cref="TargetRate"/> within the SLA, computed from a sweep's measurements
/// (<c>--target-rate</c>; <see cref="SizingAdvisor"/>): workers and threads per instance, the connection pool, the
/// instance count and a Kubernetes HPA. Every piece states its inputs, its arithmetic and its assumptions, and says
/// when the data is too thin to advise (<see cref="SizingItem.ThinData"/>). Part of the sweep's
/// <see cref="Capacity.CapacityReport.Sizing"/>, so every sweep format renders it.
/// </summary>
public sealed record SizingAdvice
{
    /// <summary>The rate to serve, req/s.</summary>
    public required double TargetRate { get; init; }

    /// <summary>The share of every resource kept free at the target rate (0.2: planned at most 80 % busy).</summary>
    public required double Headroom { get; init; }

    /// <summary>The SLA the sweep's capacity was judged against, e.g. "p99 ≤ 250 ms, errors ≤ 1%".</summary>
    public required string Criteria { get; init; }

    /// <summary>Workers (processes) and threads per instance, from Little's law on the service time and the CPU per request.</summary>
    public required WorkerSizing Workers { get; init; }

    /// <summary>Database connection pool size.</summary>
    public required PoolSizing Pool { get; init; }

    /// <summary>Instances (replicas) of the measured instance for the target rate.</summary>
    public required ReplicaSizing Replicas { get; init; }

    /// <summary>Kubernetes HorizontalPodAutoscaler settings from the CPU at the SLA knee.</summary>
    public required AutoscaleSizing Autoscale { get; init; }

    /// <summary>The four pieces in reading order.</summary>
    public IReadOnlyList<SizingItem> Items => [Workers, Pool, Replicas, Autoscale];
}

/// <summary>One piece of sizing advice: what to set, from which measurements, by which arithmetic, under which assumptions.</summary>
public abstract record SizingItem
{
    /// <summary>What is sized: "workers", "connection pool", "replicas" or "autoscaling".</summary>
    public abstract string Topic { get; }

    /// <summary>The advice in one sentence; null when <see cref="ThinData"/> says why there is none.</summary>
    public string? Advice { get; init; }

    /// <summary>Why no advice could be computed (the data too thin), or null.</summary>
    public string? ThinData { get; init; }

    /// <summary>The measurements used, each with where it came from.</summary>
    public IReadOnlyList<SizingInput> Inputs { get; init; } = [];

    /// <summary>The arithmetic, one step a line, with the numbers filled in.</summary>
    public IReadOnlyList<string> Arithmetic { get; init; } = [];

    /// <summary>What the advice takes for granted.</summary>
    public IReadOnlyList<string> Assumptions { get; init; } = [];
}

/// <summary>One measured input of a piece of advice.</summary>
/// <param name="Name">What it is, e.g. "service time".</param>
/// <param name="Value">The value.</param>
/// <param name="Unit">Its unit, e.g. "ms", "req/s", "cores".</param>
/// <param name="Source">Where it was measured, e.g. "server span mean at 5 req/s (lowest step)".</param>
public sealed record SizingInput(string Name, double Value, string Unit, string Source);

/// <summary>Whether a request's service time is spent on the CPU or waiting (database, I/O, sleeps).</summary>
public enum WorkKind
{
    /// <summary>CPU per request was not measured (no <c>--target-pid</c>).</summary>
    Unknown,

    /// <summary>CPU per request ≈ service time: a request holds a core for its whole service time.</summary>
    CpuBound,

    /// <summary>CPU per request well below the service time: the request mostly waits.</summary>
    Waiting,

    /// <summary>In between.</summary>
    Mixed,
}

/// <summary>Workers and threads per instance.</summary>
public sealed record WorkerSizing : SizingItem
{
    /// <inheritdoc />
    public override string Topic => "workers";

    /// <summary>Service time per request, ms (server span, else low-load latency).</summary>
    public double? ServiceTimeMs { get; init; }

    /// <summary>Server CPU per request, ms; null when not measured.</summary>
    public double? CpuMsPerRequest { get; init; }

    /// <summary>CPU-bound or waiting.</summary>
    public WorkKind Kind { get; init; }

    /// <summary>Requests in service at the target rate (Little's law: rate × service time).</summary>
    public double? Concurrency { get; init; }

    /// <summary>The busy share planned per worker (the utilisation at which the sweep still met the SLA, at most 1 − headroom).</summary>
    public double? Utilisation { get; init; }

    /// <summary>Concurrent requests the instance must serve: ⌈concurrency / utilisation⌉.</summary>
    public int? Slots { get; init; }

    /// <summary>Worker processes.</summary>
    public int? Processes { get; init; }

    /// <summary>Threads per process (1 for CPU-bound work or when CPU was not measured).</summary>
    public int? ThreadsPerProcess { get; init; }

    /// <summary>CPU cores the target rate keeps busy at the planned utilisation; null when CPU was not measured.</summary>
    public double? CoresNeeded { get; init; }

    /// <summary>Concurrent requests the measured instance served (the saturated resource's parallelism); null when the sweep never saturated it.</summary>
    public double? MeasuredParallelism { get; init; }
}

/// <summary>Database connection pool size.</summary>
public sealed record PoolSizing : SizingItem
{
    /// <inheritdoc />
    public override string Topic => "connection pool";

    /// <summary>Database time per request, ms.</summary>
    public double? DbTimeMs { get; init; }

    /// <summary>Connections busy on average at the target rate (rate × DB time).</summary>
    public double? BusyConnections { get; init; }

    /// <summary>Connections for the whole service: ⌈busy / (1 − headroom)⌉.</summary>
    public int? Size { get; init; }

    /// <summary>Connections per worker process (each process has its own pool) when there is more than one.</summary>
    public int? PerProcess { get; init; }

    /// <summary>The longest mean pool wait any step measured, ms per request.</summary>
    public double? MaxPoolWaitMs { get; init; }

    /// <summary>The load level of that step.</summary>
    public double? PoolWaitLevel { get; init; }
}

/// <summary>Instances (replicas) for the target rate.</summary>
public sealed record ReplicaSizing : SizingItem
{
    /// <inheritdoc />
    public override string Topic => "replicas";

    /// <summary>Capacity of one instance within the SLA (the sweep's capacity at SLA), req/s.</summary>
    public double? CapacityPerInstance { get; init; }

    /// <summary>True when every measured step met the SLA: the capacity is a lower bound.</summary>
    public bool CapacityIsLowerBound { get; init; }

    /// <summary>Instances: ⌈target / (capacity × (1 − headroom))⌉.</summary>
    public int? Count { get; init; }
}

/// <summary>Kubernetes HorizontalPodAutoscaler (autoscaling/v2) settings.</summary>
public sealed record AutoscaleSizing : SizingItem
{
    /// <inheritdoc />
    public override string Topic => "autoscaling";

    /// <summary>CPU the instance used at capacity at SLA (the SLA knee), cores.</summary>
    public double? CpuCoresAtKnee { get; init; }

    /// <summary>Cores the instance could use in the sweep (its CPU limit or the machine's cores): the pod's assumed CPU request.</summary>
    public double? CpuCoresAvailable { get; init; }

    /// <summary>CPU utilisation at the knee, percent of <see cref="CpuCoresAvailable"/>.</summary>
    public double? UtilisationAtKneePercent { get; init; }

    /// <summary>The HPA's <c>averageUtilization</c> target, percent.</summary>
    public int? CpuTargetPercent { get; init; }

    /// <summary>The HPA's <c>minReplicas</c>.</summary>
    public int? MinReplicas { get; init; }

    /// <summary>The HPA's <c>maxReplicas</c>.</summary>
    public int? MaxReplicas { get; init; }

    /// <summary>The Deployment the HPA scales (the sweep's name as a Kubernetes name).</summary>
    public string? DeploymentName { get; init; }

    /// <summary>True when a manifest can be written (enough data).</summary>
    public bool HasManifest => CpuTargetPercent is not null && MinReplicas is not null && MaxReplicas is not null && DeploymentName is not null;
}
