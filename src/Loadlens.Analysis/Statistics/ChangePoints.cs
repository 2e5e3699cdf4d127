namespace Loadlens.Analysis.Statistics;

/// <summary>One change point of a series: the first index of the new segment and its significance.</summary>
/// <param name="Index">The first index after the change (0-based; the segment before ends at Index − 1).</param>
/// <param name="PValue">Permutation p-value of the split when it was found, (1 + #{q_r ≥ q̂}) / (R + 1).</param>
/// <param name="Statistic">The divergence statistic Q̂ of the split.</param>
internal readonly record struct ChangePointSplit(int Index, double PValue, double Statistic);

/// <summary>
/// E-Divisive with means (Matteson &amp; James 2014; research/analysis.md §5.6) on a 1-D series: repeatedly split the
/// segment whose best split has the largest divergence Q̂(X, Y; α), and keep the split while a seeded permutation test
/// (values shuffled within each current segment, the maximum Q̂ recomputed) finds it significant. As in MongoDB's
/// signal-processing-algorithms, the right end κ of Y is the segment's end (not searched). Distances are accumulated
/// from prefix sums: O(n log n) per evaluation for α = 1 (a Fenwick tree over ranks), O(n²) otherwise.
/// </summary>
internal static class ChangePoints
{
    /// <summary>Settings of <see cref="Detect"/>.</summary>
    /// <param name="MinSize">Fewest points on each side of a split (default 3: a change needs ≥ 3 runs after it).</param>
    /// <param name="SignificanceLevel">Largest permutation p-value accepted.</param>
    /// <param name="Permutations">Permutations per test (R).</param>
    /// <param name="Alpha">Distance exponent α ∈ (0, 2).</param>
    /// <param name="Seed">Seed of the permutations (deterministic results).</param>
    internal sealed record Settings(int MinSize = 3, double SignificanceLevel = 0.01, int Permutations = 499, double Alpha = 1.0, int Seed = 1701);

