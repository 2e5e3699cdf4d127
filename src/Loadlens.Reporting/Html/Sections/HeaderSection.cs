using Loadlens.Core.Findings;
using Loadlens.Reporting.Outputs;
using Loadlens.Reporting.Sweep;

namespace Loadlens.Reporting.Html.Sections;

/// <summary>The page header: what was tested, against what, when, for how long, with which load and tool.</summary>
internal sealed class HeaderSection : IHtmlSection
{
    public bool Applies(OutputContext context) => context.Run is not null || context.Sweep is not null;

    public void Write(HtmlPage page, OutputContext context)
    {
        page.Raw("<header class=\"report-header\">");
        if (context.Run is { } run)
        {
            page.Raw("<p class=\"kicker\">Load test report</p>").Element("h1", run.Name);
            var s = run.Settings;
            var load = RunSettingsText.IsOpen(s)
                ? $"{RunSettingsText.LoadModel(s)}, {(s.Rate is { } rate ? ReportFormat.Number(rate) + " req/s peak" : ReportFormat.None)}"
                : $"{RunSettingsText.LoadModel(s)}, {(s.Users is { } users ? ReportFormat.Count(users) + " users peak" : ReportFormat.None)}";
            Facts(page,
            [
                ("Target", s.Target.Length > 0 ? s.Target : ReportFormat.None),
                ("Started", Started(run.StartedAt)),
                ("Duration", RunSettingsText.Duration(run) + (run.WarmupSeconds > 0 ? $", warm-up {ReportFormat.Seconds(run.WarmupSeconds)}" : string.Empty)),
                ("Load model", load),
                ("Measured by", run.Source.Tool == run.Environment.ToolName ? RunSettingsText.Tool(run.Environment) : $"{run.Source.Tool} ({run.Source.Format}), read by {RunSettingsText.Tool(run.Environment)}"),
            ]);
            page.Raw("<details class=\"settings\"><summary>All run settings</summary><table class=\"kv\"><tbody>");
            foreach (var row in RunSettingsText.Rows(run))
            {
                page.Raw("<tr><th scope=\"row\">").Text(row.Setting).Raw("</th><td>");
                page.Raw(row.Style switch { SettingStyle.Code => "<code>", SettingStyle.Alert => "<strong>", _ => string.Empty })
                    .Text(row.Value)
                    .Raw(row.Style switch { SettingStyle.Code => "</code>", SettingStyle.Alert => "</strong>", _ => string.Empty });
                if (row.Detail is not null)
                {
                    page.Text(" (" + row.Detail + ")");
                }

                page.Raw("</td></tr>");
            }

            page.Raw("</tbody></table></details>");
        }
        else if (context.Sweep is { } sweep)
        {
            page.Raw("<p class=\"kicker\">Capacity sweep</p>").Element("h1", sweep.Name);
            Facts(page,
            [
                ("Target", sweep.Target),
                ("Started", Started(sweep.StartedAt)),
                ("Steps", SweepText.Outcome(sweep)),
                ("Load model", SweepText.Settings(sweep)),
                ("Measured by", RunSettingsText.Tool(sweep.Environment)),
            ]);
        }

        page.Raw("</header>\n");
    }

    private static string Started(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    private static void Facts(HtmlPage page, IReadOnlyList<(string Name, string Value)> facts)
    {
        page.Raw("<dl class=\"facts\">");
        foreach (var (name, value) in facts)
        {
            page.Raw("<div>").Element("dt", name).Element("dd", value).Raw("</div>");
        }

        page.Raw("</dl>");
    }
}

/// <summary>The verdict banner: SLA and gate pass/fail and the count of critical findings.</summary>
internal sealed class VerdictSection : IHtmlSection
{
    public bool Applies(OutputContext context) => context.Analysis is not null || context.Capacity is not null;

    public void Write(HtmlPage page, OutputContext context)
    {
        bool passed;
        var reasons = new List<string>();
        IReadOnlyList<Finding> findings;
        if (context.Analysis is { } analysis)
        {
            passed = analysis.Passed;
            findings = analysis.Findings;
            var failedSla = analysis.Sla.Count(s => !s.Passed);
            reasons.Add(analysis.Sla.Count == 0 ? "no SLA targets" : failedSla == 0 ? $"SLA met (all {analysis.Sla.Count} checks)" : $"SLA failed ({failedSla} of {analysis.Sla.Count} checks)");
            if (analysis.Gate is { } gate)
            {
                reasons.Add((gate.Passed ? "gate passed: " : "gate failed: ") + AnalysisText.Gate(gate));
            }
        }
        else
        {
            var capacity = context.Capacity!;
            passed = capacity.SlaPassed;
            findings = capacity.Findings;
            reasons.Add(passed ? "a step met the SLA" : "no step met the SLA");
        }

        var critical = findings.Count(f => f.Severity == FindingSeverity.Critical);
        var warnings = findings.Count(f => f.Severity == FindingSeverity.Warning);
        page.Raw($"<div class=\"verdict {(passed ? "pass" : "fail")}\" role=\"status\" data-verdict=\"{(passed ? "pass" : "fail")}\">")
            .Raw("<span class=\"verdict-word\">").Text(passed ? "PASS" : "FAIL").Raw("</span>")
            .Raw("<span class=\"verdict-text\">").Text(string.Join(" · ", reasons)).Raw("</span>")
            .Raw($"<span class=\"verdict-counts\"><span class=\"badge critical\" data-critical=\"{critical}\">")
            .Text($"{critical} critical").Raw("</span><span class=\"badge warning\">").Text($"{warnings} warning{(warnings == 1 ? string.Empty : "s")}")
            .Raw("</span></span></div>\n");
        if (context.Run is { } run)
        {
            if (!run.Outcome.Completed)
            {
                page.Raw("<p class=\"alert\">").Text($"Partial results: the run did not reach its planned end ({ReportFormat.Outcome(run.Outcome)}). All figures cover only the time it ran.").Raw("</p>\n");
            }

            if (run.Total.Unfinished > 0)
            {
                page.Raw("<p class=\"alert\">").Text(AnalysisText.Unfinished(run)).Raw("</p>\n");
            }

            if (run.Generator is { Saturated: true } generator)
            {
                page.Raw("<p class=\"alert\">").Text($"The load generator was the bottleneck: {generator.SaturationReason ?? "its CPU was saturated"}. The target may sustain more than this run shows.").Raw("</p>\n");
            }
        }
    }
}

/// <summary>The analysis' executive summary.</summary>
internal sealed class SummarySection : IHtmlSection
{
    public bool Applies(OutputContext context) => context.Analysis is { Summary.Count: > 0 };

    public void Write(HtmlPage page, OutputContext context)
    {
        page.BeginSection("summary", "Executive summary").Element("p", string.Join(" ", context.Analysis!.Summary), "lead").EndSection();
    }
}
