using Loadlens.Analysis.Advice;
using Loadlens.Core.Findings;
using Loadlens.Core.Results;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>pool-wait</c>: requests wait for a database connection from the app's pool (<see cref="EndpointEvidence.PoolWaitMeanMs"/>:
/// <c>pool.wait</c> spans, or the <c>Loadlens.AspNetCore</c> profiler's timed connection opens) for ≥ <see cref="MinWaitMs"/> on
/// average and ≥ <see cref="MinShare"/> of the server time, over all endpoints (request-weighted). One finding for the run
/// (or for the one endpoint that waits); critical from half the server time. The advice sizes the pool by Little's law:
/// connections busy ≈ throughput × time a request holds one (server time − wait).
/// </summary>
internal sealed class PoolWaitRule : IRule
{
    /// <summary>
    /// Joined requests (or successful responses) an endpoint needs for these rules: they judge a per-request property
    /// (statements, waits, bytes), not a distribution, so a short run's few requests of a slow endpoint still count.
    /// </summary>
    internal static long MinRequests(AnalysisOptions options) => Math.Min(options.MinRequests, 10);

    internal const double MinWaitMs = 1;
    internal const double MinShare = 0.1;

    public string Id => RuleIds.PoolWait;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        var waiting = (view.ServerEvidence?.Endpoints ?? []).Where(e => e.Requests >= PoolWaitRule.MinRequests(options)).ToList();
        var requests = waiting.Sum(e => e.Requests);
        if (requests == 0)
        {
            yield break;
        }

        var wait = waiting.Sum(e => e.PoolWaitMeanMs * e.Requests) / requests;
        var server = waiting.Sum(e => e.ServerTime.Mean * e.Requests) / requests;
        if (wait < MinWaitMs || server <= 0 || wait / server < MinShare)
        {
            yield break;
        }

        var share = wait / server;
        var affected = waiting.Where(e => e.PoolWaitMeanMs >= MinWaitMs).OrderByDescending(e => e.PoolWaitMeanMs).ToList();
        var worst = affected.Count > 0 ? affected[0] : waiting.MaxBy(e => e.PoolWaitMeanMs)!;
        var rate = view.Endpoints.Where(e => waiting.Any(w => w.Endpoint == e.Name)).Sum(view.Run.RateOf);
        var hold = Math.Max(0, server - wait);
        var busy = rate * hold / 1000;
        var advised = Math.Max(2, (int)Math.Ceiling(busy * 1.5));
        yield return new Finding(
            Id,
            share >= 0.5 ? FindingSeverity.Critical : FindingSeverity.Warning,
            affected.Count == 1 ? affected[0].Endpoint : null,
            $"Requests wait {Ms(wait)} for a database connection from the pool ({Percent(share)} of the server time); {worst.Endpoint} waits {Ms(worst.PoolWaitMeanMs)}",
            [
                Ev("poolWaitMean", wait, "ms", MinWaitMs),
                Ev("poolWaitShare", share * 100, "%", MinShare * 100),
                Ev("serverTimeMean", server, "ms"),
                Ev("worstEndpointPoolWait", worst.PoolWaitMeanMs, "ms"),
                Ev("endpointsWaiting", affected.Count, "count"),
                Ev("throughput", rate, "req/s"),
                Ev("connectionHoldTime", hold, "ms"),
                Ev("connectionsBusy", busy, "count"),
            ],
            new Recommendation(
                RecommendationTier.Immediate,
                $"Give the connection pool room for the load: {Rate(rate)} × {Ms(hold)} a request holds a connection ≈ {Num(busy, "0.#")} connections busy on average (Little's law), so a pool of at least {advised} (× 1.5 headroom) instead of making requests queue {Ms(wait)} for one; "
                + "also shorten what runs while a connection is held (no remote calls inside, short transactions), and keep the pool below what the database accepts.")
            );
    }
}

/// <summary>
/// <c>write-lock-wait</c>: writes queue on the database's write lock. The statement that takes the lock (<c>BEGIN IMMEDIATE</c> /
/// <c>BEGIN EXCLUSIVE</c>, SQLite's way to start a write transaction) or the <c>COMMIT</c> takes ≥ <see cref="MinMeanMs"/> (20 ms) on
/// average and ≥ <see cref="MinShare"/> (30 %) of the endpoint's server time without pool waits. (A WAL database with a busy timeout,
/// loaded on a busy 2-core machine, measured 2–5 ms mean for either; the rollback journal without busy timeout 67–108 ms.): the request waits for another writer to finish
/// (SQLite allows one writer at a time; in rollback-journal mode readers wait for its commit too). Critical from half the
/// server time. Needs <c>--otlp</c> evidence.
/// </summary>
internal sealed class WriteLockWaitRule : IRule
{
    internal const double MinMeanMs = 20;
    internal const double MinShare = 0.3;

