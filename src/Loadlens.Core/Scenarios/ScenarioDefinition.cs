namespace Loadlens.Core.Scenarios;

/// <summary>What to load and how: the parsed form of a scenario file or of quick-mode arguments.</summary>
public sealed record ScenarioDefinition
{
    /// <summary>Scenario name, used for output folders and reports.</summary>
    public required string Name { get; init; }

    /// <summary>Absolute base URL (scheme, host, port, optional path prefix).</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>Headers sent with every request (after ${ENV} substitution).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The weighted request mix.</summary>
    public required IReadOnlyList<EndpointDefinition> Endpoints { get; init; }

    /// <summary>Data feeders referenced as {{name}} in paths, headers and bodies.</summary>
    public IReadOnlyList<FeederDefinition> Feeders { get; init; } = [];

    /// <summary>The load shape.</summary>
    public required LoadProfile Load { get; init; }

    /// <summary>SLA targets, evaluated by the analyzer.</summary>
    public IReadOnlyList<SlaTarget> Sla { get; init; } = [];

    /// <summary>HTTP version: "1.1" or "2".</summary>
    public string HttpVersion { get; init; } = "1.1";

    /// <summary>Per-request timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Header and feeder names whose values never reach an output (scenario <c>redact:</c>, <c>--redact</c>), on top of
    /// <see cref="ScenarioRedaction.AlwaysRedacted"/>; matched case-insensitively. See <see cref="ScenarioRedaction"/>.
    /// </summary>
    public IReadOnlyList<string> Redact { get; init; } = [];

    /// <summary>
    /// Texts that came from <c>${NAME}</c> substitution (header values, bodies), each mapped to the text as written
    /// (with <c>${NAME}</c>), so <see cref="ScenarioRedaction.ForOutput"/> writes the reference and never the value.
    /// Never serialized.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, string> EnvironmentTemplates { get; init; } = new Dictionary<string, string>();
}

/// <summary>One request in the mix.</summary>
public sealed record EndpointDefinition
{
    /// <summary>Name used in results (defaults to "METHOD path").</summary>
    public required string Name { get; init; }

    /// <summary>HTTP method.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>Path (and query) relative to the base URL; may contain {{feeder}} placeholders.</summary>
    public required string Path { get; init; }

    /// <summary>Extra headers; may contain {{feeder}} placeholders.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Request body; may contain {{feeder}} placeholders.</summary>
    public string? Body { get; init; }

    /// <summary>Relative weight in the mix (&gt; 0).</summary>
    public double Weight { get; init; } = 1;

    /// <summary>Statuses counted as success; empty means any 1xx–3xx.</summary>
    public IReadOnlyList<int> ExpectStatus { get; init; } = [];

    /// <summary>When set, a response body must contain this text.</summary>
    public string? ExpectBodyContains { get; init; }
}

/// <summary>A source of values for {{name}} placeholders.</summary>
public sealed record FeederDefinition
{
    /// <summary>Placeholder name.</summary>
    public required string Name { get; init; }

    /// <summary>Where values come from.</summary>
    public required FeederKind Kind { get; init; }

    /// <summary>CSV file (for <see cref="FeederKind.Csv"/>), resolved relative to the scenario file.</summary>
    public string? File { get; init; }

    /// <summary>CSV column name.</summary>
    public string? Column { get; init; }

    /// <summary>Inline values, already loaded (CSV column contents or a list). Not written to result files.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>Range start (inclusive).</summary>
    public long From { get; init; }

    /// <summary>Range end (inclusive).</summary>
    public long To { get; init; }

    /// <summary>Random or sequential.</summary>
    public FeederOrder Order { get; init; } = FeederOrder.Sequential;
}

/// <summary>Feeder kinds.</summary>
public enum FeederKind
{
    /// <summary>A column of a CSV file, or an inline list of values.</summary>
    Csv,

    /// <summary>An integer range.</summary>
    Range,
}

