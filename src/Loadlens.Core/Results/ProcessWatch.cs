namespace Loadlens.Core.Results;

/// <summary>
/// What the operating system said about the server's own processes while the run loaded them (the
/// <see cref="SectionName"/> section of a <see cref="RunResult"/>, <c>--target-pid</c>): <c>/proc</c> sampled once per
/// load interval, summed over every watched process (with <c>--target-children</c> the children too, e.g. gunicorn's
/// workers under their master). The samples line up with <see cref="RunResult.Intervals"/> by
/// <see cref="IntervalSample.IntervalIndex"/>. CPU is in percent of ONE core (200 % = two cores busy).
/// Versioned with <see cref="SchemaVersion"/>.
/// </summary>
public sealed record ProcessWatch
{
    /// <summary>The section name in <see cref="RunResult.Sections"/>.</summary>
    public const string SectionName = "processWatch";

    /// <summary>Version of this section's shape.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Logical cores of the machine the processes ran on.</summary>
    public required int MachineCores { get; init; }

    /// <summary>Cores the processes may use when a cgroup CPU quota or an affinity mask limits them below <see cref="MachineCores"/>; null when unlimited.</summary>
    public double? CpuLimitCores { get; init; }

    /// <summary>Every process watched at some point of the run (the roots and, with <c>--target-children</c>, their descendants).</summary>
    public IReadOnlyList<WatchedProcess> Processes { get; init; } = [];

    /// <summary>One sample per load interval (warm-up and drain intervals included and marked like the run's intervals).</summary>
    public IReadOnlyList<ProcessSample> Samples { get; init; } = [];

    /// <summary>The figures over the measured window (warm-up and drain left out).</summary>
    public required ProcessWatchSummary Summary { get; init; }

    /// <summary>Why sampling was partial (a process exited, <c>/proc</c> refused a file), in the order they happened.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Time the sampler's own thread spent reading <c>/proc</c> during the run, seconds: the monitor's cost to the load generator's machine.</summary>
    public double SamplerBusySeconds { get; init; }
}

/// <summary>One process that was watched.</summary>
public sealed record WatchedProcess
{
    /// <summary>Process id.</summary>
    public required int Pid { get; init; }

    /// <summary>Parent process id (0 when unknown).</summary>
    public int ParentPid { get; init; }

    /// <summary>The process name (<c>/proc/PID/comm</c>), never its command line (it may carry secrets).</summary>
    public required string Name { get; init; }

    /// <summary>True for a root given with <c>--target-pid</c>, false for a child found under one.</summary>
    public bool Root { get; init; }

    /// <summary>True when the process hosts the .NET runtime (a diagnostics IPC socket exists for it).</summary>
    public bool Dotnet { get; init; }

    /// <summary>Seconds since the run started when the process was first seen.</summary>
    public double FirstSeenSeconds { get; init; }

    /// <summary>Seconds since the run started when the process was last seen; null when it lived to the end of the run.</summary>
    public double? ExitedSeconds { get; init; }

    /// <summary>CPU seconds (user + system) this process used in the measured window.</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Largest resident set size seen for this process, in bytes.</summary>
    public long PeakRssBytes { get; init; }
}

/// <summary>
/// A server-side sample that belongs to one load interval of the run (<see cref="RunResult.Intervals"/>): the interval's
/// position, its warm-up/drain marks and the requests the run completed in it, so per-request figures line up.
/// </summary>
public abstract record IntervalSample
{
    /// <summary>The <see cref="TimeSeriesInterval.Index"/> this sample belongs to.</summary>
    public required int IntervalIndex { get; init; }

    /// <summary>Start, in seconds since the run started (the interval's start).</summary>
    public required double StartSeconds { get; init; }

    /// <summary>Length of the interval in seconds.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>True in the warm-up (left out of the summaries).</summary>
    public bool Warmup { get; init; }

    /// <summary>True in the drain after the run stopped sending (left out of the summaries).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Drain { get; init; }

    /// <summary>Requests the run completed in this interval (all endpoints), copied from the run's interval for per-request figures.</summary>
    public long CompletedRequests { get; init; }
}

/// <summary>The watched processes in one load interval, summed over processes.</summary>
public sealed record ProcessSample : IntervalSample
{
    /// <summary>Processes alive at the end of the interval.</summary>
    public int Processes { get; init; }

    /// <summary>User CPU over the interval, percent of one core, summed over processes.</summary>
    public double CpuUserPercent { get; init; }

