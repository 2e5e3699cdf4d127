using System.Text.Json;
using Loadlens.Analysis.Compare;
using Loadlens.Reporting.Json;

namespace Loadlens.Reporting.Compare;

/// <summary>
/// <c>comparison.json</c> (schema version <see cref="ComparisonReport.CurrentSchemaVersion"/>, docs/compare.md):
/// <c>endpoints[]</c> each with <c>name</c> and <c>metrics[]</c> of <c>{metric, baseline, candidate, change, ciLow,
/// ciHigh, verdict}</c> (change and the CI are relative: 0.1 = +10 %), plus the overall row, <c>verdict</c>,
/// <c>regressions[]</c>, warnings and unmatched endpoints. Numbers follow the report rule (<see cref="ReportJson"/>).
/// </summary>
internal static class ComparisonJsonWriter
{
    public static string Render(ComparisonReport report) => ReportJson.Render(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", ComparisonReport.CurrentSchemaVersion);
        w.WriteString("kind", "run-comparison");
        Run(w, "baseline", report.Baseline);
        Run(w, "candidate", report.Candidate);
        w.WriteString("verdict", ComparisonText.Verdict(report.Verdict));
        Settings(w, report.Options, report.GateFailed);
        w.WriteString("notComparable", report.NotComparableReason);
        w.WriteString("runNoise", report.RunNoise);
        Row(w, "overall", report.Overall);
        w.WriteStartArray("endpoints");
        foreach (var e in report.Endpoints)
        {
            Row(w, null, e);
        }

        w.WriteEndArray();
        w.WriteStartObject("unmatched");
        ReportJson.Strings(w, "baseline", report.UnmatchedBaseline);
        ReportJson.Strings(w, "candidate", report.UnmatchedCandidate);
        w.WriteEndObject();
        Warnings(w, report.Warnings);
        Regressions(w, report.Regressions);
        w.WriteEndObject();
    });

    public static string Render(SweepComparison report) => ReportJson.Render(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", ComparisonReport.CurrentSchemaVersion);
        w.WriteString("kind", "sweep-comparison");
        w.WriteString("baseline", report.BaselineLabel);
        w.WriteString("candidate", report.CandidateLabel);
        w.WriteString("model", report.Model);
        w.WriteString("verdict", ComparisonText.Verdict(report.Verdict));
        Settings(w, report.Options, report.GateFailed);
        w.WriteString("notComparable", report.NotComparableReason);
        w.WriteStartArray("figures");
        foreach (var f in report.Figures)
        {
            w.WriteStartObject();
            w.WriteString("name", f.Name);
            w.WriteString("unit", f.Unit);
            if (f.HigherIsBetter is { } better)
            {
                w.WriteBoolean("higherIsBetter", better);
            }
            else
            {
                w.WriteNull("higherIsBetter");
            }

            ReportJson.Numbers(w, ("baseline", f.Baseline), ("candidate", f.Candidate), ("change", f.RelativeChange), ("absoluteChange", f.Change));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("levels");
        foreach (var level in report.Levels)
        {
            w.WriteStartObject();
            ReportJson.Number(w, "level", level.Level);
            w.WriteString("verdict", ComparisonText.Verdict(level.Comparison.Verdict));
            Row(w, "overall", level.Comparison.Overall);
            w.WriteStartArray("endpoints");
            foreach (var e in level.Comparison.Endpoints)
            {
                Row(w, null, e);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        ReportJson.NumberArray(w, "unmatchedLevels", report.UnmatchedLevels);
        Warnings(w, report.Warnings);
        Regressions(w, report.Regressions);
        w.WriteEndObject();
    });

    private static void Run(Utf8JsonWriter w, string name, ComparedRun run)
    {
        w.WriteStartObject(name);
        w.WriteString("label", run.Label);
        w.WriteString("name", run.Name);
        w.WriteString("tool", run.Tool);
        w.WriteString("startedAt", ReportFormat.IsoUtc(run.StartedAt));
        w.WriteNumber("intervals", run.Intervals);
        w.WriteNumber("requests", run.Requests);
        w.WriteNumber("runs", run.Runs);
        w.WriteEndObject();
    }

    private static void Settings(Utf8JsonWriter w, ComparisonOptions o, bool gateFailed)
    {
        ReportJson.Numbers(w, ("minEffect", o.MinEffect), ("alpha", o.Alpha), ("confidence", o.Confidence), ("runNoise", o.RunNoise));
        w.WriteStartObject("gate");
        ReportJson.Strings(w, "metrics", o.GatedMetrics);
        ReportJson.Number(w, "threshold", o.FailOnRegression);
        w.WriteBoolean("failed", gateFailed);
        w.WriteEndObject();
    }

    private static void Row(Utf8JsonWriter w, string? property, EndpointComparison row)
    {
        if (property is null)
        {
            w.WriteStartObject();
        }
        else
        {
            w.WriteStartObject(property);
        }

        w.WriteString("name", row.Name);
        w.WriteString("candidateName", row.CandidateName);
        w.WriteString("key", row.Key);
        w.WriteStartArray("metrics");
        foreach (var m in row.Metrics)
        {
            w.WriteStartObject();
            w.WriteString("metric", m.Metric);
            ReportJson.Numbers(w, ("baseline", m.Baseline), ("candidate", m.Candidate), ("change", m.RelativeChange), ("ciLow", m.CiLow), ("ciHigh", m.CiHigh));
            w.WriteString("verdict", ComparisonText.Verdict(m.Verdict));
            w.WriteString("unit", m.Unit);
            w.WriteBoolean("higherIsBetter", m.HigherIsBetter);
            ReportJson.Numbers(w, ("absoluteChange", m.Change), ("pValue", m.PValue), ("runNoise", m.RunNoise));
            w.WriteString("reason", m.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Warnings(Utf8JsonWriter w, IReadOnlyList<ComparabilityWarning> warnings)
    {
        w.WriteStartArray("warnings");
        foreach (var warning in warnings)
        {
            w.WriteStartObject();
            w.WriteString("code", warning.Code);
            w.WriteString("message", warning.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Regressions(Utf8JsonWriter w, IReadOnlyList<Regression> regressions)
    {
        w.WriteStartArray("regressions");
        foreach (var r in regressions)
        {
            w.WriteStartObject();
            w.WriteString("endpoint", r.Endpoint);
            w.WriteString("metric", r.Metric);
            ReportJson.Numbers(w, ("baseline", r.Baseline), ("candidate", r.Candidate), ("change", r.RelativeChange), ("threshold", r.Threshold));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
