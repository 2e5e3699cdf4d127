using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Loadlens.Diagnostics.Counters;

/// <summary>
/// One EventPipe session on one .NET process: the runtime's <c>System.Runtime</c> EventCounters (GC pauses and
/// collections, heap, allocations, thread pool, lock contention, exceptions) published every interval and kept as
/// <see cref="CounterReading"/>s with the runtime's own timestamps, to be lined up with the run's intervals after the
/// run (<see cref="CounterAlignment"/>). Every wait on the target is bounded: a target that dies or stops answering
/// ends the session with a note, never a hang.
/// </summary>
internal sealed class DotnetCounterSession : IAsyncDisposable
{
    private readonly List<CounterReading> _readings = [];
    private readonly List<GcPause> _pauses = [];
    private DateTimeOffset? _suspendedAt;
    private int _generation = -1;
    private readonly List<string> _notes = [];
    private readonly Lock _lock = new();
    private readonly EventPipeSession _session;
    private readonly Task _processing;
    private bool _stopping;
    private long _events;

    private DotnetCounterSession(int pid, string name, string? runtimeVersion, EventPipeSession session)
    {
        Pid = pid;
        Name = name;
        RuntimeVersion = runtimeVersion;
        _session = session;
        _processing = Task.Factory.StartNew(Process, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The longest wait for one step of talking to the target (start, stop, the end of the stream).</summary>
    public static TimeSpan StepTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>The target's process id.</summary>
    public int Pid { get; }

    /// <summary>The target's process name.</summary>
    public string Name { get; }

    /// <summary>The runtime version the target reported, when it did.</summary>
    public string? RuntimeVersion { get; }

    /// <summary>True when <paramref name="pid"/> is a .NET process whose diagnostics port is published (it can be read).</summary>
    public static bool IsDotnet(int pid)
    {
        try
        {
            return DiagnosticsClient.GetPublishedProcesses().Contains(pid);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Open a session on <paramref name="pid"/> that publishes the counters every <paramref name="interval"/>.
    /// Throws <see cref="DiagnosticsSessionException"/> when the target refuses or does not answer in <see cref="StepTimeout"/>.
    /// </summary>
    public static async Task<DotnetCounterSession> StartAsync(int pid, TimeSpan interval, CancellationToken cancellationToken)
    {
        var client = new DiagnosticsClient(pid);
        var seconds = Math.Max(0.1, interval.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture);
        var providers = new[]
        {
            new EventPipeProvider(RuntimeCounterNames.Provider, EventLevel.Informational, 0, new Dictionary<string, string> { ["EventCounterIntervalSec"] = seconds }),

            // The GC's own start/suspend/restart events (a handful per collection): each pause at its exact time.
            new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StepTimeout);
        EventPipeSession session;
        try
        {
            session = await client.StartEventPipeSessionAsync(providers, requestRundown: false, circularBufferMB: 16, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DiagnosticsSessionException($"process {pid} did not open an EventPipe session within {StepTimeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or IOException or TimeoutException or UnauthorizedAccessException)
        {
            throw new DiagnosticsSessionException($"process {pid} refused an EventPipe session: {ex.Message}", ex);
        }

        return new DotnetCounterSession(pid, ProcessName(pid), RuntimeVersionOf(pid), session);
    }

    /// <summary>The readings so far (a copy).</summary>
    public IReadOnlyList<CounterReading> Readings
    {
        get
        {
            lock (_lock)
            {
                return [.. _readings];
            }
        }
    }

    /// <summary>The GC pauses so far (a copy), from the runtime's GC events.</summary>
    public IReadOnlyList<GcPause> Pauses
    {
        get
        {
            lock (_lock)
            {
                return [.. _pauses];
            }
        }
    }

    /// <summary>Why the readings may be partial, in order.</summary>
    public IReadOnlyList<string> Notes
    {
        get
        {
            lock (_lock)
            {
                return [.. _notes];
            }
        }
    }

    /// <summary>Events of any kind the stream delivered.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>True when the stream ended before <see cref="StopAsync"/> (the target exited or closed the session).</summary>
    public bool EndedEarly { get; private set; }

    /// <summary>End the session and wait (bounded) for the last counters in the stream.</summary>
    public async Task StopAsync()
    {
        lock (_lock)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
        }

        if (!_processing.IsCompleted)
        {
            try
            {
                using var timeout = new CancellationTokenSource(StepTimeout);
                await _session.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ServerNotAvailableException or ServerErrorException or IOException or TimeoutException or EndOfStreamException or ObjectDisposedException)
            {
                Note($"process {Pid}: the EventPipe session did not stop cleanly ({ex.GetType().Name}); the counters up to then are kept");
            }
        }

        if (await Finished(StepTimeout).ConfigureAwait(false))
        {
            return;
        }

        // The stream did not end: closing it ends the reader.
        Note($"process {Pid}: the EventPipe stream did not end within {StepTimeout.TotalSeconds:0} s after the session was stopped; it was closed");
        _session.Dispose();
        _ = await Finished(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _session.Dispose();
    }

    private async Task<bool> Finished(TimeSpan wait)
    {
        try
        {
            await _processing.WaitAsync(wait).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Process()
    {
        try
        {
            using var source = new EventPipeEventSource(_session.EventStream);
            source.Dynamic.All += OnEvent;
            source.Clr.GCStart += OnGcStart;
            source.Clr.GCSuspendEEStart += OnSuspend;
            source.Clr.GCRestartEEStop += OnRestarted;
            source.Process();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            lock (_lock)
            {
                if (!_stopping)
                {
                    _notes.Add($"process {Pid}: the EventPipe stream broke off ({ex.GetType().Name}: {ex.Message})");
                }
            }
        }

        lock (_lock)
        {
            if (!_stopping)
            {
                EndedEarly = true;
                _notes.Add($"process {Pid} ({Name}) ended its EventPipe session before the run did (it exited?); its counters stop at {(_readings.Count == 0 ? "the start" : _readings[^1].At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) + " UTC")}");
            }
        }
    }

    private void OnGcStart(GCStartTraceData data) => _generation = data.Depth;

    private void OnSuspend(GCSuspendEETraceData data)
    {
        // Suspensions for a GC only (not for a debugger or a thread abort).
        _suspendedAt = data.Reason is GCSuspendEEReason.SuspendForGC or GCSuspendEEReason.SuspendForGCPrep ? At(data) : null;
    }

    private void OnRestarted(GCNoUserDataTraceData data)
    {
        if (_suspendedAt is not { } start)
        {
            return;
        }

        var ms = (At(data) - start).TotalMilliseconds;
        _suspendedAt = null;
        if (ms >= 0)
        {
            lock (_lock)
            {
                _pauses.Add(new GcPause(start, ms, _generation));
            }
        }

        _generation = -1;
    }

    private static DateTimeOffset At(TraceEvent data) => new(data.TimeStamp.ToUniversalTime(), TimeSpan.Zero);

    private void OnEvent(TraceEvent data)
    {
        Interlocked.Increment(ref _events);
        if (data.EventName != "EventCounters" || data.PayloadValue(0) is not IDictionary<string, object> payload)
        {
            return;
        }

        // The event's one field is the payload struct; TraceEvent may hand it wrapped in a struct named "Payload".
        if (payload.TryGetValue("Payload", out var inner) && inner is IDictionary<string, object> nested)
        {
            payload = nested;
        }

        if (!payload.TryGetValue("Name", out var nameValue) || nameValue is not string name || !RuntimeCounterNames.All.Contains(name))
        {
            return;
        }

        var increment = payload.TryGetValue("CounterType", out var type) && type is string t && t == "Sum";
        var value = Number(payload, increment ? "Increment" : "Mean");
        var window = Number(payload, "IntervalSec");
        if (!double.IsFinite(value))
        {
            return;
        }

        var at = At(data);
        lock (_lock)
        {
            _readings.Add(new CounterReading(at, double.IsFinite(window) ? window : 0, name, value));
        }
    }

    private static double Number(IDictionary<string, object> payload, string key) =>
        payload.TryGetValue(key, out var v) ? v switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            _ => double.NaN,
        } : double.NaN;

    private void Note(string note)
    {
        lock (_lock)
        {
            _notes.Add(note);
        }
    }

    /// <summary>The runtime version from the target's loaded <c>libcoreclr.so</c> path (…/Microsoft.NETCore.App/10.0.1/…), when it shows.</summary>
    private static string? RuntimeVersionOf(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/maps"))
            {
                var at = line.IndexOf("/Microsoft.NETCore.App/", StringComparison.Ordinal);
                if (at >= 0 && line.EndsWith("libcoreclr.so", StringComparison.Ordinal))
                {
                    var rest = line[(at + "/Microsoft.NETCore.App/".Length)..];
                    var slash = rest.IndexOf('/', StringComparison.Ordinal);
                    return slash > 0 ? rest[..slash] : null;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }

    private static string ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"pid {pid}";
        }
    }
}

/// <summary>The target refused an EventPipe session or did not answer in time.</summary>
internal sealed class DiagnosticsSessionException : Exception
{
    public DiagnosticsSessionException(string message)
        : base(message)
    {
    }

    public DiagnosticsSessionException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public DiagnosticsSessionException()
    {
    }
}