    /// <summary>System (kernel) CPU over the interval, percent of one core, summed over processes.</summary>
    public double CpuSystemPercent { get; init; }

    /// <summary>User + system CPU of the single busiest process, percent of one core: 100 here with one worker means that worker has one core and no more.</summary>
    public double BusiestProcessCpuPercent { get; init; }

    /// <summary>
    /// Time the single busiest process's main thread was runnable but waited for a core (<c>/proc/PID/schedstat</c>), percent
    /// of one core. The main thread does a single-threaded worker's work (a Python sync worker, a Node event loop): its CPU
    /// + this wait near 100 means it wanted a whole core even when other work on the machine took it. A .NET server's main
    /// thread idles, so this stays near 0 there while <see cref="CpuWaitPercent"/> counts its pool threads.
    /// </summary>
    public double BusiestProcessMainThreadWaitPercent { get; init; }

    /// <summary>
    /// Time the watched processes' threads were runnable but waited for a core (<c>/proc/PID/task/TID/schedstat</c>), percent
    /// of one core, summed over threads and processes: CPU + wait is the CPU they wanted.
    /// </summary>
    public double CpuWaitPercent { get; init; }

    /// <summary>Resident set size at the end of the interval, bytes, summed over processes.</summary>
    public long RssBytes { get; init; }

    /// <summary>Threads at the end of the interval, summed over processes.</summary>
    public int Threads { get; init; }

    /// <summary>Open file descriptors at the end of the interval, summed over processes (sockets included).</summary>
    public int OpenFileDescriptors { get; init; }

    /// <summary>Voluntary context switches during the interval (the process waited: I/O, a lock, a sleep).</summary>
    public long VoluntaryContextSwitches { get; init; }

    /// <summary>Involuntary context switches during the interval (the scheduler took the core away: CPU contention).</summary>
    public long InvoluntaryContextSwitches { get; init; }

    /// <summary>User + system CPU over the interval, percent of one core.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double CpuPercent => CpuUserPercent + CpuSystemPercent;
}

/// <summary>The watched processes over the measured window: the figures a before/after table quotes.</summary>
public sealed record ProcessWatchSummary
{
    /// <summary>Seconds of the measured window covered by samples.</summary>
    public double Seconds { get; init; }

    /// <summary>User CPU seconds in the measured window.</summary>
    public double CpuUserSeconds { get; init; }

    /// <summary>System CPU seconds in the measured window.</summary>
    public double CpuSystemSeconds { get; init; }

    /// <summary>Mean CPU over the measured window, percent of one core.</summary>
    public double MeanCpuPercent { get; init; }

    /// <summary>Highest interval CPU in the measured window, percent of one core.</summary>
    public double PeakCpuPercent { get; init; }

    /// <summary>Highest interval CPU of the single busiest process, percent of one core.</summary>
    public double PeakBusiestProcessCpuPercent { get; init; }

    /// <summary>Requests completed in the measured window.</summary>
    public long CompletedRequests { get; init; }

    /// <summary>Server CPU per completed request in milliseconds (CPU seconds / completed requests); null without completed requests.</summary>
    public double? CpuMsPerRequest { get; init; }

    /// <summary>Resident set size at the start of the measured window, bytes.</summary>
    public long RssStartBytes { get; init; }

    /// <summary>Resident set size at the end of the measured window, bytes.</summary>
    public long RssEndBytes { get; init; }

    /// <summary>Largest resident set size seen in the run (all intervals), bytes.</summary>
    public long PeakRssBytes { get; init; }

    /// <summary>Slope of RSS against requests served, bytes per 1,000 requests (least squares over the measured intervals); null with fewer than 3 intervals.</summary>
    public double? RssGrowthBytesPer1kRequests { get; init; }

    /// <summary>Most threads seen.</summary>
    public int PeakThreads { get; init; }

    /// <summary>Most open file descriptors seen.</summary>
    public int PeakOpenFileDescriptors { get; init; }

    /// <summary>Voluntary context switches per completed request; null without completed requests.</summary>
    public double? VoluntaryContextSwitchesPerRequest { get; init; }

    /// <summary>Involuntary context switches per completed request; null without completed requests.</summary>
    public double? InvoluntaryContextSwitchesPerRequest { get; init; }
}

