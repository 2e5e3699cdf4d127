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

            var built = endpoints.Where(e => e.Requests > 0).ToList();
            return new ServerEvidence
            {
                SpansReceived = _received,
                SpansRejected = rejected,
                TracesJoined = joined,
                SpansWithoutServerSpan = orphans,
                TracesDropped = _droppedTraces.Count,
                Endpoints = built.Select(e => e.Build()).ToList(),
                Statements = RunStatements(built),
                OtherTraffic = _other.OrderByDescending(o => o.Value.Count).Select(o => new RouteEvidence { Route = o.Key, Requests = o.Value.Count, MeanMs = Round(o.Value.TotalMs / o.Value.Count) }).ToList(),
            };
        }
    }

    /// <summary>Every endpoint's statements merged by text (histograms merged exactly), by total time, the top <see cref="RunStatementsKept"/>.</summary>
    private static List<StatementEvidence> RunStatements(List<EndpointAccumulator> endpoints)
    {
        var merged = new Dictionary<string, (StatementAccumulator Acc, List<string> Endpoints)>(StringComparer.Ordinal);
        foreach (var e in endpoints)
        {
            foreach (var (text, acc) in e.Statements)
            {
                if (!merged.TryGetValue(text, out var m))
                {
                    m = (new StatementAccumulator(), []);
                    merged[text] = m;
                }

                m.Acc.Merge(acc);
                m.Endpoints.Add(e.Name);
            }
        }

        var dbMs = merged.Values.Sum(m => m.Acc.TotalMs);
        return merged
            .OrderByDescending(m => m.Value.Acc.TotalMs)
            .Take(RunStatementsKept)
            .Select(m => m.Value.Acc.ToEvidence(m.Key, dbMs) with { Endpoints = m.Value.Endpoints })
            .ToList();
    }

    /// <summary>Run-wide statements kept in <see cref="ServerEvidence.Statements"/>.</summary>
    internal const int RunStatementsKept = 20;

    /// <summary>Distinct statements kept per endpoint; the rest are counted under <see cref="OtherStatements"/>.</summary>
    internal const int StatementsPerEndpoint = 500;

    /// <summary>The group of an endpoint's statements beyond <see cref="StatementsPerEndpoint"/>.</summary>
    internal const string OtherStatements = "(other statements)";

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
        var isPoolWait = !isDb && s.Name.Equals(PoolWaitSpanName, StringComparison.Ordinal);
        return new CompactSpan(s.SpanId, s.ParentSpanId, s.Kind, s.StartUnixNano, s.EndUnixNano, isDb, system, statement ?? (isDb ? s.Name : null), s.Route, isPoolWait);
    }

    private static double Round(double value) => Math.Round(value, 3);

    /// <summary>
    /// Clock slack when comparing a span's start with the previous span's end: 0.1 ms, or 1 ms when the start is a whole
    /// millisecond. The OpenTelemetry JS SDK takes a span's start from <c>Date.now()</c> (whole milliseconds, rounded
    /// down) and its end from the start plus a nanosecond duration, so a statement that starts 0.3 ms after the previous
    /// one ended can carry a start 0.7 ms before that end (tests/Loadlens.Node.Tests).
    /// </summary>
    private static ulong StartSlack(ulong startUnixNano) => startUnixNano % 1_000_000 == 0 ? 1_000_000UL : 100_000UL;

    /// <summary>
    /// The span name that times a wait for a pooled database connection (the <c>Loadlens.AspNetCore</c> profiler's
    /// connection open, or any app's own <c>pool.wait</c> span): summed into <see cref="EndpointEvidence.PoolWaitMeanMs"/>.
    /// </summary>
    public const string PoolWaitSpanName = "pool.wait";

    private sealed record CompactSpan(string SpanId, string? ParentSpanId, int Kind, ulong Start, ulong End, bool IsDb, string? DbSystem, string? Statement, string? Route, bool IsPoolWait = false)
    {
        public double DurationMs => End > Start ? (End - Start) / 1e6 : 0;
    }

    private sealed class StatementAccumulator
    {
        public readonly LongHistogram Durations = LatencyHistograms.Create();
        public string? System;
        public long Calls;
        public long Requests;
        public long PerRequestMax;
        public long Repeated;
        public double TotalMs;
        public double MaxMs;
        public string? Exemplar;
        public long ExemplarRepeats;

        public void Merge(StatementAccumulator other)
        {
            Durations.Add(other.Durations);
            System ??= other.System;
            Calls += other.Calls;
            Requests += other.Requests;
            PerRequestMax = Math.Max(PerRequestMax, other.PerRequestMax);
            Repeated += other.Repeated;
            TotalMs += other.TotalMs;
            MaxMs = Math.Max(MaxMs, other.MaxMs);
            if (other.ExemplarRepeats > ExemplarRepeats)
            {
                ExemplarRepeats = other.ExemplarRepeats;
                Exemplar = other.Exemplar;
            }
        }

        public StatementEvidence ToEvidence(string statement, double dbMs)
        {
            var stats = LatencyHistograms.ToStats(Durations);
            return new StatementEvidence
            {
                Statement = statement,
                System = System,
                Calls = Calls,
                PerRequestMean = Round((double)Calls / Math.Max(1, Requests)),
                PerRequestMax = PerRequestMax,
                RepeatedRequests = Repeated,
                MeanMs = Round(TotalMs / Math.Max(1, Calls)),
                P50Ms = stats.P50,
                P95Ms = stats.P95,
                MaxMs = Round(MaxMs),
                TotalMs = Round(TotalMs),
                ShareOfDbTime = dbMs > 0 ? Round(TotalMs / dbMs) : 0,
                ExemplarTraceId = Exemplar,
            };
        }
    }

    private sealed class EndpointAccumulator(string name)
    {
        private readonly LongHistogram _server = LatencyHistograms.Create();
        private readonly LongHistogram _before = LatencyHistograms.Create();
        private readonly Dictionary<string, StatementAccumulator> _statements = new(StringComparer.Ordinal);
        private double _dbMs;
        private double _serverMs;
        private double _poolWaitMs;
        private long _dbCalls;
        private long _dbMax;
        private long _downstream;
        private string? _route;

        public long Requests { get; private set; }

        public string Name => name;

        public IReadOnlyDictionary<string, StatementAccumulator> Statements => _statements;

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
            _poolWaitMs += spans.Where(s => s.IsPoolWait).Sum(s => s.DurationMs);
            _downstream += spans.Count(s => s.Kind == OtlpSpan.KindClient && !s.IsDb);
            foreach (var group in db.GroupBy(s => s.Statement ?? string.Empty, StringComparer.Ordinal))
            {
                var runs = group.OrderBy(s => s.Start).ThenBy(s => s.End).ToList();
                var key = _statements.ContainsKey(group.Key) || _statements.Count < StatementsPerEndpoint ? group.Key : OtherStatements;
                var acc = _statements.TryGetValue(key, out var a) ? a : _statements[key] = new StatementAccumulator();
                acc.System ??= runs[0].DbSystem;
                acc.Calls += runs.Count;
                acc.Requests++;
                acc.PerRequestMax = Math.Max(acc.PerRequestMax, runs.Count);
                var total = runs.Sum(s => s.DurationMs);
                acc.TotalMs += total;
                acc.MaxMs = Math.Max(acc.MaxMs, runs.Max(s => s.DurationMs));
                foreach (var run in runs)
                {
                    acc.Durations.RecordValue(LatencyHistograms.Clamp((long)Math.Round(run.DurationMs * 1000)));
                }

                // One after another: each starts after the previous one ended (a batch run in parallel is not N+1).
                var sequential = true;
                for (var i = 1; i < runs.Count && sequential; i++)
                {
                    sequential = runs[i].Start + StartSlack(runs[i].Start) >= runs[i - 1].End;
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
            PoolWaitMeanMs = Round(_poolWaitMs / Requests),
            DbStatementsMean = Round((double)_dbCalls / Requests),
            DbStatementsMax = _dbMax,
            DownstreamCallsMean = Round((double)_downstream / Requests),
            Statements = _statements
                .OrderByDescending(s => s.Value.TotalMs)
                .Take(10)
                .Select(s => s.Value.ToEvidence(s.Key, _dbMs))
                .ToList(),
        };
    }
}
