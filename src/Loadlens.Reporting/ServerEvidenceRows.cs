using Loadlens.Core.Results;

namespace Loadlens.Reporting;

/// <summary>
/// The server-side evidence of a run as rows, next to the client's numbers: the one layout the console and summary.md
/// share. Null when the run has no <see cref="ServerEvidence"/> section.
/// </summary>
internal static class ServerEvidenceRows
{
    public static readonly IReadOnlyList<string> Headings =
        ["Endpoint", "Joined", "Client mean", "Server p50", "Server p95", "Before app p50", "Before app p95", "Outside app", "DB / request", "DB share", "Statements / request"];

    public static ServerEvidence? Of(RunResult run) =>
        run.TryGetSection<ServerEvidence>(ServerEvidence.SectionName, out var evidence) ? evidence : null;

    /// <summary>One row of cells per endpoint with evidence (latencies in ms).</summary>
    public static IReadOnlyList<(string Endpoint, IReadOnlyList<string> Cells)> Build(RunResult run, ServerEvidence evidence)
    {
        var rows = new List<(string, IReadOnlyList<string>)>();
        foreach (var e in evidence.Endpoints)
        {
            var client = run.Endpoints.FirstOrDefault(x => x.Name == e.Endpoint && !x.IsAggregate);
            var clientMean = client?.Latency.Mean ?? 0;
            rows.Add((e.Endpoint,
            [
                ReportFormat.Count(e.Requests),
                ReportFormat.Ms(clientMean),
                ReportFormat.Ms(e.ServerTime.P50),
                ReportFormat.Ms(e.ServerTime.P95),
                ReportFormat.Ms(e.BeforeApp.P50),
                ReportFormat.Ms(e.BeforeApp.P95),
                ReportFormat.Ms(Math.Max(0, clientMean - e.ServerTime.Mean)),
                ReportFormat.Ms(e.DbTimeMeanMs),
                ReportFormat.Number(Math.Round(e.DbShare * 100, 1)) + " %",
                ReportFormat.Number(Math.Round(e.DbStatementsMean, 2)),
            ]));
        }

        return rows;
    }

    /// <summary>"N of M requests joined to server spans (…)": what the evidence covers.</summary>
    public static string Coverage(RunResult run, ServerEvidence evidence)
    {
        var requests = run.Total.Requests + run.Intervals.Where(i => i.Warmup).Sum(i => i.Total.Requests);
        var text = $"{ReportFormat.Count(evidence.TracesJoined)} of {ReportFormat.Count(requests)} requests joined to the app's server spans ({ReportFormat.Count(evidence.SpansReceived)} spans received";
        if (evidence.SpansRejected > 0)
        {
            text += $", {ReportFormat.Count(evidence.SpansRejected)} with invalid ids";
        }

        if (evidence.TracesDropped > 0)
        {
            text += $", {ReportFormat.Count(evidence.TracesDropped)} traces beyond the memory bound not analysed";
        }

        if (evidence.OtherTraffic.Count > 0)
        {
            text += $", {ReportFormat.Count(evidence.OtherTraffic.Sum(o => o.Requests))} server spans of other traffic";
        }

        return text + "). Outside app = client mean − server mean (connecting, queues before the app, transfer).";
    }
}
