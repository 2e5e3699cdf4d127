using System.Text.Json;
using Loadlens.AspNetCore.Export;
using Loadlens.AspNetCore.Profiling;
using Loadlens.Core.Statistics;

namespace Loadlens.AspNetCore.Endpoints;

/// <summary>The <c>/_loadlens/profile</c> document: per route its requests, durations, database time and top statements (ms).</summary>
internal static class ProfileJson
{
    /// <summary>Statements listed per route.</summary>
    public const int TopStatements = 10;

    public static void Write(Utf8JsonWriter w, DateTimeOffset since, DateTimeOffset now, IReadOnlyList<RouteSnapshot> routes, OtlpExporterStats? export)
    {
        w.WriteStartObject();
        w.WriteString("profiler", "loadlens");
        w.WriteNumber("version", 1);
        w.WriteString("since", since);
        w.WriteString("now", now);
        w.WriteStartArray("routes");
        foreach (var r in routes)
        {
            var n = Math.Max(1, r.Requests);
            var durationMs = r.DurationSecondsSum * 1000;
            var dbMs = r.DbSeconds * 1000;
            w.WriteStartObject();
            w.WriteString("method", r.Method);
            w.WriteString("route", r.Route);
            w.WriteNumber("requests", r.Requests);
            w.WriteStartObject("status");
            foreach (var (code, count) in r.StatusCounts)
            {
                w.WriteNumber(code.ToString(System.Globalization.CultureInfo.InvariantCulture), count);
            }

            w.WriteEndObject();
            w.WriteStartObject("durationMs");
            w.WriteNumber("mean", Numbers.Round(durationMs / n));
            w.WriteNumber("p50", Numbers.Round(r.Duration.P50));
            w.WriteNumber("p95", Numbers.Round(r.Duration.P95));
            w.WriteNumber("p99", Numbers.Round(r.Duration.P99));
            w.WriteNumber("max", Numbers.Round(r.Duration.Max));
            w.WriteEndObject();
            w.WriteNumber("dbCommandsPerRequest", Numbers.Round(r.DbCommands / (double)n));
            w.WriteNumber("dbCommandsMax", r.DbCommandsMax);
            w.WriteNumber("dbTimePerRequestMs", Numbers.Round(dbMs / n));
            w.WriteNumber("dbShare", durationMs > 0 ? Numbers.Round(Math.Min(1, dbMs / durationMs)) : 0);
            w.WriteStartArray("statements");
            foreach (var s in r.Statements.Take(TopStatements))
            {
                w.WriteStartObject();
                w.WriteString("statement", s.Statement);
                w.WriteString("system", s.System);
                w.WriteNumber("calls", s.Calls);
                w.WriteNumber("failed", s.Failed);
                w.WriteNumber("meanMs", Numbers.Round(s.TotalMs / Math.Max(1, s.Calls)));
                w.WriteNumber("maxMs", Numbers.Round(s.MaxMs));
                w.WriteNumber("totalMs", Numbers.Round(s.TotalMs));
                w.WriteNumber("perRequestMean", Numbers.Round(s.Calls / (double)n));
                w.WriteNumber("perRequestMax", s.MaxPerRequest);
                w.WriteNumber("repeatedRequests", s.RepeatedRequests);
                w.WriteNumber("shareOfDbTime", dbMs > 0 ? Numbers.Round(s.TotalMs / dbMs) : 0);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (export is { } e)
        {
            w.WriteStartObject("otlp");
            w.WriteString("endpoint", e.Endpoint);
            w.WriteNumber("requestsExported", e.Exported);
            w.WriteNumber("requestsDropped", e.Dropped);
            w.WriteNumber("batchesFailed", e.FailedBatches);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
