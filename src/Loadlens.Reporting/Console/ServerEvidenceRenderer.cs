using Loadlens.Core.Results;
using Spectre.Console;

namespace Loadlens.Reporting.Console;

/// <summary>The server-side evidence table (OTLP spans joined to the run's requests), printed after the result table.</summary>
internal static class ServerEvidenceRenderer
{
    public static void Write(IAnsiConsole console, RunResult run)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(run);
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
    }
}
