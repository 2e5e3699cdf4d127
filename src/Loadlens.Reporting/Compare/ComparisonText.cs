using System.Globalization;
using Loadlens.Analysis.Compare;

namespace Loadlens.Reporting.Compare;

/// <summary>The one wording of comparison values, changes and verdicts (console, Markdown, JUnit).</summary>
internal static class ComparisonText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>"faster", "slower", "same", "inconclusive" (also the JSON value).</summary>
    public static string Verdict(ComparisonVerdict verdict) => verdict switch
    {
        ComparisonVerdict.Faster => "faster",
        ComparisonVerdict.Slower => "slower",
        ComparisonVerdict.Same => "same",
        _ => "inconclusive",
    };

    /// <summary>A value in its unit: <c>12.3 ms</c>, <c>845.20 req/s</c>, <c>1.25 %</c>; <see cref="ReportFormat.None"/> when absent.</summary>
    public static string Value(double? value, string unit) => value is not { } v || !double.IsFinite(v) ? ReportFormat.None : unit switch
    {
        "ms" => ReportFormat.MsUnit(v),
        "req/s" => ReportFormat.Rate(v) + " req/s",
        "ratio" => (v * 100).ToString(v != 0 && Math.Abs(v) < 0.001 ? "0.###" : "0.##", Invariant) + " %",
        "" => v.ToString("0.####", Invariant),
        _ => v.ToString("0.###", Invariant) + " " + unit,
    };

    /// <summary>A relative change as a signed percentage: <c>+12.3 %</c>.</summary>
    public static string Relative(double? relative) => relative is not { } r || !double.IsFinite(r) ? ReportFormat.None
        : (r > 0 ? "+" : string.Empty) + (r * 100).ToString("0.#", Invariant) + " %";

    /// <summary>The "Improvement" cell from the user's side: <c>65 % faster</c>, <c>12 % slower</c>, <c>8 % more</c>, <c>+0.4 pp errors</c>.</summary>
    public static string Improvement(MetricComparison m)
    {
        if (m.Baseline is not { } a || m.Candidate is not { } b)
        {
            return ReportFormat.None;
        }

        if (m.Unit == "ratio")
        {
            var pp = (b - a) * 100;
            return pp == 0 ? "±0 pp" : (pp > 0 ? "+" : "−") + Math.Abs(pp).ToString("0.##", Invariant) + " pp";
        }

        if (m.RelativeChange is not { } r || !double.IsFinite(r))
        {
            return ReportFormat.None;
        }

        var size = Math.Abs(r * 100).ToString("0.#", Invariant) + " %";
        if (Math.Abs(r) < 0.0005)
        {
            return "±0 %";
        }

        var better = m.HigherIsBetter ? r > 0 : r < 0;
        return m.Unit == "ms" ? size + (better ? " faster" : " slower") : size + (m.HigherIsBetter ? (r > 0 ? " more" : " less") : (better ? " lower" : " higher"));
    }

    /// <summary>The confidence interval of the relative change: <c>−68.2 … −61.9 %</c>.</summary>
    public static string Interval(MetricComparison m) => m.CiLow is { } lo && m.CiHigh is { } hi
        ? $"{Signed(lo)} … {Signed(hi)} %"
        : ReportFormat.None;

    /// <summary>One line for a regression, with the numbers.</summary>
    public static string Regression(Regression r, string unit) => string.Create(
        Invariant,
        $"{r.Metric} of {r.Endpoint}: {Value(r.Baseline, unit)} → {Value(r.Candidate, unit)} ({(double.IsFinite(r.RelativeChange) ? Relative(r.RelativeChange) : "from 0")}), beyond the {r.Threshold * 100:0.#} % threshold");

    /// <summary>The unit of a regression's metric, from the rows it came from (empty when not found).</summary>
    public static string UnitOf(Regression r, IEnumerable<EndpointComparison> rows) =>
        rows.SelectMany(x => x.Metrics).FirstOrDefault(m => string.Equals(m.Metric, r.Metric, StringComparison.OrdinalIgnoreCase))?.Unit ?? string.Empty;

    /// <summary>The thresholds line: effect threshold, gated metrics, gate.</summary>
    public static string Settings(ComparisonOptions o) => string.Create(
        Invariant,
        $"effect threshold {o.MinEffect * 100:0.#} %, α = {o.Alpha:0.###}, {o.Confidence * 100:0.#} % CIs; gated on {string.Join(", ", o.GatedMetrics)}{(o.FailOnRegression is { } f ? $", fails beyond {f * 100:0.#} %" : string.Empty)}");

    private static string Signed(double fraction) => (fraction > 0 ? "+" : fraction < 0 ? "−" : string.Empty) + Math.Abs(fraction * 100).ToString("0.#", Invariant);
}
