using Loadlens.Core.Scenarios;

namespace Loadlens.Pipeline;

/// <summary>
/// What to load, before it is resolved into a <see cref="ScenarioDefinition"/>: a scenario file, a URL
/// (quick mode) or a ready definition, plus the overrides the command line (or a C# caller) applies on top.
/// <c>run</c>, <c>sweep</c> and <c>demo</c> all resolve it through <see cref="ScenarioResolver"/>.
/// </summary>
public sealed record ScenarioRequest
{
    /// <summary>A scenario file (.yaml/.yml or any existing file) or an http:// or https:// URL (quick mode). Ignored when <see cref="Definition"/> is set.</summary>
    public string? Target { get; init; }

    /// <summary>
    /// Quick mode: more URLs after <see cref="Target"/>, each its own endpoint on the same scheme://host:port.
    /// Any URL may end in <c>@WEIGHT</c> (<c>http://127.0.0.1:5000/api/chefs@3</c>) to weight the mix.
    /// </summary>
    public IReadOnlyList<string> MoreUrls { get; init; } = [];

    /// <summary>A scenario built in code (C# callers, <c>demo</c>); the overrides still apply.</summary>
    public ScenarioDefinition? Definition { get; init; }

    /// <summary>Quick mode: the HTTP method (default GET).</summary>
    public string? Method { get; init; }

    /// <summary>Quick mode: the request body; <c>@file</c> reads a file.</summary>
    public string? Body { get; init; }

    /// <summary>Request headers added to every request (they replace scenario headers of the same name).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Header and feeder names whose values never reach an output, added to the scenario's <c>redact:</c> (<see cref="ScenarioRedaction"/>).</summary>
    public IReadOnlyList<string> Redact { get; init; } = [];

    /// <summary>Load and request settings that replace the scenario's.</summary>
    public ScenarioOverrides Overrides { get; init; } = new();

    /// <summary>Shorthand: quick mode against <paramref name="url"/>.</summary>
    public static ScenarioRequest ForUrl(string url, ScenarioOverrides? overrides = null) => new() { Target = url, Overrides = overrides ?? new() };

    /// <summary>Shorthand: quick mode against several URLs (each its own endpoint; <c>URL@WEIGHT</c> weights one).</summary>
    public static ScenarioRequest ForUrls(IReadOnlyList<string> urls, ScenarioOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return new() { Target = urls.Count > 0 ? urls[0] : null, MoreUrls = [.. urls.Skip(1)], Overrides = overrides ?? new() };
    }

    /// <summary>Shorthand: a scenario file.</summary>
    public static ScenarioRequest ForFile(string path, ScenarioOverrides? overrides = null) => new() { Target = path, Overrides = overrides ?? new() };

    /// <summary>Shorthand: a scenario built in code.</summary>
    public static ScenarioRequest For(ScenarioDefinition scenario, ScenarioOverrides? overrides = null) => new() { Definition = scenario, Overrides = overrides ?? new() };
}

/// <summary>Settings that replace a scenario's own (every property null/false: keep the scenario's).</summary>
public sealed record ScenarioOverrides
{
    /// <summary>Closed model with this many users (clears stages).</summary>
    public int? Users { get; init; }

    /// <summary>Open model at this rate in requests per second (clears stages).</summary>
    public double? Rate { get; init; }

    /// <summary>Run length, warm-up included (clears stages).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Closed model: total requests across all users, instead of a duration.</summary>
    public long? Iterations { get; init; }

    /// <summary>Ramp stages as <c>DURATION:TARGET,…</c> (targets are users, or rates such as 100/s in the open model).</summary>
    public string? Stages { get; init; }

    /// <summary>Think time between a user's requests: a fixed value or a uniform range.</summary>
    public ThinkTime? Think { get; init; }

    /// <summary>Warm-up excluded from statistics.</summary>
    public TimeSpan? WarmUp { get; init; }

    /// <summary>Open model: cap on concurrent requests.</summary>
    public int? MaxInFlight { get; init; }

    /// <summary>Per-request timeout.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Use HTTP/2.</summary>
    public bool Http2 { get; init; }

    /// <summary>Statuses that count as success for every endpoint.</summary>
    public IReadOnlyList<int>? ExpectStatus { get; init; }

    /// <summary>Text every response body must contain.</summary>
    public string? ExpectBody { get; init; }

    /// <summary>Run name (output folder and reports).</summary>
    public string? Name { get; init; }
}

/// <summary>Think time: uniform between <paramref name="Min"/> and <paramref name="Max"/> (equal for a fixed pause).</summary>
/// <param name="Min">Shortest pause.</param>
/// <param name="Max">Longest pause.</param>
public sealed record ThinkTime(TimeSpan Min, TimeSpan Max);
