using System.Text;
using Loadlens.Analysis.Compare;

namespace Loadlens.Reporting.Compare;

/// <summary>
/// <c>comparison.md</c>: the "Baseline vs. Candidate | Improvement" tables a team pastes into a review, one per row
/// (overall first, then each endpoint), every metric with its CI and verdict, then regressions, warnings and unmatched endpoints.
/// </summary>
internal static class ComparisonMarkdownWriter
{
    public static string Render(ComparisonReport report)
    {
        var sb = new StringBuilder();
        sb.Append("# Comparison: ").Append(Md(report.Baseline.Label)).Append(" → ").Append(Md(report.Candidate.Label)).Append("\n\n");
        sb.Append("**Verdict: ").Append(ComparisonText.Verdict(report.Verdict)).Append("** (").Append(ComparisonText.Settings(report.Options)).Append(")\n\n");
        if (report.NotComparableReason is { } reason)
        {
            sb.Append("**Not comparable:** ").Append(Md(reason)).Append("\n\n");
        }

        sb.Append("| | Baseline | Candidate |\n|---|---|---|\n");
        sb.Append("| run | ").Append(Md(report.Baseline.Name)).Append(" | ").Append(Md(report.Candidate.Name)).Append(" |\n");
        sb.Append("| tool | ").Append(Md(report.Baseline.Tool)).Append(" | ").Append(Md(report.Candidate.Tool)).Append(" |\n");
        sb.Append("| started | ").Append(ReportFormat.IsoUtc(report.Baseline.StartedAt)).Append(" | ").Append(ReportFormat.IsoUtc(report.Candidate.StartedAt)).Append(" |\n");
        sb.Append("| requests / intervals | ").Append(ReportFormat.Count(report.Baseline.Requests)).Append(" / ").Append(report.Baseline.Intervals)
            .Append(" | ").Append(ReportFormat.Count(report.Candidate.Requests)).Append(" / ").Append(report.Candidate.Intervals).Append(" |\n");
        if (report.Baseline.Runs > 1 || report.Candidate.Runs > 1)
        {
            sb.Append("| runs | ").Append(report.Baseline.Runs).Append(" | ").Append(report.Candidate.Runs).Append(" |\n");
        }

        sb.Append('\n');
        if (report.RunNoise is { } noise)
        {
            sb.Append(Md("Run-to-run noise: " + noise + ".")).Append("\n\n");
        }

        Rows(sb, report.Endpoints.Prepend(report.Overall), heading: "##");
        Tail(sb, report.Regressions, report.Warnings, report.UnmatchedBaseline, report.UnmatchedCandidate, [.. report.Endpoints.Prepend(report.Overall)]);
        return sb.ToString();
    }

    public static string Render(SweepComparison report)
    {
        var sb = new StringBuilder();
        sb.Append("# Sweep comparison: ").Append(Md(report.BaselineLabel)).Append(" → ").Append(Md(report.CandidateLabel)).Append("\n\n");
        sb.Append("**Verdict: ").Append(ComparisonText.Verdict(report.Verdict)).Append("** over the common levels (").Append(ComparisonText.Settings(report.Options)).Append(")\n\n");
        if (report.NotComparableReason is { } reason)
        {
            sb.Append("**Not comparable:** ").Append(Md(reason)).Append("\n\n");
        }

        sb.Append("## Capacity\n\nSingle estimates from each sweep's capacity analysis (no verdict of their own; the per-level verdicts below carry the evidence).\n\n");
        sb.Append("| Figure | Baseline | Candidate | Change |\n|---|---:|---:|---:|\n");
        foreach (var f in report.Figures)
        {
            sb.Append("| ").Append(f.Name).Append(" | ").Append(ComparisonText.Value(f.Baseline, f.Unit)).Append(" | ").Append(ComparisonText.Value(f.Candidate, f.Unit))
                .Append(" | ").Append(ComparisonText.Relative(f.RelativeChange)).Append(" |\n");
        }

        sb.Append('\n');
        foreach (var level in report.Levels)
        {
            sb.Append("## Level ").Append(ReportFormat.Number(level.Level)).Append(report.Model == "closed" ? " users" : " req/s")
                .Append(": ").Append(ComparisonText.Verdict(level.Comparison.Verdict)).Append("\n\n");
            Rows(sb, level.Comparison.Endpoints.Prepend(level.Comparison.Overall), heading: "###");
        }

        if (report.UnmatchedLevels.Count > 0)
        {
            sb.Append("Levels in only one sweep: ").Append(string.Join(", ", report.UnmatchedLevels.Select(ReportFormat.Number))).Append("\n\n");
        }

        Tail(sb, report.Regressions, report.Warnings, [], [], [.. report.Levels.SelectMany(l => l.Comparison.Endpoints.Prepend(l.Comparison.Overall))]);
        return sb.ToString();
    }

    private static void Rows(StringBuilder sb, IEnumerable<EndpointComparison> rows, string heading)
    {
        foreach (var row in rows)
        {
            sb.Append(heading).Append(' ').Append(row.Name == Core.Results.EndpointResult.AggregatedName ? "Overall" : Md(row.Name));
            if (!string.Equals(row.Name, row.CandidateName, StringComparison.Ordinal))
            {
                sb.Append(" (candidate: ").Append(Md(row.CandidateName)).Append(')');
            }

            sb.Append("\n\n| Metric | Baseline | Candidate | Improvement | 95 % CI of change | Verdict |\n|---|---:|---:|---:|---:|---|\n");
            foreach (var m in row.Metrics)
            {
                var verdict = ComparisonText.Verdict(m.Verdict);
                sb.Append("| ").Append(m.Metric).Append(" | ").Append(ComparisonText.Value(m.Baseline, m.Unit)).Append(" | ").Append(ComparisonText.Value(m.Candidate, m.Unit))
                    .Append(" | ").Append(ComparisonText.Improvement(m)).Append(" | ").Append(ComparisonText.Interval(m)).Append(" | ")
                    .Append(m.Verdict is ComparisonVerdict.Faster or ComparisonVerdict.Slower ? $"**{verdict}**" : verdict).Append(" |\n");
            }

            sb.Append('\n');
        }
    }

    private static void Tail(StringBuilder sb, IReadOnlyList<Regression> regressions, IReadOnlyList<ComparabilityWarning> warnings, IReadOnlyList<string> unmatchedA, IReadOnlyList<string> unmatchedB, IReadOnlyList<EndpointComparison> rows)
    {
        if (regressions.Count > 0)
        {
            sb.Append("## Regressions\n\n");
            foreach (var r in regressions)
            {
                sb.Append("- ").Append(Md(ComparisonText.Regression(r, ComparisonText.UnitOf(r, rows)))).Append('\n');
            }

            sb.Append('\n');
        }

        if (warnings.Count > 0)
        {
            sb.Append("## Comparability\n\n");
            foreach (var w in warnings)
            {
                sb.Append("- **").Append(w.Code).Append("**: ").Append(Md(w.Message)).Append('\n');
            }

            sb.Append('\n');
        }

        if (unmatchedA.Count > 0 || unmatchedB.Count > 0)
        {
            sb.Append("## Unmatched endpoints\n\n");
            foreach (var e in unmatchedA)
            {
                sb.Append("- only in the baseline: ").Append(Md(e)).Append('\n');
            }

            foreach (var e in unmatchedB)
            {
                sb.Append("- only in the candidate: ").Append(Md(e)).Append('\n');
            }

            sb.Append('\n');
        }

        sb.Append("Faster/slower means better/worse for that metric (higher throughput, fewer errors count as faster). Method: docs/compare.md.\n");
    }

    private static string Md(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
