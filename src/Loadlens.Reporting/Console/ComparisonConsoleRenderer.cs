using Loadlens.Analysis.Compare;
using Loadlens.Reporting.Compare;
using Spectre.Console;

namespace Loadlens.Reporting.Console;

/// <summary>The comparison table printed by <c>loadlens compare</c>: one row per endpoint × metric, verdicts coloured, then regressions and unmatched endpoints.</summary>
internal static class ComparisonConsoleRenderer
{
    public static void Write(IAnsiConsole console, ComparisonReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        console.MarkupLine($"[bold]{Markup.Escape(report.Baseline.Label)}[/] → [bold]{Markup.Escape(report.Candidate.Label)}[/]: {Verdict(report.Verdict)}");
        console.Write(Table(report.Endpoints.Prepend(report.Overall), report.Options, string.Empty));
        Tail(console, report.Regressions, [.. report.Endpoints.Prepend(report.Overall)], report.UnmatchedBaseline, report.UnmatchedCandidate);
        if (report.RunNoise is { } noise)
        {
            console.MarkupLine($"[grey]run-to-run noise: {Markup.Escape(noise)}[/]");
        }
    }

    public static void Write(IAnsiConsole console, SweepComparison report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        console.MarkupLine($"[bold]{Markup.Escape(report.BaselineLabel)}[/] → [bold]{Markup.Escape(report.CandidateLabel)}[/] (sweeps): {Verdict(report.Verdict)}");
        var figures = new Table().Border(TableBorder.Rounded).AddColumn("Capacity").AddColumn(new TableColumn("Baseline").RightAligned()).AddColumn(new TableColumn("Candidate").RightAligned()).AddColumn(new TableColumn("Change").RightAligned());
        foreach (var f in report.Figures)
        {
            figures.AddRow(Markup.Escape(f.Name), Markup.Escape(ComparisonText.Value(f.Baseline, f.Unit)), Markup.Escape(ComparisonText.Value(f.Candidate, f.Unit)), Markup.Escape(ComparisonText.Relative(f.RelativeChange)));
        }

        console.Write(figures);
        foreach (var level in report.Levels)
        {
            console.MarkupLine($"level {Markup.Escape(ReportFormat.Number(level.Level))} {(report.Model == "closed" ? "users" : "req/s")}: {Verdict(level.Comparison.Verdict)}");
            console.Write(Table(level.Comparison.Endpoints.Prepend(level.Comparison.Overall), report.Options, string.Empty));
        }

        Tail(console, report.Regressions, [.. report.Levels.SelectMany(l => l.Comparison.Endpoints.Prepend(l.Comparison.Overall))], [], []);
    }

    private static Table Table(IEnumerable<EndpointComparison> rows, ComparisonOptions options, string caption)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Endpoint").AddColumn("Metric");
        foreach (var heading in new[] { "Baseline", "Candidate", "Change", "95 % CI" })
        {
            table.AddColumn(new TableColumn(Markup.Escape(heading)).RightAligned());
        }

        table.AddColumn("Verdict");
        if (caption.Length > 0)
        {
            table.Caption(caption);
        }

        foreach (var row in rows)
        {
            var first = true;
            foreach (var m in row.Metrics)
            {
                var gated = options.GatedMetrics.Contains(m.Metric, StringComparer.OrdinalIgnoreCase);
                var name = first ? (row.Name == Core.Results.EndpointResult.AggregatedName ? "[bold]Overall[/]" : Markup.Escape(row.Name)) : string.Empty;
                table.AddRow(
                    name,
                    gated ? $"[bold]{Markup.Escape(m.Metric)}[/]" : Markup.Escape(m.Metric),
                    Markup.Escape(ComparisonText.Value(m.Baseline, m.Unit)),
                    Markup.Escape(ComparisonText.Value(m.Candidate, m.Unit)),
                    Markup.Escape(ComparisonText.Improvement(m)),
                    Markup.Escape(ComparisonText.Interval(m)),
                    Verdict(m.Verdict));
                first = false;
            }
        }

        table.Caption(Markup.Escape(ComparisonText.Settings(options)));
        return table;
    }

    /// <summary>Regressions and unmatched endpoints; the comparability warnings go to standard error with the other messages.</summary>
    private static void Tail(IAnsiConsole console, IReadOnlyList<Regression> regressions, IReadOnlyList<EndpointComparison> rows, IReadOnlyList<string> unmatchedA, IReadOnlyList<string> unmatchedB)
    {
        foreach (var r in regressions)
        {
            console.MarkupLine($"[red]regression[/] {Markup.Escape(ComparisonText.Regression(r, ComparisonText.UnitOf(r, rows)))}");
        }

        if (unmatchedA.Count > 0)
        {
            console.MarkupLine($"only in the baseline: {Markup.Escape(string.Join(", ", unmatchedA))}");
        }

        if (unmatchedB.Count > 0)
        {
            console.MarkupLine($"only in the candidate: {Markup.Escape(string.Join(", ", unmatchedB))}");
        }
    }

    private static string Verdict(ComparisonVerdict verdict) => verdict switch
    {
        ComparisonVerdict.Faster => "[green]faster[/]",
        ComparisonVerdict.Slower => "[red]slower[/]",
        ComparisonVerdict.Same => "same",
        _ => "[yellow]inconclusive[/]",
    };
}
