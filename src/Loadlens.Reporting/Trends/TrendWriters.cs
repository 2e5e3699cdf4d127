using System.Globalization;
using System.Text;
using Loadlens.Analysis.Trends;
using Loadlens.Reporting.Json;
using Rounding = Loadlens.Core.Statistics.Numbers;

namespace Loadlens.Reporting.Trends;

/// <summary>
/// The trend JSON (<c>loadlens history trend … --format json</c>; <c>kind</c> "trend", <c>schemaVersion</c> 1): the series
/// (<c>points[]</c>: index, runId, startedAt, commit, branch, value) and <c>changePoints[]</c> (index, runId, commit, startedAt,
/// beforeMedian, afterMedian, change, pValue, direction, regression, text). Numbers follow the report JSON rule.
/// </summary>
internal static class TrendJsonWriter
{
    /// <summary>Version of this document's schema.</summary>
    public const int SchemaVersion = 1;

    public static string Render(TrendReport trend)
    {
        ArgumentNullException.ThrowIfNull(trend);
        return ReportJson.Render(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SchemaVersion);
            w.WriteString("kind", "trend");
            w.WriteString("scenario", trend.Scenario);
            w.WriteString("endpoint", trend.Endpoint);
            w.WriteString("metric", TrendMetrics.Name(trend.Metric));
            w.WriteString("unit", TrendMetrics.Unit(trend.Metric));
            w.WriteString("method", trend.Method);
            w.WriteStartArray("points");
            for (var i = 0; i < trend.Points.Count; i++)
            {
                var p = trend.Points[i];
                w.WriteStartObject();
                w.WriteNumber("index", i);
                w.WriteString("runId", p.RunId);
                w.WriteString("startedAt", p.StartedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                w.WriteString("commit", p.Commit);
                w.WriteString("branch", p.Branch);
                ReportJson.Number(w, "value", p.Value);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("changePoints");
            foreach (var c in trend.ChangePoints)
            {
                w.WriteStartObject();
                w.WriteNumber("index", c.Index);
                w.WriteString("runId", c.RunId);
                w.WriteString("commit", c.Commit);
                w.WriteString("startedAt", c.StartedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                ReportJson.Numbers(w, ("beforeMedian", c.BeforeMedian), ("afterMedian", c.AfterMedian), ("change", c.RelativeChange), ("pValue", c.PValue));
                w.WriteString("direction", c.AfterMedian > c.BeforeMedian ? "rose" : "fell");
                w.WriteBoolean("regression", c.Regression);
                w.WriteString("text", c.Text);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}

/// <summary>The trend as Markdown: a heading, the change points as sentences, and the series as a table.</summary>
internal static class TrendMarkdownWriter
{
    public static string Render(TrendReport trend)
    {
        ArgumentNullException.ThrowIfNull(trend);
        var unit = TrendMetrics.Unit(trend.Metric);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Trend: {TrendMetrics.Name(trend.Metric)} of {trend.Endpoint} ({trend.Scenario})\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{trend.Points.Count} runs. Change points: {trend.Method}.\n\n");
        if (trend.ChangePoints.Count == 0)
        {
            sb.Append("No change point.\n\n");
        }
        else
        {
            foreach (var c in trend.ChangePoints)
            {
                sb.Append(CultureInfo.InvariantCulture, $"- **{(c.Regression ? "Regression" : "Improvement")}:** {c.Text}; median {Value(c.BeforeMedian, unit)} → {Value(c.AfterMedian, unit)}, p = {Rounding.Round(c.PValue).ToString(CultureInfo.InvariantCulture)}\n");
            }

            sb.Append('\n');
        }

        var changes = trend.ChangePoints.Select(c => c.Index).ToHashSet();
        sb.Append(CultureInfo.InvariantCulture, $"| # | Run | Started (UTC) | Commit | Branch | {TrendMetrics.Name(trend.Metric)} |\n");
        sb.Append("|---:|---|---|---|---|---:|\n");
        for (var i = 0; i < trend.Points.Count; i++)
        {
            var p = trend.Points[i];
            var mark = changes.Contains(i) ? " ◀ change" : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"| {i + 1} | `{p.RunId}` | {p.StartedAt.ToUniversalTime():yyyy-MM-dd HH:mm} | {Short(p.Commit)} | {p.Branch ?? "–"} | {Value(p.Value, unit)}{mark} |\n");
        }

        return sb.ToString();
    }

    internal static string Value(double value, string unit) =>
        unit.Length == 0
            ? (value * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %"
            : Rounding.Round(value).ToString(CultureInfo.InvariantCulture) + " " + unit;

    internal static string Short(string? commit) => commit is { Length: > 0 } c ? c[..Math.Min(7, c.Length)] : "–";
}
