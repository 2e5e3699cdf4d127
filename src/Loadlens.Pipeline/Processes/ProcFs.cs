using System.Globalization;
using System.Runtime.InteropServices;

namespace Loadlens.Pipeline.Processes;

/// <summary>One process as <c>/proc</c> showed it at one moment: cumulative counters since the process started, gauges now.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="StartTime">Start time in clock ticks since boot (<c>/proc/PID/stat</c> field 22): with the pid, the identity that survives pid reuse.</param>
/// <param name="ParentPid">Parent process id.</param>
/// <param name="UserTicks">User CPU, clock ticks.</param>
/// <param name="SystemTicks">System CPU, clock ticks.</param>
/// <param name="RssBytes">Resident set size (VmRSS).</param>
/// <param name="Threads">Threads.</param>
/// <param name="OpenFileDescriptors">Entries of <c>/proc/PID/fd</c>; -1 when the directory cannot be read (another user's process).</param>
/// <param name="VoluntarySwitches">Voluntary context switches of its live threads, cumulative.</param>
/// <param name="InvoluntarySwitches">Involuntary context switches of its live threads, cumulative.</param>
/// <param name="RunDelayNs">Time its live threads were runnable but waited for a core (<c>/proc/PID/task/TID/schedstat</c>, second field, summed), ns; 0 when the kernel does not keep it.</param>
/// <param name="MainThreadRunDelayNs">The same for its main thread alone (<c>/proc/PID/schedstat</c>): the thread that does a single-threaded worker's work (a Python or Node process), idle in a .NET server.</param>
internal readonly record struct ProcReading(
    int Pid, long StartTime, int ParentPid, long UserTicks, long SystemTicks, long RssBytes, int Threads, int OpenFileDescriptors, long VoluntarySwitches, long InvoluntarySwitches,
    long RunDelayNs = 0, long MainThreadRunDelayNs = 0)
{
    /// <summary>The key that tells a process from a later one that got the same pid.</summary>
    public ProcessKey Key => new(Pid, StartTime);
}

/// <summary>A process's identity: the pid and its start time (pids are reused).</summary>
internal readonly record struct ProcessKey(int Pid, long StartTime);

/// <summary>
/// Reads Linux <c>/proc</c> (proc(5)): <c>stat</c>, <c>status</c>, <c>fd</c>, <c>comm</c>, each thread's <c>schedstat</c> and
/// <c>status</c>, the children lists, the cgroup v2
/// CPU quota. Never reads a command line (it may carry secrets). Every read tolerates a process that is gone (null).
/// </summary>
internal sealed class ProcFs
{
    private const int ScClkTck = 2; // _SC_CLK_TCK in glibc's and musl's <unistd.h> on Linux

    public ProcFs(string root = "/proc", string cgroupRoot = "/sys/fs/cgroup")
    {
        Root = root;
        CgroupRoot = cgroupRoot;
    }

    public string Root { get; }

    public string CgroupRoot { get; }

    /// <summary>Clock ticks per second of utime/stime (sysconf(_SC_CLK_TCK); 100 on every mainstream Linux when sysconf fails).</summary>
    public static double ClockTicksPerSecond { get; } = ReadClockTicks();

    /// <summary>True on Linux with a readable <c>/proc</c>.</summary>
    public bool Available => OperatingSystem.IsLinux() && File.Exists(Path.Combine(Root, "self", "stat"));

