using System.Globalization;
using Loadlens.Core.Results;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Reporting.Html.Sections;

/// <summary>
/// "Server process" (<c>--target-pid</c>): CPU (% of one core: all watched processes, the busiest one, the time spent
/// waiting for a core) and RSS over time, each next to the client's mean latency on the right axis; the headline figures,
/// the watched processes, the notes; and a ".NET runtime" block (GC pauses and heap over time, the counters table) when the
/// run has <see cref="DotnetCounters"/>. The cells are <see cref="ProcessRows"/>'.
/// </summary>
internal sealed class ServerProcessSection : IHtmlSection
{
    private static readonly ChartAxis LatencyAxis = new("latency (ms)", "ms");

    public bool Applies(OutputContext context) =>
        context.Run is { } run && (ProcessRows.Of(run) is not null || ProcessRows.DotnetOf(run) is { Processes.Count: > 0 });

    public void Write(HtmlPage page, OutputContext context)
    {
        var run = context.Run!;
        page.BeginSection("process", "Server process");
        var intervals = run.Intervals.ToDictionary(i => i.Index);
        ChartSeries Latency(IEnumerable<int> indexes) => new()
        {
            Label = "client mean latency",
            Y = [.. indexes.Select(i => intervals.GetValueOrDefault(i)?.Total.Latency is { Count: > 0 } l ? ChartNumbers.Value(l.Mean) : null)],
            Axis = "y2",
            Style = "dashed",
            Color = "muted",
        };

        if (ProcessRows.Of(run) is { } watch)
        {
            page.Element("p", ProcessRows.Watched(watch), "note");
            if (watch.Samples.Count > 0)
            {
                var xs = TimeCharts.Midpoints(watch.Samples.Select(s => (s.StartSeconds, s.DurationSeconds)));
                var indexes = watch.Samples.Select(s => s.IntervalIndex).ToList();
                page.Chart("process-cpu", "Server CPU over time", TimeCharts.Line(
                    run,
                    xs,
                    new ChartAxis("CPU (% of one core)", "%"),
                    [
                        new ChartSeries { Label = "all watched processes", Y = [.. watch.Samples.Select(s => ChartNumbers.Value(s.CpuPercent))], Style = "area", Color = "c0" },
                        new ChartSeries { Label = "busiest process", Y = [.. watch.Samples.Select(s => ChartNumbers.Value(s.BusiestProcessCpuPercent))], Color = "c1" },
                        new ChartSeries { Label = "waiting for a core", Y = [.. watch.Samples.Select(s => ChartNumbers.Value(s.CpuWaitPercent))], Style = "dashed", Color = "warn", Shown = watch.Samples.Any(s => s.CpuWaitPercent >= 5) },
                        Latency(indexes),
                    ]) with { Y2 = LatencyAxis, Marks = [new ChartMark("y", 100, "one core")] }, $"Per interval, from /proc. 100 % = one core busy; the machine has {watch.MachineCores.ToString(CultureInfo.InvariantCulture)}. Waiting: runnable but no core free (schedstat).");
                page.Chart("process-rss", "Server memory (RSS) over time", TimeCharts.Line(
                    run,
                    xs,
                    new ChartAxis("RSS (MB)", "MB"),
                    [
                        new ChartSeries { Label = "RSS", Y = [.. watch.Samples.Select(s => ChartNumbers.Value(s.RssBytes / 1e6))], Color = "c2" },
                        Latency(indexes),
                    ]) with { Y2 = LatencyAxis }, "Resident set size at each interval's end, summed over the watched processes.");
            }

            Table(page, ["Figure", "Value (measured window)"], ProcessRows.Figures(watch).Select(f => (IReadOnlyList<string>)[f.Figure, f.Value]), 2);
            Table(page, ProcessRows.ProcessHeadings, ProcessRows.Processes(watch), 1);
            foreach (var note in watch.Notes)
            {
                page.Element("p", "note: " + note, "note");
            }
        }

        if (ProcessRows.DotnetOf(run) is { Processes.Count: > 0 } counters)
        {
            page.Element("h3", ".NET runtime (EventPipe counters)");
            foreach (var (process, n) in counters.Processes.Select((p, n) => (p, n)))
            {
                if (process.Samples.Count == 0)
                {
                    continue;
                }

                var xs = TimeCharts.Midpoints(process.Samples.Select(s => (s.StartSeconds, s.DurationSeconds)));
                page.Chart("dotnet-gc-" + n.ToString(CultureInfo.InvariantCulture), $"{process.Name} (pid {process.Pid.ToString(CultureInfo.InvariantCulture)}): GC pauses and heap", TimeCharts.Line(
                    run,
                    xs,
                    new ChartAxis("GC pause (ms per interval)", "ms"),
                    [
                        new ChartSeries { Label = "GC pause", Y = [.. process.Samples.Select(s => ChartNumbers.Value(s.GcPauseMs))], Style = "area", Color = "bad" },
                        new ChartSeries { Label = "heap", Y = [.. process.Samples.Select(s => ChartNumbers.Value(s.HeapBytes / 1e6))], Axis = "y2", Color = "c2" },
                        new ChartSeries { Label = "thread-pool queue", Y = [.. process.Samples.Select(s => (double?)s.ThreadPoolQueueLength)], Axis = "y2", Style = "step", Color = "warn", Shown = false },
                    ]) with { Y2 = new ChartAxis("heap (MB)", "MB") }, "Per interval: time the runtime paused for GC (left), GC heap size at the interval's end (right).");
            }

            Table(page, ProcessRows.DotnetHeadings, ProcessRows.Dotnet(counters), 1);
            foreach (var note in counters.Notes)
            {
                page.Element("p", "note: " + note, "note");
            }
        }

        page.EndSection();
    }

    private static void Table(HtmlPage page, IReadOnlyList<string> headings, IEnumerable<IReadOnlyList<string>> rows, int textColumns)
    {
        page.Raw("<div class=\"table-wrap\"><table class=\"data sortable process\"><thead><tr>");
        foreach (var (heading, i) in headings.Select((h, i) => (h, i)))
        {
            page.Raw(i < textColumns ? "<th data-sort=\"text\" scope=\"col\">" : "<th data-sort=\"num\" scope=\"col\" class=\"num\">").Text(heading).Raw("</th>");
        }

        page.Raw("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            page.Raw("<tr>");
            foreach (var (cell, i) in row.Select((c, i) => (c, i)))
            {
                if (i < textColumns)
                {
                    page.Element("td", cell, i == 0 ? "name" : null);
                }
                else
                {
                    page.NumberCell(cell, SortValue(cell));
                }
            }

            page.Raw("</tr>\n");
        }

        page.Raw("</tbody></table></div>\n");
    }

    private static double? SortValue(string cell)
    {
        var text = cell.Split(' ')[0].Replace(",", string.Empty, StringComparison.Ordinal).Replace("%", string.Empty, StringComparison.Ordinal).Trim();
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
