using Loadlens.Core.Findings;
using Loadlens.Core.Results;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>n-plus-one</c>: the same normalised statement runs ≥ 5 times one after another in one request (Sentry's and
/// MiniProfiler's threshold), in at least half of the endpoint's joined requests. Critical when that statement takes
/// ≥ 50 % of the server time. Needs a <see cref="ServerEvidence"/> section (<c>--otlp</c>).
/// </summary>
internal sealed class NPlusOneRule : IRule
{
    internal const double MinRepeats = 5;
    internal const double MinAffectedShare = 0.5;

    public string Id => RuleIds.NPlusOne;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        foreach (var e in view.ServerEvidence?.Endpoints ?? [])
        {
            foreach (var s in e.Statements)
            {
                var affected = e.Requests > 0 ? (double)s.RepeatedRequests / e.Requests : 0;
                if (s.PerRequestMean < MinRepeats || affected < MinAffectedShare)
                {
                    continue;
                }

                var serverShare = s.ShareOfDbTime * e.DbShare;
                yield return new Finding(
                    Id,
                    serverShare >= 0.5 ? FindingSeverity.Critical : FindingSeverity.Warning,
                    e.Endpoint,
                    $"N+1 queries: `{s.Statement}` runs ≈ {Num(s.PerRequestMean, "0.#")} times per request, one after another ({Percent(s.ShareOfDbTime)} of its database time)",
                    [
                        Ev("repeatsPerRequest", s.PerRequestMean, "count", MinRepeats),
                        Ev("repeatsMax", s.PerRequestMax, "count"),
                        Ev("requestsAffected", affected * 100, "%", MinAffectedShare * 100),
                        Ev("shareOfDbTime", s.ShareOfDbTime * 100, "%"),
                        Ev("shareOfServerTime", serverShare * 100, "%"),
                        Ev("statementMean", s.MeanMs, "ms"),
                        Ev("dbStatementsPerRequest", e.DbStatementsMean, "count"),
                    ],
                    new Recommendation(
                        RecommendationTier.ShortTerm,
                        $"Load what {e.Endpoint} needs in one query instead of one per item: `{s.Statement}` runs ≈ {Num(s.PerRequestMean, "0.#")} times per request (up to {s.PerRequestMax}), ≈ {Ms(s.MeanMs * s.PerRequestMean)} per request; join or batch it (`WHERE … IN (…)`, the ORM's eager loading such as `selectinload`/`Include`). Example trace: {s.ExemplarTraceId}."));
            }
        }
    }
}

/// <summary>
/// <c>slow-query</c>: a normalised statement (over all endpoints) whose p95 exceeds <see cref="AnalysisOptions.SlowQueryMs"/>
/// (100 ms by default, <c>--slow-query</c>), with at least <see cref="MinCalls"/> executions. Critical from 5 × the threshold.
/// One finding per statement; a whole-run finding when several endpoints share it (needs <c>--otlp</c> evidence).
/// </summary>
internal sealed class SlowQueryRule : IRule
{
    internal const long MinCalls = 5;

    public string Id => RuleIds.SlowQuery;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        var evidence = view.ServerEvidence;
        foreach (var s in evidence?.Statements ?? [])
        {
            if (s.P95Ms <= options.SlowQueryMs || s.Calls < MinCalls)
            {
                continue;
            }

            var endpoint = s.Endpoints.Count == 1 ? s.Endpoints[0] : null;
            var where = s.Endpoints.Count == 0 ? string.Empty : $" ({string.Join(", ", s.Endpoints)})";
            // One cause, one recommendation: a statement whose plan lacks an index is advised by missing-index.
            var index = evidence!.Database?.IndexAdvice.FirstOrDefault(a => a.Statement == s.Statement);
            yield return new Finding(
                Id,
                s.P95Ms >= 5 * options.SlowQueryMs ? FindingSeverity.Critical : FindingSeverity.Warning,
                endpoint,
                $"Slow statement: `{s.Statement}` takes {Ms(s.P50Ms)} at the median and {Ms(s.P95Ms)} at p95 over {Num(s.Calls, "0")} executions{where}"
                    + (index is null ? string.Empty : $" (its plan scans {index.Table}, see {RuleIds.MissingIndex})"),
                [
                    Ev("statementP50", s.P50Ms, "ms"),
                    Ev("statementP95", s.P95Ms, "ms", options.SlowQueryMs),
                    Ev("statementMax", s.MaxMs, "ms"),
                    Ev("executions", s.Calls, "count"),
                    Ev("shareOfDbTime", s.ShareOfDbTime * 100, "%"),
                ],
                index is not null ? null : new Recommendation(
                    RecommendationTier.ShortTerm,
                    evidence.Database is null
                            ? $"Make `{s.Statement}` fast (p95 {Ms(s.P95Ms)}): look at its plan (run again with `--db` for the database's own plan and index advice), the rows it reads and the locks it waits on; cache its result if it changes rarely."
                            : $"Make `{s.Statement}` fast (p95 {Ms(s.P95Ms)}): its plan uses an index or reads a small table, so look at the rows it returns, the locks it waits on and the work inside it (functions, sorts); cache its result if it changes rarely."));
        }
    }
}

/// <summary>
/// <c>missing-index</c>: the database's own plan of one of the run's top statements (<c>--db</c>) reads a whole large table
/// to filter or join it (SQLite <c>SCAN</c>, PostgreSQL <c>Seq Scan</c> with a filter); the recommendation is the exact
/// <c>CREATE INDEX</c> (<c>Evidence/Plans/IndexAdvisor</c>). Critical when the statement takes ≥ 50 % of the database time.
/// </summary>
internal sealed class MissingIndexRule : IRule
{
    public string Id => RuleIds.MissingIndex;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        var evidence = view.ServerEvidence;
        foreach (var a in evidence?.Database?.IndexAdvice ?? [])
        {
            var s = evidence!.Statements.FirstOrDefault(x => x.Statement == a.Statement);
            var where = a.Endpoints.Count == 0 ? string.Empty : $" on {string.Join(", ", a.Endpoints)}";
            var evidenceItems = new List<Evidence> { Ev("shareOfDbTime", a.ShareOfDbTime * 100, "%") };
            if (a.RowsScanned is { } rows)
            {
                evidenceItems.Insert(0, Ev("rowsScanned", rows, "rows"));
            }

            if (s is not null)
            {
                evidenceItems.Add(Ev("statementMean", s.MeanMs, "ms"));
                evidenceItems.Add(Ev("statementP95", s.P95Ms, "ms"));
                evidenceItems.Add(Ev("executions", s.Calls, "count"));
            }

            var rowsText = a.RowsScanned is { } r ? $"{Num(r, "0")} rows" : "all rows";
            yield return new Finding(
                Id,
                a.ShareOfDbTime >= 0.5 ? FindingSeverity.Critical : FindingSeverity.Warning,
                a.Endpoints.Count == 1 ? a.Endpoints[0] : null,
                $"Missing index: `{a.Statement}` reads {rowsText} of {a.Table}{where} (plan: {a.PlanLine})",
                evidenceItems,
                new Recommendation(
                    RecommendationTier.Immediate,
                    $"Add the index: `{a.CreateIndex}` — {a.Reason} ({a.Method}; rows from {a.RowsFrom}). Check the plan again afterwards."));
        }
    }
}

