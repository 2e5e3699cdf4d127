using System.Globalization;
using System.Text;
using Loadlens.Analysis;
using Loadlens.Core.Findings;
using Loadlens.Core.Results;

namespace Loadlens.Reporting.Markdown;

/// <summary>
/// Renders an <see cref="AnalysisReport"/> as a performance report in Markdown (<c>analysis.md</c>):
/// executive summary, per-endpoint table, bottlenecks by severity with evidence, SLA table,
/// recommendations by tier and cache-TTL advice. Depends only on its inputs (invariant culture,
/// <c>\n</c> line ends), so it can be compared byte for byte.
/// </summary>
internal static class AnalysisReportWriter
{
    private static readonly RecommendationTier[] Tiers = [RecommendationTier.Immediate, RecommendationTier.ShortTerm, RecommendationTier.LongTerm];

    /// <summary>Render the report as Markdown text.</summary>
    /// <param name="run">The analysed run (for the endpoint table).</param>
    /// <param name="report">Its analysis.</param>
    /// <returns>GitHub-flavoured Markdown with <c>\n</c> line ends.</returns>
    public static string Render(RunResult run, AnalysisReport report)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        string E(string text) => MarkdownSummaryWriter.Escape(text);

        Line($"# Performance analysis: {E(run.Name)}");
        Line();
        Line($"Measured by {E(run.Source.Tool)} ({E(run.Source.Format)}), {ReportFormat.Seconds(run.MeasuredSeconds)} measured, {E(ReportFormat.Outcome(run.Outcome))}.");
        Line();
        Line("## Executive summary");
        Line();
        Line(E(string.Join(" ", report.Summary)));
        Line();

