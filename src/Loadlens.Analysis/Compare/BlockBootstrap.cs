namespace Loadlens.Analysis.Compare;

/// <summary>
/// Moving-block bootstrap positions over a series of <c>n</c> intervals (Künsch 1989): blocks of <c>L</c> consecutive
/// intervals, drawn with replacement until <c>n</c> positions are filled, so the autocorrelation inside a block is
/// kept. <c>L</c> = clamp(n / 5, 1, 5). Seeded: the same seed gives the same positions.
/// </summary>
internal static class BlockBootstrap
{
    /// <summary>The block length for <paramref name="n"/> intervals.</summary>
    public static int BlockLength(int n) => Math.Clamp(n / 5, 1, 5);

    /// <summary><paramref name="resamples"/> arrays of <paramref name="n"/> positions in [0, n).</summary>
    public static int[][] Positions(int n, int resamples, Random random)
    {
        var length = BlockLength(n);
        var starts = n - length + 1;
        var result = new int[resamples][];
        for (var b = 0; b < resamples; b++)
        {
            var positions = new int[n];
            var filled = 0;
            while (filled < n)
            {
                var start = random.Next(starts);
                for (var k = 0; k < length && filled < n; k++)
                {
                    positions[filled++] = start + k;
                }
            }

            result[b] = positions;
        }

        return result;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0–1) of the sorted <paramref name="sorted"/>, linear interpolation.</summary>
    public static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
