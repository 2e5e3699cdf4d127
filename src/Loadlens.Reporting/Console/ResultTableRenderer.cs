using Loadlens.Core.Results;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Loadlens.Reporting.Console;

/// <summary>The final per-endpoint result table printed at the end of a run (Spectre.Console).</summary>
internal static class ResultTableRenderer
{
    /// <summary>
    /// Build the per-endpoint table: Endpoint, Method, Requests, Failures, Success %, Min, Mean, Median,
    /// p95, p99, Max (ms) and req/s, with the Aggregated row last in bold.
    /// </summary>
    /// <param name="result">The run to show.</param>
    /// <returns>A renderable table.</returns>
    public static IRenderable BuildTable(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var table = new Table().Border(TableBorder.Rounded);
        table.Caption($"latencies in ms, rates over {ReportFormat.Seconds(result.MeasuredSeconds)} measured");
        var headings = EndpointRow.Headings;
        for (var i = 0; i < headings.Count; i++)
        {
            var column = new TableColumn(Markup.Escape(headings[i]));
            if (i >= 2)
            {
                column.RightAligned();
            }

            table.AddColumn(column);
        }

        foreach (var row in EndpointRows.Build(result))
        {
            var cells = new List<IRenderable>(headings.Count);
            if (row.IsAggregate)
            {
                cells.Add(new Markup($"[bold]{Markup.Escape(row.Endpoint)}[/]"));
                cells.Add(Text.Empty);
                cells.AddRange(row.NumericCells.Select(c => new Markup($"[bold]{Markup.Escape(c)}[/]")));
            }
            else
            {
                cells.Add(new Text(row.Endpoint));
                cells.Add(new Text(row.Method));
                var numeric = row.NumericCells;
                for (var i = 0; i < numeric.Count; i++)
                {
                    // Highlight the failure count of endpoints that had failures (index 1 = Failures).
                    cells.Add(i == 1 && row.HasFailures
                        ? new Markup($"[red]{Markup.Escape(numeric[i])}[/]")
                        : new Text(numeric[i]));
                }
            }

            table.AddRow(cells);
        }

        return table;
    }

    /// <summary>
    /// Print the table and a one-line footer: total requests, failures, measured seconds and outcome
    /// (plus intended/sent/late/dropped arrivals for open-model runs).
    /// </summary>
    /// <param name="console">Where to write.</param>
    /// <param name="result">The run to show.</param>
    public static void Write(IAnsiConsole console, RunResult result)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(result);
        console.Write(BuildTable(result));
        console.MarkupLine(Footer(result));
    }

    /// <summary>The footer line as Spectre markup.</summary>
    internal static string Footer(RunResult result)
    {
        var total = result.Total;
        var failures = total.Failures > 0
            ? $"[red]{ReportFormat.Count(total.Failures)} failures[/] ({ReportFormat.Percent(total.Failures, total.Requests)} %)"
            : "0 failures";
        var outcome = result.Outcome.Completed
            ? "[green]completed[/]"
            : $"[yellow]{Markup.Escape(ReportFormat.Outcome(result.Outcome))}[/]";
        var unfinished = total.Unfinished > 0 ? $" [red]of them {ReportFormat.Count(total.Unfinished)} unfinished[/]" : string.Empty;
        var line = $"{ReportFormat.Count(total.Requests)} requests, {failures}{unfinished} in {ReportFormat.Seconds(result.MeasuredSeconds)} measured; {outcome}";
        if (result.Arrivals is { } a)
        {
            line += $"; arrivals: {ReportFormat.Count(a.Intended)} intended, {ReportFormat.Count(a.Sent)} sent, " +
                    $"{ReportFormat.Count(a.Late)} late, {ReportFormat.Count(a.Dropped)} dropped " +
                    $"({ReportFormat.Rate(a.AchievedRate)} of {ReportFormat.Rate(a.IntendedRate)} req/s)";
        }

        return line;
    }
}
