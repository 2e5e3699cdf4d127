using System.Globalization;
using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Importers.Common;
using Loadlens.Importers.Text;

namespace Loadlens.Importers.Locust;

/// <summary>
/// Locust <c>--csv=PREFIX</c> output (2.12 … current 2.x) → <see cref="RunResult"/>.
/// Totals come from <c>PREFIX_stats.csv</c>, error groups from <c>PREFIX_failures.csv</c>, the time series
/// from <c>PREFIX_stats_history.csv</c> (per-second deltas of its cumulative columns) and user-code
/// exceptions from <c>PREFIX_exceptions.csv</c> (as notes). See docs/importers.md for the mapping.
/// </summary>
internal static class LocustImporter
{
    public const string StatsSuffix = "_stats.csv";
    public const string HistorySuffix = "_stats_history.csv";
    public const string FailuresSuffix = "_failures.csv";
    public const string ExceptionsSuffix = "_exceptions.csv";

    private static readonly string[] Suffixes = [HistorySuffix, StatsSuffix, FailuresSuffix, ExceptionsSuffix];

    /// <summary>The CSV prefix for a path that is a prefix, one of the four files, or a folder; null when it is none.</summary>
    public static string? TryResolvePrefix(string path)
    {
        if (Directory.Exists(path))
        {
            var stats = Directory.GetFiles(path, "*" + StatsSuffix);
            return stats.Length == 1 ? stats[0][..^StatsSuffix.Length] : null;
        }

        foreach (var suffix in Suffixes)
        {
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return path[..^suffix.Length];
            }
        }

