using System.Globalization;

namespace Loadlens.Pipeline.Processes;

/// <summary>All watched processes at one moment.</summary>
/// <param name="Timestamp">When (<see cref="TimeProvider.GetTimestamp"/>).</param>
/// <param name="Processes">The processes alive then.</param>
internal sealed record ProcSnapshot(long Timestamp, ProcReading[] Processes);

/// <summary>A process the sampler saw, with what is fixed about it.</summary>
internal sealed record SeenProcess(ProcessKey Key, int ParentPid, string Name, bool Root, bool Dotnet, int FirstSnapshot);

/// <summary>
/// Samples <c>/proc</c> for the root processes (and, with <c>children</c>, every descendant, re-scanned each sample so
/// workers started or restarted during the run are caught) on its own background thread, once per period, off the
/// engine's hot path. Keeps one <see cref="ProcSnapshot"/> per period (bounded by the run's length and the process count).
/// </summary>
internal sealed class ProcSampler : IDisposable
{
    private readonly ProcFs _proc;
    private readonly IReadOnlyList<int> _roots;
    private readonly bool _children;
    private readonly TimeSpan _period;
    private readonly TimeProvider _time;
    private readonly List<ProcSnapshot> _snapshots = [];
    private readonly Dictionary<ProcessKey, SeenProcess> _seen = [];
    private readonly List<string> _notes = [];
    private readonly HashSet<ProcessKey> _noted = [];
    private readonly ManualResetEventSlim _stop = new();
    private readonly Lock _gate = new();
    private Thread? _thread;
    private bool _fdsUnreadableNoted;

    public ProcSampler(ProcFs proc, IReadOnlyList<int> roots, bool children, TimeSpan period, TimeProvider time)
    {
        _proc = proc;
        _roots = roots;
        _children = children;
        _period = period > TimeSpan.Zero ? period : TimeSpan.FromSeconds(1);
        _time = time;
        MachineCores = Environment.ProcessorCount;
    }

    /// <summary>Logical cores of this machine.</summary>
    public int MachineCores { get; }

    /// <summary>When sampling started: <see cref="TimeProvider.GetTimestamp"/> and the wall clock read at the same moment.</summary>
    public (long Timestamp, DateTimeOffset Wall) Started { get; private set; }

    /// <summary>The tightest CPU limit of the roots (cgroup quota, affinity) at the start; null when unlimited.</summary>
    public double? CpuLimitCores { get; private set; }

    /// <summary>Time spent inside the sampler's reads (its own cost), timestamp ticks.</summary>
    public long BusyTicks { get; private set; }

    /// <summary>Take the first snapshot and start the sampling thread.</summary>
    public void Start()
    {
        Started = (_time.GetTimestamp(), _time.GetUtcNow());
        CpuLimitCores = _roots.Select(p => _proc.CpuLimitCores(p, MachineCores)).Where(l => l is not null).Min();
        Sample();
        _thread = new Thread(Loop) { IsBackground = true, Name = "loadlens-proc-sampler" };
        _thread.Start();
    }

    /// <summary>Stop the thread, take a last snapshot, and hand back what was seen.</summary>
    public (IReadOnlyList<ProcSnapshot> Snapshots, IReadOnlyList<SeenProcess> Processes, IReadOnlyList<string> Notes) Stop()
    {
        _stop.Set();
        _thread?.Join();
        _thread = null;
        Sample();
        lock (_gate)
        {
            return ([.. _snapshots], [.. _seen.Values.OrderBy(p => p.FirstSnapshot).ThenBy(p => p.Key.Pid)], [.. _notes]);
        }
    }

    public void Dispose()
    {
        _stop.Set();
        _thread?.Join();
        _stop.Dispose();
    }

    private void Loop()
    {
        while (!_stop.Wait(_period))
        {
            Sample();
        }
    }

    private void Sample()
    {
        var began = _time.GetTimestamp();
        var readings = new List<ProcReading>();
        var visited = new HashSet<int>();
        var pending = new Queue<(int Pid, bool Root)>(_roots.Select(p => (p, true)));
        lock (_gate)
        {
            var index = _snapshots.Count;
            while (pending.TryDequeue(out var next))
            {
                if (!visited.Add(next.Pid) || _proc.Read(next.Pid) is not { } reading)
                {
                    continue;
                }

                if (!_seen.ContainsKey(reading.Key))
                {
                    var previous = _seen.Values.FirstOrDefault(p => p.Key.Pid == reading.Pid);
                    if (previous is not null && next.Root)
                    {
                        // The root's pid now belongs to another process: the one asked for is gone.
                        continue;
                    }

                    _seen[reading.Key] = new SeenProcess(reading.Key, reading.ParentPid, _proc.Name(reading.Pid), next.Root, IsDotnet(reading.Pid), index);
                }

                if (reading.OpenFileDescriptors < 0 && !_fdsUnreadableNoted)
                {
                    _fdsUnreadableNoted = true;
                    _notes.Add($"/proc/{reading.Pid}/fd could not be read (another user's process): open file descriptors are not counted");
                }

                readings.Add(reading);
                if (_children)
                {
                    foreach (var child in _proc.Children(reading.Pid))
                    {
                        pending.Enqueue((child, false));
                    }
                }
            }

            var alive = readings.Select(r => r.Key).ToHashSet();
            foreach (var gone in _seen.Values.Where(p => !alive.Contains(p.Key) && _noted.Add(p.Key)))
            {
                var at = _time.GetElapsedTime(Started.Timestamp, began).TotalSeconds;
                _notes.Add(string.Create(CultureInfo.InvariantCulture, $"process {gone.Key.Pid} ({gone.Name}) exited {at:0.#} s after sampling started; its CPU after the last sample is not counted"));
            }

            _snapshots.Add(new ProcSnapshot(began, [.. readings]));
            BusyTicks += _time.GetTimestamp() - began;
        }
    }

    /// <summary>True when the .NET runtime's diagnostics IPC socket exists for the pid (in TMPDIR, or /tmp).</summary>
    private static bool IsDotnet(int pid)
    {
        var pattern = $"dotnet-diagnostic-{pid.ToString(CultureInfo.InvariantCulture)}-*-socket";
        foreach (var dir in new[] { Path.GetTempPath(), "/tmp" }.Distinct())
        {
            try
            {
                if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir, pattern).Any())
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return false;
    }
}
