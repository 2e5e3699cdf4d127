using System.Globalization;
using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Importers.Common;
using Loadlens.Importers.Text;

namespace Loadlens.Importers.JMeter;

/// <summary>
/// JMeter JTL in CSV form → <see cref="RunResult"/>, streamed row by row into histograms (no row is kept).
/// Columns are picked by header name; a header-less file must have the 17 default columns.
/// </summary>
internal static class JtlImporter
{
    /// <summary>The default column list of <c>jmeter.properties</c> (used when the file has no header).</summary>
    public static readonly string[] DefaultColumns =
    [
        "timeStamp", "elapsed", "label", "responseCode", "responseMessage", "threadName", "dataType", "success",
        "failureMessage", "bytes", "sentBytes", "grpThreads", "allThreads", "URL", "Latency", "IdleTime", "Connect",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    public static RunResult Import(string path, CancellationToken cancellationToken)
    {
        var delimiter = SniffDelimiter(path);
        using var csv = new CsvReader(InputFiles.OpenText(path), path, delimiter);
        if (!csv.Read())
        {
            throw new InputFormatException(path, 1, 1, "empty file (expected JMeter JTL CSV rows)");
        }

        var firstFields = csv.GetAll().Select(f => f.Trim()).ToArray();
        var hasHeader = firstFields.Contains("timeStamp", StringComparer.OrdinalIgnoreCase) && firstFields.Contains("elapsed", StringComparer.OrdinalIgnoreCase);
        string[] names;
        if (hasHeader)
        {
            names = firstFields;
        }
        else
        {
            if (csv.FieldCount != DefaultColumns.Length)
            {
                throw csv.Error($"no header line, and {csv.FieldCount} fields instead of the {DefaultColumns.Length} default JTL columns; add the header (jmeter.save.saveservice.print_field_names=true)");
            }

            names = DefaultColumns;
        }

        int Require(string name)
        {
            var i = Array.FindIndex(names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
            return i >= 0 ? i : throw new InputFormatException(path, 1, 1, $"missing column '{name}' in the JTL header (found: {CsvReader.Display(string.Join(",", names), 200)})");
        }

        int Optional(string name) => Array.FindIndex(names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));

        var timeStamp = Require("timeStamp");
        var elapsed = Require("elapsed");
        var label = Require("label");
        var responseCode = Optional("responseCode");
        var responseMessage = Optional("responseMessage");
        var success = Optional("success");
        var failureMessage = Optional("failureMessage");
        var bytes = Optional("bytes");
        var sentBytes = Optional("sentBytes");
        var allThreads = Optional("allThreads");
        var url = Optional("URL");
        if (success < 0 && responseCode < 0)
        {
            throw new InputFormatException(path, 1, 1, "the JTL has neither a 'success' nor a 'responseCode' column: failures cannot be told apart");
        }

        var aggregator = new SampleAggregator();
        long transactionRows = 0;
        var dateTimestamps = false;
        var width = names.Length;
        var first = true;
        while (first || csv.Read())
        {
            if (first)
            {
                first = false;
                if (hasHeader)
                {
                    continue;
                }
            }

            if ((aggregator.Samples & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (csv.FieldCount != width)
            {
                if (hasHeader && timeStamp < csv.FieldCount && csv[timeStamp].Trim().Equals("timeStamp", StringComparison.OrdinalIgnoreCase))
                {
                    continue; // a repeated header (JMeter appended to an existing file)
                }

                throw csv.Error(Math.Min(csv.FieldCount, width) - 1,
                    $"expected {width} fields, found {csv.FieldCount}" + (csv.RecordTerminated ? string.Empty : " (file cut short?)"));
            }

            if (hasHeader && csv[timeStamp].Trim().Equals("timeStamp", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (responseMessage >= 0 && csv[responseMessage].StartsWith("Number of samples in transaction", StringComparison.Ordinal))
            {
                transactionRows++;
                continue; // a Transaction Controller parent: its children are rows of their own
            }

            long start;
            if (!long.TryParse(csv[timeStamp].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out start))
            {
                if (!DateTimeOffset.TryParse(csv[timeStamp].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                {
                    throw csv.Error(timeStamp, $"column 'timeStamp': '{CsvReader.Display(csv[timeStamp])}' is neither epoch milliseconds nor a date");
                }

                start = date.ToUnixTimeMilliseconds();
                dateTimestamps = true;
            }

            var latency = csv.ParseLong(elapsed, "elapsed");
            if (latency < 0)
            {
                throw csv.Error(elapsed, $"column 'elapsed': negative time {latency}");
            }

            if (latency > 86_400_000L)
            {
                throw csv.Error(elapsed, $"column 'elapsed': {latency} ms is more than a day");
            }

            var end = start + latency;
            if (start < 0 || !aggregator.WithinSpan(end) || !aggregator.WithinSpan(start))
            {
                throw csv.Error(timeStamp, $"column 'timeStamp': {start} is more than 7 days away from the other samples (not one run)");
            }

            var status = 0;
            var code = responseCode >= 0 ? csv[responseCode].Trim() : [];
            if (code.Length is > 0 and <= 3 && int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                status = parsed;
            }

            bool ok;
            if (success >= 0)
            {
                var s = csv[success].Trim();
                if (s.Equals("true", StringComparison.OrdinalIgnoreCase))
                {
                    ok = true;
                }
                else if (s.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    ok = false;
                }
                else
                {
                    throw csv.Error(success, $"column 'success': '{CsvReader.Display(s)}' is not true or false");
                }
            }
            else
            {
                ok = status is >= 200 and < 400;
            }

            var received = bytes >= 0 ? NonNegative(csv, bytes, "bytes") : 0;
            var sent = sentBytes >= 0 ? NonNegative(csv, sentBytes, "sentBytes") : 0;
            if (allThreads >= 0 && csv[allThreads].Trim().Length > 0)
            {
                aggregator.Users(end, NonNegative(csv, allThreads, "allThreads"));
            }

            if (url >= 0 && aggregator.Target.Length == 0)
            {
                aggregator.OfferUrl(csv[url].Trim());
            }

            var name = csv[label];
            var method = MethodOf(name);
            var endpoint = aggregator.Endpoint(method, name);
            var category = ErrorCategory.None;
            ReadOnlySpan<char> message = [];
            if (!ok)
            {
                message = failureMessage >= 0 && csv[failureMessage].Trim().Length > 0 ? csv[failureMessage]
                    : responseMessage >= 0 && csv[responseMessage].Trim().Length > 0 ? csv[responseMessage]
                    : code;
                if (status >= 400)
                {
                    category = ErrorClassifier.FromStatus(status);
                }
                else if (status > 0)
                {
                    category = ErrorCategory.CheckFailed; // 1xx-3xx marked failed: an assertion failed
                }
                else
                {
                    // Non-numeric code such as "Non HTTP response code: java.net.ConnectException".
                    category = ErrorClassifier.FromMessage(string.Concat(code, " ", message));
                    if (message.Length == 0)
                    {
                        message = code;
                    }
                }
            }

            aggregator.Record(endpoint, end, latency, !ok, status, received, sent, category, message);
        }

        var aggregate = aggregator.Build()
            ?? throw new InputFormatException(path, csv.RecordLine, 1, "no samples in the JTL file (only a header?)");
        var notes = new List<string>
        {
            "JMeter elapsed times are whole milliseconds; percentiles come from HdrHistograms (3 significant digits), count/mean/min/max are exact. "
            + "timeStamp is taken as the sample start (jmeter.properties default sampleresult.timestamp.start=true); samples are placed in the second they completed.",
        };
        if (!hasHeader)
        {
            notes.Add("The JTL had no header line: the 17 default JMeter columns were assumed.");
        }

        if (transactionRows > 0)
        {
            notes.Add($"{transactionRows} Transaction Controller parent row(s) were skipped (their samples are counted in their child rows).");
        }

        if (dateTimestamps)
        {
            notes.Add("timeStamp holds formatted dates; they were read as UTC (JMeter writes them in the JVM's local zone).");
        }

        if (aggregator.EndpointsCapped)
        {
            notes.Add($"More than {SampleAggregator.MaxEndpoints} distinct labels: the rest are counted under '{SampleAggregator.OverflowName}'.");
        }

        if (aggregator.Stragglers > 0)
        {
            notes.Add($"{aggregator.Stragglers} sample(s) arrived more than {SampleAggregator.ReorderSeconds} s out of order; their seconds were reopened.");
        }

        return ImportedRun.Build(path, "jmeter", "jmeter", "jtl", aggregate, aggregator.PeakUsers > 0 ? aggregator.PeakUsers : null, notes, target: aggregator.Target);
    }

    private static char SniffDelimiter(string path)
    {
        var head = InputFiles.Head(path, 2048);
        var nl = head.IndexOfAny(['\r', '\n']);
        var firstLine = nl >= 0 ? head[..nl] : head;
        var tabs = firstLine.Count(c => c == '\t');
        var commas = firstLine.Count(c => c == ',');
        return tabs > commas ? '\t' : ',';
    }

    private static ReadOnlySpan<char> MethodOf(ReadOnlySpan<char> label)
    {
        foreach (var m in Methods)
        {
            if (label.Length > m.Length && label.StartsWith(m, StringComparison.Ordinal) && label[m.Length] == ' ')
            {
                return m;
            }
        }

        return [];
    }

    private static long NonNegative(CsvReader csv, int index, string column)
    {
        if (csv[index].Trim().Length == 0)
        {
            return 0;
        }

        var v = csv.ParseLong(index, column);
        return v < 0 ? throw csv.Error(index, $"column '{column}': negative value {v}") : v;
    }
}
