namespace Loadlens.Analysis.Statistics;

/// <summary>Spearman's rank correlation with a one-sided p-value (positive association).</summary>
/// <param name="Rho">Spearman's ρ (Pearson correlation of the mid-ranks), in [−1, 1]; 0 when either series is constant.</param>
/// <param name="PValue">One-sided p-value for ρ &gt; 0 from Fisher's z (atanh ρ · √((n − 3)/1.06)); 1 with fewer than 4 points.</param>
internal readonly record struct RankCorrelationResult(double Rho, double PValue);

/// <summary>Spearman's ρ over paired series (ties get mid-ranks), for "does this counter move with that latency" tests.</summary>
internal static class RankCorrelation
{
    public static RankCorrelationResult Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException("the series differ in length", nameof(y));
        }

        var n = x.Count;
        if (n < 4)
        {
            return new RankCorrelationResult(0, 1);
        }

        var rx = Ranks(x);
        var ry = Ranks(y);
        var mx = rx.Average();
        var my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }

        if (sxx <= 0 || syy <= 0)
        {
            return new RankCorrelationResult(0, 1);
        }

        var rho = Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);
        var z = Math.Atanh(Math.Clamp(rho, -0.999999, 0.999999)) * Math.Sqrt((n - 3) / 1.06);
        return new RankCorrelationResult(rho, 1 - MannKendall.NormalCdf(z));
    }

    /// <summary>Mid-ranks (1-based; ties share the mean of their ranks).</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]])
            {
                j++;
            }

            var rank = ((i + j) / 2.0) + 1;
            for (var k = i; k <= j; k++)
            {
                ranks[order[k]] = rank;
            }

            i = j + 1;
        }

        return ranks;
    }
}
