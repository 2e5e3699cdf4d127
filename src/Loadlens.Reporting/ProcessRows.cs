using System.Globalization;
using Loadlens.Core.Results;

namespace Loadlens.Reporting;

/// <summary>
/// The server process watch (<see cref="ProcessWatch"/>, <c>--target-pid</c>) and the .NET runtime counters
/// (<see cref="DotnetCounters"/>) as rows, next to the client's latency: the one layout the console, summary.md and
/// report.html share. Memory in MB (10^6 bytes), CPU in percent of ONE core.
/// </summary>
internal static class ProcessRows
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static ProcessWatch? Of(RunResult run) =>
        run.TryGetSection<ProcessWatch>(ProcessWatch.SectionName, out var watch) ? watch : null;

    public static DotnetCounters? DotnetOf(RunResult run) =>
        run.TryGetSection<DotnetCounters>(DotnetCounters.SectionName, out var counters) ? counters : null;

    /// <summary>"45.2 MB".</summary>
    public static string Mb(double bytes) => (bytes / 1e6).ToString(Math.Abs(bytes) >= 1e8 ? "0" : "0.0", Invariant) + " MB";

    /// <summary>A signed growth: "+1.2 MB", "+12 kB", "-3.4 MB".</summary>
    public static string Growth(double bytes) =>
        (bytes >= 0 ? "+" : "-") + (Math.Abs(bytes) >= 1e6 ? Mb(Math.Abs(bytes)) : (Math.Abs(bytes) / 1e3).ToString("0.#", Invariant) + " kB");

    /// <summary>"94 %" of one core.</summary>
    public static string Cpu(double percent) => percent.ToString(percent >= 10 ? "0" : "0.#", Invariant) + " %";

    /// <summary>What was watched: "gunicorn (pid 10) and 1 child, 2 cores (limit 1.5)".</summary>
    public static string Watched(ProcessWatch watch)
    {
        var roots = watch.Processes.Where(p => p.Root).Select(p => $"{p.Name} (pid {p.Pid})").ToList();
        var children = watch.Processes.Count(p => !p.Root);
        var who = (roots.Count > 0 ? string.Join(", ", roots) : "the target processes")
            + (children > 0 ? $" and {children} {(children == 1 ? "child" : "children")}" : string.Empty);
        var cores = $"{watch.MachineCores} core{(watch.MachineCores == 1 ? string.Empty : "s")}"
            + (watch.CpuLimitCores is { } limit ? $" (the processes may use {ReportFormat.Number(Math.Round(limit, 2))})" : string.Empty);
        return $"{who} on {cores}; CPU in % of one core, sampled from /proc once per interval";
    }

    /// <summary>The headline figures of the measured window, as (figure, value) pairs.</summary>
    public static IReadOnlyList<(string Figure, string Value)> Figures(ProcessWatch watch)
    {
        var s = watch.Summary;
        var rows = new List<(string, string)>
        {
            ("CPU per request", s.CpuMsPerRequest is { } cpu ? ReportFormat.MsUnit(cpu) : ReportFormat.None),
            ("Mean CPU", $"{Cpu(s.MeanCpuPercent)} of one core ({ReportFormat.Number(Math.Round(s.CpuUserSeconds, 2))} s user + {ReportFormat.Number(Math.Round(s.CpuSystemSeconds, 2))} s system over {ReportFormat.Seconds(Math.Round(s.Seconds, 1))})"),
            ("Peak CPU", $"{Cpu(s.PeakCpuPercent)} (busiest process {Cpu(s.PeakBusiestProcessCpuPercent)})"),
            ("RSS", $"{Mb(s.RssStartBytes)} → {Mb(s.RssEndBytes)} (peak {Mb(s.PeakRssBytes)})"),
            ("RSS growth", s.RssGrowthBytesPer1kRequests is { } g ? $"{Growth(g)} per 1,000 requests" : ReportFormat.None),
            ("Threads (peak)", ReportFormat.Count(s.PeakThreads)),
            ("Open file descriptors (peak)", ReportFormat.Count(s.PeakOpenFileDescriptors)),
            ("Context switches per request", s.VoluntaryContextSwitchesPerRequest is { } v && s.InvoluntaryContextSwitchesPerRequest is { } n
                ? $"{ReportFormat.Number(Math.Round(v, 2))} voluntary, {ReportFormat.Number(Math.Round(n, 2))} involuntary" : ReportFormat.None),
        };
        return rows;
    }

    /// <summary>Headings of the per-process table.</summary>
    public static readonly IReadOnlyList<string> ProcessHeadings = ["Process", "PID", "Parent", "CPU s", "Peak RSS", "Seen"];

    /// <summary>One row per watched process: name first.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Processes(ProcessWatch watch) => watch.Processes.Select(p => (IReadOnlyList<string>)
    [
        p.Name + (p.Root ? string.Empty : " (child)") + (p.Dotnet ? " (.NET)" : string.Empty),
        p.Pid.ToString(Invariant),
        p.ParentPid > 0 ? p.ParentPid.ToString(Invariant) : ReportFormat.None,
        ReportFormat.Number(Math.Round(p.CpuSeconds, 2)),
        Mb(p.PeakRssBytes),
        $"{ReportFormat.Seconds(Math.Round(p.FirstSeenSeconds, 1))}–{(p.ExitedSeconds is { } x ? ReportFormat.Seconds(Math.Round(x, 1)) + " (exited)" : "end")}",
    ]).ToList();

    /// <summary>Headings of the per-interval table: the client's latency next to the process figures.</summary>
    public static readonly IReadOnlyList<string> IntervalHeadings =
        ["Interval", "Start s", "Requests", "Mean ms", "p95 ms", "CPU %", "Busiest %", "CPU wait %", "RSS MB", "Threads", "FDs", "Vol. cs", "Invol. cs"];

    /// <summary>One row per sample (warm-up and drain marked in the first cell).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Intervals(RunResult run, ProcessWatch watch)
    {
        var intervals = run.Intervals.ToDictionary(i => i.Index);
        return watch.Samples.Select(s =>
        {
            var latency = intervals.GetValueOrDefault(s.IntervalIndex)?.Total.Latency;
            return (IReadOnlyList<string>)
            [
                s.IntervalIndex.ToString(Invariant) + (s.Warmup ? " (warm-up)" : s.Drain ? " (drain)" : string.Empty),
                ReportFormat.Number(Math.Round(s.StartSeconds, 1)),
                ReportFormat.Count(s.CompletedRequests),
                latency is { Count: > 0 } l ? ReportFormat.Ms(l.Mean) : ReportFormat.None,
                latency is { Count: > 0 } p ? ReportFormat.Ms(p.P95) : ReportFormat.None,
                ReportFormat.Number(Math.Round(s.CpuPercent, 1)),
                ReportFormat.Number(Math.Round(s.BusiestProcessCpuPercent, 1)),
                ReportFormat.Number(Math.Round(s.CpuWaitPercent, 1)),
                (s.RssBytes / 1e6).ToString("0.0", Invariant),
                ReportFormat.Count(s.Threads),
                ReportFormat.Count(s.OpenFileDescriptors),
                ReportFormat.Count(s.VoluntaryContextSwitches),
                ReportFormat.Count(s.InvoluntaryContextSwitches),
            ];
        }).ToList();
    }

    /// <summary>Headings of the .NET runtime table (one row per .NET process, over the measured window).</summary>
    public static readonly IReadOnlyList<string> DotnetHeadings =
        ["Process", "GC pause", "GC gen0/1/2", "Peak heap", "Heap growth / 1k req", "Alloc / s", "Alloc / request", "Thread-pool queue (peak)", "Thread-pool threads", "Lock contentions", "Exceptions"];

    /// <summary>One row per .NET process.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Dotnet(DotnetCounters counters) => counters.Processes.Select(p =>
    {
        var s = p.Summary;
        return (IReadOnlyList<string>)
        [
            $"{p.Name} (pid {p.Pid}){(p.RuntimeVersion is { } v ? $", .NET {v}" : string.Empty)}",
            ReportFormat.MsUnit(s.GcPauseMs),
            $"{ReportFormat.Count(s.Gen0Collections)}/{ReportFormat.Count(s.Gen1Collections)}/{ReportFormat.Count(s.Gen2Collections)}",
            Mb(s.PeakHeapBytes),
            s.HeapGrowthBytesPer1kRequests is { } g ? Growth(g) : ReportFormat.None,
            Mb(s.MeanAllocatedBytesPerSecond),
            s.AllocatedBytesPerRequest is { } a ? (a >= 1e6 ? Mb(a) : (a / 1e3).ToString("0.#", Invariant) + " kB") : ReportFormat.None,
            ReportFormat.Count(s.PeakThreadPoolQueueLength),
            $"{ReportFormat.Count(s.ThreadPoolThreadsStart)} → {ReportFormat.Count(s.PeakThreadPoolThreads)}",
            ReportFormat.Count(s.LockContentions),
            ReportFormat.Count(s.Exceptions),
        ];
    }).ToList();

    /// <summary>Headings of the per-interval .NET table.</summary>
    public static readonly IReadOnlyList<string> DotnetIntervalHeadings =
        ["Process", "Interval", "Mean ms", "GC pause ms", "Gen0", "Gen1", "Gen2", "Heap MB", "Alloc MB/s", "TP queue", "TP threads", "Locks", "Exceptions"];

    /// <summary>One row per .NET process and sample.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> DotnetIntervals(RunResult run, DotnetCounters counters)
    {
        var intervals = run.Intervals.ToDictionary(i => i.Index);
        return counters.Processes.SelectMany(p => p.Samples.Select(s => (IReadOnlyList<string>)
        [
            p.Pid.ToString(Invariant),
            s.IntervalIndex.ToString(Invariant) + (s.Warmup ? " (warm-up)" : s.Drain ? " (drain)" : string.Empty),
            intervals.GetValueOrDefault(s.IntervalIndex)?.Total.Latency is { Count: > 0 } l ? ReportFormat.Ms(l.Mean) : ReportFormat.None,
            ReportFormat.Number(Math.Round(s.GcPauseMs, 2)),
            ReportFormat.Count(s.Gen0Collections),
            ReportFormat.Count(s.Gen1Collections),
            ReportFormat.Count(s.Gen2Collections),
            (s.HeapBytes / 1e6).ToString("0.0", Invariant),
            (s.AllocatedBytesPerSecond / 1e6).ToString("0.0", Invariant),
            ReportFormat.Count(s.ThreadPoolQueueLength),
            ReportFormat.Count(s.ThreadPoolThreads),
            ReportFormat.Count(s.LockContentions),
            ReportFormat.Count(s.Exceptions),
        ])).ToList();
    }

    /// <summary>Headings of the sweep's per-step server process table.</summary>
    public static readonly IReadOnlyList<string> StepHeadings = ["Level", "CPU / request", "Mean CPU", "Busiest process peak", "Peak RSS", "RSS growth / 1k req"];

    /// <summary>One row per sweep step that watched the server processes (its level first); empty when none did.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Steps(SweepResult sweep) => sweep.Steps
        .Select(step => (step, watch: Of(step.Result)))
        .Where(x => x.watch is not null)
        .Select(x => (IReadOnlyList<string>)
        [
            ReportFormat.Number(x.step.Level),
            x.watch!.Summary.CpuMsPerRequest is { } cpu ? ReportFormat.MsUnit(cpu) : ReportFormat.None,
            Cpu(x.watch.Summary.MeanCpuPercent),
            Cpu(x.watch.Summary.PeakBusiestProcessCpuPercent),
            Mb(x.watch.Summary.PeakRssBytes),
            x.watch.Summary.RssGrowthBytesPer1kRequests is { } g ? Growth(g) : ReportFormat.None,
        ]).ToList();
}
