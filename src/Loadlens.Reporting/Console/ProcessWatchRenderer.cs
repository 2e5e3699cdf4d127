using Loadlens.Core.Results;
using Spectre.Console;

namespace Loadlens.Reporting.Console;

/// <summary>
/// The server process tables printed after the result table (<c>--target-pid</c>): the headline figures (CPU per request,
/// CPU, RSS and its growth, threads, descriptors, context switches), the watched processes, the notes, and the .NET runtime
/// counters when the run has them. The cells are <see cref="ProcessRows"/>'; the per-interval series is in summary.md and report.html.
/// </summary>
internal static class ProcessWatchRenderer
{
    public static void Write(IAnsiConsole console, RunResult run)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(run);
        if (ProcessRows.Of(run) is { } watch)
        {
            var figures = new Table().Border(TableBorder.Rounded).Title("Server process (/proc)");
            figures.Caption(Markup.Escape(ProcessRows.Watched(watch)));
            figures.AddColumn("Figure").AddColumn("Value (measured window)");
            foreach (var (figure, value) in ProcessRows.Figures(watch))
            {
                figures.AddRow(new Text(figure), new Text(value));
            }

            console.Write(figures);
            if (watch.Processes.Count > 1)
            {
                var processes = new Table().Border(TableBorder.Rounded).Title("Watched processes");
                for (var i = 0; i < ProcessRows.ProcessHeadings.Count; i++)
                {
                    var column = new TableColumn(Markup.Escape(ProcessRows.ProcessHeadings[i]));
                    processes.AddColumn(i == 0 ? column : column.RightAligned());
                }

                foreach (var row in ProcessRows.Processes(watch))
                {
                    processes.AddRow(row.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());
                }

                console.Write(processes);
            }

            foreach (var note in watch.Notes)
            {
                console.WriteLine("note: " + note);
            }
        }

        if (ProcessRows.DotnetOf(run) is { Processes.Count: > 0 } counters)
        {
            var table = new Table().Border(TableBorder.Rounded).Title(".NET runtime (EventPipe counters)");
            for (var i = 0; i < ProcessRows.DotnetHeadings.Count; i++)
            {
                var column = new TableColumn(Markup.Escape(ProcessRows.DotnetHeadings[i]));
                table.AddColumn(i == 0 ? column : column.RightAligned());
            }

            foreach (var row in ProcessRows.Dotnet(counters))
            {
                table.AddRow(row.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());
            }

            console.Write(table);
            foreach (var note in counters.Notes)
            {
                console.WriteLine("note: " + note);
            }
        }
    }
}
