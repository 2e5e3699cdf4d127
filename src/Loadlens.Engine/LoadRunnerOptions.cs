namespace Loadlens.Engine;

/// <summary>Options of a run that are not part of the scenario (how to run, not what to load).</summary>
public sealed record LoadRunnerOptions
{
    /// <summary>Clock for wall-clock timestamps and monotonic time. Defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Length of one time-series interval.</summary>
    public TimeSpan IntervalLength { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Called once per interval with a live view of the run (from a background thread).</summary>
    public IProgress<LiveSnapshot>? Progress { get; init; }

    /// <summary>An open-model arrival sent more than this after its intended time counts as late.</summary>
    public TimeSpan LateThreshold { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long in-flight requests may finish after the planned end before they are abandoned.</summary>
    public TimeSpan GracefulStop { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Connect to the target once before starting; throw <see cref="TargetUnreachableException"/> if that fails.</summary>
    public bool CheckTargetFirst { get; init; } = true;

    /// <summary>
    /// Allow targets that resolve to non-loopback addresses. Off by default so that a typo can never
    /// send load to a machine you did not mean to test.
    /// </summary>
    public bool AllowNonLoopbackTargets { get; init; }

    /// <summary>Accept any TLS server certificate (self-signed test servers). Off by default.</summary>
    public bool AcceptAnyServerCertificate { get; init; }

    /// <summary>Random seed for request mix, think time and random feeders (null: nondeterministic).</summary>
    public int? Seed { get; init; }

    /// <summary>Run name override (defaults to the scenario name).</summary>
    public string? RunName { get; init; }

    /// <summary>
    /// Which transport sends the requests. <see cref="TransportKind.Auto"/> (default) uses the epoll
    /// transport for the closed model over plain http:// HTTP/1.1 on Linux, the lean HTTP/1.1
    /// transport for other HTTP/1.1 (https://, the open model, other OSes), and SocketsHttpHandler
    /// for HTTP/2.
    /// </summary>
    public TransportKind Transport { get; init; } = TransportKind.Auto;

    /// <summary>
    /// Number of event-loop threads of the epoll transport. Null (default): one per usable core,
    /// at most one per virtual user in the closed model.
    /// </summary>
    public int? EventLoops { get; init; }

    /// <summary>
    /// Stamp every request with a W3C <c>traceparent</c> carrying this run tag (<see cref="Core.Tracing.LoadlensTraceId"/>),
    /// so an instrumented server's spans can be joined to the endpoint and send time; null (the default) sends none.
    /// A <c>traceparent</c> header of the scenario's own wins.
    /// </summary>
    public TraceContextOptions? TraceContext { get; init; }

    /// <summary>A response body larger than this is a failed request (Protocol). Default 64 MiB.</summary>
    public long MaxResponseBodyBytes { get; init; } = 64L * 1024 * 1024;
}

/// <summary>W3C trace context for a run's requests (<see cref="LoadRunnerOptions.TraceContext"/>).</summary>
/// <param name="RunTag">The run's tag: the first 4 bytes of every trace id (non-zero; pick it at random).</param>
public sealed record TraceContextOptions(uint RunTag);

/// <summary>The transport that sends requests (see <see cref="LoadRunnerOptions.Transport"/>).</summary>
public enum TransportKind
{
    /// <summary>Epoll for closed-model plain-http HTTP/1.1 on Linux, lean for other HTTP/1.1, SocketsHttpHandler for anything else.</summary>
    Auto,

    /// <summary>The lean raw-socket HTTP/1.1 transport (fast, allocation-free; HTTP/1.1 only).</summary>
    Lean,

    /// <summary>.NET's SocketsHttpHandler (HTTP/1.1 and HTTP/2).</summary>
    Sockets,

    /// <summary>
    /// Loadlens' own epoll event loops over raw non-blocking sockets (Linux, plain http://
    /// HTTP/1.1 only): the cheapest per request; see <see cref="LoadRunnerOptions.EventLoops"/>.
    /// </summary>
    Epoll,
}

/// <summary>A live view of a run, published once per interval.</summary>
public sealed record LiveSnapshot
{
    /// <summary>Seconds since the start.</summary>
    public required double ElapsedSeconds { get; init; }

    /// <summary>Planned length in seconds (null when bounded by iterations).</summary>
    public double? PlannedSeconds { get; init; }

    /// <summary>Whether the run is still in its warm-up.</summary>
    public bool Warmup { get; init; }

    /// <summary>Requests per second in the last interval.</summary>
    public double RequestsPerSecond { get; init; }

    /// <summary>Median latency of the last interval (ms).</summary>
    public double P50Ms { get; init; }

    /// <summary>95th percentile of the last interval (ms).</summary>
    public double P95Ms { get; init; }

    /// <summary>99th percentile of the last interval (ms).</summary>
    public double P99Ms { get; init; }

    /// <summary>Failures in the last interval.</summary>
    public long IntervalFailures { get; init; }

    /// <summary>Requests completed so far (warm-up included).</summary>
    public long TotalRequests { get; init; }

    /// <summary>Failures so far (warm-up included).</summary>
    public long TotalFailures { get; init; }

    /// <summary>Active virtual users (closed) or in-flight requests (open).</summary>
    public int ActiveUsers { get; init; }

    /// <summary>Completed iterations out of the planned count, when bounded by iterations.</summary>
    public long? IterationsPlanned { get; init; }

    /// <summary>Open model: arrivals dropped so far.</summary>
    public long Dropped { get; init; }

    /// <summary>Open model: arrivals sent late so far.</summary>
    public long Late { get; init; }

    /// <summary>CPU use of the generator process in the last interval, as a fraction of its usable cores (0–1).</summary>
    public double GeneratorCpu { get; init; }
}

/// <summary>The target could not be reached before the run started (exit code 3 in the CLI).</summary>
public sealed class TargetUnreachableException : Exception
{
    /// <summary>Create with a message.</summary>
    public TargetUnreachableException(string message)
        : base(message)
    {
    }

    /// <summary>Create with a message and cause.</summary>
    public TargetUnreachableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Required by analyzers.</summary>
    public TargetUnreachableException()
        : base("target unreachable")
    {
    }
}

/// <summary>The target is not allowed (e.g. not a loopback address without opt-in): a usage error (exit 2).</summary>
public sealed class TargetNotAllowedException : Exception
{
    /// <summary>Create with a message.</summary>
    public TargetNotAllowedException(string message)
        : base(message)
    {
    }

    /// <summary>Create with a message and cause.</summary>
    public TargetNotAllowedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Required by analyzers.</summary>
    public TargetNotAllowedException()
        : base("target not allowed")
    {
    }
}
