using System.Globalization;
using System.Text;
using Loadlens.Core.Results;

namespace Loadlens.Reporting.Markdown;

/// <summary>
/// Renders a <see cref="RunResult"/> as a performance-report style <c>summary.md</c>: run settings, per-endpoint
/// latency table, open-model arrival accounting, status codes and errors. The output depends only on the
/// result (no current time, invariant culture, <c>\n</c> line ends), so it can be compared byte for byte.
/// </summary>
internal static class MarkdownSummaryWriter
{
    /// <summary>Render the summary as Markdown text.</summary>
    /// <param name="result">The run to summarise.</param>
    /// <returns>GitHub-flavoured Markdown with <c>\n</c> line ends.</returns>
    public static string Render(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var md = new MarkdownText();
        md.Line($"# Load test summary: {Escape(result.Name)}");
        md.Blank();
        if (!result.Outcome.Completed)
        {
            md.Line($"> **Partial results.** The run did not reach its planned end ({Escape(ReportFormat.Outcome(result.Outcome))}). " +
                    "All figures cover only the time it ran.");
            md.Blank();
        }

        if (result.Total.Unfinished > 0)
        {
            md.Line($"> **{Escape(AnalysisText.Unfinished(result))}**");
            md.Blank();
        }

        if (result.Generator is { Saturated: true } generator)
        {
            md.Line($"> **Warning: the load generator was the bottleneck.** {Escape(generator.SaturationReason ?? "its CPU was saturated")}. The target may sustain more than this run shows.");
            md.Blank();
        }

        WriteSettings(md, result);
        WriteEndpoints(md, result);
        if (result.Arrivals is { } arrivals)
        {
            WriteArrivals(md, arrivals);
        }

        WriteServerTiming(md, result);
        WriteServerEvidence(md, result);
        ProcessWatchMarkdown.Lines(result).ToList().ForEach(md.Line); // --target-pid: the server process and .NET runtime
        WriteStatusCodes(md, result);
        WriteErrors(md, result);
        if (result.Notes.Count > 0)
        {
            md.Line("## Notes");
            md.Blank();
            foreach (var note in result.Notes)
            {
                md.Line($"- {Escape(note)}");
            }

            md.Blank();
        }

        return md.ToString();
    }

