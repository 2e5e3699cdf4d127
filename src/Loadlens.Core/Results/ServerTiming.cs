namespace Loadlens.Core.Results;

/// <summary>
/// What the target's <c>Server-Timing</c> response headers said about one endpoint over the measured period
/// (W3C Server Timing: <c>db;dur=53.2, app;dur=47.2</c>). Each metric entry of a response is one sample of its
/// name. Names are fixed per endpoint at first sight, at most <see cref="MaxNames"/>; entries of further names
/// are counted in <see cref="DroppedEntries"/>, malformed ones in <see cref="UnparsableEntries"/>. Times in
/// milliseconds.
/// </summary>
public sealed record ServerTimingSummary
{
    /// <summary>Most distinct metric names kept per endpoint.</summary>
    public const int MaxNames = 8;

    /// <summary>Responses that carried at least one Server-Timing field.</summary>
    public long Responses { get; init; }

    /// <summary>The metrics, in order of first sight.</summary>
    public IReadOnlyList<ServerTimingMetric> Metrics { get; init; } = [];

    /// <summary>Well-formed entries not kept: names beyond <see cref="MaxNames"/>, or more than 16 entries in one response.</summary>
    public long DroppedEntries { get; init; }

    /// <summary>Malformed entries (no name, a bad <c>dur</c>, an unclosed quoted string, …), skipped.</summary>
    public long UnparsableEntries { get; init; }

    /// <summary>The metric called <paramref name="name"/> (names are case-sensitive), or null.</summary>
    public ServerTimingMetric? this[string name] => Metrics.FirstOrDefault(m => m.Name == name);
}

/// <summary>One Server-Timing metric name of an endpoint.</summary>
public sealed record ServerTimingMetric
{
    /// <summary>The metric name as the server sent it.</summary>
    public required string Name { get; init; }

    /// <summary>Entries with this name, with or without <c>dur</c>.</summary>
    public long Count { get; init; }

    /// <summary>
    /// Statistics of the entries' <c>dur</c> (ms; <see cref="LatencyStats.Count"/> entries had one). The mean is
    /// exact; percentiles and the maximum come from <see cref="Histogram"/> (3 significant digits).
    /// </summary>
    public required LatencyStats Duration { get; init; }

    /// <summary>The durations' histogram (µs) in HdrHistogram V2 compressed form, base64; null without durations.</summary>
    public string? Histogram { get; init; }
}
