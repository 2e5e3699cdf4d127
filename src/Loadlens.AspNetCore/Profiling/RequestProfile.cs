using System.Diagnostics;

namespace Loadlens.AspNetCore.Profiling;

/// <summary>One database command as recorded: its normal form (never its parameter values) and timing.</summary>
/// <param name="Statement">The normalised text (<c>Core/Sql/SqlNormalizer</c>: literals and parameters as <c>?</c>).</param>
/// <param name="System">The OpenTelemetry <c>db.system</c> name: <c>sqlite</c>, <c>postgresql</c>, … (<c>other_sql</c> when unknown).</param>
/// <param name="StartTimestamp">When it started (<see cref="Stopwatch.GetTimestamp"/>).</param>
/// <param name="DurationTicks">How long it ran (<see cref="Stopwatch"/> ticks), until its reader was closed.</param>
/// <param name="Failed">Whether it threw.</param>
internal readonly record struct DbCommandRecord(string Statement, string System, long StartTimestamp, long DurationTicks, bool Failed);

/// <summary>
/// What the profiler records about one request: set by the middleware (route, status, duration, trace context) and
/// filled by the profiled connections of the request's async flow (commands).
/// </summary>
internal sealed class RequestProfile
{
    private readonly int _maxCommands;
    private readonly List<DbCommandRecord> _commands = [];

    public RequestProfile(int maxCommands, long startTimestamp, DateTimeOffset startTime)
    {
        _maxCommands = maxCommands;
        StartTimestamp = startTimestamp;
        StartTime = startTime;
    }

    /// <summary>When the request reached the profiler (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long StartTimestamp { get; }

    /// <summary>The same instant on the wall clock (span start times).</summary>
    public DateTimeOffset StartTime { get; }

    public string Method { get; set; } = "GET";

    /// <summary>The endpoint's route template after routing (<c>/api/chefs/{id:int}</c>); <c>(unmatched)</c> when no endpoint matched.</summary>
    public string Route { get; set; } = string.Empty;

    public int StatusCode { get; set; }

    public long DurationTicks { get; set; }

    /// <summary>32 hex digits: the incoming <c>traceparent</c>'s trace id, else a new random one (set only when exporting).</summary>
    public string TraceId { get; set; } = string.Empty;

    /// <summary>16 hex digits: the incoming <c>traceparent</c>'s span id (this request's parent), if any.</summary>
    public string? ParentSpanId { get; set; }

    /// <summary>16 hex digits: this request's server span.</summary>
    public string SpanId { get; set; } = string.Empty;

    /// <summary>Commands run, including those beyond <see cref="Commands"/>' limit.</summary>
    public int CommandCount { get; private set; }

    /// <summary>Total time of all commands (<see cref="Stopwatch"/> ticks).</summary>
    public long CommandTicks { get; private set; }

    /// <summary>The recorded commands, in the order they finished (at most the configured limit).</summary>
    public IReadOnlyList<DbCommandRecord> Commands => _commands;

    /// <summary>Record one command (thread-safe: a request may run commands in parallel).</summary>
    public void Add(DbCommandRecord command)
    {
        lock (_commands)
        {
            CommandCount++;
            CommandTicks += command.DurationTicks;
            if (_commands.Count < _maxCommands)
            {
                _commands.Add(command);
            }
        }
    }

    /// <summary>
    /// Connection opens of the request that waited (start <see cref="Stopwatch.GetTimestamp"/>, duration ticks), at most
    /// <see cref="MaxConnectionWaits"/>: a provider's <c>OpenAsync</c> is where a bounded pool makes a request wait for a
    /// free connection. Exported as <c>pool.wait</c> spans.
    /// </summary>
    public IReadOnlyList<(long StartTimestamp, long DurationTicks)> ConnectionWaits => _waits;

    /// <summary>Most connection opens recorded per request.</summary>
    public const int MaxConnectionWaits = 16;

    private readonly List<(long StartTimestamp, long DurationTicks)> _waits = [];

    /// <summary>Record the time one connection open took (thread-safe).</summary>
    public void AddConnectionOpen(long startTimestamp, long durationTicks)
    {
        lock (_waits)
        {
            if (_waits.Count < MaxConnectionWaits)
            {
                _waits.Add((startTimestamp, durationTicks));
            }
        }
    }

    /// <summary>The profile of the current async flow (the request being served), if any.</summary>
    public static RequestProfile? Current => s_current.Value;

    private static readonly AsyncLocal<RequestProfile?> s_current = new();

    public static void SetCurrent(RequestProfile? profile) => s_current.Value = profile;
}
