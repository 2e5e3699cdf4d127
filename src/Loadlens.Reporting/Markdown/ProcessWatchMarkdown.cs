using Loadlens.Core.Results;

namespace Loadlens.Reporting.Markdown;

/// <summary>
/// summary.md's "Server process" section (<c>--target-pid</c>): the headline figures, the watched processes, the
/// per-interval series next to the client's latency, the notes, and a ".NET runtime" block when the run has
/// <see cref="DotnetCounters"/>. The cells are <see cref="ProcessRows"/>'. Lines without line ends; empty without either section.
/// </summary>
internal static class ProcessWatchMarkdown
{
    public static IReadOnlyList<string> Lines(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var lines = new List<string>();
        static string E(string text) => MarkdownSummaryWriter.Escape(text);
        void Table(IReadOnlyList<string> headings, IEnumerable<IReadOnlyList<string>> rows, int textColumns = 1)
        {
            lines.Add("| " + string.Join(" | ", headings.Select(E)) + " |");
            lines.Add("|" + string.Concat(headings.Select((_, i) => i < textColumns ? "---|" : "---:|")));
            lines.AddRange(rows.Select(r => "| " + string.Join(" | ", r.Select(E)) + " |"));
            lines.Add(string.Empty);
        }

        if (ProcessRows.Of(run) is { } watch)
        {
            lines.Add("## Server process");
            lines.Add(string.Empty);
            lines.Add(E(ProcessRows.Watched(watch)) + ".");
            lines.Add(string.Empty);
            Table(["Figure", "Value (measured window)"], ProcessRows.Figures(watch).Select(f => (IReadOnlyList<string>)[f.Figure, f.Value]), 2);
            Table(ProcessRows.ProcessHeadings, ProcessRows.Processes(watch));
            if (watch.Samples.Count > 0)
            {
                lines.Add("Per interval (CPU in % of one core; the latency is the client's):");
                lines.Add(string.Empty);
                Table(ProcessRows.IntervalHeadings, ProcessRows.Intervals(run, watch));
            }

            lines.AddRange(watch.Notes.Select(n => "- " + E(n)));
            if (watch.Notes.Count > 0)
            {
                lines.Add(string.Empty);
            }
        }

        if (ProcessRows.DotnetOf(run) is { Processes.Count: > 0 } counters)
        {
            lines.Add("## .NET runtime");
            lines.Add(string.Empty);
            Table(ProcessRows.DotnetHeadings, ProcessRows.Dotnet(counters));
            Table(ProcessRows.DotnetIntervalHeadings, ProcessRows.DotnetIntervals(run, counters), 0);
            lines.AddRange(counters.Notes.Select(n => "- " + E(n)));
            if (counters.Notes.Count > 0)
            {
                lines.Add(string.Empty);
            }
        }

        return lines;
    }
}
