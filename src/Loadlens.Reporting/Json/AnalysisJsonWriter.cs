using Loadlens.Analysis;

namespace Loadlens.Reporting.Json;

/// <summary>
/// Writes an <see cref="AnalysisReport"/> as the versioned analysis JSON documented in docs/analysis.md
/// (<c>schemaVersion</c> 1): camelCase names, enums as lower-case strings, nulls written explicitly.
/// Numbers are rounded like every report's (<see cref="Core.Statistics.Numbers.Round"/>), non-finite ones written
/// as null; the finding shape is shared with the sweep-analysis JSON. The output depends only on the report, so it
/// can be compared byte for byte.
/// </summary>
internal static class AnalysisJsonWriter
{
    /// <summary>Render the report as indented JSON text with <c>\n</c> line ends.</summary>
    public static string Render(AnalysisReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return ReportJson.Render(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", report.SchemaVersion);
            w.WriteStartObject("run");
            w.WriteString("name", report.RunName);
            w.WriteString("tool", report.Tool);
            w.WriteEndObject();
            ReportJson.Strings(w, "summary", report.Summary);
            ReportJson.Findings(w, report.Findings);
            w.WriteBoolean("passed", report.Passed);
            w.WriteBoolean("slaPassed", report.SlaPassed);
            if (report.Gate is { } gate)
            {
                w.WriteStartObject("gate");
                ReportJson.Number(w, "maxErrorRate", gate.Limit);
                ReportJson.Number(w, "errorRate", gate.FailureRate);
                w.WriteNumber("requests", gate.Requests);
                w.WriteNumber("failed", gate.Failed);
                w.WriteBoolean("passed", gate.Passed);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("gate");
            }

            w.WriteStartArray("notes");
            foreach (var note in report.Notes)
            {
                w.WriteStringValue(note);
            }

            w.WriteEndArray();
            w.WriteStartArray("sla");
            foreach (var s in report.Sla)
            {
                w.WriteStartObject();
                w.WriteString("target", s.Target);
                w.WriteString("endpoint", s.Endpoint);
                w.WriteString("metric", s.Metric);
                ReportJson.Number(w, "limit", s.Limit);
                ReportJson.Number(w, "actual", s.Actual);
                w.WriteString("unit", s.Unit);
                w.WriteBoolean("passed", s.Passed);
                w.WriteString("note", s.Note);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("recommendations");
            foreach (var r in report.Recommendations)
            {
                w.WriteStartObject();
                w.WriteString("tier", AnalysisText.Tier(r.Tier));
                w.WriteString("text", r.Text);
                w.WriteStartArray("motivatedBy");
                foreach (var m in r.MotivatedBy)
                {
                    w.WriteStartObject();
                    w.WriteString("ruleId", m.RuleId);
                    w.WriteString("endpoint", m.Endpoint);
                    w.WriteString("severity", AnalysisText.Severity(m.Severity));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("cacheTtl");
            foreach (var c in report.CacheTtl)
            {
                w.WriteStartObject();
                w.WriteString("endpoint", c.Endpoint);
                ReportJson.Number(w, "requestsPerSecond", c.RequestsPerSecond);
                ReportJson.Number(w, "meanLatencyMs", c.MeanLatencyMs);
                ReportJson.Number(w, "ttlSeconds", c.TtlSeconds);
                ReportJson.Number(w, "expectedHitRatio", c.ExpectedHitRatio);
                ReportJson.Number(w, "savedServerMsPerSecond", c.SavedServerMsPerSecond);
                w.WriteString("reason", c.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Render and write to <paramref name="path"/> (UTF-8 without BOM; the folder is created).</summary>
    public static void Write(AnalysisReport report, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ReportFile.Write(path, Render(report));
    }
}