    public bool Exists(int pid) => File.Exists(Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture), "stat"));

    /// <summary>The process now, or null when it is gone (or a zombie with nothing left to count).</summary>
    public ProcReading? Read(int pid)
    {
        var dir = Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture));
        var stat = TryRead(Path.Combine(dir, "stat"));
        var status = TryRead(Path.Combine(dir, "status"));
        if (stat is null || status is null || ParseStat(stat) is not { } s || IsZombie(stat))
        {
            return null;
        }

        var fds = -1;
        try
        {
            fds = 0;
            foreach (var _ in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
            {
                fds++;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            fds = -1;
        }

        var mainDelay = RunDelay(TryRead(Path.Combine(dir, "schedstat")));
        var threads = ThreadTotals(dir) ?? (
            mainDelay,
            StatusValue(status, "voluntary_ctxt_switches:"),
            StatusValue(status, "nonvoluntary_ctxt_switches:"));
        return new ProcReading(
            pid, s.StartTime, s.ParentPid, s.UserTicks, s.SystemTicks,
            StatusValue(status, "VmRSS:") * 1024, (int)StatusValue(status, "Threads:"), fds,
            threads.Voluntary, threads.Involuntary, threads.RunDelayNs, mainDelay);
    }

    /// <summary>
    /// The run-queue wait and context switches summed over the process's threads (<c>/proc/PID/task/TID/schedstat</c> and
    /// <c>status</c>). Unlike <c>stat</c>'s CPU times, <c>/proc/PID/schedstat</c> and the switch counts of
    /// <c>/proc/PID/status</c> are the main thread's alone: for a multi-threaded server (.NET, Java, a threaded worker)
    /// they miss nearly all of it. A thread that exits takes its counts with it, so the sums can fall between two
    /// readings (<see cref="ProcessWatchBuilder"/> counts no negative change). Null when the task list cannot be read.
    /// </summary>
    private static (long RunDelayNs, long Voluntary, long Involuntary)? ThreadTotals(string dir)
    {
        IEnumerable<string> tasks;
        try
        {
            tasks = Directory.EnumerateDirectories(Path.Combine(dir, "task")).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        long delay = 0, voluntary = 0, involuntary = 0;
        var read = 0;
        foreach (var task in tasks)
        {
            if (TryRead(Path.Combine(task, "status")) is not { } status)
            {
                continue; // the thread exited since the listing
            }

            read++;
            voluntary += StatusValue(status, "voluntary_ctxt_switches:");
            involuntary += StatusValue(status, "nonvoluntary_ctxt_switches:");
            delay += RunDelay(TryRead(Path.Combine(task, "schedstat")));
        }

        return read > 0 ? (delay, voluntary, involuntary) : null;
    }

    /// <summary>The process name (<c>/proc/PID/comm</c>), or "?" when it is gone.</summary>
    public string Name(int pid) => TryRead(Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture), "comm"))?.TrimEnd('\n') ?? "?";

    /// <summary>
    /// The direct children of <paramref name="pid"/>: <c>/proc/PID/task/*/children</c> (CONFIG_PROC_CHILDREN), else a scan of
    /// every <c>/proc/*/stat</c> for the parent id.
    /// </summary>
    public IEnumerable<int> Children(int pid)
    {
        var tasks = Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture), "task");
        var found = new List<int>();
        var anyChildrenFile = false;
        try
        {
            foreach (var task in Directory.EnumerateDirectories(tasks))
            {
                if (TryRead(Path.Combine(task, "children")) is { } text)
                {
                    anyChildrenFile = true;
                    foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var child))
                        {
                            found.Add(child);
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return found;
        }

        return anyChildrenFile ? found : ScanChildren(pid);
    }

    /// <summary>
    /// Cores the process may use when fewer than the machine's: its affinity (<c>Cpus_allowed_list</c>) and its cgroup v2
    /// <c>cpu.max</c> quota, the tighter of both and of every ancestor cgroup; null when neither limits it.
    /// </summary>
    public double? CpuLimitCores(int pid, int machineCores)
    {
        double limit = machineCores;
        var dir = Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture));
        if (TryRead(Path.Combine(dir, "status")) is { } status && StatusText(status, "Cpus_allowed_list:") is { } list && CountCpus(list) is > 0 and var allowed)
        {
            limit = Math.Min(limit, allowed);
        }

        if (TryRead(Path.Combine(dir, "cgroup")) is { } cgroup && cgroup.Split('\n').FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal)) is { } line)
        {
            var path = line[3..].Trim().Trim('/');
            while (true)
            {
                if (CpuMaxCores(TryRead(Path.Combine(CgroupRoot, path, "cpu.max"))) is { } quota)
                {
                    limit = Math.Min(limit, quota);
                }

                if (path.Length == 0)
                {
                    break;
                }

                var slash = path.LastIndexOf('/');
                path = slash < 0 ? "" : path[..slash];
            }
        }

        return limit < machineCores ? limit : null;
    }

    /// <summary>Cores a cgroup v2 <c>cpu.max</c> ("QUOTA PERIOD" or "max PERIOD") grants; null when unlimited or unreadable.</summary>
    internal static double? CpuMaxCores(string? cpuMax)
    {
        var parts = cpuMax?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts is [var quota, var period]
            && long.TryParse(quota, NumberStyles.None, CultureInfo.InvariantCulture, out var q)
            && long.TryParse(period, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0
            ? (double)q / p : null;
    }

    /// <summary>CPUs in a list such as "0-3,6,8-9" (7).</summary>
    internal static int CountCpus(string list)
    {
        var count = 0;
        foreach (var range in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                count += int.TryParse(range, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? 1 : 0;
            }
            else if (int.TryParse(range[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                && int.TryParse(range[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var to) && to >= from)
            {
                count += to - from + 1;
            }
        }

        return count;
    }

    /// <summary>The fields of <c>/proc/PID/stat</c> the sampler needs; null when the text is not a stat line.</summary>
    internal static (int ParentPid, long UserTicks, long SystemTicks, long StartTime)? ParseStat(string stat)
    {
        // "pid (comm) state ppid …": comm may hold spaces and parentheses, so the fields start after the LAST ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state): field n is fields[n - 3].
        return fields.Length > 19
            && int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ppid)
            && long.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out var utime)
            && long.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var stime)
            && long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start)
            ? (ppid, utime, stime, start) : null;
    }

    /// <summary>The run-queue wait of <c>/proc/PID/schedstat</c> ("cpu_ns wait_ns slices"), ns; 0 when missing.</summary>
    internal static long RunDelay(string? schedstat) =>
        schedstat?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [_, var wait, ..]
        && long.TryParse(wait, NumberStyles.None, CultureInfo.InvariantCulture, out var ns) ? ns : 0;

    /// <summary>True for a process that has exited and waits to be reaped (state Z or X): nothing left to count.</summary>
    internal static bool IsZombie(string stat)
    {
        var close = stat.LastIndexOf(')');
        var state = close >= 0 && close + 2 < stat.Length ? stat[close + 2] : '?';
        return state is 'Z' or 'X';
    }

    /// <summary>The number of a <c>/proc/PID/status</c> line such as "VmRSS:   1234 kB" (0 when missing).</summary>
    internal static long StatusValue(string status, string key) =>
        StatusText(status, key) is { } text && long.TryParse(text.Split(' ', 2)[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static string? StatusText(string status, string key)
    {
        var at = status.StartsWith(key, StringComparison.Ordinal) ? 0 : status.IndexOf("\n" + key, StringComparison.Ordinal) is >= 0 and var i ? i + 1 : -1;
        if (at < 0)
        {
            return null;
        }

        var end = status.IndexOf('\n', at);
        return status[(at + key.Length)..(end < 0 ? status.Length : end)].Trim();
    }

    private List<int> ScanChildren(int pid)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var candidate)
                && TryRead(Path.Combine(dir, "stat")) is { } stat && ParseStat(stat) is { } s && s.ParentPid == pid)
            {
                found.Add(candidate);
            }
        }

        return found;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double ReadClockTicks()
    {
        try
        {
            return OperatingSystem.IsLinux() && Sysconf(ScClkTck) is > 0 and var ticks ? ticks : 100;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }

    // DllImport, not LibraryImport: the signature is blittable (no marshalling either way), and LibraryImport would need
    // AllowUnsafeBlocks for the whole project.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long Sysconf(int name);
#pragma warning restore SYSLIB1054
}
