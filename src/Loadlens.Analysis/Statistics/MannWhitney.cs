namespace Loadlens.Analysis.Statistics;

/// <summary>Result of a Mann–Whitney U test.</summary>
/// <param name="U">U of the first sample: Σ ranks − n(n+1)/2.</param>
/// <param name="Z">Normal score with continuity correction (0 when every value is tied).</param>
/// <param name="PValue">Two-sided p-value (1 when every value is tied or a sample is empty).</param>
/// <param name="CliffsDelta">2U/(n_a n_b) − 1 ∈ [−1, 1]: &gt; 0 when the first sample tends to be larger.</param>
internal readonly record struct RankTestResult(double U, double Z, double PValue, double CliffsDelta);

/// <summary>
/// Mann–Whitney U (Wilcoxon rank-sum) test with mid-ranks for ties, tie-corrected variance and a continuity
/// correction, two-sided p from the normal approximation (analysis research notes §5.2).
/// </summary>
internal static class MannWhitney
{
    /// <summary>Test whether <paramref name="a"/> and <paramref name="b"/> come from the same distribution.</summary>
    public static RankTestResult Test(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int na = a.Count, nb = b.Count;
        if (na == 0 || nb == 0)
        {
            return new RankTestResult(0, 0, 1, 0);
        }

        var pooled = new (double Value, bool First)[na + nb];
        for (var i = 0; i < na; i++)
        {
            pooled[i] = (a[i], true);
        }

        for (var j = 0; j < nb; j++)
        {
            pooled[na + j] = (b[j], false);
        }

        Array.Sort(pooled, (x, y) => x.Value.CompareTo(y.Value));
        double rankSumA = 0, tieTerm = 0;
        var n = na + nb;
        for (var start = 0; start < n;)
        {
            var end = start;
            while (end + 1 < n && pooled[end + 1].Value.Equals(pooled[start].Value))
            {
                end++;
            }

            var midRank = ((start + end) / 2.0) + 1;
            var t = end - start + 1.0;
            tieTerm += (t * t * t) - t;
            for (var k = start; k <= end; k++)
            {
                if (pooled[k].First)
                {
                    rankSumA += midRank;
                }
            }

            start = end + 1;
        }

        var u = rankSumA - (na * (na + 1) / 2.0);
        var mu = na * (double)nb / 2.0;
        var variance = na * (double)nb / 12.0 * ((n + 1) - (tieTerm / (n * (n - 1.0))));
        var delta = (2 * u / (na * (double)nb)) - 1;
        if (!(variance > 0))
        {
            return new RankTestResult(u, 0, 1, delta);
        }

        var diff = u - mu;
        var z = (diff - (0.5 * Math.Sign(diff))) / Math.Sqrt(variance);
        var p = Math.Clamp(2 * (1 - MannKendall.NormalCdf(Math.Abs(z))), 0, 1);
        return new RankTestResult(u, z, p, delta);
    }
}
