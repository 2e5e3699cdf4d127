using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;
using Loadlens.Core.Metrics;

namespace Loadlens.AspNetCore.Profiling;

/// <summary>
/// Aggregates finished requests per route (method + route template): counts by status, a duration histogram (the
/// shared <see cref="LatencyHistograms"/> layout, and Prometheus buckets), database commands and time, and per
/// normalised statement its calls, time and repetition within requests. Memory is bounded by the options' route and
/// statement limits.
/// </summary>
internal sealed class ProfileAggregator(LoadlensProfilerOptions options, TimeProvider time)
{
    /// <summary>Upper bounds (seconds) of the Prometheus duration histogram's buckets (+Inf is implied).</summary>
    public static readonly double[] BucketBounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public const string OtherKey = "(other)";

    private readonly ConcurrentDictionary<(string Method, string Route), RouteAggregate> _routes = new();
    private readonly Lock _addRoute = new();

    /// <summary>When aggregation started (UTC).</summary>
    public DateTimeOffset Since { get; } = time.GetUtcNow();

    public void Add(RequestProfile request)
    {
        var key = (request.Method, request.Route);
        if (!_routes.TryGetValue(key, out var route))
        {
            lock (_addRoute)
            {
                if (!_routes.TryGetValue(key, out route))
                {
                    route = _routes.Count < options.MaxRoutes
                        ? new RouteAggregate(request.Method, request.Route)
                        : _routes.GetOrAdd((OtherKey, OtherKey), static _ => new RouteAggregate(OtherKey, OtherKey));
                    if (route.Route != OtherKey)
                    {
                        _routes[key] = route;
                    }
                }
            }
        }

        route.Add(request, options.MaxStatementsPerRoute);
    }

    /// <summary>A consistent copy of every route's aggregate, ordered by method and route.</summary>
    public IReadOnlyList<RouteSnapshot> Snapshot()
    {
        RouteAggregate[] routes = [.. _routes.Values];

        return [.. routes.Select(r => r.Snapshot()).OrderBy(r => r.Route, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)];
    }

    private sealed class RouteAggregate(string method, string route)
    {
        public string Route => route;

        private readonly Lock _gate = new();
        private readonly LongHistogram _durations = LatencyHistograms.Create();
        private readonly long[] _buckets = new long[BucketBounds.Length];
        private readonly Dictionary<int, long> _status = [];
        private readonly Dictionary<(string System, string Text), StatementAggregate> _statements = [];
        private readonly Dictionary<(string System, string Text), int> _perRequest = [];
        private long _requests;
        private double _durationSeconds;
        private long _dbCommands;
        private long _dbCommandsMax;
        private double _dbSeconds;

        public void Add(RequestProfile request, int maxStatements)
        {
            var seconds = request.DurationTicks / (double)Stopwatch.Frequency;
            lock (_gate)
            {
                _requests++;
                _durationSeconds += seconds;
                _durations.RecordValue(LatencyHistograms.Clamp((long)(seconds * 1e6)));
                for (var i = 0; i < BucketBounds.Length; i++)
                {
                    if (seconds <= BucketBounds[i])
                    {
                        _buckets[i]++;
                    }
                }

                _status[request.StatusCode] = _status.GetValueOrDefault(request.StatusCode) + 1;
                _dbCommands += request.CommandCount;
                _dbCommandsMax = Math.Max(_dbCommandsMax, request.CommandCount);
                _dbSeconds += request.CommandTicks / (double)Stopwatch.Frequency;
                _perRequest.Clear();
                foreach (var c in request.Commands)
                {
                    var key = (c.System, c.Statement);
                    if (!_statements.TryGetValue(key, out var s))
                    {
                        if (_statements.Count >= maxStatements)
                        {
                            key = (c.System, OtherKey);
                            if (!_statements.TryGetValue(key, out s))
                            {
                                s = new StatementAggregate();
                                _statements.Add(key, s);
                            }
                        }
                        else
                        {
                            s = new StatementAggregate();
                            _statements.Add(key, s);
                        }
                    }

                    var ms = c.DurationTicks * 1000.0 / Stopwatch.Frequency;
                    s.Calls++;
                    s.TotalMs += ms;
                    s.MaxMs = Math.Max(s.MaxMs, ms);
                    if (c.Failed)
                    {
                        s.Failed++;
                    }

                    _perRequest[key] = _perRequest.GetValueOrDefault(key) + 1;
                }

                foreach (var (key, n) in _perRequest)
                {
                    var s = _statements[key];
                    s.Requests++;
                    s.MaxPerRequest = Math.Max(s.MaxPerRequest, n);
                    if (n > 1)
                    {
                        s.RepeatedRequests++;
                    }
                }
            }
        }

        public RouteSnapshot Snapshot()
        {
            lock (_gate)
            {
                return new RouteSnapshot(
                    method,
                    route,
                    _requests,
                    new SortedDictionary<int, long>(_status),
                    LatencyHistograms.ToStats(_durations),
                    _durationSeconds,
                    [.. _buckets],
                    _dbCommands,
                    _dbCommandsMax,
                    _dbSeconds,
                    [.. _statements.Select(kv => new StatementSnapshot(kv.Key.Text, kv.Key.System, kv.Value.Calls, kv.Value.Failed, kv.Value.TotalMs, kv.Value.MaxMs, kv.Value.Requests, kv.Value.MaxPerRequest, kv.Value.RepeatedRequests))
                        .OrderByDescending(s => s.TotalMs).ThenBy(s => s.Statement, StringComparer.Ordinal)]);
            }
        }
    }

    private sealed class StatementAggregate
    {
        public long Calls;
        public long Failed;
        public double TotalMs;
        public double MaxMs;
        public long Requests;
        public int MaxPerRequest;
        public long RepeatedRequests;
    }
}

/// <summary>One route's aggregate at one moment.</summary>
internal sealed record RouteSnapshot(
    string Method,
    string Route,
    long Requests,
    IReadOnlyDictionary<int, long> StatusCounts,
    Core.Results.LatencyStats Duration,
    double DurationSecondsSum,
    long[] CumulativeBuckets,
    long DbCommands,
    long DbCommandsMax,
    double DbSeconds,
    IReadOnlyList<StatementSnapshot> Statements);

/// <summary>One statement's aggregate within a route (by total time, descending).</summary>
/// <param name="Statement">The normal form.</param>
/// <param name="System">The <c>db.system</c> name.</param>
/// <param name="Calls">Executions.</param>
/// <param name="Failed">Executions that threw.</param>
/// <param name="TotalMs">Their total time.</param>
/// <param name="MaxMs">The longest execution.</param>
/// <param name="Requests">Requests of the route that ran it at least once.</param>
/// <param name="MaxPerRequest">Most executions in one request.</param>
/// <param name="RepeatedRequests">Requests that ran it more than once.</param>
internal sealed record StatementSnapshot(string Statement, string System, long Calls, long Failed, double TotalMs, double MaxMs, long Requests, int MaxPerRequest, long RepeatedRequests);