    /// <summary>Render the summary and write it to <paramref name="path"/> (UTF-8, no BOM; the directory is created if missing).</summary>
    /// <param name="result">The run to summarise.</param>
    /// <param name="path">Output file, conventionally <c>summary.md</c>.</param>
    public static void Write(RunResult result, string path)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ReportFile.Write(path, Render(result));
    }

    /// <summary>
    /// Escape text for a Markdown table cell or heading: backslash-escapes Markdown punctuation (including
    /// <c>|</c>) and folds line breaks into spaces.
    /// </summary>
    internal static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + 8);
        var previousWasBreak = false;
        foreach (var c in text)
        {
            if (c is '\r' or '\n')
            {
                if (!previousWasBreak)
                {
                    sb.Append(' ');
                }

                previousWasBreak = true;
                continue;
            }

            previousWasBreak = false;
            if (c is '\\' or '|' or '*' or '_' or '`' or '[' or ']' or '<' or '>')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static void WriteSettings(MarkdownText md, RunResult result)
    {
        md.Line("## Run settings");
        md.Blank();
        md.Row("Setting", "Value");
        md.Row("---", "---");
        foreach (var row in RunSettingsText.Rows(result))
        {
            var value = row.Style switch
            {
                SettingStyle.Code => Code(row.Value),
                SettingStyle.Alert => $"**{Escape(row.Value)}**" + (row.Detail is null ? string.Empty : $" ({Escape(row.Detail)})"),
                _ => Escape(row.Value),
            };
            md.Row(row.Setting, value);
        }

        md.Blank();
    }

    private static void WriteEndpoints(MarkdownText md, RunResult result)
    {
        md.Line("## Endpoints");
        md.Blank();
        md.Line($"Latencies in milliseconds; rates over the measured period of {ReportFormat.Seconds(result.MeasuredSeconds)}.");
        md.Blank();
        md.Row(EndpointRow.Headings);
        md.Row(["---", "---", .. Enumerable.Repeat("---:", EndpointRow.Headings.Count - 2)]);
        foreach (var row in EndpointRows.Build(result))
        {
            if (row.IsAggregate)
            {
                md.Row([Bold(row.Endpoint), string.Empty, .. row.NumericCells.Select(Bold)]);
            }
            else
            {
                md.Row([Escape(row.Endpoint), Escape(row.Method), .. row.NumericCells]);
            }
        }

        md.Blank();
    }

    private static void WriteArrivals(MarkdownText md, ArrivalAccounting a)
    {
        md.Line("## Open-model arrivals");
        md.Blank();
        md.Row("Metric", "Value");
        md.Row("---", "---:");
        md.Row("Intended arrivals", ReportFormat.Count(a.Intended));
        md.Row("Sent", $"{ReportFormat.Count(a.Sent)} ({ReportFormat.Percent(a.Sent, a.Intended)} %)");
        var lateLabel = a.LateThresholdMs > 0 ? $"Late (> {ReportFormat.MsUnit(a.LateThresholdMs)})" : "Late";
        md.Row(lateLabel, $"{ReportFormat.Count(a.Late)} ({ReportFormat.Percent(a.Late, a.Intended)} %)");
        md.Row("Dropped (in-flight cap)", $"{ReportFormat.Count(a.Dropped)} ({ReportFormat.Percent(a.Dropped, a.Intended)} %)");
        md.Row("Intended rate", $"{ReportFormat.Rate(a.IntendedRate)} req/s");
        var achieved = a.IntendedRate > 0
            ? $"{ReportFormat.Rate(a.AchievedRate)} req/s ({(100 * a.AchievedRate / a.IntendedRate).ToString("F1", CultureInfo.InvariantCulture)} % of intended)"
            : $"{ReportFormat.Rate(a.AchievedRate)} req/s";
        md.Row("Achieved rate", achieved);
        md.Row("Max send lag", ReportFormat.MsUnit(a.MaxSendLagMs));
        md.Blank();
        if (a.Dropped > 0 || a.Late > 0)
        {
            md.Line("> The load generator did not deliver the schedule exactly: late or dropped arrivals mean the achieved " +
                    "load was lower than intended, and latencies may be understated (coordinated omission).");
            md.Blank();
        }
    }

    private static void WriteServerTiming(MarkdownText md, RunResult result)
    {
        var rows = ServerTimingRows.Build(result);
        if (rows.Count == 0)
        {
            return;
        }

        md.Line("## Server-Timing (response headers)");
        md.Blank();
        md.Line(Escape(ServerTimingRows.Coverage(result)));
        md.Blank();
        foreach (var e in ServerTimingRows.Endpoints(result))
        {
            md.Line($"- {Escape(e.Name)}: client mean {ReportFormat.Ms(e.Latency.Mean)} / p95 {ReportFormat.Ms(e.Latency.P95)} ms; {Escape(ServerTimingRows.Inline(e)!)}");
        }

        md.Blank();
        md.Line("| " + string.Join(" | ", ServerTimingRows.Headings) + " |");
        md.Line("|---|---|" + string.Concat(Enumerable.Repeat("---:|", ServerTimingRows.Headings.Count - 2)));
        foreach (var (endpoint, cells) in rows)
        {
            md.Line($"| {Escape(endpoint)} | {Escape(cells[0])} | {string.Join(" | ", cells.Skip(1))} |");
        }

        md.Blank();
    }

    private static void WriteServerEvidence(MarkdownText md, RunResult result)
    {
        if (ServerEvidenceRows.Of(result) is not { } evidence)
        {
            return;
        }

        md.Line("## Server side (OpenTelemetry)");
        md.Blank();
        md.Line(Escape(ServerEvidenceRows.Coverage(result, evidence)));
        md.Blank();
        md.Line("| " + string.Join(" | ", ServerEvidenceRows.Headings) + " |");
        md.Line("|---|" + string.Concat(Enumerable.Repeat("---:|", ServerEvidenceRows.Headings.Count - 1)));
        foreach (var (endpoint, cells) in ServerEvidenceRows.Build(result, evidence))
        {
            md.Line($"| {Escape(endpoint)} | {string.Join(" | ", cells)} |");
        }

        md.Blank();
        var statements = ServerEvidenceRows.Statements(evidence, 10);
        if (statements.Count > 0)
        {
            md.Line("| " + string.Join(" | ", ServerEvidenceRows.StatementHeadings) + " |");
            md.Line("|---|---|" + string.Concat(Enumerable.Repeat("---:|", ServerEvidenceRows.StatementHeadings.Count - 2)));
            foreach (var row in statements)
            {
                md.Line($"| {Code(row[0])} | {Escape(row[1])} | {string.Join(" | ", row.Skip(2))} |");
            }

            md.Blank();
        }

        var database = ServerEvidenceRows.Database(evidence);
        if (database.Count > 0)
        {
            md.Line(Escape(database[0]));
            md.Blank();
            foreach (var line in database.Skip(1))
            {
                md.Line($"- {Code(line)}");
            }

            md.Blank();
        }
    }

    private static void WriteStatusCodes(MarkdownText md, RunResult result)
    {
        md.Line("## Status codes");
        md.Blank();
        var codes = result.Total.StatusCodes.Count > 0
            ? result.Total.StatusCodes
            : result.Endpoints.SelectMany(e => e.StatusCodes)
                .GroupBy(kv => kv.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value), StringComparer.Ordinal);
        if (codes.Count == 0)
        {
            md.Line("No responses were recorded.");
            md.Blank();
            return;
        }

        var total = codes.Values.Sum();
        md.Row("Status", "Count", "Share %");
        md.Row("---", "---:", "---:");
        foreach (var (code, count) in codes.OrderBy(kv => StatusSortKey(kv.Key)).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            md.Row(Escape(code), ReportFormat.Count(count), ReportFormat.Percent(count, total));
        }

        md.Blank();
    }

    private static void WriteErrors(MarkdownText md, RunResult result)
    {
        md.Line("## Errors");
        md.Blank();
        if (result.Errors.Count == 0)
        {
            md.Line("No errors.");
            md.Blank();
            return;
        }

        md.Row("Endpoint", "Category", "Status", "Count", "First message");
        md.Row("---", "---", "---:", "---:", "---");
        var ordered = result.Errors
            .OrderByDescending(e => e.Count)
            .ThenBy(e => e.Endpoint, StringComparer.Ordinal)
            .ThenBy(e => e.Category, StringComparer.Ordinal)
            .ThenBy(e => e.StatusCode ?? 0);
        foreach (var e in ordered)
        {
            md.Row(
                Escape(e.Endpoint),
                Escape(e.Category),
                e.StatusCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : ReportFormat.None,
                ReportFormat.Count(e.Count),
                Escape(ReportFormat.Message(e.Message)));
        }

        md.Blank();
    }

    private static (int Group, int Code) StatusSortKey(string status) =>
        int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? (0, code) : (1, 0);

    private static string Code(string text) =>
        text.Contains('`', StringComparison.Ordinal) || text.Contains('|', StringComparison.Ordinal) || text.Contains('\n', StringComparison.Ordinal)
            ? Escape(text)
            : $"`{text}`";

    private static string Bold(string cell) => cell.Length == 0 ? cell : $"**{Escape(cell)}**";

    /// <summary>Accumulates Markdown lines with <c>\n</c> line ends.</summary>
    private sealed class MarkdownText
    {
        private readonly StringBuilder _text = new();

        public void Line(string line) => _text.Append(line).Append('\n');

        public void Blank() => _text.Append('\n');

        public void Row(params IEnumerable<string> cells) => Line("| " + string.Join(" | ", cells) + " |");

        public override string ToString() => _text.ToString();
    }
}
