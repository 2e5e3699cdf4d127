namespace Loadlens.Core.Results;

/// <summary>
/// What the server's own traces said about a run (the <see cref="SectionName"/> section of a <see cref="RunResult"/>):
/// OpenTelemetry spans received over OTLP during the run and joined to Loadlens' requests by their trace id
/// (<see cref="Tracing.LoadlensTraceId"/>). Times in milliseconds. Versioned with <see cref="SchemaVersion"/>.
/// </summary>
public sealed record ServerEvidence
{
    /// <summary>The section name in <see cref="RunResult.Sections"/>.</summary>
    public const string SectionName = "serverEvidence";

    /// <summary>Version of this section's shape.</summary>
    public int SchemaVersion { get; init; } = 2;

    /// <summary>Spans received.</summary>
    public long SpansReceived { get; init; }

    /// <summary>Spans left out by the receiver (invalid ids).</summary>
    public long SpansRejected { get; init; }

    /// <summary>Traces that belong to this run and have a server span (one per joined request).</summary>
    public long TracesJoined { get; init; }

    /// <summary>Spans of this run's traces without a server span (the app did not record the request, or it arrived late).</summary>
    public long SpansWithoutServerSpan { get; init; }

    /// <summary>Traces of this run not analysed because the receiver's bound was reached (memory is bounded).</summary>
    public long TracesDropped { get; init; }

    /// <summary>Per endpoint of the run: server time, time outside the app, database and downstream calls.</summary>
    public IReadOnlyList<EndpointEvidence> Endpoints { get; init; } = [];

    /// <summary>Server spans of other traffic (not this run's traces), by route.</summary>
    public IReadOnlyList<RouteEvidence> OtherTraffic { get; init; } = [];

    /// <summary>
    /// Every normalised statement of the run over all endpoints, by total time (largest first; the top 20): the slow
    /// statements list and the statements the database's planner is asked about (<c>--db</c>). Since version 2.
    /// </summary>
    public IReadOnlyList<StatementEvidence> Statements { get; init; } = [];

    /// <summary>What the app's database said about the top statements (<c>--db</c>); null without one. Since version 2.</summary>
    public DatabaseEvidence? Database { get; init; }
}

/// <summary>The app's database, read-only: the plans of the run's top statements and the indexes they lack.</summary>
public sealed record DatabaseEvidence
{
    /// <summary>The database as given, password removed.</summary>
    public required string Target { get; init; }

    /// <summary><c>sqlite</c> or <c>postgresql</c>.</summary>
    public required string System { get; init; }

    /// <summary>The statements planned, by total time, with the plan or the reason there is none.</summary>
    public IReadOnlyList<StatementPlan> Plans { get; init; } = [];

    /// <summary>The indexes to add, with their evidence.</summary>
    public IReadOnlyList<IndexRecommendation> IndexAdvice { get; init; } = [];
}

/// <summary>One statement's plan as the database's own planner gave it.</summary>
public sealed record StatementPlan
{
    /// <summary>The normalised statement.</summary>
    public required string Statement { get; init; }

    /// <summary>How it was planned, e.g. "EXPLAIN (FORMAT JSON, GENERIC_PLAN)" or "EXPLAIN QUERY PLAN, parameters bound to typical values".</summary>
    public string? Method { get; init; }

    /// <summary>The plan lines, top-down.</summary>
    public IReadOnlyList<string> Lines { get; init; } = [];

    /// <summary>Why the statement could not be planned (one line); null when it was.</summary>
    public string? Error { get; init; }
}

/// <summary>An index to add: the exact statement and why.</summary>
public sealed record IndexRecommendation
{
    /// <summary>The exact <c>CREATE INDEX</c> to run.</summary>
    public required string CreateIndex { get; init; }

    /// <summary>The table the plan scans.</summary>
    public required string Table { get; init; }

    /// <summary>The index columns in order: equality, then range, then ORDER BY columns.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>The statement whose plan scans.</summary>
    public required string Statement { get; init; }

    /// <summary>The endpoints that ran the statement.</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>Rows the scan reads (the table's rows); null when unknown.</summary>
    public long? RowsScanned { get; init; }

    /// <summary>Where <see cref="RowsScanned"/> comes from (e.g. "count", "statistics", "planner estimate").</summary>
    public string? RowsFrom { get; init; }

