namespace Loadlens.Core.Statistics;

/// <summary>
/// The rounding every report uses for the numbers it writes (analysis evidence, SLA checks, JSON documents), so
/// that the same value never reads differently in two outputs.
/// </summary>
internal static class Numbers
{
    /// <summary>
    /// Round to 3 decimals at or above 1 and to 4 significant digits below 1 (midpoints away from zero):
    /// 16.6187 → 16.619, 0.015834 → 0.01583, 1.234e-5 → 1.234e-5. NaN and ±∞ are returned unchanged:
    /// a caller decides what they mean (JSON writers write null, the analysis rules use 0).
    /// </summary>
    /// <param name="value">The value.</param>
    public static double Round(double value)
    {
        if (!double.IsFinite(value))
        {
            return value;
        }

        if (value == 0 || Math.Abs(value) >= 1)
        {
            return Math.Round(value, 3, MidpointRounding.AwayFromZero);
        }

        var digits = Math.Clamp(3 - (int)Math.Floor(Math.Log10(Math.Abs(value))), 0, 15);
        return Math.Round(value, digits, MidpointRounding.AwayFromZero);
    }

    /// <summary><see cref="Round(double)"/> of a finite value; null when the value is absent, NaN or infinite.</summary>
    /// <param name="value">The value, or null.</param>
    public static double? RoundOrNull(double? value) => value is { } v && double.IsFinite(v) ? Round(v) : null;

    /// <summary>
    /// <paramref name="value"/> to <paramref name="digits"/> significant digits (midpoints away from zero), for prose:
    /// 59789.5 → 59800 (3), 0.012345 → 0.0123 (3). NaN, ±∞ and 0 are returned unchanged.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="digits">Significant digits (1–15).</param>
    public static double Significant(double value, int digits)
    {
        if (!double.IsFinite(value) || value == 0)
        {
            return value;
        }

        var magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value))) + 1;
        var decimals = digits - magnitude;
        if (decimals >= 0)
        {
            return Math.Round(value, Math.Min(15, decimals), MidpointRounding.AwayFromZero);
        }

        var scale = Math.Pow(10, -decimals);
        return Math.Round(value / scale, MidpointRounding.AwayFromZero) * scale;
    }
}