        Line("## Endpoints");
        Line();
        Line("| Endpoint | Method | Requests | Failures % | req/s | Mean | p50 | p95 | p99 | Max | In flight | Worst finding |");
        Line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var e in run.Endpoints.Where(e => !e.IsAggregate).Append(run.Total))
        {
            var rate = run.RateOf(e);
            var has = e.Requests > 0;
            string L(double v) => has ? ReportFormat.Ms(v) : ReportFormat.None;
            var worst = e.IsAggregate ? WorstRunFinding(report) : report.WorstSeverity(e.Name);
            var name = e.IsAggregate ? "**Aggregated**" : E(e.Name);
            Line($"| {name} | {E(e.Method)} | {ReportFormat.Count(e.Requests)} | {ReportFormat.Percent(e.Failures, e.Requests)} | {ReportFormat.Rate(rate)} | {L(e.Latency.Mean)} | {L(e.Latency.P50)} | {L(e.Latency.P95)} | {L(e.Latency.P99)} | {L(e.Latency.Max)} | {(has ? ReportFormat.Number(Math.Round(LittlesLaw.Concurrency(rate, e.Latency.Mean), 2)) : ReportFormat.None)} | {(worst is { } w ? AnalysisText.Severity(w) : ReportFormat.None)} |");
        }

        Line();
        Line("Latencies in ms. In flight = throughput × mean latency (Little's law): the requests the endpoint holds on average.");
        Line();

        var timed = ServerTimingRows.Endpoints(run);
        if (timed.Count > 0)
        {
            Line("## Server-Timing");
            Line();
            foreach (var e in timed)
            {
                var share = ServerTimingRows.AppShare(e);
                Line($"- **{E(e.Name)}**: {(share is null ? string.Empty : E(share) + ". ")}{E(ServerTimingRows.Inline(e)!)}.");
            }

            Line();
            Line(E(ServerTimingRows.Coverage(run)));
            Line();
        }

        Line("## Bottlenecks");
        Line();
        if (report.Findings.Count == 0)
        {
            Line("No rule fired: nothing to report.");
            Line();
        }

        FindingsMarkdown.Write(md, report.Findings, headingLevel: 3, wholeScope: "Whole run");
        foreach (var note in report.Notes)
        {
            Line($"_Not judged: {E(note)}_");
            Line();
        }

        Line("## SLA");
        Line();
        if (report.Sla.Count == 0)
        {
            Line("No SLA targets were given (add an `sla` section to the scenario, or pass `--sla FILE` to `loadlens analyze`).");
            Line();
        }
        else
        {
            Line("| Target | Endpoint | Metric | Limit | Actual | Result |");
            Line("|---|---|---|---:|---:|---|");
            foreach (var s in report.Sla)
            {
                var unit = s.Unit.Length == 0 ? string.Empty : " " + s.Unit;
                var limit = s.Metric == "endpoint" ? ReportFormat.None : (s.Metric == "minThroughput" ? "≥ " : "≤ ") + ReportFormat.Number(s.Limit) + unit;
                var actual = s.Actual is { } a ? ReportFormat.Number(a) + unit : ReportFormat.None;
                var result = (s.Passed ? "pass" : "**FAIL**") + (s.Note is null ? string.Empty : $" ({E(s.Note)})");
                Line($"| {E(s.Target)} | {E(s.Endpoint ?? ReportFormat.None)} | {s.Metric} | {limit} | {actual} | {result} |");
            }

            Line();
            var failed = report.Sla.Count(s => !s.Passed);
            Line(failed == 0 ? $"**SLA: PASS** (all {report.Sla.Count} checks)." : $"**SLA: FAIL** ({failed} of {report.Sla.Count} checks failed).");
            Line();
        }

        if (report.Gate is { } gate)
        {
            Line(gate.Passed
                ? $"**Gate: PASS**: {AnalysisText.Gate(gate)}."
                : $"**Gate: FAIL**: {AnalysisText.Gate(gate)}; the run fails even without an SLA (`--max-error-rate` sets the limit, `--no-gate` turns it off).");
            Line();
        }

        Line("## Recommendations");
        Line();
        if (report.Recommendations.Count == 0)
        {
            Line("None: no finding calls for action.");
            Line();
        }

        foreach (var tier in Tiers)
        {
            var items = report.Recommendations.Where(r => r.Tier == tier).ToList();
            if (items.Count == 0)
            {
                continue;
            }

            Line($"### {AnalysisText.TierHeading(tier)}");
            Line();
            var n = 1;
            foreach (var item in items)
            {
                var because = string.Join(", ", item.MotivatedBy.Select(m => $"`{m.RuleId}` {(m.Endpoint is null ? "(whole run)" : "on " + E(m.Endpoint))}"));
                Line($"{n++.ToString(CultureInfo.InvariantCulture)}. {E(item.Text)} _Because of: {because}._");
            }

            Line();
        }

        Line("## Cache TTL advice (heuristic)");
        Line();
        if (report.CacheTtl.Count == 0)
        {
            Line("No read (GET) endpoints in this run.");
            Line();
        }
        else
        {
            Line("| Endpoint | req/s | Mean | Suggested TTL | Hit ratio (hot key) | Why |");
            Line("|---|---:|---:|---:|---:|---|");
            foreach (var c in report.CacheTtl)
            {
                var ttl = c.TtlSeconds is { } t ? ReportFormat.Seconds(t) : "no cache";
                var hit = c.TtlSeconds is null ? ReportFormat.None : (c.ExpectedHitRatio * 100).ToString("F2", CultureInfo.InvariantCulture) + " %";
                Line($"| {E(c.Endpoint)} | {ReportFormat.Rate(c.RequestsPerSecond)} | {ReportFormat.Ms(c.MeanLatencyMs)} | {ttl} | {hit} | {E(c.Reason)} |");
            }

            Line();
            Line("This is a heuristic from traffic volume and latency, not a measurement: it assumes one hot key per endpoint and says nothing about how stale the data may be. See docs/analysis.md.");
            Line();
        }

        return md.ToString();
    }

    /// <summary>Render and write to <paramref name="path"/> (UTF-8 without BOM; the folder is created).</summary>
    public static void Write(RunResult run, AnalysisReport report, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ReportFile.Write(path, Render(run, report));
    }

    private static FindingSeverity? WorstRunFinding(AnalysisReport report)
    {
        FindingSeverity? worst = null;
        foreach (var f in report.Findings.Where(f => f.Endpoint is null))
        {
            if (worst is null || f.Severity > worst)
            {
                worst = f.Severity;
            }
        }

        return worst;
    }
}
