using System.Globalization;
using Loadlens.Core.Results;

namespace Loadlens.Reporting;

/// <summary>How a settings value is shown: plain, as code (a URL), or as an alert (a partial run).</summary>
internal enum SettingStyle
{
    /// <summary>Plain text.</summary>
    Plain,

    /// <summary>Literal text such as a URL (Markdown: inline code).</summary>
    Code,

    /// <summary>Something the reader must notice (Markdown: bold), with an optional plain detail after it.</summary>
    Alert,
}

/// <summary>One row of the run settings: plain text, escaped by each format.</summary>
/// <param name="Setting">The setting's name.</param>
/// <param name="Value">Its value.</param>
/// <param name="Style">How to show the value.</param>
/// <param name="Detail">Plain text after an <see cref="SettingStyle.Alert"/> value.</param>
internal sealed record SettingRow(string Setting, string Value, SettingStyle Style = SettingStyle.Plain, string? Detail = null);

/// <summary>The run settings as every human-readable report states them (summary.md, report.html).</summary>
internal static class RunSettingsText
{
    /// <summary>The rows, in order: target, load model, load, stages, duration, warm-up, …, outcome.</summary>
    public static IReadOnlyList<SettingRow> Rows(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Settings;
        var open = IsOpen(s);
        var rows = new List<SettingRow>
        {
            new("Target", s.Target, SettingStyle.Code),
            new("Load model", LoadModel(s)),
        };

        if (open)
        {
            rows.Add(new("Arrival rate", s.Rate is { } rate ? $"{ReportFormat.Number(rate)} req/s (peak)" : ReportFormat.None));
            if (s.Users is { } cap)
            {
                rows.Add(new("In-flight cap", ReportFormat.Count(cap)));
            }
        }
        else
        {
            rows.Add(new("Virtual users", s.Users is { } users ? $"{ReportFormat.Count(users)} (peak)" : ReportFormat.None));
            if (s.Iterations is { } iterations)
            {
                rows.Add(new("Iterations", ReportFormat.Count(iterations)));
            }
        }

        rows.Add(new("Stages", Stages(s, open)));
        rows.Add(new("Duration", Duration(result)));
        rows.Add(new("Warm-up", result.WarmupSeconds > 0 ? $"{ReportFormat.Seconds(result.WarmupSeconds)} (excluded from totals)" : "none"));
        rows.Add(new("Measured period", ReportFormat.Seconds(result.MeasuredSeconds)));
        rows.Add(new("Think time", ThinkTime(s)));
        rows.Add(new("Request timeout", s.TimeoutSeconds > 0 ? ReportFormat.Seconds(s.TimeoutSeconds) : "none"));
        rows.Add(new("HTTP version", s.HttpVersion));
        rows.Add(new("Started (UTC)", ReportFormat.IsoUtc(result.StartedAt)));
        var env = result.Environment;
        rows.Add(new("Tool", Tool(env)));
        rows.Add(new("Machine", $"{env.MachineName} ({env.OsDescription}, {env.ProcessorCount.ToString(CultureInfo.InvariantCulture)} CPUs, {env.RuntimeVersion})"));
        if (!IsNative(result.Source))
        {
            var source = $"imported from {result.Source.Tool} ({result.Source.Format})";
            rows.Add(new("Source", result.Source.Path is { Length: > 0 } p ? $"{source}: {p}" : source));
        }

        rows.Add(result.Outcome.Completed
            ? new("Outcome", "completed")
            : new("Outcome", $"{result.Outcome.StopReason}: partial results", SettingStyle.Alert,
                string.IsNullOrWhiteSpace(result.Outcome.Message) ? null : result.Outcome.Message));
        return rows;
    }

    /// <summary>"open (arrival rate)", "closed (virtual users)", or the model as recorded.</summary>
    public static string LoadModel(RunSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return IsOpen(s) ? "open (arrival rate)" : s.Model.Equals("closed", StringComparison.OrdinalIgnoreCase) ? "closed (virtual users)" : s.Model;
    }

    /// <summary>"62.5 s (planned 60 s)" or "60 s".</summary>
    public static string Duration(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Settings.PlannedDurationSeconds is { } planned
            ? $"{ReportFormat.Seconds(result.DurationSeconds)} (planned {ReportFormat.Seconds(planned)})"
            : ReportFormat.Seconds(result.DurationSeconds);
    }

    /// <summary>"loadlens 0.1.0".</summary>
    public static string Tool(RunEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return $"{env.ToolName} {env.ToolVersion}";
    }

    /// <summary>True for the open (arrival-rate) model.</summary>
    public static bool IsOpen(RunSettings s) => s.Model.Equals("open", StringComparison.OrdinalIgnoreCase);

    private static string Stages(RunSettings s, bool open)
    {
        if (s.Stages.Count == 0)
        {
            return "none (constant load)";
        }

        var unit = open ? " req/s" : " users";
        return string.Join(", ", s.Stages.Select(st => $"{ReportFormat.Seconds(st.DurationSeconds)} → {ReportFormat.Number(st.Target)}{unit}"));
    }

    private static string ThinkTime(RunSettings s)
    {
        if (s.ThinkTimeMinMs <= 0 && s.ThinkTimeMaxMs <= 0)
        {
            return "none";
        }

        return s.ThinkTimeMaxMs <= s.ThinkTimeMinMs
            ? $"{ReportFormat.Number(s.ThinkTimeMinMs)} ms"
            : $"{ReportFormat.Number(s.ThinkTimeMinMs)}–{ReportFormat.Number(s.ThinkTimeMaxMs)} ms (uniform)";
    }

    private static bool IsNative(RunSource source) =>
        source.Tool.Equals("loadlens", StringComparison.OrdinalIgnoreCase)
        && source.Format.Equals("native", StringComparison.OrdinalIgnoreCase);
}
