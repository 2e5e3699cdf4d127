using Loadlens.Core.Results;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Advice;

/// <summary>Cache-TTL advice for one read endpoint. A heuristic, not a measurement (see docs/analysis.md).</summary>
/// <param name="Endpoint">Endpoint name.</param>
/// <param name="RequestsPerSecond">Its measured throughput.</param>
/// <param name="MeanLatencyMs">Its service time (ms): the mean latency, or its own work where the run shows it queueing.</param>
/// <param name="TtlSeconds">Suggested TTL; null when caching is not advised.</param>
/// <param name="ExpectedHitRatio">Hit ratio of one hot key at that TTL: 1 − 1/(X·TTL); 0 when not advised.</param>
/// <param name="SavedServerMsPerSecond">Server time the cache would save per second: X·S·hit ratio (ms/s).</param>
/// <param name="Reason">Why this TTL, or why not.</param>
public sealed record CacheTtlAdvice(string Endpoint, double RequestsPerSecond, double MeanLatencyMs, double? TtlSeconds, double ExpectedHitRatio, double SavedServerMsPerSecond, string Reason);

/// <summary>
/// Cache-TTL heuristic for read (GET/HEAD) endpoints, from traffic volume and service time. It is a heuristic:
/// whether data may be stale for that long is a product decision the load test cannot see. The service time S is
/// the mean latency unless a finding shows the endpoint queueing (<c>serialized-resource</c>,
/// <c>shared-bottleneck</c>, <c>no-steady-state</c>): then it is the endpoint's own work (low-load latency, or its
/// share of the shared queue's service), so the advice does not grow with the load that inflated the latency.
/// <list type="number">
/// <item>Not advised for health/readiness/metrics endpoints, endpoints failing more than 1 % of requests
/// (a cache would pin errors), under 100 requests or 1 req/s (nothing to save), or a mean latency under
/// 5 ms (already cheap).</item>
/// <item>Cost floor, from the service time S: the costlier a response, the longer a stale copy is worth
/// keeping: S &lt; 20 ms → 10 s, &lt; 100 ms → 30 s, &lt; 500 ms → 60 s, else 120 s.</item>
/// <item>Volume floor: 100 / X seconds, so that one hot key misses at most once per 100 requests
/// (hit ratio ≥ 99 %).</item>
/// <item>TTL = the larger floor, rounded up to 5, 10, 15, 30, 60, 120 or 300 s, capped at 300 s.</item>
/// </list>
/// The expected hit ratio 1 − 1/(X·TTL) assumes one hot key; with K equally popular keys use X/K.
/// </summary>
internal static class CacheTtlAdvisor
{
    private static readonly double[] NiceTtls = [5, 10, 15, 30, 60, 120, 300];
    private static readonly string[] NotCacheable = ["health", "healthz", "ready", "readyz", "live", "livez", "metrics", "ping", "status"];

    /// <summary>Advice for every GET/HEAD endpoint of <paramref name="run"/>.</summary>
    public static IReadOnlyList<CacheTtlAdvice> Advise(RunResult run, IReadOnlyList<Core.Findings.Finding>? findings = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        findings ??= [];
        var queued = findings.Any(f => f.RuleId == RuleIds.NoSteadyState);
        var shared = findings.FirstOrDefault(f => f.RuleId == RuleIds.SharedBottleneck);
        var view = new RunView(run);
        var advice = new List<CacheTtlAdvice>();
        foreach (var e in view.Endpoints)
        {
            var method = e.Method.Length > 0 ? e.Method : e.Name.Split(' ')[0];
            if (!method.Equals("GET", StringComparison.OrdinalIgnoreCase) && !method.Equals("HEAD", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var x = view.Run.RateOf(e);
            var mean = e.Latency.Mean > 0 ? e.Latency.Mean : e.Latency.P50;
            var serialized = findings.FirstOrDefault(f => f.RuleId == RuleIds.SerializedResource && f.Endpoint == e.Name);
            var r = shared?.Evidence.FirstOrDefault(v => v.Name == Rules.SharedBottleneckRule.WorkEvidencePrefix + e.Name)?.Value
                ?? serialized?.Evidence.FirstOrDefault(v => v.Name == "serviceTime")?.Value
                ?? (queued ? view.LowLoadLatency(e.Name) : null)
                ?? mean;
            r = Math.Min(r, mean);
            var basisName = r < mean * 0.9 ? "service time" : "mean latency";
            string? why = null;
            if (IsOperational(e.Name))
            {
                why = "health and monitoring endpoints must report live state; never cache them";
            }
            else if (e.FailureRate > 0.01)
            {
                why = $"{Percent(e.FailureRate)} of requests fail; fix that first, a cache would hide or pin the errors";
            }
            else if (e.Requests < 100 || x < 1)
            {
                why = $"too little traffic ({Rate(x)}) for a cache to save much";
            }
            else if (r < 5)
            {
                why = $"already cheap ({basisName} {Ms(r)}); a cache would save little";
            }

            if (why is not null)
            {
                advice.Add(new CacheTtlAdvice(e.Name, Round(x), Round(r), null, 0, 0, why));
                continue;
            }

            var costFloor = r < 20 ? 10 : r < 100 ? 30 : r < 500 ? 60 : 120;
            var volumeFloor = 100 / x;
            var raw = Math.Max(costFloor, volumeFloor);
            var ttl = NiceTtls.FirstOrDefault(t => t >= raw, NiceTtls[^1]);
            var hit = Math.Max(0, 1 - (1 / (x * ttl)));
            var basis = costFloor >= volumeFloor
                ? $"{basisName} {Ms(r)}{(basisName == "service time" ? $" (mean latency {Ms(mean)} is mostly queueing)" : string.Empty)} sets a {costFloor} s floor"
                : $"{Rate(x)} needs {Num(volumeFloor, "0.#")} s for a 99 % hit ratio";
            advice.Add(new CacheTtlAdvice(
                e.Name,
                Round(x),
                Round(r),
                ttl,
                Round(hit),
                Round(x * r * hit),
                $"{basis}; a {ttl} s TTL would serve ≈ {Percent(hit)} of reads of a hot key from cache and save ≈ {Num(x * r * hit / 1000, "0.##")} s of server time per second, if the data may be {ttl} s stale"));
        }

        return advice;
    }

    private static bool IsOperational(string name)
    {
        foreach (var segment in name.Split(['/', ' ', '?', '.', '-', '_'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (NotCacheable.Contains(segment, StringComparer.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
