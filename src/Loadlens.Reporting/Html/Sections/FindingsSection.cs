using Loadlens.Analysis.Advice;
using Loadlens.Core.Findings;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Reporting.Html.Sections;

/// <summary>
/// Findings by severity (most severe first) with their evidence and tiered recommendation, then the recommendations
/// by tier with the findings that motivate them: the HTML counterpart of <c>FindingsMarkdown</c>, for runs and sweeps,
/// with the same wording (<see cref="AnalysisText"/>).
/// </summary>
internal sealed class FindingsSection : IHtmlSection
{
    private static readonly FindingSeverity[] Severities = [FindingSeverity.Critical, FindingSeverity.Warning, FindingSeverity.Info];
    private static readonly RecommendationTier[] Tiers = [RecommendationTier.Immediate, RecommendationTier.ShortTerm, RecommendationTier.LongTerm];

    public bool Applies(OutputContext context) => context.Analysis is not null || context.Capacity is not null;

    public void Write(HtmlPage page, OutputContext context)
    {
        var (findings, recommendations, scope) = context.Analysis is { } a
            ? (a.Findings, a.Recommendations, "Whole run")
            : (context.Capacity!.Findings, context.Capacity.Recommendations, "Whole sweep");
        page.BeginSection("findings", "Findings");
        if (findings.Count == 0)
        {
            page.Element("p", context.Analysis is not null
                ? "No rule fired: nothing to report."
                : "No capacity finding: no plateau, contention, pool limit or retrograde throughput was detected, and no error threshold was crossed.", "empty");
        }

        foreach (var severity in Severities)
        {
            var group = findings.Where(f => f.Severity == severity).ToList();
            if (group.Count == 0)
            {
                continue;
            }

            var name = AnalysisText.Severity(severity);
            page.Raw($"<h3 class=\"severity {name}\">").Text($"{char.ToUpperInvariant(name[0])}{name[1..]} ({group.Count})").Raw("</h3>\n");
            foreach (var f in group)
            {
                page.Raw($"<article class=\"finding {name}\" data-rule=\"").Text(f.RuleId).Raw("\">")
                    .Raw($"<h4><span class=\"badge {name}\">").Text(name).Raw("</span> <span class=\"scope\">").Text(f.Endpoint ?? scope).Raw("</span>: ")
                    .Text(f.Title).Raw("</h4>")
                    .Raw("<p class=\"rule\">Rule <code>").Text(f.RuleId).Raw("</code></p>");
                if (f.Evidence.Count > 0)
                {
                    page.Raw("<dl class=\"evidence\" aria-label=\"Evidence\">");
                    foreach (var ev in f.Evidence)
                    {
                        page.Raw("<div>").Element("dt", ev.Name).Element("dd", AnalysisText.Evidence(ev)).Raw("</div>");
                    }

                    page.Raw("</dl>");
                }

                if (f.Recommendation is { } r)
                {
                    page.Raw($"<p class=\"recommendation\"><span class=\"tier {AnalysisText.Tier(r.Tier)}\">").Text(AnalysisText.TierHeading(r.Tier)).Raw("</span> ")
                        .Text(r.Text).Raw("</p>");
                }

                page.Raw("</article>\n");
            }
        }

        WriteRecommendations(page, recommendations);
        page.EndSection();
    }

    private static void WriteRecommendations(HtmlPage page, IReadOnlyList<RecommendationItem> recommendations)
    {
        if (recommendations.Count == 0)
        {
            return;
        }

        page.Raw("<h3>Recommendations</h3>\n<div class=\"tiers\">");
        foreach (var tier in Tiers)
        {
            var items = recommendations.Where(r => r.Tier == tier).ToList();
            if (items.Count == 0)
            {
                continue;
            }

            page.Raw($"<div class=\"tier-block {AnalysisText.Tier(tier)}\"><h4>").Text(AnalysisText.TierHeading(tier)).Raw("</h4><ol>");
            foreach (var item in items)
            {
                page.Raw("<li>").Text(item.Text).Raw(" <span class=\"because\">Because of: ")
                    .Text(string.Join(", ", item.MotivatedBy.Select(m => $"{m.RuleId} {(m.Endpoint is null ? "(whole run)" : "on " + m.Endpoint)}")))
                    .Raw("</span></li>");
            }

            page.Raw("</ol></div>");
        }

        page.Raw("</div>\n");
    }
}

/// <summary>The SLA table (target, endpoint, metric, limit, actual, result) and the exit gate.</summary>
internal sealed class SlaSection : IHtmlSection
{
    public bool Applies(OutputContext context) => context.Analysis is not null;

    public void Write(HtmlPage page, OutputContext context)
    {
        var report = context.Analysis!;
        page.BeginSection("sla", "SLA");
        if (report.Sla.Count == 0)
        {
            page.Element("p", "No SLA targets were given (add an sla section to the scenario, or pass --sla FILE to loadlens analyze).", "empty");
        }
        else
        {
            page.Raw("<table class=\"data sla\"><thead><tr><th>Target</th><th>Endpoint</th><th>Metric</th><th class=\"num\">Limit</th><th class=\"num\">Actual</th><th>Result</th></tr></thead><tbody>");
            foreach (var s in report.Sla)
            {
                var unit = s.Unit.Length == 0 ? string.Empty : " " + s.Unit;
                var limit = s.Metric == "endpoint" ? ReportFormat.None : (s.Metric == "minThroughput" ? "≥ " : "≤ ") + ReportFormat.Number(s.Limit) + unit;
                var actual = s.Actual is { } v ? ReportFormat.Number(v) + unit : ReportFormat.None;
                page.Raw($"<tr class=\"{(s.Passed ? "pass" : "fail")}\">").Element("td", s.Target).Element("td", s.Endpoint ?? ReportFormat.None, "name").Element("td", s.Metric)
                    .Element("td", limit, "num").Element("td", actual, "num")
                    .Raw($"<td><span class=\"badge {(s.Passed ? "pass" : "fail")}\">").Text(s.Passed ? "pass" : "FAIL").Raw("</span>")
                    .Text(s.Note is null ? string.Empty : $" ({s.Note})").Raw("</td></tr>");
            }

            page.Raw("</tbody></table>\n");
        }

        if (report.Gate is { } gate)
        {
            page.Raw($"<p class=\"gate {(gate.Passed ? "pass" : "fail")}\"><strong>").Text(gate.Passed ? "Gate: pass" : "Gate: FAIL").Raw("</strong> ")
                .Text(AnalysisText.Gate(gate) + (gate.Passed ? "." : "; the run fails even without an SLA (--max-error-rate sets the limit, --no-gate turns it off)."))
                .Raw("</p>\n");
        }

        page.EndSection();
    }
}
