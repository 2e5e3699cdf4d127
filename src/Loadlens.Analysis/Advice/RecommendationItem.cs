using Loadlens.Core.Findings;

namespace Loadlens.Analysis.Advice;

/// <summary>One recommendation of the report, tied to the findings that motivate it.</summary>
/// <param name="Tier">Immediate, short-term or long-term.</param>
/// <param name="Text">The advice.</param>
/// <param name="MotivatedBy">The findings it comes from (never empty).</param>
public sealed record RecommendationItem(RecommendationTier Tier, string Text, IReadOnlyList<FindingReference> MotivatedBy);

/// <summary>A pointer to a finding: its rule, endpoint and severity.</summary>
/// <param name="RuleId">The finding's rule id.</param>
/// <param name="Endpoint">The finding's endpoint, or null for the whole run.</param>
/// <param name="Severity">The finding's severity.</param>
public sealed record FindingReference(string RuleId, string? Endpoint, FindingSeverity Severity);

/// <summary>Collects the findings' recommendations into one list grouped by tier.</summary>
internal static class RecommendationBuilder
{
    /// <summary>
    /// One item per distinct (tier, text) among <paramref name="findings"/>' recommendations, ordered by tier,
    /// then by the most severe motivating finding, then by first appearance. No finding, no recommendation.
    /// </summary>
    public static IReadOnlyList<RecommendationItem> Build(IReadOnlyList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var groups = new List<(RecommendationTier Tier, string Text, List<FindingReference> Refs, int Order)>();
        for (var i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            if (f.Recommendation is not { } r)
            {
                continue;
            }

            var reference = new FindingReference(f.RuleId, f.Endpoint, f.Severity);
            var existing = groups.FindIndex(g => g.Tier == r.Tier && g.Text == r.Text);
            if (existing >= 0)
            {
                groups[existing].Refs.Add(reference);
            }
            else
            {
                groups.Add((r.Tier, r.Text, [reference], i));
            }
        }

        return groups
            .OrderBy(g => g.Tier)
            .ThenByDescending(g => g.Refs.Max(x => x.Severity))
            .ThenBy(g => g.Order)
            .Select(g => new RecommendationItem(g.Tier, g.Text, g.Refs))
            .ToList();
    }
}