    public string Id => RuleIds.WriteLockWait;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        foreach (var e in view.ServerEvidence?.Endpoints ?? [])
        {
            if (e.Requests < PoolWaitRule.MinRequests(options) || e.ServerTime.Mean <= 0)
            {
                continue;
            }

            var locks = e.Statements.Where(s => IsLockStatement(s.Statement)).ToList();
            if (locks.Count == 0)
            {
                continue;
            }

            var perRequest = locks.Sum(s => s.TotalMs) / e.Requests;
            var top = locks.MaxBy(s => s.TotalMs)!;
            var share = perRequest / WorkTime(e);
            if (top.MeanMs < MinMeanMs || share < MinShare)
            {
                continue;
            }

            var sqlite = string.Equals(top.System, "sqlite", StringComparison.OrdinalIgnoreCase);
            yield return new Finding(
                Id,
                share >= 0.5 ? FindingSeverity.Critical : FindingSeverity.Warning,
                e.Endpoint,
                $"Writes queue on the database's write lock: `{top.Statement}` takes {Ms(top.MeanMs)} on average ({Ms(top.P95Ms)} at p95), {Percent(share)} of the server time of {Ms(WorkTime(e))} (without pool waits)",
                [
                    Ev("lockWaitMean", top.MeanMs, "ms", MinMeanMs),
                    Ev("lockWaitP95", top.P95Ms, "ms"),
                    Ev("lockWaitMax", top.MaxMs, "ms"),
                    Ev("lockShareOfServerTime", share * 100, "%", MinShare * 100),
                    Ev("serverTimeMean", e.ServerTime.Mean, "ms"),
                    Ev("serverTimeP95", e.ServerTime.P95, "ms"),
                    Ev("writes", top.Calls, "count"),
                ],
                new Recommendation(
                    RecommendationTier.Immediate,
                    sqlite
                        ? $"SQLite lets one writer in at a time, and {e.Endpoint}'s writes wait for it ({Ms(top.MeanMs)} per write): switch to write-ahead logging (`PRAGMA journal_mode=WAL`: readers no longer wait for a commit, a commit is one append; with `PRAGMA synchronous=NORMAL`) and set `PRAGMA busy_timeout=5000` on every connection so a waiting writer takes the lock as soon as it is free (without it Microsoft.Data.Sqlite retries every 150 ms); keep write transactions short. If one writer is still not enough, move the writes to a server database."
                        : $"{e.Endpoint}'s writes wait {Ms(top.MeanMs)} for the write lock: keep write transactions short (nothing slow between BEGIN and COMMIT), take row locks instead of table or database locks, and batch small writes."));
        }
    }

    /// <summary>The server time without the wait for a pooled connection (a pool wait is another finding's cause).</summary>
    internal static double WorkTime(EndpointEvidence e) => Math.Max(e.ServerTime.Mean - e.PoolWaitMeanMs, 0.001);

    private static bool IsLockStatement(string statement)
    {
        var s = statement.TrimStart();
        return s.StartsWith("BEGIN IMMEDIATE", StringComparison.OrdinalIgnoreCase)
               || s.StartsWith("BEGIN EXCLUSIVE", StringComparison.OrdinalIgnoreCase)
               || s.StartsWith("COMMIT", StringComparison.OrdinalIgnoreCase)
               || s.StartsWith("END", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>
/// <c>uncached-aggregate</c>: a read endpoint recomputes the same aggregate on (nearly) every request: a statement with an
/// aggregate (<c>GROUP BY</c>, <c>COUNT</c>, <c>SUM</c>, <c>AVG</c>, <c>MIN</c>, <c>MAX</c>) and no parameter at all (so every
/// execution returns the same answer) runs ≥ <see cref="MinCallsPerRequest"/> times per request, takes ≥ <see cref="MinMeanMs"/>
/// and ≥ <see cref="MinShare"/> of the server time. The advice caches it with the TTL of the cache-TTL advice. Needs
/// <c>--otlp</c> evidence.
/// </summary>
internal sealed class UncachedAggregateRule : IRule
{
    internal const double MinCallsPerRequest = 0.5;
    internal const double MinMeanMs = 5;
    internal const double MinShare = 0.3;
    private static readonly string[] AggregateWords = ["GROUP BY", "COUNT(", "SUM(", "AVG(", "MIN(", "MAX("];

    public string Id => RuleIds.UncachedAggregate;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        IReadOnlyList<CacheTtlAdvice>? ttl = null;
        foreach (var e in view.ServerEvidence?.Endpoints ?? [])
        {
            var client = view.Endpoints.FirstOrDefault(x => x.Name == e.Endpoint);
            var method = client is null ? e.Endpoint.Split(' ')[0] : client.Method.Length > 0 ? client.Method : client.Name.Split(' ')[0];
            if (!method.Equals("GET", StringComparison.OrdinalIgnoreCase) || e.Requests < PoolWaitRule.MinRequests(options) || e.ServerTime.Mean <= 0)
            {
                continue;
            }

            var aggregates = e.Statements.Where(s => IsConstantAggregate(s.Statement)).ToList();
            var callsPerRequest = aggregates.Sum(s => (double)s.Calls) / e.Requests;
            var perRequestMs = aggregates.Sum(s => s.TotalMs) / e.Requests;
            var share = perRequestMs / WriteLockWaitRule.WorkTime(e);
            if (aggregates.Count == 0 || callsPerRequest < MinCallsPerRequest || perRequestMs < MinMeanMs || share < MinShare)
            {
                continue;
            }

            ttl ??= CacheTtlAdvisor.Advise(view.Run);
            var advice = ttl.FirstOrDefault(a => a.Endpoint == e.Endpoint);
            var top = aggregates.MaxBy(s => s.TotalMs)!;
            var ttlText = advice?.TtlSeconds is { } seconds
                ? $"cache the result for {Num(seconds, "0")} s (the cache-TTL advice: {advice.Reason})"
                : "cache the result for as long as it may be stale (seconds to minutes), or keep it up to date when the data changes";
            yield return new Finding(
                Id,
                share >= 0.7 ? FindingSeverity.Critical : FindingSeverity.Warning,
                e.Endpoint,
                $"The same aggregate is computed on every request: `{top.Statement}`"
                    + (aggregates.Count > 1 ? $" and {aggregates.Count - 1} more aggregate statement(s)" : string.Empty)
                    + $" without parameters (every execution returns the same answer): {Num(callsPerRequest, "0.##")} executions and {Ms(perRequestMs)} per request, {Percent(share)} of the server time (without pool waits)",
                [
                    Ev("aggregateCallsPerRequest", callsPerRequest, "count", MinCallsPerRequest),
                    Ev("aggregateTimePerRequest", perRequestMs, "ms", MinMeanMs),
                    Ev("aggregateShareOfServerTime", share * 100, "%", MinShare * 100),
                    Ev("statementP95", top.P95Ms, "ms"),
                    Ev("serverTimeMean", e.ServerTime.Mean, "ms"),
                    Ev("requests", e.Requests, "count"),
                ],
                new Recommendation(
                    RecommendationTier.ShortTerm,
                    $"Stop recomputing it per request: {ttlText}; or maintain the figures incrementally (a summary table updated on write, a materialised view)."));
        }
    }

    /// <summary>An aggregate with no parameter placeholder: the same answer for every request until the data changes.</summary>
    internal static bool IsConstantAggregate(string statement) =>
        !statement.Contains('?', StringComparison.Ordinal)
        && statement.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
        && AggregateWords.Any(w => statement.Contains(w, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// <c>large-response</c>: an endpoint's successful responses carry ≥ <see cref="MinBytes"/> (32 KiB) of body on average (bytes as
/// received, so compressed bodies count compressed). Critical from 256 KiB. Client-side evidence (bytes, throughput of bytes,
/// latency) with the server time when there is server evidence.
/// </summary>
internal sealed class LargeResponseRule : IRule
{
    internal const double MinBytes = 32 * 1024;
    internal const double CriticalBytes = 256 * 1024;

    public string Id => RuleIds.LargeResponse;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        foreach (var e in view.Endpoints)
        {
            var ok = e.Requests - e.Failures;
            if (ok < PoolWaitRule.MinRequests(options) || e.BytesReceived <= 0)
            {
                continue;
            }

            var bytes = (double)e.BytesReceived / ok;
            if (bytes < MinBytes)
            {
                continue;
            }

            var rate = view.Run.RateOf(e);
            var server = view.ServerEvidence?.Endpoints.FirstOrDefault(s => s.Endpoint == e.Name);
            var evidence = new List<Evidence>
            {
                Ev("bytesPerResponse", bytes / 1024, "KiB", MinBytes / 1024),
                Ev("bytesPerSecond", bytes * rate / (1024 * 1024), "MiB/s"),
                Ev("clientP50", e.Latency.P50, "ms"),
                Ev("clientP95", e.Latency.P95, "ms"),
            };
            if (server is not null)
            {
                evidence.Add(Ev("serverP50", server.ServerTime.P50, "ms"));
            }

            yield return new Finding(
                Id,
                bytes >= CriticalBytes ? FindingSeverity.Critical : FindingSeverity.Warning,
                e.Name,
                $"Large responses: {e.Name} returns {Num(bytes / 1024, "0.#")} KiB per response ({Num(bytes * rate / (1024 * 1024), "0.##")} MiB/s at {Rate(rate)})",
                evidence,
                new Recommendation(
                    RecommendationTier.ShortTerm,
                    $"Send less per response from {e.Name}: return only the fields the client shows and page long lists (a lean projection), and compress JSON (gzip or Brotli; ASP.NET Core `AddResponseCompression`, nginx `gzip on`), which usually shrinks it 5–10×; every KiB is serialised, sent and parsed on each request."));
        }
    }
}
