using HdrHistogram;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Core.Tracing;

namespace Loadlens.Evidence.Otlp;

/// <summary>
/// Joins the spans an OTLP receiver gets during a run to the run's requests: a trace whose id carries the run's tag
/// (<see cref="LoadlensTraceId"/>) is one Loadlens request, its endpoint and send time read from the id. Its root server
/// span gives the server time, the gap from the send time to that span's start the time before the app, and its
/// database client spans the statements (grouped by the given normaliser). Other traffic's server spans
/// are counted by route. Memory is bounded: at most <c>maxTraces</c> of this run's traces are kept (compact spans
/// only); the rest are counted as dropped. Thread-safe: batches arrive concurrently.
/// </summary>
internal sealed class TraceJoiner(uint runTag, Func<string, string> normalize, int maxTraces = TraceJoiner.DefaultMaxTraces)
{
    /// <summary>Default bound on the traces kept per run.</summary>
    public const int DefaultMaxTraces = 200_000;

    /// <summary>Executions of one statement in one request, one after another, that make an N+1 (Sentry's and MiniProfiler's threshold).</summary>
    public const int RepeatThreshold = 5;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<CompactSpan>> _traces = new(StringComparer.Ordinal);
    private readonly HashSet<string> _droppedTraces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Count, double TotalMs)> _other = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _statements = new(StringComparer.Ordinal);
    private long _received;
    private long _serverSpans;

    /// <summary>Server spans of this run's traces received so far (≈ requests the app has reported).</summary>
    public long ServerSpans => Interlocked.Read(ref _serverSpans);

    public void Add(IReadOnlyList<OtlpSpan> spans)
    {
        lock (_lock)
        {
            foreach (var s in spans)
            {
                _received++;
                if (!LoadlensTraceId.TryDecode(s.TraceId, runTag, out _, out _))
                {
                    if (s.Kind == OtlpSpan.KindServer)
                    {
                        var route = s.Route ?? s.Name;
                        var (count, total) = _other.GetValueOrDefault(route);
                        _other[route] = (count + 1, total + s.DurationMs);
                    }

                    continue;
                }

                if (!_traces.TryGetValue(s.TraceId, out var list))
                {
                    if (_traces.Count >= maxTraces)
                    {
                        _droppedTraces.Add(s.TraceId);
                        continue;
                    }

                    list = [];
                    _traces[s.TraceId] = list;
                }

                list.Add(Compact(s));
                if (s.Kind == OtlpSpan.KindServer)
                {
                    Interlocked.Increment(ref _serverSpans);
                }
            }
        }
    }

    /// <summary>The evidence for <paramref name="run"/> from every span received so far.</summary>
    /// <param name="run">The run (its endpoints in scenario order, and <see cref="RunResult.StartedAt"/>).</param>
    /// <param name="rejected">Spans the receiver left out (invalid ids).</param>
    public ServerEvidence Build(RunResult run, long rejected)
    {
        ArgumentNullException.ThrowIfNull(run);
        var names = run.Endpoints.Where(e => !e.IsAggregate).Select(e => e.Name).ToList();
        var startNanos = (ulong)(run.StartedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        var endpoints = names.Select(n => new EndpointAccumulator(n)).ToList();
        long joined = 0, orphans = 0;
        lock (_lock)
        {
            foreach (var (traceId, spans) in _traces)
            {
                LoadlensTraceId.TryDecode(traceId, runTag, out var index, out var sendMicros);
                var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
                var root = spans.Where(s => s.Kind == OtlpSpan.KindServer && (s.ParentSpanId is null || !ids.Contains(s.ParentSpanId))).OrderBy(s => s.Start).FirstOrDefault();
                if (root is null || index >= endpoints.Count)
                {
                    orphans += spans.Count;
                    continue;
                }

                joined++;
                var sent = startNanos + ((ulong)sendMicros * 1000);
                endpoints[index].Add(traceId, root, spans, root.Start > sent ? (root.Start - sent) / 1e6 : 0);
            }

            return new ServerEvidence
            {
                SpansReceived = _received,
                SpansRejected = rejected,
                TracesJoined = joined,
                SpansWithoutServerSpan = orphans,
                TracesDropped = _droppedTraces.Count,
                Endpoints = endpoints.Where(e => e.Requests > 0).Select(e => e.Build()).ToList(),
                OtherTraffic = _other.OrderByDescending(o => o.Value.Count).Select(o => new RouteEvidence { Route = o.Key, Requests = o.Value.Count, MeanMs = Round(o.Value.TotalMs / o.Value.Count) }).ToList(),
            };
        }
    }

    private CompactSpan Compact(OtlpSpan s)
    {
        string? statement = null;
        var system = s.DbSystem;
        if (s.DbStatement is { } raw)
        {
            var normal = normalize(raw);
            if (!_statements.TryGetValue(normal, out statement))
            {
                statement = normal;
                _statements[normal] = normal; // one string per distinct statement
            }
        }

        var isDb = system is not null || statement is not null;
        return new CompactSpan(s.SpanId, s.ParentSpanId, s.Kind, s.StartUnixNano, s.EndUnixNano, isDb, system, statement ?? (isDb ? s.Name : null), s.Route);
    }

    private static double Round(double value) => Math.Round(value, 3);

    private sealed record CompactSpan(string SpanId, string? ParentSpanId, int Kind, ulong Start, ulong End, bool IsDb, string? DbSystem, string? Statement, string? Route)
    {
        public double DurationMs => End > Start ? (End - Start) / 1e6 : 0;
    }

    private sealed class StatementAccumulator
    {
        public string? System;
        public long Calls;
        public long Requests;
        public long PerRequestMax;
        public long Repeated;
        public double TotalMs;
        public double MaxMs;
        public string? Exemplar;
        public long ExemplarRepeats;
    }

    private sealed class EndpointAccumulator(string name)
    {
        private readonly LongHistogram _server = LatencyHistograms.Create();
        private readonly LongHistogram _before = LatencyHistograms.Create();
        private readonly Dictionary<string, StatementAccumulator> _statements = new(StringComparer.Ordinal);
        private double _dbMs;
        private double _serverMs;
        private long _dbCalls;
        private long _dbMax;
        private long _downstream;
        private string? _route;

        public long Requests { get; private set; }

        public void Add(string traceId, CompactSpan root, List<CompactSpan> spans, double beforeAppMs)
        {
            Requests++;
            _route ??= root.Route;
            _server.RecordValue(LatencyHistograms.Clamp((long)Math.Round(root.DurationMs * 1000)));
            _before.RecordValue(LatencyHistograms.Clamp((long)Math.Round(beforeAppMs * 1000)));
            _serverMs += root.DurationMs;
            var db = spans.Where(s => s.IsDb).ToList();
            _dbCalls += db.Count;
            _dbMax = Math.Max(_dbMax, db.Count);
            _dbMs += db.Sum(s => s.DurationMs);
            _downstream += spans.Count(s => s.Kind == OtlpSpan.KindClient && !s.IsDb);
            foreach (var group in db.GroupBy(s => s.Statement ?? string.Empty, StringComparer.Ordinal))
            {
                var runs = group.OrderBy(s => s.Start).ToList();
                var acc = _statements.TryGetValue(group.Key, out var a) ? a : _statements[group.Key] = new StatementAccumulator();
                acc.System ??= runs[0].DbSystem;
                acc.Calls += runs.Count;
                acc.Requests++;
                acc.PerRequestMax = Math.Max(acc.PerRequestMax, runs.Count);
                var total = runs.Sum(s => s.DurationMs);
                acc.TotalMs += total;
                acc.MaxMs = Math.Max(acc.MaxMs, runs.Max(s => s.DurationMs));

                // One after another: each starts after the previous one ended (a batch run in parallel is not N+1).
                var sequential = true;
                for (var i = 1; i < runs.Count && sequential; i++)
                {
                    sequential = runs[i].Start + 100_000 >= runs[i - 1].End; // 0.1 ms of clock slack
                }

                if (runs.Count >= RepeatThreshold && sequential)
                {
                    acc.Repeated++;
                }

                if (runs.Count > acc.ExemplarRepeats)
                {
                    acc.ExemplarRepeats = runs.Count;
                    acc.Exemplar = traceId;
                }
            }
        }

        public EndpointEvidence Build() => new()
        {
            Endpoint = name,
            Route = _route,
            Requests = Requests,
            ServerTime = LatencyHistograms.ToStats(_server),
            BeforeApp = LatencyHistograms.ToStats(_before),
            DbTimeMeanMs = Round(_dbMs / Requests),
            DbShare = _serverMs > 0 ? Round(Math.Min(1, _dbMs / _serverMs)) : 0,
            DbStatementsMean = Round((double)_dbCalls / Requests),
            DbStatementsMax = _dbMax,
            DownstreamCallsMean = Round((double)_downstream / Requests),
            Statements = _statements
                .OrderByDescending(s => s.Value.TotalMs)
                .Take(10)
                .Select(s => new StatementEvidence
                {
                    Statement = s.Key,
                    System = s.Value.System,
                    Calls = s.Value.Calls,
                    PerRequestMean = Round((double)s.Value.Calls / s.Value.Requests),
                    PerRequestMax = s.Value.PerRequestMax,
                    RepeatedRequests = s.Value.Repeated,
                    MeanMs = Round(s.Value.TotalMs / s.Value.Calls),
                    MaxMs = Round(s.Value.MaxMs),
                    ShareOfDbTime = _dbMs > 0 ? Round(s.Value.TotalMs / _dbMs) : 0,
                    ExemplarTraceId = s.Value.Exemplar,
                })
                .ToList(),
        };
    }
}
