using Loadlens.Analysis;
using Loadlens.Analysis.Advice;
using Loadlens.Core.Findings;
using Spectre.Console;

namespace Loadlens.Reporting.Console;

/// <summary>Prints an analysis in the terminal: findings table, SLA table, recommendations by tier.</summary>
internal static class FindingsRenderer
{
    /// <summary>Write the findings, SLA checks and recommendations of <paramref name="report"/>.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="report">The analysis.</param>
    public static void Write(IAnsiConsole console, AnalysisReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        console.Write(new Rule("[bold]Analysis[/]").LeftJustified());
        foreach (var sentence in report.Summary)
        {
            console.WriteLine(sentence);
        }

        WriteFindings(console, report.Findings, "(run)");
        foreach (var note in report.Notes)
        {
            console.MarkupLine($"[grey]Not judged: {Markup.Escape(note)}[/]");
        }

        if (report.Sla.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("SLA");
            table.AddColumn("Target");
            table.AddColumn("Endpoint");
            table.AddColumn("Metric");
            table.AddColumn(new TableColumn("Limit").RightAligned());
            table.AddColumn(new TableColumn("Actual").RightAligned());
            table.AddColumn("Result");
            foreach (var s in report.Sla)
            {
                var unit = s.Unit.Length == 0 ? string.Empty : " " + s.Unit;
                table.AddRow(
                    new Text(s.Target),
                    new Text(s.Endpoint ?? "-"),
                    new Text(s.Metric),
                    new Text(s.Metric == "endpoint" ? "-" : ReportFormat.Number(s.Limit) + unit),
                    new Text(s.Actual is { } a ? ReportFormat.Number(a) + unit : "-"),
                    new Markup(s.Passed ? "[green]pass[/]" : "[red bold]FAIL[/]" + (s.Note is null ? string.Empty : " " + Markup.Escape(s.Note))));
            }

            console.Write(table);
            var failed = report.Sla.Count(s => !s.Passed);
            console.MarkupLine(failed == 0 ? $"[green]SLA: PASS[/] ({report.Sla.Count} checks)" : $"[red bold]SLA: FAIL[/] ({failed} of {report.Sla.Count} checks failed)");
        }

        if (report.Gate is { } gate)
        {
            console.MarkupLine(gate.Passed
                ? $"[green]Gate: PASS[/] ({Markup.Escape(AnalysisText.Gate(gate))})"
                : $"[red bold]Gate: FAIL[/] ({Markup.Escape(AnalysisText.Gate(gate))}; --max-error-rate sets the limit, --no-gate turns it off)");
        }

        WriteRecommendations(console, report.Recommendations);

        WriteCache(console, report);
    }

    /// <summary>
    /// The findings table (severity, rule, endpoint, title): the one console rendering of findings, for runs and
    /// sweeps. Nothing is written when there are none. <paramref name="wholeScope"/> fills the endpoint cell of
    /// findings about the whole run (or sweep).
    /// </summary>
    internal static void WriteFindings(IAnsiConsole console, IReadOnlyList<Finding> findings, string wholeScope)
    {
        if (findings.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("Findings");
        table.AddColumn("Severity");
        table.AddColumn("Rule");
        table.AddColumn("Endpoint");
        table.AddColumn("Finding");
        foreach (var f in findings)
        {
            table.AddRow(
                new Markup(SeverityMarkup(f.Severity)),
                new Text(f.RuleId),
                new Text(f.Endpoint ?? wholeScope),
                new Text(f.Title));
        }

        console.Write(table);
    }

    /// <summary>The recommendations under a heading per tier ("Immediate:", "Short-term:", "Long-term:"), for runs and sweeps.</summary>
    internal static void WriteRecommendations(IAnsiConsole console, IReadOnlyList<RecommendationItem> recommendations)
    {
        foreach (var tier in new[] { RecommendationTier.Immediate, RecommendationTier.ShortTerm, RecommendationTier.LongTerm })
        {
            var items = recommendations.Where(r => r.Tier == tier).ToList();
            if (items.Count == 0)
            {
                continue;
            }

            console.MarkupLine($"[bold]{AnalysisText.TierHeading(tier)}:[/]");
            foreach (var item in items)
            {
                console.WriteLine($"  - {item.Text}");
            }
        }
    }

    private static void WriteCache(IAnsiConsole console, AnalysisReport report)
    {
        var advised = report.CacheTtl.Where(c => c.TtlSeconds is not null).ToList();
        if (advised.Count > 0)
        {
            console.WriteLine("Cache TTL (heuristic, if the data may be that stale): " + string.Join(", ", advised.Select(c => $"{c.Endpoint} {ReportFormat.Seconds(c.TtlSeconds!.Value)}")));
        }
    }

    private static string SeverityMarkup(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical => $"[red bold]{AnalysisText.Severity(severity)}[/]",
        FindingSeverity.Warning => $"[yellow]{AnalysisText.Severity(severity)}[/]",
        _ => $"[grey]{AnalysisText.Severity(severity)}[/]",
    };
}
