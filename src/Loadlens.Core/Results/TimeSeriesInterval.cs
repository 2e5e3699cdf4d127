namespace Loadlens.Core.Results;

/// <summary>One interval of the time series (normally one second).</summary>
public sealed record TimeSeriesInterval
{
    /// <summary>0-based interval number.</summary>
    public required int Index { get; init; }

    /// <summary>Start, in seconds since the run started.</summary>
    public required double StartSeconds { get; init; }

    /// <summary>Length of the interval in seconds (the last one may be shorter).</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>True when the interval lies in the warm-up (excluded from totals).</summary>
    public bool Warmup { get; init; }

    /// <summary>
    /// True when the interval lies in the drain, after the run stopped sending: its completions count in the totals
    /// and percentiles but not in rates (<see cref="RunResult.MeasuredSeconds"/>). Written only when true.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Drain { get; init; }

    /// <summary>Active virtual users at the end of the interval (closed model) or in-flight requests (open).</summary>
    public int ActiveUsers { get; init; }

    /// <summary>Arrivals the schedule intended in this interval (open model).</summary>
    public long IntendedRequests { get; init; }

    /// <summary>Arrivals sent late in this interval (open model).</summary>
    public long LateRequests { get; init; }

    /// <summary>Arrivals dropped at the in-flight cap in this interval (open model).</summary>
    public long DroppedRequests { get; init; }

    /// <summary>Per-endpoint figures for the interval.</summary>
    public required IReadOnlyList<IntervalEndpoint> Endpoints { get; init; }

    /// <summary>All endpoints together.</summary>
    public required IntervalEndpoint Total { get; init; }
}

/// <summary>One endpoint's figures in one interval.</summary>
public sealed record IntervalEndpoint
{
    /// <summary>Endpoint name (<see cref="EndpointResult.AggregatedName"/> for the total).</summary>
    public required string Name { get; init; }

    /// <summary>Completed requests in the interval.</summary>
    public required long Requests { get; init; }

    /// <summary>Failed requests in the interval.</summary>
    public required long Failures { get; init; }

    /// <summary>Of the failures, requests still unfinished at the end of the grace period (see <see cref="ErrorCategory.Unfinished"/>); written only when not 0.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public long Unfinished { get; init; }

    /// <summary>Response body bytes received in the interval.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Latency statistics of the interval (ms).</summary>
    public required LatencyStats Latency { get; init; }

    /// <summary>The interval's latency histogram (µs), HdrHistogram V2 compressed, base64.</summary>
    public string? Histogram { get; init; }
}

/// <summary>A group of failures of one kind on one endpoint.</summary>
public sealed record ErrorSummary
{
    /// <summary>Endpoint name.</summary>
    public required string Endpoint { get; init; }

    /// <summary>HTTP method of the endpoint.</summary>
    public required string Method { get; init; }

    /// <summary>Category name (see <see cref="ErrorCategory"/>).</summary>
    public required string Category { get; init; }

    /// <summary>HTTP status code, for status failures.</summary>
    public int? StatusCode { get; init; }

    /// <summary>How often it happened.</summary>
    public required long Count { get; init; }

    /// <summary>The first message seen for this group.</summary>
    public required string Message { get; init; }

    /// <summary>Seconds since the run started when it was first seen.</summary>
    public double FirstSeenSeconds { get; init; }
}

/// <summary>Failure categories: connection-level errors apart from HTTP status classes.</summary>
public enum ErrorCategory
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>Connection refused.</summary>
    ConnectionRefused,

    /// <summary>Connection reset or closed mid-request.</summary>
    ConnectionReset,

    /// <summary>Request exceeded its timeout.</summary>
    Timeout,

    /// <summary>Host name could not be resolved.</summary>
    Dns,

    /// <summary>TLS handshake or certificate failure.</summary>
    Tls,

    /// <summary>Malformed or unexpected HTTP protocol data.</summary>
    Protocol,

    /// <summary>HTTP 4xx status not expected by the endpoint.</summary>
    Http4xx,

    /// <summary>HTTP 5xx status not expected by the endpoint.</summary>
    Http5xx,

    /// <summary>Other unexpected status (1xx/3xx when not expected).</summary>
    HttpOther,

    /// <summary>A response check (status list or body content) failed.</summary>
    CheckFailed,

    /// <summary>Anything else.</summary>
    Other,

    /// <summary>
    /// Sent, with no complete response by the end of the run's grace period. Counted as a failure; its latency
    /// is its age at that moment, a lower bound (a censored sample), so the percentiles cannot hide it.
    /// </summary>
    Unfinished,
}
