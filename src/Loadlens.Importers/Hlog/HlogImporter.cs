using System.Globalization;
using Loadlens.Core;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Core.Statistics;
using Loadlens.Importers.Common;

namespace Loadlens.Importers.Hlog;

/// <summary>Unit of the values recorded in an HdrHistogram log (nothing in the file says it reliably).</summary>
internal enum HlogUnit
{
    /// <summary>Nanoseconds (jHiccup, most Java tools).</summary>
    Nanoseconds,

    /// <summary>Microseconds (wrk2, Loadlens; the default).</summary>
    Microseconds,

    /// <summary>Milliseconds.</summary>
    Milliseconds,

    /// <summary>Seconds.</summary>
    Seconds,
}

/// <summary>
/// HdrHistogram interval log (<c>.hlog</c>, log format 1.2/1.3) → <see cref="RunResult"/>. Each tag is an
/// endpoint (untagged lines form <see cref="Untagged"/>); each distinct interval start is an interval.
/// Values are converted to µs from the unit chosen by option, by a <c>#[Units: …]</c>-style comment, or
/// microseconds by default.
/// </summary>
internal static class HlogImporter
{
    public const string Untagged = "(untagged)";

    public static RunResult Import(string path, HlogUnit? forcedUnit, CancellationToken cancellationToken)
    {
        double? startTime = null;
        double? baseTime = null;
        var v1 = false;
        HlogUnit? commentUnit = null;
        var rows = new List<Row>();
        var lineNumber = 0;
        using (var reader = InputFiles.OpenText(path))
        {
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                lineNumber++;
                if ((lineNumber & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var text = line.Trim();
                if (text.Length == 0)
                {
                    continue;
                }

                if (text.StartsWith('#'))
                {
                    if (text.StartsWith("#[StartTime:", StringComparison.Ordinal))
                    {
                        startTime = LeadingNumber(path, lineNumber, text, "#[StartTime:".Length);
                    }
                    else if (text.StartsWith("#[BaseTime:", StringComparison.Ordinal))
                    {
                        baseTime = LeadingNumber(path, lineNumber, text, "#[BaseTime:".Length);
                    }
                    else if (text.Contains("unit", StringComparison.OrdinalIgnoreCase))
                    {
                        commentUnit ??= UnitInText(text);
                    }

                    continue;
                }

                if (text.StartsWith("\"StartTimestamp\"", StringComparison.Ordinal))
                {
                    v1 = text.Contains("\"EndTimestamp\"", StringComparison.Ordinal);
                    continue;
                }

                rows.Add(ParseRow(path, lineNumber, line, v1));
            }
        }

        if (rows.Count == 0)
        {
            throw new InputFormatException(path, Math.Max(1, lineNumber), 1, "no histogram lines in this HdrHistogram log");
        }

        var unit = forcedUnit ?? commentUnit ?? HlogUnit.Microseconds;
        var notes = new List<string>
        {
            $"HdrHistogram log: values read as {unit.ToString().ToLowerInvariant()} ("
            + (forcedUnit is not null ? "chosen with the format option" : commentUnit is not null ? "from a comment in the file" : "the default; use --input-format hlog:ns, hlog:us, hlog:ms or hlog:s if the producer recorded another unit")
            + "). Latency only: the log has no failures, status codes or bytes.",
        };

        // Resolve times: relative to BaseTime, or to StartTime when the first start is more than a year before it.
        var firstStart = rows.Min(r => r.Start);
        double offset = 0;
        if (baseTime is { } b)
        {
            offset = b;
        }
        else if (startTime is { } s && firstStart < s - (365.0 * 24 * 3600))
        {
            offset = s;
        }

        var runStart = startTime is { } st && st <= firstStart + offset ? st : firstStart + offset;
        if (startTime is null && offset == 0 && firstStart < 365.0 * 24 * 3600)
        {
            notes.Add("The log has no #[StartTime:] and relative timestamps: StartedAt is the Unix epoch.");
        }

        var factor = unit switch
        {
            HlogUnit.Nanoseconds => 0.001,
            HlogUnit.Microseconds => 1,
            HlogUnit.Milliseconds => 1000,
            _ => 1_000_000,
        };

        var tags = rows.Select(r => r.Tag ?? Untagged).Distinct(StringComparer.Ordinal).ToList();
        var names = tags.Select(t => t == EndpointResult.AggregatedName ? "Tag=" + t : t).ToList();
        var tagIndex = tags.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        var totals = tags.Select(_ => new CompactHistogram()).ToArray();
        var grouped = rows
            .GroupBy(r => Math.Round((r.Start + offset - runStart) * 100) / 100)
            .OrderBy(g => g.Key)
            .ToList();
        var intervals = new List<TimeSeriesInterval>(grouped.Count);
        double end = 0;
        foreach (var group in grouped)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slots = new CompactHistogram?[tags.Count];
            var length = 0.0;
            foreach (var row in group)
            {
                var i = tagIndex[row.Tag ?? Untagged];
                var h = slots[i] ??= new CompactHistogram();
                foreach (var bucket in row.Buckets)
                {
                    var micros = (long)Math.Min(4e9, Math.Round((bucket.Lowest + (bucket.Size >> 1)) * factor));
                    h.Record(micros, bucket.Count);
                    totals[i].Record(micros, bucket.Count);
                }

                length = Math.Max(length, row.Length);
            }

            end = Math.Max(end, group.Key + length);
            var total = new CompactHistogram();
            var endpointFigures = new List<IntervalEndpoint>(tags.Count);
            for (var i = 0; i < tags.Count; i++)
            {
                if (slots[i] is { } h)
                {
                    total.Add(h);
                    endpointFigures.Add(Figures(names[i], h));
                }
                else
                {
                    endpointFigures.Add(new IntervalEndpoint { Name = names[i], Requests = 0, Failures = 0, Latency = LatencyStats.Empty });
                }
            }

            intervals.Add(new TimeSeriesInterval
            {
                Index = intervals.Count,
                StartSeconds = Math.Round(group.Key, 3),
                DurationSeconds = Math.Round(length, 3),
                Endpoints = endpointFigures,
                Total = Figures(EndpointResult.AggregatedName, total),
            });
        }

        var duration = Math.Round(Math.Max(end, 0.001), 3);
        var all = new CompactHistogram();
        var endpoints = new List<EndpointResult>(tags.Count);
        for (var i = 0; i < tags.Count; i++)
        {
            all.Add(totals[i]);
            endpoints.Add(Endpoint(names[i], totals[i], duration));
        }

        if (tags.Count > 1 && tags.Contains(Untagged))
        {
            notes.Add("The log mixes untagged and tagged histograms; each is an endpoint and the total adds them all (if the untagged one already is the sum, totals count twice).");
        }

        var sample = all.ToStats();
        if (unit == HlogUnit.Microseconds && forcedUnit is null && commentUnit is null && sample.P50 >= 1000)
        {
            notes.Add(FormattableString.Invariant($"The median reads as {sample.P50 / 1000:0.###} s in microseconds; if the producer recorded nanoseconds (jHiccup, many Java tools) it is {sample.P50 / 1000:0.###} ms: import with --input-format hlog:ns."));
        }

        return new RunResult
        {
            Name = ImportedRun.NameOf(path),
            Source = new RunSource("hdrhistogram", "hlog", path),
            Environment = new RunEnvironment("unknown", "unknown", 0, "unknown", "hdrhistogram-log", v1 ? "1.2" : "1.3"),
            StartedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Clamp(runStart * 1000, -62135596800000, 253402300799000)),
            DurationSeconds = duration,
            Settings = new RunSettings
            {
                Model = "closed",
                Target = string.Empty,
                PlannedDurationSeconds = duration,
                IntervalSeconds = intervals.Count > 0 ? intervals.Max(i => i.DurationSeconds) : 1,
            },
            Outcome = RunOutcome.Complete,
            Endpoints = endpoints,
            Total = Endpoint(EndpointResult.AggregatedName, all, duration) with { Method = string.Empty },
            Intervals = intervals,
            Errors = [],
            Notes = notes,
        };
    }

    /// <summary>"hlog", "hlog:ns", "hlog:us", "hlog:ms", "hlog:s" → unit (null for plain "hlog").</summary>
    public static HlogUnit? UnitFromFormat(string format)
    {
        var colon = format.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : UnitFromName(format[(colon + 1)..]);
    }

    private static HlogUnit? UnitFromName(string name) => name.Trim().ToLowerInvariant() switch
    {
        "ns" or "nanos" or "nanoseconds" => HlogUnit.Nanoseconds,
        "us" or "µs" or "micros" or "microseconds" => HlogUnit.Microseconds,
        "ms" or "millis" or "milliseconds" => HlogUnit.Milliseconds,
        "s" or "sec" or "seconds" => HlogUnit.Seconds,
        _ => null,
    };

    private static HlogUnit? UnitInText(string text)
    {
        var lower = text.ToLowerInvariant();
        return lower.Contains("nanosecond", StringComparison.Ordinal) ? HlogUnit.Nanoseconds
            : lower.Contains("microsecond", StringComparison.Ordinal) ? HlogUnit.Microseconds
            : lower.Contains("millisecond", StringComparison.Ordinal) ? HlogUnit.Milliseconds
            : null;
    }

    private sealed record Row(string? Tag, double Start, double Length, List<HdrV2Codec.Bucket> Buckets);

    private static Row ParseRow(string path, int lineNumber, string line, bool v1)
    {
        var pos = 0;
        while (pos < line.Length && char.IsWhiteSpace(line[pos]))
        {
            pos++;
        }

        string? tag = null;
        if (string.CompareOrdinal(line, pos, "Tag=", 0, 4) == 0)
        {
            var comma = line.IndexOf(',', pos);
            if (comma < 0)
            {
                throw new InputFormatException(path, lineNumber, pos + 1, "tagged line has no fields after the tag");
            }

            tag = line[(pos + 4)..comma];
            if (tag.Length == 0)
            {
                throw new InputFormatException(path, lineNumber, pos + 1, "empty tag");
            }

            pos = comma + 1;
        }

        var fields = new List<(int Column, string Text)>(4);
        while (true)
        {
            var comma = line.IndexOf(',', pos);
            var text = comma < 0 ? line[pos..] : line[pos..comma];
            fields.Add((pos + 1, text.Trim()));
            if (comma < 0)
            {
                break;
            }

            pos = comma + 1;
        }

        if (fields.Count != 4)
        {
            throw new InputFormatException(path, lineNumber, fields[^1].Column,
                $"expected 4 fields (start, length, max, histogram), found {fields.Count}");
        }

        double Number(int i, string what)
        {
            return double.TryParse(fields[i].Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0 && v < 1e11
                ? v
                : throw new InputFormatException(path, lineNumber, fields[i].Column, $"{what} '{Importers.Text.CsvReader.Display(fields[i].Text)}' is not a time in seconds");
        }

        var start = Number(0, "interval start");
        var second = Number(1, v1 ? "interval end" : "interval length");
        var length = v1 ? second - start : second;
        if (length < 0 || length > 86400)
        {
            throw new InputFormatException(path, lineNumber, fields[1].Column, FormattableString.Invariant($"interval length {length} s is out of range"));
        }

        List<HdrV2Codec.Bucket> buckets;
        try
        {
            buckets = HdrV2Codec.Decode(Convert.FromBase64String(fields[3].Text)).Buckets;
        }
        catch (FormatException ex)
        {
            throw new InputFormatException(path, lineNumber, fields[3].Column, "histogram: " + ex.Message, ex);
        }

        return new Row(tag, start, length, buckets);
    }

    private static double LeadingNumber(string path, int line, string text, int from)
    {
        var i = from;
        while (i < text.Length && text[i] == ' ')
        {
            i++;
        }

        var j = i;
        while (j < text.Length && (char.IsAsciiDigit(text[j]) || text[j] == '.' || text[j] == '-' || text[j] == 'E' || text[j] == 'e' || text[j] == '+'))
        {
            j++;
        }

        return double.TryParse(text.AsSpan(i, j - i), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && Math.Abs(v) < 1e11
            ? v
            : throw new InputFormatException(path, line, i + 1, "expected seconds since the epoch");
    }

    private static IntervalEndpoint Figures(string name, CompactHistogram h) => new()
    {
        Name = name,
        Requests = h.TotalCount,
        Failures = 0,
        Latency = h.ToStats(),
        Histogram = h.Encode(),
    };

    private static EndpointResult Endpoint(string name, CompactHistogram h, double duration) => new()
    {
        Name = name,
        Method = string.Empty,
        Requests = h.TotalCount,
        Failures = 0,
        Latency = h.ToStats(),
        RequestsPerSecond = RequestRates.Stored(h.TotalCount, duration),
        Histogram = h.Encode(),
    };
}
