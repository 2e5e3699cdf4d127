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
        WriteServerProcess(console, sweep);
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
        if (report.Sizing is { } sizing)
        {
            WriteSizing(console, sizing);
        }

        foreach (var n in report.Notes)
        {
            console.MarkupLine($"[grey]note: {Markup.Escape(n)}[/]");
        }
    }

    /// <summary>The sizing advice (<c>--target-rate</c>): each piece with its inputs, arithmetic and assumptions.</summary>
    public static void WriteSizing(IAnsiConsole console, Analysis.Sizing.SizingAdvice sizing)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(sizing);
        console.MarkupLine($"[bold]{Markup.Escape(SizingText.Heading(sizing))}:[/]");
        foreach (var item in sizing.Items)
        {
            console.MarkupLine(item.Advice is null
                ? $"  [bold]{Markup.Escape(item.Topic)}:[/] [yellow]{Markup.Escape(SizingText.Advice(item))}[/]"
                : $"  [bold]{Markup.Escape(item.Topic)}:[/] {Markup.Escape(item.Advice)}");
            foreach (var input in item.Inputs)
            {
                console.MarkupLine($"    [grey]input:[/] {Markup.Escape(SizingText.Input(input))}");
            }

            foreach (var line in item.Arithmetic)
            {
                console.MarkupLine($"    [grey]=[/] {Markup.Escape(line)}");
            }

            foreach (var line in item.Assumptions)
            {
                console.MarkupLine($"    [grey]assumes: {Markup.Escape(line)}[/]");
            }
        }
    }

    /// <summary>The server process per step (<c>--target-pid</c>): CPU per request and peak RSS; nothing without it.</summary>
    private static void WriteServerProcess(IAnsiConsole console, SweepResult sweep)
    {
        var rows = ProcessRows.Steps(sweep);
        if (rows.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("Server process per step (/proc)");
        foreach (var heading in ProcessRows.StepHeadings)
        {
            table.AddColumn(new TableColumn(Markup.Escape(heading)).RightAligned());
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());
        }

        console.Write(table);
    }
}
