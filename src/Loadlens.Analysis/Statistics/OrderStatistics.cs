namespace Loadlens.Analysis.Statistics;

/// <summary>
/// Distribution-free confidence bounds for a quantile from order statistics (David &amp; Nagaraja, "Order Statistics",
/// §7.1). Of n independent samples of a continuous distribution, the number B at or below its p-quantile ξ is
/// Binomial(n, p); the l-th smallest sample X₍ₗ₎ lies above ξ exactly when B &lt; l, and X₍ᵤ₎ below it when B ≥ u. So
/// X₍ₗ₎ is a lower bound of ξ with confidence ≥ 1 − P(B ≤ l − 1), X₍ᵤ₎ an upper one with ≥ 1 − P(B ≥ u): exact for any
/// n, with no assumption on the shape of the distribution. The tail percentile of a short run has a few samples beyond
/// it; these bounds still hold there, where a bootstrap's interval comes out too narrow.
/// </summary>
internal static class OrderStatistics
{
    /// <summary>
    /// The 1-based ranks of the one-sided bounds at level <paramref name="alpha"/> each: the largest l with
    /// P(B ≤ l − 1) ≤ α, the smallest u with P(B ≥ u) ≤ α; null where n is too small for one (the p95 of 50 samples has no
    /// upper bound at 97.5 %).
    /// </summary>
    public static (long? Lower, long? Upper) QuantileRanks(long n, double p, double alpha)
    {
        if (n <= 0 || !(p > 0 && p < 1) || !(alpha > 0 && alpha < 0.5))
        {
            return (null, null);
        }

        var (first, cdf) = BinomialCdf(n, p);
        double Cdf(long k) => k < first ? 0 : k - first < cdf.Length ? cdf[k - first] : 1;

        long? lower = null;
        for (var k = Math.Max(1, first); k <= n && Cdf(k - 1) <= alpha; k++)
        {
            lower = k;
        }

        long? upper = null;
        for (var k = Math.Max(1, first); k <= n; k++)
        {
            if (1 - Cdf(k - 1) <= alpha)
            {
                upper = k;
                break;
            }
        }

        return (lower, upper);
    }

    /// <summary>
    /// P(B ≤ k) for k from the returned first index on, over the window around the mode where the probability mass is
    /// not negligible (below it the CDF is 0 to 1e-300, above it 1). The pmf is built outward from the mode in log space,
    /// so large n neither underflows nor overflows.
    /// </summary>
    private static (long First, double[] Cdf) BinomialCdf(long n, double p)
    {
        var mode = Math.Min(n, (long)Math.Floor((n + 1) * p));
        var ratio = Math.Log(p / (1 - p));
        var up = new List<double> { 0 };
        for (var k = mode; k < n; k++)
        {
            var next = up[^1] + Math.Log((double)(n - k) / (k + 1)) + ratio;
            if (next < -700)
            {
                break;
            }

            up.Add(next);
        }

        var down = new List<double>();
        var last = 0.0;
        for (var k = mode; k > 0; k--)
        {
            last += Math.Log((double)k / (n - k + 1)) - ratio;
            if (last < -700)
            {
                break;
            }

            down.Add(last);
        }

        var first = mode - down.Count;
        var logs = Enumerable.Reverse(down).Concat(up).ToArray();
        var total = logs.Sum(Math.Exp);
        var cdf = new double[logs.Length];
        double running = 0;
        for (var i = 0; i < logs.Length; i++)
        {
            running += Math.Exp(logs[i]) / total;
            cdf[i] = Math.Min(1, running);
        }

        return (first, cdf);
    }
}
