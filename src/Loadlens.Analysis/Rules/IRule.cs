using Loadlens.Core.Findings;
using Loadlens.Core.Statistics;

namespace Loadlens.Analysis.Rules;

/// <summary>One findings rule: a pure function of the run (and the options).</summary>
internal interface IRule
{
    /// <summary>The rule id every finding of this rule carries.</summary>
    string Id { get; }

    /// <summary>Evaluate the rule.</summary>
    IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options);
}

/// <summary>Helpers shared by the rules.</summary>
internal static class RuleText
{
    private static readonly System.Globalization.CultureInfo Invariant = System.Globalization.CultureInfo.InvariantCulture;

    /// <summary>Evidence with its value rounded to 4 significant decimals so reports are stable.</summary>
    public static Evidence Ev(string name, double value, string unit, double? threshold = null)
        => new(name, Round(value), unit, threshold is { } t ? Round(t) : null);

    /// <summary>
    /// <see cref="Numbers.Round"/> (3 decimals at or above 1, 4 significant digits below), with NaN and ±∞ as 0:
    /// a run's evidence and SLA figures are always finite numbers.
    /// </summary>
    public static double Round(double value) => double.IsFinite(value) ? Numbers.Round(value) : 0;

    /// <summary>
    /// A duration for prose, at most 3 significant digits: "144 ms", "8.5 ms", "0.58 ms"; from 1 s on in seconds
    /// ("11.3 s", "59.8 s", "125 s"), so no reader meets "59789.5 ms".
    /// </summary>
    public static string Ms(double ms) => Math.Abs(ms) >= 1000
        ? Numbers.Significant(ms / 1000, 3).ToString("0.##", Invariant) + " s"
        : Numbers.Significant(ms, 3).ToString(ms >= 100 ? "0" : ms >= 10 ? "0.#" : "0.##", Invariant) + " ms";

    /// <summary>A percentage for prose, at most 3 significant digits: "3.15 %", "64 %".</summary>
    public static string Percent(double fraction) => Numbers.Significant(fraction * 100, 3).ToString("0.##", Invariant) + " %";

    /// <summary>A rate for prose, at most 3 significant digits: "60.2 req/s", "1230 req/s".</summary>
    public static string Rate(double perSecond) => Numbers.Significant(perSecond, 3).ToString(perSecond >= 100 ? "0" : "0.#", Invariant) + " req/s";

    /// <summary>A plain number for prose: at most 3 significant digits ("1770×", "12.7×"), except counts (format "0").</summary>
    public static string Num(double value, string format = "0.##") => (format == "0" ? value : Numbers.Significant(value, 3)).ToString(format, Invariant);

    /// <summary>Status class of a status code text ("503" → "5xx").</summary>
    public static string StatusClass(string status) => status.Length == 3 && char.IsAsciiDigit(status[0]) ? status[0] + "xx" : status;
}
