using Loadlens.Analysis.Advice;
using Loadlens.Analysis.Sla;
using Loadlens.Core.Findings;
using Loadlens.Core.Results;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis;

/// <summary>Generates the 3–5 sentence executive summary from the findings (no free text beyond them).</summary>
internal static class ExecutiveSummary
{
    public static IReadOnlyList<string> Build(RunResult run, IReadOnlyList<Finding> findings, IReadOnlyList<SlaCheck> sla, IReadOnlyList<RecommendationItem> recommendations)
    {
        var sentences = new List<string>();
        var total = run.Total;
        var endpoints = run.Endpoints.Count(e => !e.IsAggregate);
        sentences.Add(
            $"{Capital(run.Source.Tool)} sent {total.Requests:N0} requests to {endpoints} endpoint{(endpoints == 1 ? string.Empty : "s")} over {Num(run.MeasuredSeconds, "0.#")} s "
            + $"({Rate(run.RateOf(total))}, mean {Ms(total.Latency.Mean)}, p99 {Ms(total.Latency.P99)}, {Percent(total.FailureRate)} failed).");

        var critical = findings.Count(f => f.Severity == FindingSeverity.Critical);
        var warnings = findings.Count(f => f.Severity == FindingSeverity.Warning);
        var serious = findings.Where(f => f.Severity > FindingSeverity.Info).ToList();
        if (serious.Count == 0)
        {
            sentences.Add("No bottleneck or error rule fired above info: the measured endpoints look healthy at this load.");
        }
        else
        {
            sentences.Add($"The analysis found {Count(critical, "critical issue")} and {Count(warnings, "warning")}.");
            sentences.Add("Most severe: " + Describe(serious[0]) + ".");
            var next = serious.Skip(1).FirstOrDefault(f => f.RuleId != serious[0].RuleId || f.Endpoint != serious[0].Endpoint);
            if (next is not null)
            {
                sentences.Add("Also: " + Describe(next) + ".");
            }
        }

        if (sla.Count > 0)
        {
            var failed = sla.Count(s => !s.Passed);
            sentences.Add(failed == 0
                ? $"All {sla.Count} SLA checks passed."
                : $"{failed} of {sla.Count} SLA checks failed, on {string.Join(", ", sla.Where(s => !s.Passed).Select(s => s.Endpoint ?? s.Target).Distinct().Take(3))}.");
        }
        else if (recommendations.Count > 0)
        {
            sentences.Add($"First action ({TierName(recommendations[0].Tier)}): {FirstSentence(recommendations[0].Text)}");
        }

        var measured = run.Endpoints.Where(e => !e.IsAggregate && e.Requests > 0).ToList();
        if (sentences.Count < 3 && measured.Count > 0)
        {
            var slowest = measured.MaxBy(e => e.Latency.P99)!;
            var busiest = measured.MaxBy(e => e.Requests)!;
            sentences.Add(slowest == busiest
                ? $"{slowest.Name} is both the busiest and the slowest endpoint (p99 {Ms(slowest.Latency.P99)})."
                : $"The slowest endpoint is {slowest.Name} (p99 {Ms(slowest.Latency.P99)}); the busiest is {busiest.Name} ({busiest.Requests:N0} requests).");
        }

        if (sentences.Count < 3)
        {
            sentences.Add(sla.Count == 0 ? "No SLA targets were checked." : $"All {sla.Count} SLA checks passed.");
        }

        return sentences.Take(5).ToList();
    }

    internal static string TierName(RecommendationTier tier) => tier switch
    {
        RecommendationTier.Immediate => "immediate",
        RecommendationTier.ShortTerm => "short-term",
        _ => "long-term",
    };

    private static string Describe(Finding f) => f.Endpoint is null ? f.Title : $"{f.Endpoint}: {LowerFirst(f.Title)}";

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string LowerFirst(string s) => s.Length > 1 && char.IsUpper(s[0]) && !char.IsUpper(s[1]) ? char.ToLowerInvariant(s[0]) + s[1..] : s;

    private static string FirstSentence(string text)
    {
        var dot = text.IndexOf(". ", StringComparison.Ordinal);
        var cut = dot > 0 ? dot + 1 : text.Length;
        var sentence = text[..cut].TrimEnd();
        return sentence.EndsWith('.') ? sentence : sentence + ".";
    }
}
