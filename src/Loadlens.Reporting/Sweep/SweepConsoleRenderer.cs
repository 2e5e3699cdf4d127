using System.Globalization;
using Loadlens.Analysis.Capacity;
using Loadlens.Core.Results;
using Loadlens.Reporting.Console;
using Spectre.Console;

namespace Loadlens.Reporting.Sweep;

/// <summary>The console view of a sweep: a table per step, then capacity, fit, knees and findings.</summary>
internal static class SweepConsoleRenderer
{
    /// <summary>Write the sweep summary to <paramref name="console"/>.</summary>
    public static void Write(IAnsiConsole console, SweepResult sweep, CapacityReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(report);
        var table = new Table().Border(TableBorder.Rounded);
        table.Caption("latencies in ms; Little N = users the generator kept busy (closed) or requests in flight (open)");
        table.AddColumn(new TableColumn(report.Model == "open" ? "offered req/s" : "users").RightAligned());
        foreach (var h in new[] { "req/s", "ok req/s", "mean", "p50", "p95", "p99", "errors", "Little N" })
        {
            table.AddColumn(new TableColumn(h).RightAligned());
        }

        table.AddColumn(new TableColumn("SLA"));
        foreach (var s in report.Steps)
        {
            var capacity = report.Capacity.StepIndex is { } c && report.Steps[c] == s;
            table.AddRow(
                new Markup(capacity ? $"[bold]{ReportFormat.Number(s.Level)}[/]" : ReportFormat.Number(s.Level)),
                new Text(ReportFormat.Rate(s.Throughput)),
                new Text(ReportFormat.Rate(s.Goodput)),
                new Text(ReportFormat.Ms(s.MeanMs)),
                new Text(ReportFormat.Ms(s.P50Ms)),
                new Text(ReportFormat.Ms(s.P95Ms)),
                new Text(ReportFormat.Ms(s.P99Ms)),
                new Markup(s.ErrorRate > 0 ? $"[red]{s.ErrorRate * 100:0.##} %[/]" : "0 %"),
                new Markup(Markup.Escape(s.LittleConcurrency.ToString("0.#", CultureInfo.InvariantCulture)) + (s.GeneratorLimited ? " [yellow]⚠[/]" : string.Empty)),
                new Markup(s.MeetsSla ? "[green]ok[/]" : $"[red]{Markup.Escape(string.Join("; ", s.Violations))}[/]"));
        }

        console.Write(table);
        console.MarkupLine($"[bold]Capacity at SLA:[/] {Markup.Escape(SweepText.Capacity(report))}");
        if (SweepText.Plateau(report) is { } plateau)
        {
            console.MarkupLine($"[bold]Plateau:[/] {Markup.Escape(plateau)}");
        }

        if (report.Usl is not null)
        {
            console.MarkupLine("[bold]USL fit:[/]");
            foreach (var line in SweepText.Usl(report))
            {
                console.MarkupLine($"  {Markup.Escape(line)}");
            }
        }

        console.MarkupLine($"[bold]Knees:[/] {Markup.Escape(SweepText.Knees(report))}");
        FindingsRenderer.WriteFindings(console, report.Findings, "(sweep)");
        FindingsRenderer.WriteRecommendations(console, report.Recommendations);
        foreach (var n in report.Notes)
        {
            console.MarkupLine($"[grey]note: {Markup.Escape(n)}[/]");
        }
    }
}
