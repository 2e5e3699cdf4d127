using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Loadlens.Core.Results;

/// <summary>
/// The one immutable contract between measuring and everything else. The engine produces it,
/// importers produce it, and analysis, reports, comparison and history only ever read it.
/// All latencies are in milliseconds; all offsets are seconds since <see cref="StartedAt"/>.
/// </summary>
public sealed record RunResult
{
    /// <summary>Version of the on-disk schema written by <see cref="Serialization.RunResultJson"/>.</summary>
    /// <remarks>2: <see cref="EndpointResult.ServerTiming"/>. Version 1 documents read unchanged (the part is absent).</remarks>
    public const int CurrentSchemaVersion = 2;

    /// <summary>Schema version of this document.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Run name (scenario name, or derived from the target).</summary>
    public required string Name { get; init; }

    /// <summary>Which tool produced the measurements and how they were obtained.</summary>
    public required RunSource Source { get; init; }

    /// <summary>Machine and tool that produced the run.</summary>
    public required RunEnvironment Environment { get; init; }

    /// <summary>Wall-clock start of the run (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Total run time in seconds, warm-up included.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>Length of the warm-up in seconds; intervals inside it are excluded from totals.</summary>
    public double WarmupSeconds { get; init; }

    /// <summary>
    /// Seconds the run waited, after it stopped sending, for requests still in flight to finish (at most the grace
    /// period; those still open then are unfinished). Between sweep steps this is the wait for the target to drain.
    /// Written only when not 0.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public double DrainSeconds { get; init; }

    /// <summary>
    /// Seconds of measured time, after the warm-up and before the drain (<see cref="DrainSeconds"/>): the denominator
    /// of every rate. Requests completed during the drain count in the totals and percentiles, not in rates.
    /// </summary>
    public double MeasuredSeconds => Math.Max(0, DurationSeconds - WarmupSeconds - DrainSeconds);

    /// <summary>How the load was shaped.</summary>
    public required RunSettings Settings { get; init; }

    /// <summary>The scenario that was run (null for imported results that carry none).</summary>
    public Scenarios.ScenarioDefinition? Scenario { get; init; }

    /// <summary>Whether the run ran to its planned end.</summary>
    public required RunOutcome Outcome { get; init; }

    /// <summary>Per-endpoint totals over the measured period.</summary>
    public required IReadOnlyList<EndpointResult> Endpoints { get; init; }

    /// <summary>All endpoints together (Locust's "Aggregated" row).</summary>
    public required EndpointResult Total { get; init; }

    /// <summary>One entry per (normally 1-second) interval, warm-up included and marked.</summary>
    public required IReadOnlyList<TimeSeriesInterval> Intervals { get; init; }

    /// <summary>Error groups (endpoint, category, status) with counts and the first message.</summary>
    public required IReadOnlyList<ErrorSummary> Errors { get; init; }

    /// <summary>Open-model bookkeeping: intended vs. achieved arrivals; null for closed-model runs.</summary>
    public ArrivalAccounting? Arrivals { get; init; }

    /// <summary>The load generator's own resource use; null when unknown (imported results).</summary>
    public GeneratorStats? Generator { get; init; }

    /// <summary>SLA targets declared with the scenario (evaluated by the analyzer).</summary>
    public IReadOnlyList<Scenarios.SlaTarget> Sla { get; init; } = [];

    /// <summary>Free-form notes (e.g. importer caveats, generator warnings).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>
    /// Extra sections that pipeline hooks attach (server evidence, process samples, …), keyed by a stable
    /// kebab-case name, each stored as JSON and kept by <c>result.json</c>. Null when there are none. Read and
    /// write them with <see cref="WithSection{T}"/> and <see cref="TryGetSection{T}"/>.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement>? Sections { get; init; }

    /// <summary>A copy with section <paramref name="name"/> set to <paramref name="value"/> (serialized like result.json).</summary>
    public RunResult WithSection<T>(string name, T value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var sections = Sections is null ? new Dictionary<string, JsonElement>(StringComparer.Ordinal) : new Dictionary<string, JsonElement>(Sections, StringComparer.Ordinal);
        sections[name] = JsonSerializer.SerializeToElement(value, Serialization.RunResultJson.Options);
        return this with { Sections = sections };
    }

    /// <summary>Section <paramref name="name"/> read as <typeparamref name="T"/>; false when absent.</summary>
    public bool TryGetSection<T>(string name, [NotNullWhen(true)] out T? value)
    {
        value = default;
        if (Sections is null || !Sections.TryGetValue(name, out var element))
        {
            return false;
        }

        value = element.Deserialize<T>(Serialization.RunResultJson.Options);
        return value is not null;
    }