/// <summary><c>db-bound</c>: the database takes ≥ 70 % of an endpoint's server time (needs <c>--otlp</c> evidence).</summary>
internal sealed class DbBoundRule : IRule
{
    internal const double MinDbShare = 0.7;

    public string Id => RuleIds.DbBound;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        foreach (var e in view.ServerEvidence?.Endpoints ?? [])
        {
            if (e.DbShare < MinDbShare || e.Requests < Math.Min(options.MinRequests, 20))
            {
                continue;
            }

            var top = e.Statements.Count > 0 ? e.Statements[0] : null;
            var index = view.ServerEvidence!.Database?.IndexAdvice.FirstOrDefault(a => a.Endpoints.Contains(e.Endpoint));
            if (index is not null)
            {
                // The scan the missing-index finding names is the reason: one piece of advice (the index).
                yield return new Finding(
                    Id,
                    FindingSeverity.Warning,
                    e.Endpoint,
                    $"The database takes {Percent(e.DbShare)} of the server time ({Ms(e.DbTimeMeanMs)} of {Ms(e.ServerTime.Mean)} per request; its plan scans {index.Table}, see {RuleIds.MissingIndex})",
                    Evidence(e),
                    null);
                continue;
            }

            yield return new Finding(
                Id,
                FindingSeverity.Warning,
                e.Endpoint,
                $"The database takes {Percent(e.DbShare)} of the server time ({Ms(e.DbTimeMeanMs)} of {Ms(e.ServerTime.Mean)} per request, {Num(e.DbStatementsMean, "0.#")} statements)",
                Evidence(e),
                new Recommendation(
                    RecommendationTier.ShortTerm,
                    top is null
                        ? $"Tune the database work of {e.Endpoint} first: it is {Percent(e.DbShare)} of its server time."
                        : $"Tune the database work of {e.Endpoint} first ({Percent(e.DbShare)} of its server time): its costliest statement is `{top.Statement}` ({Percent(top.ShareOfDbTime)} of the database time, {Ms(top.MeanMs)} each); "
                            + (view.ServerEvidence.Database is null ? "check its plan (`--db`) for a missing index, and cache what does not change." : "its plan uses an index, so reduce the rows it reads or returns, and cache what does not change.")));
        }
    }

    private static List<Evidence> Evidence(EndpointEvidence e) =>
    [
        Ev("dbShare", e.DbShare * 100, "%", MinDbShare * 100),
        Ev("dbTime", e.DbTimeMeanMs, "ms"),
        Ev("serverTime", e.ServerTime.Mean, "ms"),
        Ev("statementsPerRequest", e.DbStatementsMean, "count"),
    ];
}

