using System.Globalization;
using System.Text.RegularExpressions;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;

namespace Loadlens.Analysis.Capacity;

/// <summary>Checks one sweep step against SLA targets and an error limit (used by <c>--until-sla</c> and capacity at SLA).</summary>
internal static class StepSla
{
    /// <summary>SLA and error-limit violations of one run (a sweep step); empty when it passes.</summary>
    /// <param name="result">The step's result.</param>
    /// <param name="sla">Targets; <c>*</c> wildcards match endpoint names, and <c>*</c> alone also checks all endpoints together.</param>
    /// <param name="maxErrorRate">Error-rate limit over all endpoints (0.01 = 1 %).</param>
    public static IReadOnlyList<string> Violations(RunResult result, IReadOnlyList<SlaTarget> sla, double maxErrorRate)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(sla);
        var r = result;
        var list = new List<string>();
        if (r.Total.FailureRate > maxErrorRate)
        {
            list.Add(string.Create(CultureInfo.InvariantCulture, $"errors {r.Total.FailureRate:0.##%} > {maxErrorRate:0.##%}"));
        }

        foreach (var target in sla)
        {
            var pattern = new Regex("^" + Regex.Escape(target.Endpoint).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            var endpoints = target.Endpoint is "*" or "Aggregated"
                ? (r.Endpoints.Count == 1 ? r.Endpoints : [.. r.Endpoints, r.Total])
                : r.Endpoints.Where(e => pattern.IsMatch(e.Name)).ToList();
            foreach (var e in endpoints.Where(e => e.Requests > 0))
            {
                var label = e.IsAggregate ? "all" : e.Name;
                Check(list, label, "p50", e.Latency.P50, target.P50Ms);
                Check(list, label, "p95", e.Latency.P95, target.P95Ms);
                Check(list, label, "p99", e.Latency.P99, target.P99Ms);
                if (target.MaxErrorRate is { } max && e.FailureRate > max)
                {
                    list.Add(string.Create(CultureInfo.InvariantCulture, $"{label}: errors {e.FailureRate:0.##%} > {max:0.##%}"));
                }
            }
        }

        return list;

        static void Check(List<string> list, string label, string name, double value, double? limit)
        {
            if (limit is { } l && value > l)
            {
                list.Add(string.Create(CultureInfo.InvariantCulture, $"{label}: {name} {value:0.##} ms > {l:0.##} ms"));
            }
        }
    }
}
