using System.Globalization;
using Loadlens.Core.Results;

namespace Loadlens.Reporting;

/// <summary>Number and text formatting shared by the human-readable reports (Markdown, console).</summary>
internal static class ReportFormat
{
    /// <summary>Placeholder for a cell that has no value (e.g. latency of an endpoint without requests).</summary>
    public const string None = "-";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Milliseconds: one decimal at or above 10 ms, two below.</summary>
    public static string Ms(double ms) => ms.ToString(Math.Abs(ms) >= 10 ? "F1" : "F2", Invariant);

    /// <summary>Milliseconds with unit.</summary>
    public static string MsUnit(double ms) => Ms(ms) + " ms";

    /// <summary>A count with thousands separators.</summary>
    public static string Count(long value) => value.ToString("N0", Invariant);

    /// <summary>A rate (per second) with two decimals.</summary>
    public static string Rate(double value) => value.ToString("F2", Invariant);

    /// <summary>Seconds with at most three decimals and the unit ("60 s", "62.5 s").</summary>
    public static string Seconds(double seconds) => seconds.ToString("0.###", Invariant) + " s";

    /// <summary>A plain number with at most three decimals ("50", "12.5").</summary>
    public static string Number(double value) => value.ToString("0.###", Invariant);

    /// <summary>
    /// <paramref name="part"/> as a percentage of <paramref name="whole"/> with two decimals, never showing
    /// 100.00 or 0.00 unless it is exact; <see cref="None"/> when <paramref name="whole"/> is 0.
    /// </summary>
    public static string Percent(long part, long whole)
    {
        if (whole <= 0)
        {
            return None;
        }

        var value = Math.Round(100.0 * part / whole, 2, MidpointRounding.AwayFromZero);
        if (part < whole && value >= 100)
        {
            value = 99.99;
        }
        else if (part > 0 && value <= 0)
        {
            value = 0.01;
        }

        return value.ToString("F2", Invariant);
    }

    /// <summary>An error message as reports quote it: trimmed, cut to 200 characters with an ellipsis.</summary>
    public static string Message(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        const int max = 200;
        var oneLine = message.Trim();
        return oneLine.Length <= max ? oneLine : string.Concat(oneLine.AsSpan(0, max - 1), "…");
    }

    /// <summary>Start time as ISO-8601 UTC with fractional seconds only when present.</summary>
    public static string IsoUtc(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", Invariant);

    /// <summary>A short description of the outcome ("completed", "cancelled (partial results): …").</summary>
    public static string Outcome(RunOutcome outcome)
    {
        if (outcome.Completed)
        {
            return "completed";
        }

        var text = $"{outcome.StopReason} (partial results)";
        return string.IsNullOrWhiteSpace(outcome.Message) ? text : $"{text}: {outcome.Message}";
    }
}