    /// <summary>
    /// Throughput of <paramref name="endpoint"/> (one of <see cref="Endpoints"/> or <see cref="Total"/>) in req/s:
    /// its recorded rate, falling back to its requests over <see cref="MeasuredSeconds"/>
    /// (<see cref="Statistics.RequestRates.Of"/>).
    /// </summary>
    public double RateOf(EndpointResult endpoint) => Statistics.RequestRates.Of(endpoint, MeasuredSeconds);
}

/// <summary>Where a run's numbers came from.</summary>
/// <param name="Tool">"loadlens", "locust", "k6", …</param>
/// <param name="Format">The file format it was read from, or "native".</param>
/// <param name="Path">Source file or prefix, when imported.</param>
public sealed record RunSource(string Tool, string Format, string? Path = null);

/// <summary>Machine and tool facts recorded with a run.</summary>
public sealed record RunEnvironment(
    string MachineName,
    string OsDescription,
    int ProcessorCount,
    string RuntimeVersion,
    string ToolName,
    string ToolVersion)
{
    /// <summary>Facts about the current process and machine.</summary>
    public static RunEnvironment Current(string toolName = "loadlens")
    {
        var version = typeof(RunEnvironment).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        return new RunEnvironment(
            System.Environment.MachineName,
            System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            System.Environment.ProcessorCount,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            toolName,
            version);
    }
}

/// <summary>The shape of the load as it was requested.</summary>
public sealed record RunSettings
{
    /// <summary>"closed" (virtual users) or "open" (arrival rate).</summary>
    public required string Model { get; init; }

    /// <summary>Target base URL.</summary>
    public required string Target { get; init; }

    /// <summary>Peak virtual users (closed model) or in-flight cap (open model).</summary>
    public int? Users { get; init; }

    /// <summary>Peak arrival rate in requests per second (open model).</summary>
    public double? Rate { get; init; }

    /// <summary>Stages as "duration → target" pairs.</summary>
    public IReadOnlyList<StageSetting> Stages { get; init; } = [];

    /// <summary>Planned duration in seconds (null when the run is bounded by iterations).</summary>
    public double? PlannedDurationSeconds { get; init; }

    /// <summary>Planned iteration count (closed model), if any.</summary>
    public long? Iterations { get; init; }

    /// <summary>Think time between a user's requests, in milliseconds (min, max).</summary>
    public double ThinkTimeMinMs { get; init; }

    /// <summary>Upper bound of a uniform think time, in milliseconds.</summary>
    public double ThinkTimeMaxMs { get; init; }

    /// <summary>Per-request timeout in seconds.</summary>
    public double TimeoutSeconds { get; init; }

    /// <summary>HTTP version requested ("1.1", "2").</summary>
    public string HttpVersion { get; init; } = "1.1";

    /// <summary>Interval length of the time series in seconds.</summary>
    public double IntervalSeconds { get; init; } = 1;
}

/// <summary>One load stage: ramp linearly to <paramref name="Target"/> over <paramref name="DurationSeconds"/>.</summary>
public sealed record StageSetting(double DurationSeconds, double Target);

/// <summary>Whether the run reached its planned end, and if not why.</summary>
/// <param name="Completed">True when the run ended as planned.</param>
/// <param name="StopReason">"completed", "cancelled", "target-unreachable", …</param>
/// <param name="Message">Human-readable detail.</param>
public sealed record RunOutcome(bool Completed, string StopReason, string? Message = null)
{
    /// <summary>A run that ended as planned.</summary>
    public static RunOutcome Complete { get; } = new(true, "completed");
}

/// <summary>Open-model bookkeeping, over the whole run (warm-up included).</summary>
public sealed record ArrivalAccounting
{
    /// <summary>Arrivals the schedule asked for.</summary>
    public required long Intended { get; init; }

    /// <summary>Arrivals actually sent.</summary>
    public required long Sent { get; init; }

    /// <summary>Arrivals sent more than the lateness threshold after their intended time.</summary>
    public required long Late { get; init; }

    /// <summary>Arrivals not sent because the in-flight cap was reached.</summary>
    public required long Dropped { get; init; }

    /// <summary>Mean intended rate over the measured period (req/s).</summary>
    public required double IntendedRate { get; init; }

    /// <summary>Achieved send rate over the measured period (req/s).</summary>
    public required double AchievedRate { get; init; }

    /// <summary>Largest lag between intended and actual send time, in ms.</summary>
    public double MaxSendLagMs { get; init; }

    /// <summary>Lateness threshold used for <see cref="Late"/>, in ms.</summary>
    public double LateThresholdMs { get; init; }
}
