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

    /// <summary>Headings of the statements table (run-wide, by total time).</summary>
    public static readonly IReadOnlyList<string> StatementHeadings =
        ["Statement", "Endpoints", "Calls", "Per request", "p50 ms", "p95 ms", "Max ms", "Share of DB time"];

    /// <summary>The run's top statements by total time (at most <paramref name="top"/>), one row of cells each; the statement first.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Statements(ServerEvidence evidence, int top) =>
        evidence.Statements.Take(top).Select(s => (IReadOnlyList<string>)
        [
            s.Statement,
            string.Join(", ", s.Endpoints),
            ReportFormat.Count(s.Calls),
            ReportFormat.Number(s.PerRequestMean),
            ReportFormat.Ms(s.P50Ms),
            ReportFormat.Ms(s.P95Ms),
            ReportFormat.Ms(s.MaxMs),
            ReportFormat.Number(Math.Round(s.ShareOfDbTime * 100, 1)) + " %",
        ]).ToList();

    /// <summary>The <c>--db</c> lines: the database planned, then each index to add with its evidence, then statements it could not plan.</summary>
    public static IReadOnlyList<string> Database(ServerEvidence evidence)
    {
        if (evidence.Database is not { } db)
        {
            return [];
        }

        var planned = db.Plans.Count(p => p.Error is null);
        var lines = new List<string> { $"Database {db.Target} ({db.System}): {planned} of the top statements planned, {db.IndexAdvice.Count} index{(db.IndexAdvice.Count == 1 ? string.Empty : "es")} to add." };
        foreach (var a in db.IndexAdvice)
        {
            var rows = a.RowsScanned is { } r ? $"{ReportFormat.Count(r)} rows scanned ({a.RowsFrom})" : "rows scanned unknown";
            lines.Add($"{a.CreateIndex}  -- {a.Table}: {rows}; plan: {a.PlanLine}; for {a.Statement}");
        }

        foreach (var p in db.Plans.Where(p => p.Error is not null))
        {
            lines.Add($"not planned: {p.Statement}: {p.Error}");
        }

        return lines;
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
