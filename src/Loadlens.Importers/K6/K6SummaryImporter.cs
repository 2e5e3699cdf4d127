using System.Globalization;
using System.Text.Json;
using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Core.Statistics;
using Loadlens.Importers.Common;

namespace Loadlens.Importers.K6;

/// <summary>
/// k6 end-of-test summary → <see cref="RunResult"/>: the legacy <c>--summary-export</c> shape (flattened
/// metrics, inverted threshold booleans), the <c>handleSummary</c> data object (<c>values</c>, <c>{ok}</c>)
/// and the 1.0.0 machine-readable summary (<c>results.metrics[]</c>). Endpoints come from submetrics
/// such as <c>http_req_duration{name:/api/orders}</c>; a summary has no time series.
/// </summary>
internal static class K6SummaryImporter
{
    private const string AllRequests = "(all requests)";
    private const string OtherRequests = "(other requests)";
    private const double MaxSeconds = 1e8;

    public static RunResult Import(string path, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            using var stream = InputFiles.OpenStream(path);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new InputFormatException(path, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, "invalid JSON: " + FirstSentence(ex.Message), ex);
        }

        cancellationToken.ThrowIfCancellationRequested();
        using (document)
        {
            try
            {
                return Build(path, document.RootElement);
            }
            catch (InvalidOperationException ex)
            {
                // JsonDocument validates string contents lazily: invalid UTF-8 surfaces here.
                throw new InputFormatException(path, 1, 1, "invalid JSON text: " + ex.Message, ex);
            }
        }
    }

    private sealed record MetricValues(Dictionary<string, double> Values, List<(string Source, bool Failed)> Thresholds);

    private static RunResult Build(string path, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, "the document is not a JSON object");
        }

        var metrics = new Dictionary<string, MetricValues>(StringComparer.Ordinal);
        double? configDuration = null;
        DateTimeOffset? generatedAt = null;
        var version = "unknown";
        if (root.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Object)
        {
            // 1.0.0 machine-readable summary.
            if (!results.TryGetProperty("metrics", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw Error(path, "results.metrics must be an array");
            }

            foreach (var m in list.EnumerateArray())
            {
                var name = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                    ? n.GetString()! : throw Error(path, "each results.metrics entry needs a string \"name\"");
                metrics[name] = ReadValues(path, name, m.TryGetProperty("values", out var v) ? v : default, m);
            }

            if (root.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object
                && config.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number)
            {
                configDuration = d.GetDouble();
            }

            if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object)
            {
                if (meta.TryGetProperty("generatedAt", out var g) && g.ValueKind == JsonValueKind.String && g.TryGetDateTimeOffset(out var at))
                {
                    generatedAt = at;
                }

                if (meta.TryGetProperty("k6Version", out var kv) && kv.ValueKind == JsonValueKind.String)
                {
                    version = kv.GetString()!;
                }
            }
        }
        else if (root.TryGetProperty("metrics", out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var m in map.EnumerateObject())
            {
                if (m.Value.ValueKind != JsonValueKind.Object)
                {
                    throw Error(path, $"metrics.{m.Name} must be an object");
                }

                // handleSummary data nests the figures in "values"; --summary-export flattens them.
                metrics[m.Name] = m.Value.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Object
                    ? ReadValues(path, m.Name, values, m.Value)
                    : ReadValues(path, m.Name, m.Value, m.Value);
            }

            if (root.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.Object
                && state.TryGetProperty("testRunDurationMs", out var ms) && ms.ValueKind == JsonValueKind.Number)
            {
                configDuration = ms.GetDouble() / 1000;
            }
        }
        else
        {
            throw Error(path, "not a k6 summary: no \"metrics\" object (legacy) and no \"results\" (machine-readable)");
        }

        if (!metrics.TryGetValue("http_req_duration", out var duration))
        {
            throw Error(path, "the summary has no http_req_duration metric (no HTTP requests?)");
        }

        var notes = new List<string>
        {
            "Imported from a k6 end-of-test summary: totals only, no time series. k6 percentiles are exact; the percentiles the summary does not list "
            + "(k6 shows avg, min, med, max, p(90), p(95) unless summaryTrendStats adds more) are filled with the next higher one listed, or max (an upper bound).",
        };
        var totalCount = Count(metrics, "http_reqs") ?? (duration.Values.TryGetValue("count", out var c) ? (long)c : (long?)null)
            ?? throw Error(path, "the summary has no http_reqs count (and http_req_duration has no count)");
        var totalRate = metrics.TryGetValue("http_reqs", out var reqs) && reqs.Values.TryGetValue("rate", out var r) ? r : (double?)null;
        var seconds = configDuration ?? (totalRate is > 0 ? totalCount / totalRate.Value : 0);
        seconds = Math.Round(seconds, 3);
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > MaxSeconds)
        {
            throw Error(path, FormattableString.Invariant($"the run duration ({seconds} s, from config.duration or http_reqs count/rate) is out of range"));
        }
        var totalFailures = Failures(metrics, "http_req_failed");
        if (totalFailures is null)
        {
            notes.Add("The summary has no http_req_failed metric: failures are unknown (0).");
        }

        var total = Endpoint(EndpointResult.AggregatedName, string.Empty, totalCount, totalFailures ?? 0, duration, seconds);

        // Endpoints from submetrics tagged by name or url.
        var endpoints = new List<EndpointResult>();
        var unnamed = new List<string>();
        foreach (var (key, values) in metrics)
        {
            if (!TrySubmetric(key, "http_req_duration", out var tag))
            {
                continue;
            }

            var count = Count(metrics, $"http_reqs{{{tag.Raw}}}") ?? (values.Values.TryGetValue("count", out var cc) ? (long)cc : (long?)null);
            if (count is null)
            {
                unnamed.Add(tag.Value);
                continue;
            }

            endpoints.Add(Endpoint(tag.Value, tag.Method, count.Value, Failures(metrics, $"http_req_failed{{{tag.Raw}}}") ?? 0, values, seconds));
        }

        endpoints.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        if (unnamed.Count > 0)
        {
            notes.Add("Submetrics without a request count (add an http_reqs{…} threshold to get one) were left out: " + string.Join(", ", unnamed));
        }

        if (endpoints.Count == 0)
        {
            endpoints.Add(total with { Name = AllRequests });
            notes.Add("The summary has no per-endpoint submetrics (http_req_duration{name:…}): the run is one endpoint, '" + AllRequests + "'.");
        }
        else
        {
            var rest = totalCount - endpoints.Sum(e => e.Requests);
            if (rest > 0)
            {
                var restFailures = Math.Max(0, total.Failures - endpoints.Sum(e => e.Failures));
                endpoints.Add(total with { Name = OtherRequests, Requests = rest, Failures = Math.Min(rest, restFailures), RequestsPerSecond = RequestRates.Stored(rest, seconds), Latency = total.Latency with { Count = rest } });
                notes.Add($"{rest} request(s) are not covered by a submetric: they form '{OtherRequests}', whose latency figures are the whole run's.");
            }
        }

        var errors = endpoints.Where(e => e.Failures > 0).Select(e => new ErrorSummary
        {
            Endpoint = e.Name,
            Method = e.Method,
            Category = nameof(ErrorCategory.Other),
            Count = e.Failures,
            Message = "http_req_failed (the k6 summary has no error detail)",
        }).ToList();

        var failedThresholds = metrics.SelectMany(m => m.Value.Thresholds.Where(t => t.Failed).Select(t => $"{m.Key}: {t.Source}")).ToList();
        if (failedThresholds.Count > 0)
        {
            notes.Add("k6 thresholds that failed: " + string.Join("; ", failedThresholds));
        }

        var users = Max(metrics, "vus_max") ?? Max(metrics, "vus");
        var startedAt = generatedAt?.AddSeconds(-seconds)
            ?? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero).AddSeconds(-seconds);
        if (generatedAt is null)
        {
            notes.Add("The summary carries no start time: StartedAt is the file's modification time minus the duration.");
        }

        var missing = SummaryStats.Missing(duration.Values.Keys.Select(PercentileOf).OfType<double>());
        if (missing.Count > 0)
        {
            notes.Add("Percentiles filled from higher ones: " + string.Join(", ", missing.Select(p => "p(" + p.ToString(CultureInfo.InvariantCulture) + ")")) + ".");
        }

        var received = Count(metrics, "data_received");
        var sent = Count(metrics, "data_sent");
        return new RunResult
        {
            Name = ImportedRun.NameOf(path),
            Source = new RunSource("k6", "k6-summary", path),
            Environment = new RunEnvironment("unknown", "unknown", 0, "unknown", "k6", version),
            StartedAt = startedAt,
            DurationSeconds = seconds,
            Settings = new RunSettings
            {
                Model = metrics.ContainsKey("dropped_iterations") ? "open" : "closed",
                Target = string.Empty,
                Users = users is { } u ? (int)Math.Clamp(u, 0, int.MaxValue) : null,
                PlannedDurationSeconds = seconds,
            },
            Outcome = RunOutcome.Complete,
            Endpoints = endpoints,
            Total = total with { BytesReceived = received ?? 0, BytesSent = sent ?? 0 },
            Intervals = [],
            Errors = errors,
            Notes = notes,
        };
    }

    private static EndpointResult Endpoint(string name, string method, long count, long failures, MetricValues trend, double seconds)
    {
        var v = trend.Values;
        double Get(string key) => v.TryGetValue(key, out var x) ? x : 0;
        var percentiles = v.Select(kv => (P: PercentileOf(kv.Key), kv.Value)).Where(x => x.P is not null).Select(x => (x.P!.Value, (double?)x.Value)).ToList();
        var max = v.TryGetValue("max", out var mx) ? mx : percentiles.Count > 0 ? percentiles.Max(p => p.Item2!.Value) : Get("avg");
        return new EndpointResult
        {
            Name = name,
            Method = method,
            Requests = count,
            Failures = Math.Min(count, failures),
            Latency = SummaryStats.Build(count, Get("avg"), Get("min"), max, v.TryGetValue("med", out var med) ? med : null, percentiles),
            RequestsPerSecond = RequestRates.Stored(count, seconds),
        };
    }

    private static MetricValues ReadValues(string path, string metric, JsonElement values, JsonElement owner)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (values.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in values.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Number)
                {
                    var d = p.Value.GetDouble();
                    if (!double.IsFinite(d))
                    {
                        throw Error(path, $"metrics {metric}.{p.Name} is not a finite number");
                    }

                    result[p.Name] = d;
                }
            }
        }
        else if (values.ValueKind != JsonValueKind.Undefined)
        {
            throw Error(path, $"metric {metric}: values must be an object");
        }

        var thresholds = new List<(string, bool)>();
        if (owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty("thresholds", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in t.EnumerateObject())
            {
                // --summary-export: true means FAILED; handleSummary data: {"ok": true} means passed.
                var failed = p.Value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Object when p.Value.TryGetProperty("ok", out var ok) && ok.ValueKind is JsonValueKind.True or JsonValueKind.False => ok.ValueKind == JsonValueKind.False,
                    _ => false,
                };
                thresholds.Add((p.Name, failed));
            }
        }

        return new MetricValues(result, thresholds);
    }

    private readonly record struct SubmetricTag(string Raw, string Value, string Method);

    /// <summary>"http_req_duration{name:/api/x,method:GET}" → the name (or url) and method tags.</summary>
    private static bool TrySubmetric(string key, string metric, out SubmetricTag tag)
    {
        tag = default;
        if (!key.StartsWith(metric + "{", StringComparison.Ordinal) || !key.EndsWith('}'))
        {
            return false;
        }

        var raw = key[(metric.Length + 1)..^1];
        string? name = null, url = null, method = null;
        foreach (var part in raw.Split(','))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return false;
            }

            var k = part[..colon].Trim();
            var v = part[(colon + 1)..].Trim();
            switch (k)
            {
                case "name":
                    name = v;
                    break;
                case "url":
                    url = v;
                    break;
                case "method":
                    method = v;
                    break;
                default:
                    return false; // submetrics by other tags (status, scenario, …) are not endpoints
            }
        }

        var value = name ?? url;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        tag = new SubmetricTag(raw, value, method ?? string.Empty);
        return true;
    }

    private static double? PercentileOf(string key)
    {
        if (key == "med")
        {
            return 50;
        }

        return key.StartsWith("p(", StringComparison.Ordinal) && key.EndsWith(')')
            && double.TryParse(key.AsSpan(2, key.Length - 3), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 100
            ? p : null;
    }

    private static long? Count(Dictionary<string, MetricValues> metrics, string name)
        => metrics.TryGetValue(name, out var m) && m.Values.TryGetValue("count", out var c) && c >= 0 && c < 9e15 ? (long)c : null;

    private static double? Max(Dictionary<string, MetricValues> metrics, string name)
        => metrics.TryGetValue(name, out var m) && (m.Values.TryGetValue("max", out var v) || m.Values.TryGetValue("value", out v)) ? v : null;

    /// <summary>Failed requests of a rate metric: "passes" (legacy: count of non-zero values) or "matches" (1.0.0).</summary>
    private static long? Failures(Dictionary<string, MetricValues> metrics, string name)
    {
        if (!metrics.TryGetValue(name, out var m))
        {
            return null;
        }

        if (m.Values.TryGetValue("passes", out var passes) || m.Values.TryGetValue("matches", out passes))
        {
            return passes is >= 0 and < 9e15 ? (long)passes : null;
        }

        return null;
    }

    private static InputFormatException Error(string path, string problem) => new(path, 1, 1, problem);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
