using System.Globalization;
using System.Text;
using Loadlens.AspNetCore.Export;
using Loadlens.AspNetCore.Profiling;

namespace Loadlens.AspNetCore.Endpoints;

/// <summary>
/// The <c>/_loadlens/metrics</c> document in the Prometheus text exposition format (version 0.0.4): one HELP and TYPE
/// line per family, a request-duration histogram, counters ending in <c>_total</c>, label values escaped
/// (<c>\\</c>, <c>\"</c>, <c>\n</c>).
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IReadOnlyList<RouteSnapshot> routes, OtlpExporterStats? export)
    {
        var sb = new StringBuilder(4096);
        Family(sb, "loadlens_http_requests_total", "counter", "Requests served, by method, route template and status code.");
        foreach (var r in routes)
        {
            foreach (var (status, count) in r.StatusCounts)
            {
                Sample(sb, "loadlens_http_requests_total", count, ("method", r.Method), ("route", r.Route), ("status", status.ToString(CultureInfo.InvariantCulture)));
            }
        }

        Family(sb, "loadlens_http_request_duration_seconds", "histogram", "Request duration in the app (from the profiler's middleware to the end of the response), by method and route template.");
        foreach (var r in routes)
        {
            for (var i = 0; i < ProfileAggregator.BucketBounds.Length; i++)
            {
                Sample(sb, "loadlens_http_request_duration_seconds_bucket", r.CumulativeBuckets[i], ("method", r.Method), ("route", r.Route), ("le", Number(ProfileAggregator.BucketBounds[i])));
            }

            Sample(sb, "loadlens_http_request_duration_seconds_bucket", r.Requests, ("method", r.Method), ("route", r.Route), ("le", "+Inf"));
            Sample(sb, "loadlens_http_request_duration_seconds_sum", r.DurationSecondsSum, ("method", r.Method), ("route", r.Route));
            Sample(sb, "loadlens_http_request_duration_seconds_count", r.Requests, ("method", r.Method), ("route", r.Route));
        }

        Family(sb, "loadlens_db_commands_total", "counter", "Database commands run while serving requests, by method and route template.");
        foreach (var r in routes)
        {
            Sample(sb, "loadlens_db_commands_total", r.DbCommands, ("method", r.Method), ("route", r.Route));
        }

        Family(sb, "loadlens_db_command_duration_seconds_total", "counter", "Time spent in database commands while serving requests, by method and route template.");
        foreach (var r in routes)
        {
            Sample(sb, "loadlens_db_command_duration_seconds_total", r.DbSeconds, ("method", r.Method), ("route", r.Route));
        }

        Family(sb, "loadlens_db_statement_calls_total", "counter", "Executions of each normalised statement (literals and parameters as ?), by method and route template.");
        foreach (var r in routes)
        {
            foreach (var s in r.Statements.Take(ProfileJson.TopStatements))
            {
                Sample(sb, "loadlens_db_statement_calls_total", s.Calls, ("method", r.Method), ("route", r.Route), ("db_system", s.System), ("statement", s.Statement));
            }
        }

        Family(sb, "loadlens_db_statement_duration_seconds_total", "counter", "Time spent in each normalised statement, by method and route template.");
        foreach (var r in routes)
        {
            foreach (var s in r.Statements.Take(ProfileJson.TopStatements))
            {
                Sample(sb, "loadlens_db_statement_duration_seconds_total", s.TotalMs / 1000, ("method", r.Method), ("route", r.Route), ("db_system", s.System), ("statement", s.Statement));
            }
        }

        if (export is { } e)
        {
            Family(sb, "loadlens_otlp_requests_exported_total", "counter", "Requests whose spans were accepted by the OTLP endpoint.");
            Sample(sb, "loadlens_otlp_requests_exported_total", e.Exported);
            Family(sb, "loadlens_otlp_requests_dropped_total", "counter", "Requests whose spans were dropped (full queue or failed export).");
            Sample(sb, "loadlens_otlp_requests_dropped_total", e.Dropped);
        }

        return sb.ToString();
    }

    private static void Family(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
          .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder sb, string name, double value, params (string Name, string Value)[] labels)
    {
        sb.Append(name);
        if (labels.Length > 0)
        {
            sb.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                sb.Append(labels[i].Name).Append("=\"");
                Escape(sb, labels[i].Value);
                sb.Append('"');
            }

            sb.Append('}');
        }

        sb.Append(' ').Append(Number(value)).Append('\n');
    }

    /// <summary>A label value as the exposition format wants it: backslash, double quote and line feed escaped.</summary>
    internal static void Escape(StringBuilder sb, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    sb.Append(@"\\");
                    break;
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\n':
                    sb.Append(@"\n");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);
}
