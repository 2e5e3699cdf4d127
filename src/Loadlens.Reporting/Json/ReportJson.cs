using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Loadlens.Core.Findings;
using Rounding = Loadlens.Core.Statistics.Numbers;

namespace Loadlens.Reporting.Json;

/// <summary>
/// What the analysis JSON and the sweep-analysis JSON share: the writer settings, the number rule (every number
/// rounded by <see cref="Rounding.Round"/>, NaN and ±∞ written as null) and the finding shape.
/// </summary>
internal static class ReportJson
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Indented JSON text with <c>\n</c> line ends (and a final one) from what <paramref name="write"/> writes.</summary>
    public static string Render(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>A rounded number, or null when absent or not finite (JSON has no NaN or infinity).</summary>
    public static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (Rounding.RoundOrNull(value) is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>Several named numbers in a row (<see cref="Number"/> each), in the order given.</summary>
    public static void Numbers(Utf8JsonWriter w, params ReadOnlySpan<(string Name, double? Value)> fields)
    {
        foreach (var (name, value) in fields)
        {
            Number(w, name, value);
        }
    }

    /// <summary>An array of rounded numbers (null for the non-finite ones).</summary>
    public static void NumberArray(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            if (Rounding.RoundOrNull(value) is { } v)
            {
                w.WriteNumberValue(v);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndArray();
    }

    /// <summary>An array of strings.</summary>
    public static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    /// <summary>
    /// The <c>findings</c> array: the one JSON shape of a finding, in the analysis JSON and the sweep-analysis JSON
    /// (docs/analysis.md): ruleId, severity, endpoint, title, evidence (name, value, unit, threshold), recommendation.
    /// </summary>
    public static void Findings(Utf8JsonWriter w, IEnumerable<Finding> findings)
    {
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
                Number(w, "value", e.Value);
                w.WriteString("unit", e.Unit);
                Number(w, "threshold", e.Threshold);
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
}
