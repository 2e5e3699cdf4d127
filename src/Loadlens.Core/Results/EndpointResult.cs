namespace Loadlens.Core.Results;

/// <summary>Totals for one endpoint (or all of them) over the measured period.</summary>
public sealed record EndpointResult
{
    /// <summary>Name used in the Aggregated row.</summary>
    public const string AggregatedName = "Aggregated";

    /// <summary>Endpoint name (unique in a run).</summary>
    public required string Name { get; init; }

    /// <summary>HTTP method; empty for the aggregate.</summary>
    public required string Method { get; init; }

    /// <summary>Requests sent and accounted for: completed, failed and unfinished (<see cref="Unfinished"/>, counted among the failures).</summary>
    public required long Requests { get; init; }

    /// <summary>Requests counted as failures (connection errors, unexpected status, failed checks).</summary>
    public required long Failures { get; init; }

    /// <summary>Latency statistics in milliseconds.</summary>
    public required LatencyStats Latency { get; init; }

    /// <summary>Requests per second over the measured period.</summary>
    public required double RequestsPerSecond { get; init; }

    /// <summary>Request bytes sent (request line, headers and body, as encoded by the client).</summary>
    public long BytesSent { get; init; }

    /// <summary>Response body bytes received.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Response counts by status code ("200", "503", …).</summary>
    public IReadOnlyDictionary<string, long> StatusCodes { get; init; } = new Dictionary<string, long>();

    /// <summary>Failure counts by category (see <see cref="ErrorCategory"/>).</summary>
    public IReadOnlyDictionary<string, long> ErrorCategories { get; init; } = new Dictionary<string, long>();

    /// <summary>The measured-period latency histogram (µs) in HdrHistogram V2 compressed form, base64.</summary>
    public string? Histogram { get; init; }

    /// <summary>
    /// The target's <c>Server-Timing</c> response headers, aggregated per metric name; null when no response of the
    /// endpoint carried one (and for the aggregate row). Added in result.json schema version 2.
    /// </summary>
    public ServerTimingSummary? ServerTiming { get; init; }

    /// <summary>
    /// Of the failures, requests sent that had no complete response by the end of the grace period
    /// (<see cref="ErrorCategory.Unfinished"/>); written to result.json only when not 0.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public long Unfinished => ErrorCategories.TryGetValue(nameof(ErrorCategory.Unfinished), out var n) ? n : 0;

    /// <summary>Failures / requests (0 when there were no requests).</summary>
    public double FailureRate => Requests == 0 ? 0 : (double)Failures / Requests;

    /// <summary>True for the aggregate row.</summary>
    public bool IsAggregate => Method.Length == 0 && Name == AggregatedName;
}

/// <summary>Latency statistics in milliseconds. Null values mean "no samples".</summary>
public sealed record LatencyStats
{
    /// <summary>The percentiles every report shows, in order.</summary>
    public static IReadOnlyList<double> StandardPercentiles { get; } = [50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99];

    /// <summary>Statistics of an empty sample.</summary>
    public static LatencyStats Empty { get; } = new();

    /// <summary>Number of samples.</summary>
    public long Count { get; init; }

    /// <summary>Smallest value.</summary>
    public double Min { get; init; }

    /// <summary>Arithmetic mean.</summary>
    public double Mean { get; init; }

    /// <summary>Standard deviation.</summary>
    public double StdDev { get; init; }

    /// <summary>Median.</summary>
    public double P50 { get; init; }

    /// <summary>66th percentile.</summary>
    public double P66 { get; init; }

    /// <summary>75th percentile.</summary>
    public double P75 { get; init; }

    /// <summary>80th percentile.</summary>
    public double P80 { get; init; }

    /// <summary>90th percentile.</summary>
    public double P90 { get; init; }

    /// <summary>95th percentile.</summary>
    public double P95 { get; init; }

    /// <summary>98th percentile.</summary>
    public double P98 { get; init; }

    /// <summary>99th percentile.</summary>
    public double P99 { get; init; }

    /// <summary>99.9th percentile.</summary>
    public double P999 { get; init; }

    /// <summary>99.99th percentile.</summary>
    public double P9999 { get; init; }

    /// <summary>Largest value.</summary>
    public double Max { get; init; }

    /// <summary>Value at a standard percentile (50, 66, …, 99.99, 100).</summary>
    public double AtPercentile(double percentile) => percentile switch
    {
        50 => P50,
        66 => P66,
        75 => P75,
        80 => P80,
        90 => P90,
        95 => P95,
        98 => P98,
        99 => P99,
        99.9 => P999,
        99.99 => P9999,
        100 => Max,
        _ => throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "not a standard percentile"),
    };
}
