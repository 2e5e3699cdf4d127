using System.Text;
using HdrHistogram;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Core.Statistics;

namespace Loadlens.Reporting.Csv;

/// <summary>
/// Writes a <see cref="RunResult"/> as the CSV files of <c>locust --csv=PREFIX --csv-full-history</c>
/// (Locust 2.12 layout): <c>PREFIX_stats.csv</c>, <c>PREFIX_stats_history.csv</c>, <c>PREFIX_failures.csv</c>
/// and <c>PREFIX_exceptions.csv</c>. UTF-8 without BOM, CRLF row ends, minimal quoting.
/// </summary>
/// <remarks>
/// <para>
/// Median and percentile cells are whole milliseconds rounded to the nearest integer (Locust truncates its
/// own 2-significant-digit bucket values with <c>int()</c>; ours come from a 0.1 %-precise histogram, so
/// rounding is the closer reading). The <c>100%</c> column is the rounded maximum. Average, Min and Max are
/// written like Python's <c>repr(float)</c> (shortest round-trip digits, <c>.0</c> on whole numbers).
/// Endpoints without requests get <c>N/A</c> in every percentile cell and Locust's zero values elsewhere.
/// </para>
/// <para>
/// Rates in <c>_stats.csv</c> are over <see cref="RunResult.MeasuredSeconds"/>. The history file holds one
/// batch per measured (non-warm-up) interval: a row per endpoint, then the Aggregated row, with that
/// interval's rate and percentiles and the cumulative "Total" columns of all measured intervals so far.
/// </para>
/// </remarks>
internal static class LocustCsvWriter
{
    /// <summary>Header of <c>_stats.csv</c> (Locust 2.x, default percentiles).</summary>
    internal const string StatsHeader =
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

    /// <summary>Header of <c>_stats_history.csv</c> (Locust 2.x, default percentiles).</summary>
    internal const string HistoryHeader =
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size";

    /// <summary>Header of <c>_failures.csv</c> (Locust 2.12 to 2.43).</summary>
    internal const string FailuresHeader = "Method,Name,Error,Occurrences";

    /// <summary>Header of <c>_exceptions.csv</c>.</summary>
    internal const string ExceptionsHeader = "Count,Message,Traceback,Nodes";

