namespace Loadlens.Analysis.Compare;

/// <summary>
/// Run-to-run noise of one metric: the standard deviation σ of its log between runs of the same build. Estimated from
/// replicate runs (pooled over both sides: Σ (ln v − mean of its side)² / Σ (k − 1)), or given (<c>--run-noise</c>);
/// with both, the larger. The bootstrap multiplies each side's resampled figure by exp(σ · T / √k), T a Student-t draw
/// with the estimate's degrees of freedom (a normal draw for a given σ), so a side of k runs carries σ/√k.
/// </summary>
internal readonly record struct RunNoise(double Sigma, int DegreesOfFreedom, int Replicates)
{
    /// <summary>No noise term (one run per side and none given).</summary>
    public static RunNoise None => default;

    public static RunNoise Estimate(IReadOnlyList<MetricSeries> a, IReadOnlyList<MetricSeries> b, double? given)
    {
        double ss = 0;
        var df = 0;
        foreach (var side in new[] { a, b })
        {
            var logs = side.Where(s => s.Value > 0 && double.IsFinite(s.Value)).Select(s => Math.Log(s.Value)).ToList();
            if (logs.Count < 2)
            {
                continue;
            }

            var mean = logs.Average();
            ss += logs.Sum(l => (l - mean) * (l - mean));
            df += logs.Count - 1;
        }

        var estimated = df > 0 ? Math.Sqrt(ss / df) : 0;
        if (given is { } g && g >= estimated)
        {
            return g > 0 ? new RunNoise(Math.Log(1 + g), int.MaxValue, a.Count + b.Count) : None;
        }

        return df > 0 ? new RunNoise(estimated, df, a.Count + b.Count) : None;
    }

    /// <summary>Multipliers exp(σ · T / √<paramref name="runs"/>) for each resample (all 1 without noise).</summary>
    public double[] Draws(int runs, int resamples, Random random)
    {
        var draws = new double[resamples];
        for (var i = 0; i < resamples; i++)
        {
            draws[i] = Sigma > 0 ? Math.Exp(Sigma * StudentT(random) / Math.Sqrt(runs)) : 1;
        }

        return draws;
    }

    /// <summary>"; run-to-run noise ±4.1 % (6 runs)" for a reason text, empty without noise.</summary>
    public string Describe() => Sigma > 0
        ? $"; run-to-run noise ±{RunComparer.Pct(Math.Exp(Sigma) - 1)} ({(DegreesOfFreedom == int.MaxValue ? "given" : $"{Replicates} runs")})"
        : string.Empty;

    private double StudentT(Random random)
    {
        var z = Normal(random);
        if (DegreesOfFreedom == int.MaxValue || DegreesOfFreedom > 1000)
        {
            return z;
        }

        double chi = 0;
        for (var k = 0; k < DegreesOfFreedom; k++)
        {
            var n = Normal(random);
            chi += n * n;
        }

        return z / Math.Sqrt(chi / DegreesOfFreedom);
    }

    private static double Normal(Random random)
    {
        // Box–Muller; 1 − u keeps the logarithm finite.
        var u = 1 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
