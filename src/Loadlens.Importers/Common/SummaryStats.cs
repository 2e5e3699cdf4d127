using Loadlens.Core.Results;

namespace Loadlens.Importers.Common;

/// <summary>Builds <see cref="LatencyStats"/> from a tool's summary figures (count, mean, min, max and some percentiles).</summary>
internal static class SummaryStats
{
    /// <summary>
    /// Stats from summary figures. A standard percentile the tool did not report takes the next higher
    /// percentile it did report (or <paramref name="max"/>): an upper bound. All values are clamped into
    /// [min, max] and made non-decreasing.
    /// </summary>
    public static LatencyStats Build(long count, double mean, double min, double max, double? median, IReadOnlyList<(double Percentile, double? Value)> percentiles)
    {
        if (count == 0)
        {
            return LatencyStats.Empty;
        }

        max = Math.Max(min, max);

        double At(double p)
        {
            if (p == 50 && median is { } m)
            {
                return m;
            }

            double? best = null;
            var bestP = double.MaxValue;
            foreach (var (q, v) in percentiles)
            {
                if (v is { } value && q >= p && q < bestP)
                {
                    best = value;
                    bestP = q;
                }
            }

            return best ?? max;
        }

        var standard = LatencyStats.StandardPercentiles;
        var values = new double[standard.Count];
        var previous = min;
        for (var i = 0; i < values.Length; i++)
        {
            var v = Math.Clamp(At(standard[i]), min, max);
            v = Math.Max(v, previous);
            values[i] = v;
            previous = v;
        }

        return Of(count, min, mean, 0, values, max);
    }

    /// <summary>Stats from figures and the values at <see cref="LatencyStats.StandardPercentiles"/>, in that order.</summary>
    public static LatencyStats Of(long count, double min, double mean, double stdDev, IReadOnlyList<double> standardPercentiles, double max) => new()
    {
        Count = count,
        Min = min,
        Mean = mean,
        StdDev = stdDev,
        P50 = standardPercentiles[0],
        P66 = standardPercentiles[1],
        P75 = standardPercentiles[2],
        P80 = standardPercentiles[3],
        P90 = standardPercentiles[4],
        P95 = standardPercentiles[5],
        P98 = standardPercentiles[6],
        P99 = standardPercentiles[7],
        P999 = standardPercentiles[8],
        P9999 = standardPercentiles[9],
        Max = max,
    };

    /// <summary>The standard percentiles a tool did not report (for a note).</summary>
    public static List<double> Missing(IEnumerable<double> reported)
    {
        var set = reported.ToHashSet();
        return LatencyStats.StandardPercentiles.Where(p => !set.Contains(p)).ToList();
    }
}