/// <summary>How a feeder hands out values.</summary>
public enum FeederOrder
{
    /// <summary>In order, wrapping around.</summary>
    Sequential,

    /// <summary>Uniformly at random.</summary>
    Random,
}

/// <summary>Load model.</summary>
public enum LoadModel
{
    /// <summary>N virtual users looping (closed model).</summary>
    Closed,

    /// <summary>A constant or staged arrival rate (open model).</summary>
    Open,
}

/// <summary>The shape of the load.</summary>
public sealed record LoadProfile
{
    /// <summary>Closed or open.</summary>
    public LoadModel Model { get; init; } = LoadModel.Closed;

    /// <summary>Virtual users (closed model) when no stages are given.</summary>
    public int Users { get; init; } = 1;

    /// <summary>Arrival rate in req/s (open model) when no stages are given.</summary>
    public double Rate { get; init; }

    /// <summary>Stages: ramp linearly to Target (users or req/s) over Duration. Replace Users/Rate + Duration.</summary>
    public IReadOnlyList<LoadStage> Stages { get; init; } = [];

    /// <summary>Think time lower bound (closed model).</summary>
    public TimeSpan ThinkTimeMin { get; init; }

    /// <summary>Think time upper bound; equal to the lower bound for a fixed think time.</summary>
    public TimeSpan ThinkTimeMax { get; init; }

    /// <summary>Warm-up at the start, excluded from statistics.</summary>
    public TimeSpan WarmUp { get; init; }

    /// <summary>Total duration (warm-up included) when no stages are given.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Total iterations across all users (closed model); the run ends when they are done.</summary>
    public long? Iterations { get; init; }

    /// <summary>In-flight cap for the open model; arrivals beyond it are dropped and counted.</summary>
    public int MaxInFlight { get; init; } = 1000;

    /// <summary>Total length of the run: stages if present, otherwise Duration.</summary>
    public TimeSpan? TotalDuration => Stages.Count > 0
        ? TimeSpan.FromTicks(Stages.Sum(s => s.Duration.Ticks))
        : Duration;

    /// <summary>The level (users or req/s) at elapsed time <paramref name="t"/>, ramping linearly within stages from the previous level.</summary>
    public double LevelAt(TimeSpan t)
    {
        if (Stages.Count == 0)
        {
            return Model == LoadModel.Closed ? Users : Rate;
        }

        double previous = 0;
        var start = TimeSpan.Zero;
        foreach (var stage in Stages)
        {
            var end = start + stage.Duration;
            if (t < end)
            {
                var fraction = stage.Duration <= TimeSpan.Zero ? 1 : (t - start) / stage.Duration;
                return previous + ((stage.Target - previous) * fraction);
            }

            previous = stage.Target;
            start = end;
        }

        return previous;
    }

    /// <summary>Peak level over the whole profile.</summary>
    public double PeakLevel => Stages.Count > 0 ? Stages.Max(s => s.Target) : (Model == LoadModel.Closed ? Users : Rate);
}

/// <summary>One stage of a ramp.</summary>
/// <param name="Duration">How long the stage lasts.</param>
/// <param name="Target">Users or req/s reached at the end of the stage.</param>
public sealed record LoadStage(TimeSpan Duration, double Target);

/// <summary>Per-endpoint service-level targets; <c>*</c> wildcards match endpoint names.</summary>
public sealed record SlaTarget
{
    /// <summary>Endpoint name or pattern (with * wildcards).</summary>
    public required string Endpoint { get; init; }

    /// <summary>Median limit (ms).</summary>
    public double? P50Ms { get; init; }

    /// <summary>95th percentile limit (ms).</summary>
    public double? P95Ms { get; init; }

    /// <summary>99th percentile limit (ms).</summary>
    public double? P99Ms { get; init; }

    /// <summary>Maximum error rate as a fraction (0.01 = 1 %).</summary>
    public double? MaxErrorRate { get; init; }

    /// <summary>Minimum throughput (req/s).</summary>
    public double? MinThroughput { get; init; }
}