    /// <summary>The plan line that scans.</summary>
    public required string PlanLine { get; init; }

    /// <summary>How the statement was planned.</summary>
    public string? Method { get; init; }

    /// <summary>One sentence of evidence.</summary>
    public required string Reason { get; init; }

    /// <summary>The statement's share of the run's database time (0–1).</summary>
    public double ShareOfDbTime { get; init; }
}

/// <summary>One endpoint's server-side evidence.</summary>
public sealed record EndpointEvidence
{
    /// <summary>The run's endpoint name.</summary>
    public required string Endpoint { get; init; }

    /// <summary>The route the app reported (<c>http.route</c>), when it did.</summary>
    public string? Route { get; init; }

    /// <summary>Requests joined to a server span.</summary>
    public long Requests { get; init; }

    /// <summary>Server time: the root server span's duration.</summary>
    public required LatencyStats ServerTime { get; init; }

    /// <summary>
    /// Time before the app: from the moment Loadlens sent the request to the start of the server span (connecting,
    /// the accept queue, a proxy, a worker pool's queue).
    /// </summary>
    public required LatencyStats BeforeApp { get; init; }

    /// <summary>Mean database time per request (sum of its database spans).</summary>
    public double DbTimeMeanMs { get; init; }

    /// <summary>Share of the server time spent in database spans (0–1).</summary>
    public double DbShare { get; init; }

    /// <summary>
    /// Mean time per request spent waiting for a database connection from the app's pool (spans named
    /// <c>pool.wait</c>, or a connection-open span the profiler records); 0 when the app reported none.
    /// </summary>
    public double PoolWaitMeanMs { get; init; }

    /// <summary>Mean database statements per request.</summary>
    public double DbStatementsMean { get; init; }

    /// <summary>Most database statements in one request.</summary>
    public long DbStatementsMax { get; init; }

    /// <summary>Mean outgoing HTTP calls per request (client spans that are not database spans).</summary>
    public double DownstreamCallsMean { get; init; }

    /// <summary>The endpoint's statements, most total time first (at most 10).</summary>
    public IReadOnlyList<StatementEvidence> Statements { get; init; } = [];
}

/// <summary>One normalised SQL statement of an endpoint.</summary>
public sealed record StatementEvidence
{
    /// <summary>The statement with literals and parameters replaced by <c>?</c> and <c>IN</c> lists collapsed.</summary>
    public required string Statement { get; init; }

    /// <summary>The database system (<c>db.system.name</c> / <c>db.system</c>).</summary>
    public string? System { get; init; }

    /// <summary>Executions over all joined requests.</summary>
    public long Calls { get; init; }

    /// <summary>Mean executions per request that ran it.</summary>
    public double PerRequestMean { get; init; }

    /// <summary>Most executions in one request.</summary>
    public long PerRequestMax { get; init; }

    /// <summary>Requests in which it ran at least <c>5</c> times one after another (not in parallel).</summary>
    public long RepeatedRequests { get; init; }

    /// <summary>Mean duration of one execution.</summary>
    public double MeanMs { get; init; }

    /// <summary>Median duration of one execution (since version 2).</summary>
    public double P50Ms { get; init; }

    /// <summary>95th percentile duration of one execution (since version 2).</summary>
    public double P95Ms { get; init; }

    /// <summary>Slowest execution.</summary>
    public double MaxMs { get; init; }

    /// <summary>Total time of all its executions.</summary>
    public double TotalMs { get; init; }

    /// <summary>The endpoints that ran it (in the run-wide <see cref="ServerEvidence.Statements"/> list; empty per endpoint).</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>Its share of the endpoint's database time (0–1).</summary>
    public double ShareOfDbTime { get; init; }

    /// <summary>A trace in which it repeated the most (for a trace viewer).</summary>
    public string? ExemplarTraceId { get; init; }
}

/// <summary>Server spans of traffic that is not this run's, by route.</summary>
public sealed record RouteEvidence
{
    /// <summary>The route (<c>http.route</c>), else the span name.</summary>
    public required string Route { get; init; }

    /// <summary>Server spans.</summary>
    public long Requests { get; init; }

    /// <summary>Mean server time.</summary>
    public double MeanMs { get; init; }
}