    private const string NotAvailable = "N/A";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Write <c>{prefix}_stats.csv</c>, <c>{prefix}_stats_history.csv</c>, <c>{prefix}_failures.csv</c> and
    /// <c>{prefix}_exceptions.csv</c> into <paramref name="directory"/> (created if missing; existing files are replaced).
    /// </summary>
    /// <param name="result">The run to export.</param>
    /// <param name="directory">Output directory.</param>
    /// <param name="prefix">File name prefix, as given to Locust's <c>--csv</c>.</param>
    /// <exception cref="FormatException">An interval histogram is not valid HdrHistogram data.</exception>
    public static void Write(RunResult result, string directory, string prefix)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);

        // Render everything first so that a bad histogram does not leave a half-written set of files.
        var files = new (string Suffix, string Text)[]
        {
            ("_stats.csv", RenderStats(result)),
            ("_stats_history.csv", RenderHistory(result)),
            ("_failures.csv", RenderFailures(result)),
            ("_exceptions.csv", RenderExceptions()),
        };

        Directory.CreateDirectory(directory);
        foreach (var (suffix, text) in files)
        {
            File.WriteAllText(Path.Combine(directory, prefix + suffix), text, Utf8NoBom);
        }
    }

    /// <summary>The content of <c>_stats.csv</c>.</summary>
    internal static string RenderStats(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new CsvText().Line(StatsHeader);
        var seconds = result.MeasuredSeconds;
        foreach (var e in SortEndpoints(result.Endpoints))
        {
            csv.Row(StatsRow(e, e.Method, e.Name, seconds));
        }

        csv.Row(StatsRow(result.Total, string.Empty, EndpointResult.AggregatedName, seconds));
        return csv.ToString();
    }

    /// <summary>The content of <c>_stats_history.csv</c> (full history: per-endpoint rows and Aggregated).</summary>
    internal static string RenderHistory(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new CsvText().Line(HistoryHeader);

        // Intervals carry endpoint names only; the method comes from the endpoint totals (names are unique).
        var keys = new List<(string Name, string Method)>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in result.Endpoints)
        {
            if (known.Add(e.Name))
            {
                keys.Add((e.Name, e.Method));
            }
        }

        var measured = result.Intervals.Where(i => !i.Warmup).OrderBy(i => i.Index).ToList();
        foreach (var interval in measured)
        {
            foreach (var ie in interval.Endpoints)
            {
                if (known.Add(ie.Name))
                {
                    keys.Add((ie.Name, string.Empty));
                }
            }
        }

        keys.Sort((a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Method, b.Method);
        });

        var cumulative = keys.ToDictionary(k => k.Name, _ => new Cumulative(), StringComparer.Ordinal);
        var total = new Cumulative();
        var startMs = result.StartedAt.ToUnixTimeMilliseconds();

        foreach (var interval in measured)
        {
            var endMs = startMs + (long)Math.Round((interval.StartSeconds + interval.DurationSeconds) * 1000);
            var timestamp = PyFormat.Int((long)Math.Floor(endMs / 1000.0));
            var users = PyFormat.Int(interval.ActiveUsers);
            var byName = new Dictionary<string, IntervalEndpoint>(StringComparer.Ordinal);
            foreach (var ie in interval.Endpoints)
            {
                byName.TryAdd(ie.Name, ie);
            }

            foreach (var (name, method) in keys)
            {
                var ie = byName.GetValueOrDefault(name);
                var acc = cumulative[name];
                acc.Add(ie);
                csv.Row(HistoryRow(timestamp, users, method, name, ie, interval.DurationSeconds, acc));
            }

            total.Add(interval.Total);
            csv.Row(HistoryRow(timestamp, users, string.Empty, EndpointResult.AggregatedName, interval.Total, interval.DurationSeconds, total));
        }

        return csv.ToString();
    }

    /// <summary>The content of <c>_failures.csv</c> (4-column Locust 2.12 layout, no Aggregated row).</summary>
    internal static string RenderFailures(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new CsvText().Line(FailuresHeader);
        var rows = result.Errors
            .GroupBy(e => (e.Method, e.Endpoint, Error: ErrorText(e)))
            .Select(g => (g.Key.Method, g.Key.Endpoint, g.Key.Error, Count: g.Sum(e => e.Count)))
            .OrderBy(r => r.Endpoint, StringComparer.Ordinal)
            .ThenBy(r => r.Method, StringComparer.Ordinal)
            .ThenBy(r => r.Error, StringComparer.Ordinal);
        foreach (var (method, endpoint, error, count) in rows)
        {
            csv.Row(method, endpoint, error, PyFormat.Int(count));
        }

        return csv.ToString();
    }

    /// <summary>The content of <c>_exceptions.csv</c>: only the header (Loadlens has no user-code exceptions).</summary>
    internal static string RenderExceptions() => new CsvText().Line(ExceptionsHeader).ToString();

    /// <summary>
    /// The Error cell: "HTTP 503 Service Unavailable" for unexpected-status failures, otherwise
    /// "&lt;Category&gt;: &lt;first message&gt;".
    /// </summary>
    internal static string ErrorText(ErrorSummary error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.StatusCode is { } code && HttpStatusText.IsStatusCategory(error.Category))
        {
            return HttpStatusText.Describe(code);
        }

        return string.IsNullOrEmpty(error.Message) ? error.Category : $"{error.Category}: {error.Message}";
    }

    private static IEnumerable<EndpointResult> SortEndpoints(IEnumerable<EndpointResult> endpoints) =>
        endpoints.OrderBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal);

    private static List<string> StatsRow(EndpointResult e, string type, string name, double seconds)
    {
        var latency = e.Latency;
        var hasLatency = e.Requests > 0 && latency.Count > 0;
        var row = new List<string>(22)
        {
            type,
            name,
            PyFormat.Int(e.Requests),
            PyFormat.Int(e.Failures),
            hasLatency ? PyFormat.Millis(latency.P50) : "0",
            hasLatency ? PyFormat.Float(latency.Mean) : "0.0",
            hasLatency ? PyFormat.Float(latency.Min) : "0",
            hasLatency ? PyFormat.Float(latency.Max) : "0",
            e.Requests > 0 ? PyFormat.Float((double)e.BytesReceived / e.Requests) : "0",
            PyFormat.Float(RequestRates.PerSecond(e.Requests, seconds)),
            PyFormat.Float(RequestRates.PerSecond(e.Failures, seconds)),
        };
        AddPercentiles(row, hasLatency ? latency : null);
        return row;
    }

    private static List<string> HistoryRow(
        string timestamp, string users, string type, string name, IntervalEndpoint? current, double intervalSeconds, Cumulative total)
    {
        var requests = current?.Requests ?? 0;
        var failures = current?.Failures ?? 0;
        var stats = current is null || requests == 0 ? null : IntervalStats(current);
        var row = new List<string>(24)
        {
            timestamp,
            users,
            type,
            name,
            PyFormat.Fixed6(RequestRates.PerSecond(requests, intervalSeconds)),
            PyFormat.Fixed6(RequestRates.PerSecond(failures, intervalSeconds)),
        };
        AddPercentiles(row, stats);

        var t = total.Stats;
        var hasTotal = t.Count > 0;
        row.Add(PyFormat.Int(total.Requests));
        row.Add(PyFormat.Int(total.Failures));
        row.Add(hasTotal ? PyFormat.Millis(t.P50) : "0");
        row.Add(hasTotal ? PyFormat.Float(t.Mean) : "0.0");
        row.Add(hasTotal ? PyFormat.Float(t.Min) : "0");
        row.Add(hasTotal ? PyFormat.Float(t.Max) : "0");
        row.Add(total.Requests > 0 ? PyFormat.Float((double)total.BytesReceived / total.Requests) : "0");
        return row;
    }

    private static void AddPercentiles(List<string> row, LatencyStats? stats)
    {
        foreach (var p in LatencyStats.StandardPercentiles)
        {
            row.Add(stats is null ? NotAvailable : PyFormat.Millis(stats.AtPercentile(p)));
        }

        row.Add(stats is null ? NotAvailable : PyFormat.Millis(stats.Max));
    }

    /// <summary>The interval's statistics; computed from its histogram when only that was stored.</summary>
    private static LatencyStats? IntervalStats(IntervalEndpoint ie)
    {
        if (ie.Latency.Count > 0)
        {
            return ie.Latency;
        }

        if (ie.Histogram is null)
        {
            return null;
        }

        var stats = LatencyHistograms.ToStats(LatencyHistograms.Decode(ie.Histogram));
        return stats.Count > 0 ? stats : null;
    }

    /// <summary>Running totals of one history row over the measured intervals seen so far.</summary>
    private sealed class Cumulative
    {
        private LongHistogram? _histogram;
        private LatencyStats? _stats;

        public long Requests { get; private set; }

        public long Failures { get; private set; }

        public long BytesReceived { get; private set; }

        public LatencyStats Stats => _stats ??= _histogram is null ? LatencyStats.Empty : LatencyHistograms.ToStats(_histogram);

        public void Add(IntervalEndpoint? ie)
        {
            if (ie is null)
            {
                return;
            }

            Requests += ie.Requests;
            Failures += ie.Failures;
            BytesReceived += ie.BytesReceived;
            if (ie.Histogram is null)
            {
                return;
            }

            var h = LatencyHistograms.Decode(ie.Histogram);
            if (h.TotalCount == 0)
            {
                return;
            }

            _histogram = LatencyHistograms.MergeInto(_histogram, h);
            _stats = null;
        }
    }
}
