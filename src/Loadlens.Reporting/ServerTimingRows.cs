using Loadlens.Core.Results;

namespace Loadlens.Reporting;

/// <summary>
/// The endpoints' Server-Timing metrics (<see cref="EndpointResult.ServerTiming"/>) as rows next to the client's
/// latency: the one layout the console, summary.md and report.html share.
/// </summary>
internal static class ServerTimingRows
{
    public static readonly IReadOnlyList<string> Headings =
        ["Endpoint", "Metric", "Entries", "Client mean", "Client p95", "Server-Timing mean", "Server-Timing p95", "Max", "Of client mean"];

    /// <summary>The endpoints that carry Server-Timing (the aggregate never does).</summary>
    public static IReadOnlyList<EndpointResult> Endpoints(RunResult run) =>
        run.Endpoints.Where(e => !e.IsAggregate && e.ServerTiming is { Metrics.Count: > 0 }).ToList();

    /// <summary>One row per endpoint and metric (latencies in ms); a count-only metric has dashes for its times.</summary>
    public static IReadOnlyList<(string Endpoint, IReadOnlyList<string> Cells)> Build(RunResult run)
    {
        var rows = new List<(string, IReadOnlyList<string>)>();
        foreach (var e in Endpoints(run))
        {
            foreach (var m in e.ServerTiming!.Metrics)
            {
                var timed = m.Duration.Count > 0;
                rows.Add((e.Name,
                [
                    m.Name,
                    ReportFormat.Count(m.Count),
                    ReportFormat.Ms(e.Latency.Mean),
                    ReportFormat.Ms(e.Latency.P95),
                    timed ? ReportFormat.Ms(m.Duration.Mean) : "–",
                    timed ? ReportFormat.Ms(m.Duration.P95) : "–",
                    timed ? ReportFormat.Ms(m.Duration.Max) : "–",
                    timed && e.Latency.Mean > 0 ? ReportFormat.Number(Math.Round(m.Duration.Mean / e.Latency.Mean * 100, 1)) + " %" : "–",
                ]));
            }
        }

        return rows;
    }

    /// <summary>"server-timing db: mean 12.3 / p95 20.1 ms, app: …" for one endpoint; null without Server-Timing.</summary>
    public static string? Inline(EndpointResult endpoint)
    {
        if (endpoint.ServerTiming is not { Metrics.Count: > 0 } timing)
        {
            return null;
        }

        var parts = timing.Metrics.Select(m => m.Duration.Count > 0
            ? $"{m.Name}: mean {ReportFormat.Ms(m.Duration.Mean)} / p95 {ReportFormat.Ms(m.Duration.P95)} ms"
            : $"{m.Name}: {ReportFormat.Count(m.Count)} entries, no dur");
        return "server-timing " + string.Join(", ", parts);
    }

    /// <summary>Metric names taken for the app's whole time when an endpoint reports one (case-insensitive).</summary>
    private static readonly string[] WholeAppNames = ["total", "app", "server", "handler", "request"];

    /// <summary>
    /// The metric that stands for the app's own time: one named total / app / server / handler / request, else the
    /// one with the largest mean (metrics may nest or follow each other; the largest is a lower bound of the app's
    /// time). Null when no metric has durations.
    /// </summary>
    public static ServerTimingMetric? AppMetric(EndpointResult endpoint)
    {
        var timed = endpoint.ServerTiming?.Metrics.Where(m => m.Duration.Count > 0).ToList() ?? [];
        foreach (var name in WholeAppNames)
        {
            if (timed.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)) is { } whole)
            {
                return whole;
            }
        }

        return timed.MaxBy(m => m.Duration.Mean);
    }

    /// <summary>
    /// "Server-Timing "app" says the app spent X of the client's Y ms mean (Z %); W ms are outside the app (…)" for
    /// one endpoint, in the wording of the OTLP evidence's "outside app"; null without timed metrics.
    /// </summary>
    public static string? AppShare(EndpointResult endpoint)
    {
        if (AppMetric(endpoint) is not { } app || endpoint.Latency.Count == 0)
        {
            return null;
        }

        var client = endpoint.Latency.Mean;
        var share = client > 0 ? ReportFormat.Number(Math.Round(app.Duration.Mean / client * 100, 1)) + " %" : "–";
        var outside = client - app.Duration.Mean;
        var rest = outside >= 0
            ? $"{ReportFormat.Ms(outside)} ms are outside the app (connecting, queues before the app, transfer)"
            : "more than the client measured: the metric is not wall time of this request alone";
        return $"Server-Timing \"{app.Name}\" says the app spent {ReportFormat.Ms(app.Duration.Mean)} ms of the client's {ReportFormat.Ms(client)} ms mean ({share}); {rest}";
    }

    /// <summary>What the rows cover: responses with the header, dropped and malformed entries.</summary>
    public static string Coverage(RunResult run)
    {
        var endpoints = Endpoints(run);
        var responses = endpoints.Sum(e => e.ServerTiming!.Responses);
        var requests = endpoints.Sum(e => e.Requests);
        var text = $"From the target's Server-Timing response headers: {ReportFormat.Count(responses)} of {ReportFormat.Count(requests)} responses of these endpoints carried one";
        var dropped = endpoints.Sum(e => e.ServerTiming!.DroppedEntries);
        var unparsable = endpoints.Sum(e => e.ServerTiming!.UnparsableEntries);
        if (dropped > 0)
        {
            text += $"; {ReportFormat.Count(dropped)} entries beyond {ServerTimingSummary.MaxNames} names per endpoint not kept";
        }

        if (unparsable > 0)
        {
            text += $"; {ReportFormat.Count(unparsable)} malformed entries skipped";
        }

        return text + ". Of client mean = Server-Timing mean / client mean.";
    }
}
