using Loadlens.Core.Results;
using Spectre.Console;

namespace Loadlens.Reporting.Console;

/// <summary>
/// The server-side tables printed after the result table: Server-Timing response headers next to the client
/// latency, the server process watch (<see cref="ProcessWatchRenderer"/>), and the evidence of OTLP spans joined to the run's requests.
/// </summary>
internal static class ServerEvidenceRenderer
{
    public static void Write(IAnsiConsole console, RunResult run)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(run);
        WriteServerTiming(console, run);
        ProcessWatchRenderer.Write(console, run);
        if (ServerEvidenceRows.Of(run) is not { } evidence)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("Server side (OpenTelemetry)");
        table.Caption(Markup.Escape(ServerEvidenceRows.Coverage(run, evidence)));
        for (var i = 0; i < ServerEvidenceRows.Headings.Count; i++)
        {
            var column = new TableColumn(Markup.Escape(ServerEvidenceRows.Headings[i]));
            table.AddColumn(i == 0 ? column : column.RightAligned());
        }

        foreach (var (endpoint, cells) in ServerEvidenceRows.Build(run, evidence))
        {
            table.AddRow([new Text(endpoint), .. cells.Select(c => new Text(c))]);
        }

        console.Write(table);
        var statements = ServerEvidenceRows.Statements(evidence, 5);
        if (statements.Count > 0)
        {
            var st = new Table().Border(TableBorder.Rounded).Title("Statements (by total time)");
            for (var i = 0; i < ServerEvidenceRows.StatementHeadings.Count; i++)
            {
                var column = new TableColumn(Markup.Escape(ServerEvidenceRows.StatementHeadings[i]));
                st.AddColumn(i < 2 ? column : column.RightAligned());
            }

            foreach (var row in statements)
            {
                st.AddRow(row.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());
            }

            console.Write(st);
        }

        foreach (var line in ServerEvidenceRows.Database(evidence))
        {
            console.WriteLine(line);
        }
    }

    private static void WriteServerTiming(IAnsiConsole console, RunResult run)
    {
        var rows = ServerTimingRows.Build(run);
        if (rows.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("Server-Timing (response headers)");
        table.Caption(Markup.Escape(ServerTimingRows.Coverage(run)));
        for (var i = 0; i < ServerTimingRows.Headings.Count; i++)
        {
            var column = new TableColumn(Markup.Escape(ServerTimingRows.Headings[i]));
            table.AddColumn(i < 2 ? column : column.RightAligned());
        }

        foreach (var (endpoint, cells) in rows)
        {
            table.AddRow([new Text(endpoint), .. cells.Select(c => new Text(c))]);
        }

        console.Write(table);
    }
}
