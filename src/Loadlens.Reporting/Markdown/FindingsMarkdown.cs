using System.Text;
using Loadlens.Core.Findings;

namespace Loadlens.Reporting.Markdown;

/// <summary>
/// The one Markdown rendering of findings, for <c>analysis.md</c> and <c>sweep.md</c>: a heading per severity
/// (most severe first, with its count), then per finding a heading with its scope and title, the rule, the
/// evidence list (<see cref="AnalysisText.Evidence"/>) and the recommendation with its tier.
/// </summary>
internal static class FindingsMarkdown
{
    private static readonly FindingSeverity[] Severities = [FindingSeverity.Critical, FindingSeverity.Warning, FindingSeverity.Info];

    /// <summary>
    /// Append <paramref name="findings"/> to <paramref name="md"/> (<c>\n</c> line ends). Severity headings are at
    /// <paramref name="headingLevel"/>, findings one level below; <paramref name="wholeScope"/> names the scope of
    /// findings without an endpoint ("Whole run", "Whole sweep"). Nothing is written when there are none.
    /// </summary>
    public static void Write(StringBuilder md, IReadOnlyList<Finding> findings, int headingLevel, string wholeScope)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(findings);
        void Line(string text = "") => md.Append(text).Append('\n');
        static string E(string text) => MarkdownSummaryWriter.Escape(text);
        var severityHeading = new string('#', headingLevel);
        var findingHeading = new string('#', headingLevel + 1);
        foreach (var severity in Severities)
        {
            var group = findings.Where(f => f.Severity == severity).ToList();
            if (group.Count == 0)
            {
                continue;
            }

            var name = AnalysisText.Severity(severity);
            Line($"{severityHeading} {char.ToUpperInvariant(name[0])}{name[1..]} ({group.Count})");
            Line();
            foreach (var f in group)
            {
                Line($"{findingHeading} {E(f.Endpoint ?? wholeScope)}: {E(f.Title)}");
                Line();
                Line($"Rule `{f.RuleId}`. Evidence:");
                Line();
                foreach (var ev in f.Evidence)
                {
                    Line($"- {E(ev.Name)}: {E(AnalysisText.Evidence(ev))}");
                }

                Line();
                if (f.Recommendation is { } r)
                {
                    Line($"**{AnalysisText.TierHeading(r.Tier)}:** {E(r.Text)}");
                    Line();
                }
            }
        }
    }
}