/// <summary>
/// The .NET runtime's own counters of the watched .NET processes, read over EventPipe while the run loaded them (the
/// <see cref="SectionName"/> section of a <see cref="RunResult"/>, <c>--target-dotnet</c> or detected): one sample per
/// load interval, aligned with <see cref="RunResult.Intervals"/> like <see cref="ProcessWatch"/>.
/// </summary>
public sealed record DotnetCounters
{
    /// <summary>The section name in <see cref="RunResult.Sections"/>.</summary>
    public const string SectionName = "dotnetCounters";

    /// <summary>Version of this section's shape.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>One entry per watched .NET process.</summary>
    public IReadOnlyList<DotnetProcessCounters> Processes { get; init; } = [];

    /// <summary>Why reading was partial (the process exited, the diagnostics port refused), in the order they happened.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>The runtime counters of one .NET process.</summary>
public sealed record DotnetProcessCounters
{
    /// <summary>Process id.</summary>
    public required int Pid { get; init; }

    /// <summary>The process name.</summary>
    public required string Name { get; init; }

    /// <summary>The runtime version the process reported, when it did.</summary>
    public string? RuntimeVersion { get; init; }

    /// <summary>One sample per load interval.</summary>
    public IReadOnlyList<DotnetCounterSample> Samples { get; init; } = [];

    /// <summary>The figures over the measured window.</summary>
    public required DotnetCounterSummary Summary { get; init; }
}

/// <summary>One process's runtime counters in one load interval. Counts are deltas over the interval; sizes are at its end.</summary>
public sealed record DotnetCounterSample : IntervalSample
{
    /// <summary>Time the runtime was paused for GC during the interval, milliseconds.</summary>
    public double GcPauseMs { get; init; }

    /// <summary>Generation 0 collections during the interval.</summary>
    public long Gen0Collections { get; init; }

    /// <summary>Generation 1 collections during the interval.</summary>
    public long Gen1Collections { get; init; }

    /// <summary>Generation 2 collections during the interval.</summary>
    public long Gen2Collections { get; init; }

    /// <summary>GC heap size at the end of the interval, bytes.</summary>
    public long HeapBytes { get; init; }

    /// <summary>Bytes allocated per second over the interval.</summary>
    public double AllocatedBytesPerSecond { get; init; }

    /// <summary>Work items waiting in the thread pool's queue at the end of the interval.</summary>
    public long ThreadPoolQueueLength { get; init; }

    /// <summary>Thread-pool threads at the end of the interval.</summary>
    public int ThreadPoolThreads { get; init; }

    /// <summary>Lock contentions (Monitor) during the interval.</summary>
    public long LockContentions { get; init; }

    /// <summary>Exceptions thrown during the interval.</summary>
    public long Exceptions { get; init; }
}

/// <summary>One .NET process's runtime counters over the measured window.</summary>
public sealed record DotnetCounterSummary
{
    /// <summary>GC pause time in the measured window, milliseconds.</summary>
    public double GcPauseMs { get; init; }

    /// <summary>Generation 0 collections in the measured window.</summary>
    public long Gen0Collections { get; init; }

    /// <summary>Generation 1 collections in the measured window.</summary>
    public long Gen1Collections { get; init; }

    /// <summary>Generation 2 collections in the measured window.</summary>
    public long Gen2Collections { get; init; }

    /// <summary>Largest GC heap size seen, bytes.</summary>
    public long PeakHeapBytes { get; init; }

    /// <summary>Slope of the GC heap against requests served, bytes per 1,000 requests; null with fewer than 3 intervals.</summary>
    public double? HeapGrowthBytesPer1kRequests { get; init; }

    /// <summary>Mean allocation rate, bytes per second.</summary>
    public double MeanAllocatedBytesPerSecond { get; init; }

    /// <summary>Bytes allocated per completed request; null without completed requests.</summary>
    public double? AllocatedBytesPerRequest { get; init; }

    /// <summary>Longest thread-pool queue seen.</summary>
    public long PeakThreadPoolQueueLength { get; init; }

    /// <summary>Thread-pool threads at the start of the measured window.</summary>
    public int ThreadPoolThreadsStart { get; init; }

    /// <summary>Most thread-pool threads seen.</summary>
    public int PeakThreadPoolThreads { get; init; }

    /// <summary>Lock contentions in the measured window.</summary>
    public long LockContentions { get; init; }

    /// <summary>Exceptions in the measured window.</summary>
    public long Exceptions { get; init; }
}
