namespace Loadlens.Analysis.Statistics;

/// <summary>Result of a Mann–Kendall trend test with Sen's slope.</summary>
/// <param name="S">Kendall's S statistic: Σ sign(x_j − x_i) over i &lt; j.</param>
/// <param name="VarianceS">Variance of S under H0, tie-corrected.</param>
/// <param name="Z">Normal score with continuity correction.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Tau">Kendall's tau = S / (n(n−1)/2).</param>
/// <param name="SenSlope">Theil–Sen slope: median of (x_j − x_i)/(j − i), in units per step.</param>
internal readonly record struct TrendResult(double S, double VarianceS, double Z, double PValue, double Tau, double SenSlope);

/// <summary>
/// Mann–Kendall non-parametric trend test and Sen's slope (Mann 1945, Kendall 1975, Sen 1968), as given in
/// the analysis research notes §4.2. O(n²), meant for per-interval series of at most a few thousand points.
/// </summary>
internal static class MannKendall
{
    /// <summary>Test <paramref name="x"/> (equally spaced) for a monotonic trend.</summary>
    public static TrendResult Test(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var n = x.Count;
        if (n < 3)
        {
            return new TrendResult(0, 0, 0, 1, 0, 0);
        }

        double s = 0;
        var slopes = new double[n * (n - 1) / 2];
        var k = 0;
        for (var i = 0; i < n - 1; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var d = x[j] - x[i];
                s += Math.Sign(d);
                slopes[k++] = d / (j - i);
            }
        }

        double tieTerm = 0;
        foreach (var group in x.GroupBy(v => v))
        {
            var t = (double)group.Count();
            if (t > 1)
            {
                tieTerm += t * (t - 1) * ((2 * t) + 5);
            }
        }

        var variance = ((n * (n - 1.0) * ((2.0 * n) + 5)) - tieTerm) / 18.0;
        var z = variance <= 0 ? 0 : s > 0 ? (s - 1) / Math.Sqrt(variance) : s < 0 ? (s + 1) / Math.Sqrt(variance) : 0;
        var p = 2 * (1 - NormalCdf(Math.Abs(z)));
        var tau = s / (n * (n - 1) / 2.0);
        return new TrendResult(s, variance, z, Math.Clamp(p, 0, 1), tau, Robust.Median(slopes));
    }

    /// <summary>Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| &lt; 1.5e-7).</summary>
    public static double NormalCdf(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + (0.3275911 * x));
        var erf = 1 - ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
