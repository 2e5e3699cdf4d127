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
            yield return new Finding(
                Id,
                FindingSeverity.Warning,
                e.Endpoint,
                $"The database takes {Percent(e.DbShare)} of the server time ({Ms(e.DbTimeMeanMs)} of {Ms(e.ServerTime.Mean)} per request, {Num(e.DbStatementsMean, "0.#")} statements)",
                [
                    Ev("dbShare", e.DbShare * 100, "%", MinDbShare * 100),
                    Ev("dbTime", e.DbTimeMeanMs, "ms"),
                    Ev("serverTime", e.ServerTime.Mean, "ms"),
                    Ev("statementsPerRequest", e.DbStatementsMean, "count"),
                ],
                new Recommendation(
                    RecommendationTier.ShortTerm,
                    top is null
                        ? $"Tune the database work of {e.Endpoint} first: it is {Percent(e.DbShare)} of its server time."
                        : $"Tune the database work of {e.Endpoint} first ({Percent(e.DbShare)} of its server time): its costliest statement is `{top.Statement}` ({Percent(top.ShareOfDbTime)} of the database time, {Ms(top.MeanMs)} each); check its plan (`--db`) for a missing index, and cache what does not change."));
        }
    }
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