        return File.Exists(path + StatsSuffix) ? path : null;
    }

    /// <summary>Import the run at <paramref name="path"/> (prefix, any of the files, or the folder).</summary>
    public static RunResult Import(string path, CancellationToken cancellationToken)
    {
        var prefix = ResolvePrefix(path);
        var statsPath = prefix + StatsSuffix;
        if (!File.Exists(statsPath))
        {
            throw new InputFormatException(statsPath, 0, 0, "file not found (the Locust importer needs PREFIX_stats.csv)");
        }

        var notes = new List<string>
        {
            "Locust percentiles are bucketed (about 2 significant digits) and truncated to whole ms; Min, Max and Mean are exact; "
            + "StdDev is not recorded by Locust (0); percentiles are clamped into [Min, Max].",
        };
        var stats = ReadStats(statsPath, notes);
        cancellationToken.ThrowIfCancellationRequested();

        var names = UniqueNames(stats.Rows);
        var historyPath = prefix + HistorySuffix;
        var history = File.Exists(historyPath) ? ReadHistory(historyPath, notes) : null;
        if (history is null)
        {
            notes.Add($"{Path.GetFileName(historyPath)} is missing: no time series.");
        }

        cancellationToken.ThrowIfCancellationRequested();

        var statsDuration = stats.Aggregate is { RequestsPerSecond: > 0 } agg ? agg.Requests / agg.RequestsPerSecond : 0;
        var historySpan = history is { Groups.Count: > 0 } ? history.Groups[^1].Timestamp - history.StartTimestamp : 0;
        var duration = Math.Round(Math.Max(statsDuration, historySpan), 3);
        var startedAt = history is { Groups.Count: > 0 }
            ? DateTimeOffset.FromUnixTimeSeconds(history.StartTimestamp)
            : new DateTimeOffset(File.GetLastWriteTimeUtc(statsPath), TimeSpan.Zero).AddSeconds(-duration);

        var failuresPath = prefix + FailuresSuffix;
        var failures = File.Exists(failuresPath) ? ReadFailures(failuresPath, startedAt) : null;
        if (failures is null)
        {
            notes.Add($"{Path.GetFileName(failuresPath)} is missing: failures have no error groups.");
        }

        var exceptionsPath = prefix + ExceptionsSuffix;
        if (File.Exists(exceptionsPath))
        {
            ReadExceptions(exceptionsPath, notes);
        }

        cancellationToken.ThrowIfCancellationRequested();

        // Error groups, status codes (known only for failures) and categories per endpoint.
        var errors = new List<ErrorSummary>();
        var statusByEndpoint = new Dictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        var categoriesByEndpoint = new Dictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        foreach (var f in failures?.Rows ?? [])
        {
            var name = names.TryGetValue((f.Method, f.Name), out var n) ? n : f.Name;
            var status = ErrorClassifier.StatusInMessage(f.Error);
            var category = ErrorClassifier.Classify(status, f.Error);
            errors.Add(new ErrorSummary
            {
                Endpoint = name,
                Method = f.Method,
                Category = category.ToString(),
                StatusCode = status,
                Count = f.Occurrences,
                Message = f.Error,
                FirstSeenSeconds = f.FirstSeenSeconds,
            });
            if (status is { } s)
            {
                Add(statusByEndpoint, name, s.ToString(CultureInfo.InvariantCulture), f.Occurrences);
            }

            Add(categoriesByEndpoint, name, category.ToString(), f.Occurrences);
        }

        if (errors.Count > 0)
        {
            notes.Add("Locust records HTTP status codes only for failures (parsed from the error text); StatusCodes lists those.");
        }

        errors.Sort((a, b) => b.Count.CompareTo(a.Count));

        var endpoints = stats.Rows.Select(r => ToEndpoint(r, names[(r.Method, r.Name)], statusByEndpoint, categoriesByEndpoint)).ToList();
        var total = stats.Aggregate is { } aggregate
            ? ToEndpoint(aggregate, EndpointResult.AggregatedName, null, null) with
            {
                Method = string.Empty,
                StatusCodes = Merge(statusByEndpoint.Values),
                ErrorCategories = Merge(categoriesByEndpoint.Values),
            }
            : SumEndpoints(endpoints, duration, notes);

        var intervals = history is null ? [] : BuildIntervals(history, names, notes);
        if (history is { Groups.Count: > 0 } h && stats.Aggregate is { } a2)
        {
            var lastCount = h.Groups[^1].Rows.TryGetValue((string.Empty, EndpointResult.AggregatedName), out var last) ? last.Count : -1;
            if (lastCount >= 0 && lastCount < a2.Requests && duration - historySpan >= 2)
            {
                notes.Add(FormattableString.Invariant(
                    $"{Path.GetFileName(historyPath)} stops after {historySpan:0} s of ~{duration:0.#} s ({lastCount} of {a2.Requests} requests): Locust before 2.46.3 does not flush the history file at exit. The time series covers only that part; totals come from {Path.GetFileName(statsPath)}."));
            }
        }

        var peakUsers = history is { Groups.Count: > 0 } ? history.Groups.Max(g => g.Users) : (int?)null;
        return new RunResult
        {
            Name = Path.GetFileName(prefix) is { Length: > 0 } fileName ? fileName : "locust",
            Source = new RunSource("locust", "locust-csv", prefix),
            Environment = new RunEnvironment("unknown", "unknown", 0, "unknown", "locust", failures?.Version ?? "2.x"),
            StartedAt = startedAt,
            DurationSeconds = duration,
            Settings = new RunSettings
            {
                Model = "closed",
                Target = string.Empty,
                Users = peakUsers,
                PlannedDurationSeconds = duration,
                IntervalSeconds = 1,
            },
            Outcome = RunOutcome.Complete,
            Endpoints = endpoints,
            Total = total,
            Intervals = intervals,
            Errors = errors,
            Notes = notes,
        };
    }

    private static string ResolvePrefix(string path)
    {
        if (Directory.Exists(path))
        {
            var stats = Directory.GetFiles(path, "*" + StatsSuffix);
            return stats.Length switch
            {
                1 => stats[0][..^StatsSuffix.Length],
                0 => throw new InputFormatException(path, 0, 0, "no Locust *_stats.csv file in this folder"),
                _ => throw new InputFormatException(path, 0, 0,
                    "several Locust runs in this folder; name one prefix: " + string.Join(", ", stats.Select(s => Path.GetFileName(s)[..^StatsSuffix.Length]).Order(StringComparer.Ordinal))),
            };
        }

        return TryResolvePrefix(path) ?? throw new InputFormatException(path, 0, 0, "not a Locust CSV prefix, file or folder (expected PREFIX_stats.csv)");
    }

    // ---------------------------------------------------------------- _stats.csv

    private sealed record StatsRow(
        string Method,
        string Name,
        long Requests,
        long Failures,
        double? Median,
        double Mean,
        double Min,
        double Max,
        double? ContentSize,
        double RequestsPerSecond,
        IReadOnlyList<(double Percentile, double? Value)> Percentiles);

    private sealed record StatsFile(List<StatsRow> Rows, StatsRow? Aggregate);

    private static StatsFile ReadStats(string path, List<string> notes)
    {
        using var csv = new CsvReader(InputFiles.OpenText(path), path);
        if (!csv.Read())
        {
            throw new InputFormatException(path, 1, 1, "empty file (expected the Locust stats header)");
        }

        var header = new CsvHeader(csv);
        var type = header.Require("Type");
        var name = header.Require("Name");
        var requests = header.Require("Request Count");
        var failures = header.Require("Failure Count");
        var mean = header.Require("Average Response Time");
        var min = header.Require("Min Response Time");
        var max = header.Require("Max Response Time");
        var rps = header.Require("Requests/s");
        var median = header.Optional("Median Response Time");
        var size = header.Optional("Average Content Size");
        var percentiles = PercentileColumns(header);
        ReportMissingPercentiles(percentiles, notes);

        var rows = new List<StatsRow>();
        StatsRow? aggregate = null;
        var seen = new HashSet<(string, string)>();
        while (csv.Read())
        {
            CheckWidth(csv, header);
            var count = NonNegative(csv, requests, "Request Count");
            var fails = NonNegative(csv, failures, "Failure Count");
            if (fails > count)
            {
                throw csv.Error(failures, $"Failure Count {fails} is larger than Request Count {count}");
            }

            var row = new StatsRow(
                csv.GetString(type).Trim(),
                csv.GetString(name),
                count,
                fails,
                median >= 0 ? Optional(csv, median, "Median Response Time") : null,
                OptionalOrZero(csv, mean, "Average Response Time"),
                OptionalOrZero(csv, min, "Min Response Time"),
                OptionalOrZero(csv, max, "Max Response Time"),
                size >= 0 ? Optional(csv, size, "Average Content Size") : null,
                OptionalOrZero(csv, rps, "Requests/s"),
                percentiles.Select(p => (p.Percentile, Optional(csv, p.Index, p.Header))).ToList());
            if (row.RequestsPerSecond > 0 && row.Requests / row.RequestsPerSecond > 1e8)
            {
                throw csv.Error(rps, FormattableString.Invariant($"Requests/s {row.RequestsPerSecond} with {row.Requests} requests implies a run of more than 3 years"));
            }

            if (row.Min > row.Max)
            {
                throw csv.Error(min, FormattableString.Invariant($"Min Response Time {row.Min} is larger than Max Response Time {row.Max}"));
            }

            if (row.Method.Length == 0 && row.Name == EndpointResult.AggregatedName)
            {
                aggregate = row;
                continue;
            }

            if (!seen.Add((row.Method, row.Name)))
            {
                throw csv.Error(name, $"endpoint '{CsvReader.Display(row.Name)}' ({row.Method}) appears twice");
            }

            rows.Add(row);
        }

        if (rows.Count == 0 && aggregate is null)
        {
            throw new InputFormatException(path, 2, 1, "no data rows after the header");
        }

        return new StatsFile(rows, aggregate);
    }

    private static List<(int Index, double Percentile, string Header)> PercentileColumns(CsvHeader header)
    {
        var list = new List<(int, double, string)>();
        for (var i = 0; i < header.Count; i++)
        {
            var h = header.Names[i].Trim();
            if (h.EndsWith('%')
                && double.TryParse(h.AsSpan(0, h.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var p)
                && p > 0 && p <= 100)
            {
                list.Add((i, p, h));
            }
        }

        return list;
    }

    private static void ReportMissingPercentiles(List<(int Index, double Percentile, string Header)> columns, List<string> notes)
    {
        var missing = LatencyStats.StandardPercentiles.Where(p => !columns.Any(c => c.Percentile == p)).ToList();
        if (missing.Count > 0)
        {
            notes.Add("Percentile columns missing from the Locust files: "
                + string.Join(", ", missing.Select(p => p.ToString(CultureInfo.InvariantCulture) + "%"))
                + "; each is filled with the next higher percentile present (or Max), an upper bound.");
        }
    }

    private static LatencyStats Stats(long count, double mean, double min, double max, double? median, IReadOnlyList<(double Percentile, double? Value)> percentiles)
        => SummaryStats.Build(count, mean, min, max, median, percentiles);

    private static Dictionary<(string Method, string Name), string> UniqueNames(List<StatsRow> rows)
    {
        var duplicated = rows.GroupBy(r => r.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var map = new Dictionary<(string, string), string>();
        foreach (var r in rows)
        {
            map[(r.Method, r.Name)] = duplicated.Contains(r.Name) ? $"{r.Method} {r.Name}" : r.Name;
        }

        // A user endpoint literally called "Aggregated" would clash with the total row's name.
        foreach (var key in map.Keys.ToList())
        {
            if (map[key] == EndpointResult.AggregatedName)
            {
                map[key] = $"{key.Item1} {key.Item2}";
            }
        }

        return map;
    }

    private static EndpointResult ToEndpoint(
        StatsRow row,
        string name,
        Dictionary<string, SortedDictionary<string, long>>? status,
        Dictionary<string, SortedDictionary<string, long>>? categories) => new()
        {
            Name = name,
            Method = row.Method,
            Requests = row.Requests,
            Failures = row.Failures,
            Latency = Stats(row.Requests, row.Mean, row.Min, row.Max, row.Median, row.Percentiles),
            RequestsPerSecond = row.RequestsPerSecond,
            BytesReceived = row.ContentSize is { } s ? (long)Math.Round(s * row.Requests) : 0,
            StatusCodes = status?.GetValueOrDefault(name) ?? new SortedDictionary<string, long>(StringComparer.Ordinal),
            ErrorCategories = categories?.GetValueOrDefault(name) ?? new SortedDictionary<string, long>(StringComparer.Ordinal),
        };

    private static EndpointResult SumEndpoints(List<EndpointResult> endpoints, double duration, List<string> notes)
    {
        notes.Add("The stats file has no Aggregated row: totals are summed from the endpoints; total percentiles are the endpoints' highest (an upper bound).");
        var requests = endpoints.Sum(e => e.Requests);
        var withData = endpoints.Where(e => e.Requests > 0).ToList();
        var latency = withData.Count == 0
            ? LatencyStats.Empty
            : new LatencyStats
            {
                Count = requests,
                Min = withData.Min(e => e.Latency.Min),
                Mean = withData.Sum(e => e.Latency.Mean * e.Requests) / requests,
                P50 = withData.Max(e => e.Latency.P50),
                P66 = withData.Max(e => e.Latency.P66),
                P75 = withData.Max(e => e.Latency.P75),
                P80 = withData.Max(e => e.Latency.P80),
                P90 = withData.Max(e => e.Latency.P90),
                P95 = withData.Max(e => e.Latency.P95),
                P98 = withData.Max(e => e.Latency.P98),
                P99 = withData.Max(e => e.Latency.P99),
                P999 = withData.Max(e => e.Latency.P999),
                P9999 = withData.Max(e => e.Latency.P9999),
                Max = withData.Max(e => e.Latency.Max),
            };
        return new EndpointResult
        {
            Name = EndpointResult.AggregatedName,
            Method = string.Empty,
            Requests = requests,
            Failures = endpoints.Sum(e => e.Failures),
            Latency = latency,
            RequestsPerSecond = endpoints.Sum(e => e.RequestsPerSecond),
            BytesReceived = endpoints.Sum(e => e.BytesReceived),
            StatusCodes = Merge(endpoints.Select(e => e.StatusCodes)),
            ErrorCategories = Merge(endpoints.Select(e => e.ErrorCategories)),
        };
    }

    // ---------------------------------------------------------------- _stats_history.csv

    private sealed record HistoryRow(long Count, long Failures, double Mean, double Min, IReadOnlyList<(double Percentile, double? Value)> Percentiles);

    private sealed record HistoryGroup(long Timestamp, int Users, Dictionary<(string Method, string Name), HistoryRow> Rows);

    private sealed record HistoryFile(List<HistoryGroup> Groups, long StartTimestamp, bool FullHistory);

    private static HistoryFile ReadHistory(string path, List<string> notes)
    {
        using var csv = new CsvReader(InputFiles.OpenText(path), path);
        if (!csv.Read())
        {
            notes.Add($"{Path.GetFileName(path)} is empty: no time series.");
            return new HistoryFile([], 0, false);
        }

        var header = new CsvHeader(csv);
        var timestamp = header.Require("Timestamp");
        var users = header.Require("User Count");
        var name = header.Require("Name");
        var count = header.Require("Total Request Count");
        var failures = header.Require("Total Failure Count");
        var type = header.Optional("Type");
        var mean = header.Optional("Total Average Response Time");
        var min = header.Optional("Total Min Response Time");
        var percentiles = PercentileColumns(header);

        var groups = new List<HistoryGroup>();
        var fullHistory = false;
        var droppedTail = false;
        while (csv.Read())
        {
            if (!csv.RecordTerminated)
            {
                // The last line without a line break: Locust was stopped mid-write. Drop it.
                droppedTail = true;
                break;
            }

            CheckWidth(csv, header);
            var ts = csv.ParseLong(timestamp, "Timestamp");
            if (ts is < 0 or > 253_402_300_799)
            {
                throw csv.Error(timestamp, $"Timestamp {ts} is not Unix seconds between 1970 and 9999");
            }

            var method = type >= 0 ? csv.GetString(type).Trim() : string.Empty;
            var key = (method, csv.GetString(name));
            var isAggregate = key.method.Length == 0 && key.Item2 == EndpointResult.AggregatedName;
            fullHistory |= !isAggregate;
            var rowUsers = csv.ParseLong(users, "User Count");
            var row = new HistoryRow(
                NonNegative(csv, count, "Total Request Count"),
                NonNegative(csv, failures, "Total Failure Count"),
                mean >= 0 ? OptionalOrZero(csv, mean, "Total Average Response Time") : 0,
                min >= 0 ? OptionalOrZero(csv, min, "Total Min Response Time") : 0,
                percentiles.Select(p => (p.Percentile, Optional(csv, p.Index, p.Header))).ToList());
            if (groups.Count > 0 && groups[^1].Timestamp > ts)
            {
                throw csv.Error(timestamp, FormattableString.Invariant($"Timestamp {ts} goes back in time (previous row: {groups[^1].Timestamp})"));
            }

            if (groups.Count == 0 || groups[^1].Timestamp != ts || groups[^1].Rows.ContainsKey(key))
            {
                if (groups.Count > 0 && groups[^1].Timestamp == ts)
                {
                    // A second batch within the same second: the later cumulative values win.
                    groups[^1].Rows[key] = row;
                    continue;
                }

                groups.Add(new HistoryGroup(ts, (int)Math.Clamp(rowUsers, 0, int.MaxValue), []));
            }

            groups[^1].Rows[key] = row;
        }

        // With per-endpoint rows, each second ends with its Aggregated row; a last batch without it was cut off.
        if (fullHistory && groups.Count > 0 && !groups[^1].Rows.ContainsKey((string.Empty, EndpointResult.AggregatedName)))
        {
            groups.RemoveAt(groups.Count - 1);
            droppedTail = true;
        }

        if (droppedTail)
        {
            notes.Add($"{Path.GetFileName(path)} ends with an incomplete row or batch (the file was cut off mid-write); it was ignored.");
        }

        if (groups.Count == 0)
        {
            return new HistoryFile(groups, 0, fullHistory);
        }

        // The first batch is normally the zero baseline written at start; otherwise assume a 1 s first interval.
        var first = groups[0];
        var baseline = first.Rows.Values.All(r => r.Count == 0);
        return new HistoryFile(groups, baseline ? first.Timestamp : first.Timestamp - 1, fullHistory);
    }

    private static List<TimeSeriesInterval> BuildIntervals(HistoryFile history, Dictionary<(string Method, string Name), string> names, List<string> notes)
    {
        var intervals = new List<TimeSeriesInterval>();
        if (history.Groups.Count == 0)
        {
            return intervals;
        }

        var aggregateKey = (string.Empty, EndpointResult.AggregatedName);
        var keys = new List<(string Method, string Name)>(names.Keys);
        foreach (var g in history.Groups)
        {
            foreach (var k in g.Rows.Keys)
            {
                if (k != aggregateKey && !keys.Contains(k))
                {
                    keys.Add(k);
                }
            }
        }

        if (!history.FullHistory)
        {
            keys.Clear();
            notes.Add("The history has only Aggregated rows (Locust ran without --csv-full-history): intervals have no per-endpoint figures, "
                + "and its percentile columns are cumulative since the start, so each interval's percentiles are set to the interval's mean.");
        }
        else
        {
            notes.Add("Intervals are rebuilt from the history's cumulative counts (requests, failures, exact mean per interval). "
                + "Locust's per-endpoint history percentiles cover a sliding ~10 s window, not the one second: interval percentiles and Max are those window values "
                + "(the interval mean where the window was empty); interval Min is exact only when a new run-wide minimum occurred in it, else 0.");
        }

        var previous = new Dictionary<(string, string), HistoryRow>();
        var previousTs = history.StartTimestamp;
        var resets = false;
        foreach (var group in history.Groups)
        {
            if (group.Timestamp == previousTs)
            {
                // The baseline batch: it only sets the starting cumulative values.
                foreach (var (k, r) in group.Rows)
                {
                    previous[k] = r;
                }

                continue;
            }

            var endpointFigures = new List<IntervalEndpoint>(keys.Count);
            foreach (var key in keys)
            {
                var current = group.Rows.GetValueOrDefault(key) ?? previous.GetValueOrDefault(key);
                endpointFigures.Add(IntervalFigures(names.GetValueOrDefault(key) ?? key.Name, current, previous.GetValueOrDefault(key), history.FullHistory, ref resets));
            }

            var total = group.Rows.TryGetValue(aggregateKey, out var aggregateRow)
                ? IntervalFigures(EndpointResult.AggregatedName, aggregateRow, previous.GetValueOrDefault(aggregateKey), history.FullHistory, ref resets)
                : SumIntervals(endpointFigures);

            intervals.Add(new TimeSeriesInterval
            {
                Index = intervals.Count,
                StartSeconds = previousTs - history.StartTimestamp,
                DurationSeconds = group.Timestamp - previousTs,
                ActiveUsers = group.Users,
                Endpoints = endpointFigures,
                Total = total,
            });
            foreach (var (k, r) in group.Rows)
            {
                previous[k] = r;
            }

            previousTs = group.Timestamp;
        }

        if (resets)
        {
            notes.Add("The history's cumulative counters went down at least once (statistics were reset during the run); those intervals count from the reset.");
        }

        return intervals;
    }

    private static IntervalEndpoint IntervalFigures(string name, HistoryRow? current, HistoryRow? previous, bool windowPercentiles, ref bool resets)
    {
        if (current is null)
        {
            return new IntervalEndpoint { Name = name, Requests = 0, Failures = 0, Latency = LatencyStats.Empty };
        }

        var prevCount = previous?.Count ?? 0;
        var prevFailures = previous?.Failures ?? 0;
        var prevMean = previous?.Mean ?? 0;
        if (current.Count < prevCount || current.Failures < prevFailures)
        {
            resets = true;
            prevCount = 0;
            prevFailures = 0;
            prevMean = 0;
            previous = null;
        }

        var requests = current.Count - prevCount;
        var failures = Math.Min(requests, Math.Max(0, current.Failures - prevFailures));
        if (requests == 0)
        {
            return new IntervalEndpoint { Name = name, Requests = 0, Failures = 0, Latency = LatencyStats.Empty };
        }

        var mean = Math.Max(0, ((current.Mean * current.Count) - (prevMean * prevCount)) / requests);
        var min = previous is null || current.Min < previous.Min ? current.Min : 0;
        var window = windowPercentiles && current.Percentiles.Any(p => p.Value is > 0);
        LatencyStats latency;
        if (window)
        {
            var max = Math.Max(mean, current.Percentiles.Where(p => p.Value is not null).Max(p => p.Value!.Value));
            latency = Stats(requests, mean, Math.Min(min, max), max, null, current.Percentiles);
        }
        else
        {
            latency = new LatencyStats
            {
                Count = requests,
                Min = Math.Min(min, mean),
                Mean = mean,
                P50 = mean,
                P66 = mean,
                P75 = mean,
                P80 = mean,
                P90 = mean,
                P95 = mean,
                P98 = mean,
                P99 = mean,
                P999 = mean,
                P9999 = mean,
                Max = mean,
            };
        }

        return new IntervalEndpoint { Name = name, Requests = requests, Failures = failures, Latency = latency };
    }

    private static IntervalEndpoint SumIntervals(List<IntervalEndpoint> endpoints)
    {
        var requests = endpoints.Sum(e => e.Requests);
        if (requests == 0)
        {
            return new IntervalEndpoint { Name = EndpointResult.AggregatedName, Requests = 0, Failures = 0, Latency = LatencyStats.Empty };
        }

        var withData = endpoints.Where(e => e.Requests > 0).ToList();
        var mean = withData.Sum(e => e.Latency.Mean * e.Requests) / requests;
        double Top(Func<LatencyStats, double> f) => withData.Max(e => f(e.Latency));
        return new IntervalEndpoint
        {
            Name = EndpointResult.AggregatedName,
            Requests = requests,
            Failures = endpoints.Sum(e => e.Failures),
            Latency = new LatencyStats
            {
                Count = requests,
                Min = withData.Min(e => e.Latency.Min),
                Mean = mean,
                P50 = Top(l => l.P50),
                P66 = Top(l => l.P66),
                P75 = Top(l => l.P75),
                P80 = Top(l => l.P80),
                P90 = Top(l => l.P90),
                P95 = Top(l => l.P95),
                P98 = Top(l => l.P98),
                P99 = Top(l => l.P99),
                P999 = Top(l => l.P999),
                P9999 = Top(l => l.P9999),
                Max = Top(l => l.Max),
            },
        };
    }

    // ---------------------------------------------------------------- _failures.csv, _exceptions.csv

    private sealed record FailureRow(string Method, string Name, string Error, long Occurrences, double FirstSeenSeconds);

    private sealed record FailuresFile(List<FailureRow> Rows, string Version);

    private static FailuresFile? ReadFailures(string path, DateTimeOffset startedAt)
    {
        using var csv = new CsvReader(InputFiles.OpenText(path), path);
        if (!csv.Read())
        {
            return new FailuresFile([], "2.x");
        }

        var header = new CsvHeader(csv);
        var method = header.Require("Method");
        var name = header.Require("Name");
        var error = header.Require("Error");
        var occurrences = header.Require("Occurrences");
        var firstSeen = header.Optional("First Seen");
        var rows = new List<FailureRow>();
        while (csv.Read())
        {
            CheckWidth(csv, header);
            var seconds = 0.0;
            if (firstSeen >= 0 && csv[firstSeen].Trim().Length > 0)
            {
                if (!DateTimeOffset.TryParse(csv[firstSeen].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
                {
                    throw csv.Error(firstSeen, $"column 'First Seen': '{CsvReader.Display(csv[firstSeen])}' is not a UTC timestamp");
                }

                seconds = Math.Max(0, (when - startedAt).TotalSeconds);
            }

            rows.Add(new FailureRow(csv.GetString(method).Trim(), csv.GetString(name), csv.GetString(error), NonNegative(csv, occurrences, "Occurrences"), seconds));
        }

        return new FailuresFile(rows, firstSeen >= 0 ? "2.44+" : "2.12-2.43");
    }

    private static void ReadExceptions(string path, List<string> notes)
    {
        using var csv = new CsvReader(InputFiles.OpenText(path), path);
        if (!csv.Read())
        {
            return;
        }

        var header = new CsvHeader(csv);
        var count = header.Require("Count");
        var message = header.Require("Message");
        var rows = new List<(long Count, string Message)>();
        while (csv.Read())
        {
            CheckWidth(csv, header);
            rows.Add((NonNegative(csv, count, "Count"), csv.GetString(message)));
        }

        if (rows.Count > 0)
        {
            notes.Add($"User code raised {rows.Sum(r => r.Count)} exception(s) ({Path.GetFileName(path)}): "
                + string.Join("; ", rows.OrderByDescending(r => r.Count).Take(3).Select(r => $"{r.Count}× {CsvReader.Display(r.Message, 120)}")));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void CheckWidth(CsvReader csv, CsvHeader header)
    {
        if (csv.FieldCount != header.Count)
        {
            throw csv.Error(Math.Min(csv.FieldCount, header.Count) - 1,
                $"expected {header.Count} fields like the header, found {csv.FieldCount}" + (csv.RecordTerminated ? string.Empty : " (file cut short?)"));
        }
    }

    private static bool IsMissing(ReadOnlySpan<char> value)
    {
        var v = value.Trim();
        return v.Length == 0 || v.Equals("N/A", StringComparison.OrdinalIgnoreCase) || v.Equals("None", StringComparison.Ordinal);
    }

    private static double? Optional(CsvReader csv, int index, string column)
    {
        if (IsMissing(csv[index]))
        {
            return null;
        }

        var v = csv.ParseDouble(index, column);
        return v < 0 ? throw csv.Error(index, $"column '{column}': negative value") : v;
    }

    private static double OptionalOrZero(CsvReader csv, int index, string column) => Optional(csv, index, column) ?? 0;

    private static long NonNegative(CsvReader csv, int index, string column)
    {
        var v = csv.ParseLong(index, column);
        return v < 0 ? throw csv.Error(index, $"column '{column}': negative count {v}") : v;
    }

    private static void Add(Dictionary<string, SortedDictionary<string, long>> map, string endpoint, string key, long count)
    {
        if (!map.TryGetValue(endpoint, out var inner))
        {
            inner = new SortedDictionary<string, long>(StringComparer.Ordinal);
            map[endpoint] = inner;
        }

        inner[key] = inner.GetValueOrDefault(key) + count;
    }

    private static SortedDictionary<string, long> Merge(IEnumerable<IReadOnlyDictionary<string, long>> maps)
    {
        var merged = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var map in maps)
        {
            foreach (var (k, v) in map)
            {
                merged[k] = merged.GetValueOrDefault(k) + v;
            }
        }

        return merged;
    }
}
