using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;

namespace Loadlens.Analysis.Sla;

/// <summary>
/// Checks SLA targets against a run: every target of every entry against every endpoint its pattern
/// matches (<c>*</c> matches any run of characters; a pattern is matched against the endpoint's name and
/// against "METHOD name"). A pattern that matches no endpoint fails: a typo must not pass silently.
/// Latency targets pass when the percentile is at or below the limit, the error rate when it is at or
/// below the limit, throughput when it is at or above the minimum.
/// </summary>
internal static class SlaEvaluator
{
    /// <summary>Evaluate <paramref name="targets"/> against <paramref name="run"/>.</summary>
    public static IReadOnlyList<SlaCheck> Evaluate(RunResult run, IReadOnlyList<SlaTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(targets);
        var checks = new List<SlaCheck>();
        var endpoints = run.Endpoints.Where(e => !e.IsAggregate).ToList();
        foreach (var target in targets)
        {
            var matched = endpoints.Where(e => Matches(target.Endpoint, e)).ToList();
            if (matched.Count == 0)
            {
                checks.Add(new SlaCheck(target.Endpoint, null, "endpoint", 0, null, string.Empty, false, "matches no endpoint of this run"));
                continue;
            }

            foreach (var e in matched)
            {
                var hasLatency = e.Requests > 0;
                if (target.P50Ms is { } p50)
                {
                    checks.Add(Latency(target, e, "p50", p50, e.Latency.P50, hasLatency));
                }

                if (target.P95Ms is { } p95)
                {
                    checks.Add(Latency(target, e, "p95", p95, e.Latency.P95, hasLatency));
                }

                if (target.P99Ms is { } p99)
                {
                    checks.Add(Latency(target, e, "p99", p99, e.Latency.P99, hasLatency));
                }

                if (target.MaxErrorRate is { } maxError)
                {
                    var actual = Rules.RuleText.Round(e.FailureRate * 100);
                    checks.Add(new SlaCheck(target.Endpoint, e.Name, "errorRate", Rules.RuleText.Round(maxError * 100), hasLatency ? actual : null, "%", hasLatency && e.FailureRate <= maxError, hasLatency ? null : "no requests"));
                }

                if (target.MinThroughput is { } minRate)
                {
                    var rate = run.RateOf(e);
                    checks.Add(new SlaCheck(target.Endpoint, e.Name, "minThroughput", Rules.RuleText.Round(minRate), Rules.RuleText.Round(rate), "req/s", rate >= minRate));
                }
            }
        }

        return checks;
    }

    private static SlaCheck Latency(SlaTarget target, EndpointResult e, string metric, double limit, double actual, bool hasData)
        => hasData
            ? new SlaCheck(target.Endpoint, e.Name, metric, Rules.RuleText.Round(limit), Rules.RuleText.Round(actual), "ms", actual <= limit)
            : new SlaCheck(target.Endpoint, e.Name, metric, Rules.RuleText.Round(limit), null, "ms", false, "no requests");

    /// <summary>True when <paramref name="pattern"/> matches the endpoint's name or "METHOD name".</summary>
    public static bool Matches(string pattern, EndpointResult endpoint)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(endpoint);
        return Core.Text.Wildcard.IsMatch(pattern, endpoint.Name)
            || (endpoint.Method.Length > 0 && Core.Text.Wildcard.IsMatch(pattern, endpoint.Method + " " + endpoint.Name));
    }
}
