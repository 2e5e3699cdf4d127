using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Loadlens.Analysis;
using Loadlens.Core.Findings;

namespace Loadlens.Reporting.Json;

/// <summary>
/// Writes an <see cref="AnalysisReport"/> as the versioned analysis JSON documented in docs/analysis.md
/// (<c>schemaVersion</c> 1): camelCase names, enums as lower-case strings, nulls written explicitly.
/// The output depends only on the report, so it can be compared byte for byte.
/// </summary>
public static class AnalysisJsonWriter
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Render the report as indented JSON text with <c>\n</c> line ends.</summary>
    public static string Render(AnalysisReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", report.SchemaVersion);
            w.WriteStartObject("run");
            w.WriteString("name", report.RunName);
            w.WriteString("tool", report.Tool);
            w.WriteEndObject();
            w.WriteStartArray("summary");
            foreach (var s in report.Summary)
            {
                w.WriteStringValue(s);
            }

            w.WriteEndArray();
            WriteFindings(w, report.Findings);
            w.WriteBoolean("slaPassed", report.SlaPassed);
            w.WriteStartArray("sla");
            foreach (var s in report.Sla)
            {
                w.WriteStartObject();
                w.WriteString("target", s.Target);
                w.WriteString("endpoint", s.Endpoint);
                w.WriteString("metric", s.Metric);
                w.WriteNumber("limit", s.Limit);
                if (s.Actual is { } actual)
                {
                    w.WriteNumber("actual", actual);
                }
                else
                {
                    w.WriteNull("actual");
                }

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
                w.WriteNumber("requestsPerSecond", c.RequestsPerSecond);
                w.WriteNumber("meanLatencyMs", c.MeanLatencyMs);
                if (c.TtlSeconds is { } ttl)
                {
                    w.WriteNumber("ttlSeconds", ttl);
                }
                else
                {
                    w.WriteNull("ttlSeconds");
                }

                w.WriteNumber("expectedHitRatio", c.ExpectedHitRatio);
                w.WriteNumber("savedServerMsPerSecond", c.SavedServerMsPerSecond);
                w.WriteString("reason", c.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>
    /// Write the <c>findings</c> array: the finding shape shared by the analysis JSON and the sweep
    /// analysis JSON. Non-finite evidence values and thresholds are written as null; <paramref name="round"/>
    /// (optional) is applied to the other numbers.
    /// </summary>
    internal static void WriteFindings(Utf8JsonWriter w, IEnumerable<Finding> findings, Func<double, double>? round = null)
    {
        round ??= static v => v;
        w.WriteStartArray("findings");
        foreach (var f in findings)
        {
            w.WriteStartObject();
            w.WriteString("ruleId", f.RuleId);
            w.WriteString("severity", AnalysisText.Severity(f.Severity));
            w.WriteString("endpoint", f.Endpoint);
            w.WriteString("title", f.Title);
            w.WriteStartArray("evidence");
            foreach (var e in f.Evidence)
            {
                w.WriteStartObject();
                w.WriteString("name", e.Name);
                WriteNumberOrNull(w, "value", round(e.Value));
                w.WriteString("unit", e.Unit);
                WriteNumberOrNull(w, "threshold", e.Threshold is { } t ? round(t) : null);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (f.Recommendation is { } r)
            {
                w.WriteStartObject("recommendation");
                w.WriteString("tier", AnalysisText.Tier(r.Tier));
                w.WriteString("text", r.Text);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("recommendation");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>A number, or null when absent or not finite (JSON has no NaN or infinity).</summary>
    internal static void WriteNumberOrNull(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>Render and write to <paramref name="path"/> (UTF-8 without BOM; the folder is created).</summary>
    public static void Write(AnalysisReport report, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var text = Render(report);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, text, Utf8NoBom);
    }
}