    /// <summary>The change points of <paramref name="series"/>, in index order.</summary>
    public static IReadOnlyList<ChangePointSplit> Detect(IReadOnlyList<double> series, Settings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var s = settings ?? new Settings();
        if (s.MinSize < 1 || s.Permutations < 1 || !(s.Alpha > 0 && s.Alpha < 2))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), "min size ≥ 1, permutations ≥ 1, 0 < alpha < 2");
        }

        var values = series.ToArray();
        if (values.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("the series holds a value that is not a finite number", nameof(series));
        }

        var found = new List<ChangePointSplit>();
        var bounds = new List<int> { 0, values.Length };
        var random = new Random(s.Seed);
        var maxTests = values.Length / s.MinSize;
        for (var round = 0; round < maxTests; round++)
        {
            var best = BestOverSegments(values, bounds, s);
            if (best.Index < 0)
            {
                break;
            }

            // Permutation test: shuffle within each current segment, recompute the best Q̂ over all segments.
            var exceed = 0;
            var limit = (int)Math.Floor(s.SignificanceLevel * (s.Permutations + 1)) - 1; // more than this many → not significant
            var shuffled = new double[values.Length];
            var done = 0;
            for (var r = 0; r < s.Permutations; r++)
            {
                Array.Copy(values, shuffled, values.Length);
                for (var k = 0; k + 1 < bounds.Count; k++)
                {
                    Shuffle(shuffled, bounds[k], bounds[k + 1], random);
                }

                if (BestOverSegments(shuffled, bounds, s).Statistic >= best.Statistic)
                {
                    exceed++;
                }

                done++;
                if (exceed > limit)
                {
                    break; // already above the level: the split is not significant, whatever the rest gives
                }
            }

            var p = (1.0 + exceed) / (done + 1.0);
            if (exceed > limit || p > s.SignificanceLevel)
            {
                break;
            }

            found.Add(new ChangePointSplit(best.Index, p, best.Statistic));
            bounds.Add(best.Index);
            bounds.Sort();
        }

        found.Sort((a, b) => a.Index.CompareTo(b.Index));
        return found;
    }

    /// <summary>The best split over every segment between consecutive <paramref name="bounds"/> (Index −1: none possible).</summary>
    private static ChangePointSplit BestOverSegments(double[] values, List<int> bounds, Settings s)
    {
        var best = new ChangePointSplit(-1, 1, double.NegativeInfinity);
        for (var k = 0; k + 1 < bounds.Count; k++)
        {
            var (index, q) = BestSplit(values, bounds[k], bounds[k + 1], s.MinSize, s.Alpha);
            if (index >= 0 && q > best.Statistic)
            {
                best = new ChangePointSplit(index, 1, q);
            }
        }

        return best;
    }

    /// <summary>
    /// argmax over τ of Q̂(Z[start, τ), Z[τ, end); α), with at least <paramref name="minSize"/> points on each side.
    /// Q̂ = |X||Y|/(|X|+|Y|) · (2/(|X||Y|)·ΣΣ|x−y|^α − C(|X|,2)⁻¹·Σ|x−x'|^α − C(|Y|,2)⁻¹·Σ|y−y'|^α).
    /// </summary>
    internal static (int Index, double Statistic) BestSplit(double[] values, int start, int end, int minSize, double alpha, bool direct = false)
    {
        var n = end - start;
        if (n < 2 * minSize)
        {
            return (-1, double.NegativeInfinity);
        }

        // within[t] = Σ_{start ≤ i < j < start+t} d(i, j); tail[t] = Σ_{start+t ≤ i < j < end} d(i, j).
        var within = new double[n + 1];
        var tail = new double[n + 1];
        if (alpha == 1.0 && !direct)
        {
            PairSumsByRank(values, start, end, within, tail);
        }
        else
        {
            PairSumsDirect(values, start, end, alpha, within, tail);
        }

        var total = within[n];
        var bestIndex = -1;
        var bestQ = double.NegativeInfinity;
        for (var t = minSize; t <= n - minSize; t++)
        {
            double nx = t, ny = n - t;
            var wx = within[t];
            var wy = tail[t];
            var between = total - wx - wy;
            var meanBetween = between / (nx * ny);
            var meanX = nx > 1 ? wx / (nx * (nx - 1) / 2) : 0;
            var meanY = ny > 1 ? wy / (ny * (ny - 1) / 2) : 0;
            var q = nx * ny / (nx + ny) * (2 * meanBetween - meanX - meanY);
            if (q > bestQ)
            {
                bestQ = q;
                bestIndex = start + t;
            }
        }

        return (bestIndex, bestQ);
    }

    /// <summary>
    /// α = 1: Σ|x − y| of each new point against those before it from a Fenwick tree over value ranks (count and sum of the
    /// smaller ones), O(n log n) instead of O(n²) — the permutation test evaluates every segment hundreds of times.
    /// </summary>
    private static void PairSumsByRank(double[] values, int start, int end, double[] within, double[] tail)
    {
        var n = end - start;
        var sorted = values[start..end];
        Array.Sort(sorted);
        var rank = new int[n];
        for (var k = 0; k < n; k++)
        {
            rank[k] = LowerBound(sorted, values[start + k]);
        }

        var count = new long[n + 1];
        var sum = new double[n + 1];
        double all = 0;
        for (var k = 0; k < n; k++)
        {
            var x = values[start + k];
            var (below, belowSum) = Query(count, sum, rank[k]);
            var add = (below * x) - belowSum + (all - belowSum) - ((k - below) * x);
            within[k + 1] = within[k] + add;
            Update(count, sum, rank[k], x);
            all += x;
        }

        Array.Clear(count);
        Array.Clear(sum);
        all = 0;
        for (var k = n - 1; k >= 0; k--)
        {
            var x = values[start + k];
            var seen = n - 1 - k;
            var (below, belowSum) = Query(count, sum, rank[k]);
            var add = (below * x) - belowSum + (all - belowSum) - ((seen - below) * x);
            tail[k] = tail[k + 1] + add;
            Update(count, sum, rank[k], x);
            all += x;
        }
    }

    private static int LowerBound(double[] sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Count and sum of the values with rank &lt; <paramref name="rank"/>.</summary>
    private static (long Count, double Sum) Query(long[] count, double[] sum, int rank)
    {
        long c = 0;
        double s = 0;
        for (var i = rank; i > 0; i -= i & -i)
        {
            c += count[i];
            s += sum[i];
        }

        return (c, s);
    }

    private static void Update(long[] count, double[] sum, int rank, double x)
    {
        for (var i = rank + 1; i < count.Length; i += i & -i)
        {
            count[i]++;
            sum[i] += x;
        }
    }

    private static void PairSumsDirect(double[] values, int start, int end, double alpha, double[] within, double[] tail)
    {
        var n = end - start;
        for (var t = 1; t < n; t++)
        {
            var j = start + t;
            var add = 0.0;
            for (var i = start; i < j; i++)
            {
                add += Distance(values[i], values[j], alpha);
            }

            within[t + 1] = within[t] + add;
        }

        for (var t = n - 2; t >= 0; t--)
        {
            var i = start + t;
            var add = 0.0;
            for (var j = i + 1; j < end; j++)
            {
                add += Distance(values[i], values[j], alpha);
            }

            tail[t] = tail[t + 1] + add;
        }
    }

    private static double Distance(double a, double b, double alpha)
    {
        var d = Math.Abs(a - b);
        return alpha == 1.0 ? d : Math.Pow(d, alpha);
    }

    private static void Shuffle(double[] a, int start, int end, Random random)
    {
        for (var i = end - 1; i > start; i--)
        {
            var j = random.Next(start, i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }
}
