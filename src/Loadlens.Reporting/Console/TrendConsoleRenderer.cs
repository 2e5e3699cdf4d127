using System.Globalization;
using Loadlens.Analysis.Trends;
using Loadlens.Reporting.Trends;
using Spectre.Console;

namespace Loadlens.Reporting.Console;

/// <summary>A history trend in the terminal: the series as a table (change points marked), then one line per change point.</summary>
internal static class TrendConsoleRenderer
{
    public static void Write(IAnsiConsole console, TrendReport trend)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(trend);
        var unit = TrendMetrics.Unit(trend.Metric);
        var table = new Table().Border(TableBorder.Rounded);
        table.Title($"{Markup.Escape(TrendMetrics.Name(trend.Metric))} of {Markup.Escape(trend.Endpoint)} ({Markup.Escape(trend.Scenario)})");
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("Run");
        table.AddColumn("Started (UTC)");
        table.AddColumn("Commit");
        table.AddColumn("Branch");
        table.AddColumn(new TableColumn(Markup.Escape(TrendMetrics.Name(trend.Metric))).RightAligned());
        table.AddColumn(string.Empty);
        var changes = trend.ChangePoints.ToDictionary(c => c.Index);
        for (var i = 0; i < trend.Points.Count; i++)
        {
            var p = trend.Points[i];
            var mark = changes.TryGetValue(i, out var c)
                ? (c.Regression ? "[red]▲ change[/]" : "[green]▼ change[/]")
                : string.Empty;
            table.AddRow(
                new Text((i + 1).ToString(CultureInfo.InvariantCulture)),
                new Text(p.RunId),
                new Text(p.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
                new Text(TrendMarkdownWriter.Short(p.Commit)),
                new Text(p.Branch ?? "–"),
                new Text(TrendMarkdownWriter.Value(p.Value, unit)),
                new Markup(mark));
        }

        console.Write(table);
        if (trend.ChangePoints.Count == 0)
        {
            console.WriteLine("No change point.");
        }

        foreach (var c in trend.ChangePoints)
        {
            console.MarkupLine($"{(c.Regression ? "[red]Regression[/]" : "[green]Improvement[/]")}: {Markup.Escape(c.Text)} (p = {c.PValue.ToString("0.###", CultureInfo.InvariantCulture)})");
        }
    }
}
