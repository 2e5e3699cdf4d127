namespace Loadlens.Analysis.Statistics;

/// <summary>Small, allocation-light robust statistics used by the rules.</summary>
internal static class Robust
{
    /// <summary>Median of <paramref name="values"/> (NaN when empty).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Median absolute deviation, scaled by 1.4826 so it estimates σ for normal data.</summary>
    public static double ScaledMad(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var median = Median(values);
        return 1.4826 * Median(values.Select(v => Math.Abs(v - median)).ToArray());
    }

    /// <summary>Arithmetic mean (NaN when empty).</summary>
    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>Coefficient of variation: sample standard deviation / mean (0 for fewer than 2 values or a zero mean).</summary>
    public static double CoefficientOfVariation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = values.Average();
        if (mean == 0)
        {
            return 0;
        }

        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return Math.Sqrt(variance) / Math.Abs(mean);
    }
}
