namespace Loadlens.Diagnostics.Counters;

/// <summary>The runtime counters Loadlens reads, by their <c>System.Runtime</c> EventCounter names.</summary>
internal static class RuntimeCounterNames
{
    /// <summary>The EventSource that publishes them.</summary>
    public const string Provider = "System.Runtime";

    /// <summary>Milliseconds the runtime was paused for GC in the counter interval (increment).</summary>
    public const string GcPause = "total-pause-time-by-gc";

    /// <summary>Generation 0 collections in the interval (increment).</summary>
    public const string Gen0 = "gen-0-gc-count";

    /// <summary>Generation 1 collections in the interval (increment).</summary>
    public const string Gen1 = "gen-1-gc-count";

    /// <summary>Generation 2 collections in the interval (increment).</summary>
    public const string Gen2 = "gen-2-gc-count";

    /// <summary>GC heap size, MB (10^6 bytes; <c>GC.GetTotalMemory(false)</c>, a gauge).</summary>
    public const string HeapSize = "gc-heap-size";

    /// <summary>Bytes allocated in the interval (increment).</summary>
    public const string AllocRate = "alloc-rate";

    /// <summary>Work items queued in the thread pool (gauge).</summary>
    public const string QueueLength = "threadpool-queue-length";

    /// <summary>Thread-pool threads (gauge).</summary>
    public const string Threads = "threadpool-thread-count";

    /// <summary>Monitor lock contentions in the interval (increment).</summary>
    public const string LockContention = "monitor-lock-contention-count";

    /// <summary>Exceptions thrown in the interval (increment).</summary>
    public const string Exceptions = "exception-count";

    /// <summary>Every counter read.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        GcPause, Gen0, Gen1, Gen2, HeapSize, AllocRate, QueueLength, Threads, LockContention, Exceptions,
    };
}

/// <summary>
/// One counter value as the runtime published it.
/// </summary>
/// <param name="At">When the runtime published it (the end of its counting window).</param>
/// <param name="WindowSeconds">The counting window of an incrementing counter (the session's interval), seconds.</param>
/// <param name="Name">The counter name (<see cref="RuntimeCounterNames"/>).</param>
/// <param name="Value">The increment over the window (incrementing counters) or the value at <paramref name="At"/> (gauges).</param>
internal readonly record struct CounterReading(DateTimeOffset At, double WindowSeconds, string Name, double Value);

/// <summary>
/// One garbage collection as the runtime's GC events told it (<c>Microsoft-Windows-DotNETRuntime</c>, GC keyword): the
/// execution engine suspended at <paramref name="SuspendedAt"/> and restarted <paramref name="PauseMs"/> later.
/// </summary>
/// <param name="SuspendedAt">When the runtime began suspending the managed threads.</param>
/// <param name="PauseMs">Milliseconds until they ran again.</param>
/// <param name="Generation">The generation collected (0, 1 or 2), or −1 when no GC start event came with the pause.</param>
internal readonly record struct GcPause(DateTimeOffset SuspendedAt, double PauseMs, int Generation)
{
    /// <summary>When the managed threads ran again (the requests the pause held complete from here on).</summary>
    public DateTimeOffset RestartedAt => SuspendedAt + TimeSpan.FromMilliseconds(PauseMs);
}