/// <summary>
/// <c>queued-before-app</c>: most of the client's latency passes before the app's server span starts (connecting, the
/// accept queue, a worker pool or proxy queue) while the server time stays near its fastest: the requests wait for a
/// worker, not for the app's work. Fires when the mean time before the app is ≥ 50 % of the client's mean latency
/// and ≥ 5 ms, and the server time's p50 is ≤ 2 × its minimum (needs <c>--otlp</c> evidence).
/// </summary>
internal sealed class QueuedBeforeAppRule : IRule
{
    internal const double MinShare = 0.5;
    internal const double MinGapMs = 5;
    internal const double MaxServerSpread = 2;

    public string Id => RuleIds.QueuedBeforeApp;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        foreach (var e in view.ServerEvidence?.Endpoints ?? [])
        {
            var client = view.Endpoints.FirstOrDefault(x => x.Name == e.Endpoint);
            if (client is null || client.Latency.Mean <= 0 || e.Requests < Math.Min(options.MinRequests, 20))
            {
                continue;
            }

            var share = e.BeforeApp.Mean / client.Latency.Mean;
            if (share < MinShare || e.BeforeApp.Mean < MinGapMs || e.ServerTime.P50 > MaxServerSpread * Math.Max(e.ServerTime.Min, 0.001))
            {
                continue;
            }

            yield return new Finding(
                Id,
                e.BeforeApp.Mean > options.TailLatencyWarningMs ? FindingSeverity.Critical : FindingSeverity.Warning,
                e.Endpoint,
                $"Requests wait {Ms(e.BeforeApp.Mean)} before the app starts on them ({Percent(share)} of the latency) while the app itself takes {Ms(e.ServerTime.P50)}",
                [
                    Ev("clientP50", client.Latency.P50, "ms"),
                    Ev("clientP95", client.Latency.P95, "ms"),
                    Ev("serverP50", e.ServerTime.P50, "ms"),
                    Ev("serverP95", e.ServerTime.P95, "ms"),
                    Ev("beforeAppP50", e.BeforeApp.P50, "ms"),
                    Ev("beforeAppP95", e.BeforeApp.P95, "ms"),
                    Ev("gap", client.Latency.Mean - e.ServerTime.Mean, "ms"),
                    Ev("beforeAppShare", share * 100, "%", MinShare * 100),
                ],
                new Recommendation(
                    RecommendationTier.Immediate,
                    $"Add workers (processes or threads: e.g. gunicorn -w N --threads M, a larger pool) or instances in front of {e.Endpoint}: its requests queue {Ms(e.BeforeApp.Mean)} for a free worker before the app's {Ms(e.ServerTime.P50)} of work starts, so speeding up the code will not help until the queue is gone."));
        }
    }
}
