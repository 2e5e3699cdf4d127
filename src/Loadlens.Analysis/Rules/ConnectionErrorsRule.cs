using Loadlens.Core.Findings;
using Loadlens.Core.Results;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>connection-errors</c>: refused or reset connections, timeouts, DNS, TLS and protocol errors, i.e.
/// failures below HTTP. Over 1 % of requests is critical, over 0.1 % a warning, fewer info.
/// </summary>
internal sealed class ConnectionErrorsRule : IRule
{
    private static readonly ErrorCategory[] ConnectionCategories =
        [ErrorCategory.ConnectionRefused, ErrorCategory.ConnectionReset, ErrorCategory.Timeout, ErrorCategory.Dns, ErrorCategory.Tls, ErrorCategory.Protocol];

    public string Id => RuleIds.ConnectionErrors;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        foreach (var e in view.Endpoints)
        {
            var counts = new SortedDictionary<ErrorCategory, long>();
            foreach (var (key, count) in e.ErrorCategories)
            {
                if (count > 0 && TryCategory(key, out var category) && ConnectionCategories.Contains(category))
                {
                    counts[category] = counts.GetValueOrDefault(category) + count;
                }
            }

            var total = counts.Values.Sum();
            if (total == 0 || e.Requests == 0)
            {
                continue;
            }

            var share = (double)total / e.Requests;
            var severity = share > options.ErrorRateCritical ? FindingSeverity.Critical
                : share > options.ErrorRateWarning ? FindingSeverity.Warning
                : FindingSeverity.Info;
            var dominant = counts.OrderByDescending(kv => kv.Value).First().Key;
            var evidence = new List<Evidence> { Ev("connectionErrors", total, "count"), Ev("share", share * 100, "%", options.ErrorRateCritical * 100) };
            evidence.AddRange(counts.Select(kv => Ev(Camel(kv.Key), kv.Value, "count")));
            yield return new Finding(
                Id,
                severity,
                e.Name,
                $"{total} connection-level failures ({Percent(share)}), mostly {Describe(dominant)}",
                evidence,
                severity == FindingSeverity.Info ? null : new Recommendation(RecommendationTier.Immediate, Advice(dominant, e.Name)));
        }
    }

    internal static bool TryCategory(string key, out ErrorCategory category)
        => Enum.TryParse(key.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out category);

    private static string Camel(ErrorCategory c) => char.ToLowerInvariant(c.ToString()[0]) + c.ToString()[1..];

    private static string Describe(ErrorCategory c) => c switch
    {
        ErrorCategory.ConnectionRefused => "refused connections",
        ErrorCategory.ConnectionReset => "reset connections",
        ErrorCategory.Timeout => "timeouts",
        ErrorCategory.Dns => "DNS failures",
        ErrorCategory.Tls => "TLS failures",
        _ => "protocol errors",
    };

    private static string Advice(ErrorCategory c, string endpoint) => c switch
    {
        ErrorCategory.ConnectionRefused => $"Check that the service behind {endpoint} stays up under load (crashes, restarts, a full accept backlog) and that its listen backlog and connection limits fit the load.",
        ErrorCategory.ConnectionReset => $"Find who closes connections on {endpoint}: server keep-alive or request limits, a proxy idle timeout, or a crashing worker; align the client's and server's keep-alive settings.",
        ErrorCategory.Timeout => $"Requests to {endpoint} hit the client timeout: find where they wait (queues, pools, downstream calls) before raising the timeout.",
        ErrorCategory.Dns => $"Name resolution fails for {endpoint}: check the DNS server and cache the resolution in the client.",
        ErrorCategory.Tls => $"TLS handshakes fail for {endpoint}: check the certificate chain, protocol versions and handshake limits on the server.",
        _ => $"The server sends malformed HTTP on {endpoint}: check proxies and the server's HTTP stack for truncated responses.",
    };
}
