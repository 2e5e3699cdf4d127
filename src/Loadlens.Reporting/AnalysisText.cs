using Loadlens.Core.Findings;

namespace Loadlens.Reporting;

/// <summary>Names of severities and tiers as every analysis output spells them.</summary>
internal static class AnalysisText
{
    /// <summary>"critical", "warning" or "info".</summary>
    public static string Severity(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical => "critical",
        FindingSeverity.Warning => "warning",
        _ => "info",
    };

    /// <summary>"immediate", "short-term" or "long-term".</summary>
    public static string Tier(RecommendationTier tier) => tier switch
    {
        RecommendationTier.Immediate => "immediate",
        RecommendationTier.ShortTerm => "short-term",
        _ => "long-term",
    };

    /// <summary>"Immediate", "Short-term" or "Long-term".</summary>
    public static string TierHeading(RecommendationTier tier) => tier switch
    {
        RecommendationTier.Immediate => "Immediate",
        RecommendationTier.ShortTerm => "Short-term",
        _ => "Long-term",
    };

    /// <summary>
    /// An evidence value with its unit and, when it was compared with one, its threshold — the one rendering of
    /// evidence in every human-readable output (run and sweep, console and Markdown):
    /// "16.619 ms", "3.153 % (threshold 1 %)", "8.668", "2.5 ms/user (threshold 2.4 ms/user)", "1.234e-5".
    /// </summary>
    public static string Evidence(Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var value = Number(evidence.Value);
        var threshold = evidence.Threshold is { } t ? $" (threshold {Number(t)}{Unit(evidence.Unit)})" : string.Empty;
        return value + Unit(evidence.Unit) + threshold;
    }

    /// <summary>
    /// A number with 3 decimals at or above 1 and up to 4 below ("16.619", "0.0158", "0"); below 0.001 in
    /// scientific notation with 4 significant digits, so tiny ratios such as a USL κ stay readable ("1.234e-5");
    /// "n/a" when it is not a number and "∞"/"-∞" when infinite.
    /// </summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            return double.IsNaN(value) ? "n/a" : value > 0 ? "∞" : "-∞";
        }

        var format = Math.Abs(value) >= 1 ? "0.###" : value != 0 && Math.Abs(value) < 0.001 ? "0.###e0" : "0.####";
        var text = value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }

    /// <summary>The exit gate in words: "0.56 % of 6,259 requests failed (limit 1 %)".</summary>
    public static string Gate(Loadlens.Analysis.Sla.GateCheck gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return $"{Number(gate.FailureRate * 100)} % of {gate.Requests.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} requests failed (limit {Number(gate.Limit * 100)} %)";
    }

    /// <summary>
    /// The unfinished requests of a run in words: how many, that they count as failures at their age, and that the
    /// server may still be working them off.
    /// </summary>
    public static string Unfinished(Loadlens.Core.Results.RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var n = run.Total.Unfinished;
        var count = n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        return $"{count} request{(n == 1 ? " was" : "s were")} still unfinished when the run stopped (no complete response by the end of the grace period): "
            + "they count as failures at their age, and the server may still be working off that backlog, so a run started now would meet it.";
    }

    private static string Unit(string unit) => unit switch
    {
        "count" or "ratio" or "" => string.Empty,
        "%" => " %",
        _ => " " + unit,
    };
}
