namespace Loadlens.Analysis.Capacity;

/// <summary>
/// Fits the Universal Scalability Law by bounded nonlinear least squares (σ ∈ [0, 1], κ ≥ 0).
/// For fixed (σ, κ) the model is linear in λ, so λ has a closed form (variable projection) and the
/// problem becomes a bounded 2-D search: a log-spaced grid, seeded also with Gunther's quadratic
/// estimate, refined by a projected pattern search. Deterministic, no third-party optimiser.
/// </summary>
internal static class UslFitter
{
    /// <summary>The USL: X(N) = λN / (1 + σ(N−1) + κN(N−1)).</summary>
    public static double Model(double sigma, double kappa, double lambda, double n)
        => lambda * n / (1 + (sigma * (n - 1)) + (kappa * n * (n - 1)));

    /// <summary>
    /// Gunther's transformation to a quadratic through the origin: with C(N) = X(N)/X(1),
    /// y = N/C − 1 = κx² + (σ+κ)x for x = N − 1. Exact on noise-free data; used as an initial guess.
    /// </summary>
    /// <param name="points">Observations; one of them must be at N = 1 (it anchors λ = X(1)).</param>
    /// <returns>(σ, κ, λ), clamped to σ ≥ 0, κ ≥ 0; null when there is no N = 1 point or too few points.</returns>
    public static (double Sigma, double Kappa, double Lambda)? QuadraticEstimate(IReadOnlyList<UslPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var one = points.Where(p => Math.Abs(p.Concurrency - 1) < 1e-9).Select(p => p.Throughput).DefaultIfEmpty(double.NaN).Average();
        if (!(one > 0))
        {
            return null;
        }

        double s4 = 0, s3 = 0, s2 = 0, sx2y = 0, sxy = 0;
        var count = 0;
        foreach (var p in points.Where(p => p.Concurrency > 1 && p.Throughput > 0))
        {
            var x = p.Concurrency - 1;
            var y = (p.Concurrency / (p.Throughput / one)) - 1;
            s4 += x * x * x * x;
            s3 += x * x * x;
            s2 += x * x;
            sx2y += x * x * y;
            sxy += x * y;
            count++;
        }

        if (count < 1)
        {
            return null;
        }

        double a, b;
        var det = (s4 * s2) - (s3 * s3);
        if (count >= 2 && Math.Abs(det) > 1e-12 * s4 * s2)
        {
            a = ((sx2y * s2) - (sxy * s3)) / det;
            b = ((s4 * sxy) - (s3 * sx2y)) / det;
        }
        else
        {
            a = 0;
            b = sxy / s2;
        }

        var kappa = a;
        var sigma = b - a;
        if (sigma < 0)
        {
            // y = κ(x² + x)
            sigma = 0;
            double num = 0, den = 0;
            foreach (var p in points.Where(p => p.Concurrency > 1 && p.Throughput > 0))
            {
                var x = p.Concurrency - 1;
                var y = (p.Concurrency / (p.Throughput / one)) - 1;
                num += y * ((x * x) + x);
                den += ((x * x) + x) * ((x * x) + x);
            }

            kappa = Math.Max(0, num / den);
        }

        if (kappa < 0)
        {
            kappa = 0;
            sigma = Math.Clamp(sxy / s2, 0, 1);
        }

        return (Math.Min(sigma, 1), kappa, one);
    }

    /// <summary>Fit σ, κ, λ and compare with the κ = 0 model. Needs at least 3 points with distinct N.</summary>
    /// <exception cref="ArgumentException">Fewer than 3 distinct concurrency levels, or non-positive values.</exception>
    public static UslFit Fit(IReadOnlyList<UslPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Any(p => !(p.Concurrency > 0) || !(p.Throughput >= 0) || double.IsInfinity(p.Concurrency) || double.IsInfinity(p.Throughput)))
        {
            throw new ArgumentException("USL points need a positive concurrency and a finite, non-negative throughput", nameof(points));
        }

        if (points.Select(p => p.Concurrency).Distinct().Count() < 3)
        {
            throw new ArgumentException("a USL fit needs at least 3 distinct concurrency levels", nameof(points));
        }

        var n = points.Select(p => p.Concurrency).ToArray();
        var x = points.Select(p => p.Throughput).ToArray();
        var maxN = n.Max();

        // Grid: σ ∈ {0} ∪ logspace(1e-5, 1), κ ∈ {0} ∪ logspace(1e-9 … 10/maxN²·100).
        var kappaTop = Math.Max(1e-3, 100.0 / (maxN * maxN));
        var best = (Sigma: 0.0, Kappa: 0.0, Sse: double.PositiveInfinity);
        foreach (var s in LogGrid(1e-5, 1, 70))
        {
            foreach (var k in LogGrid(1e-10, kappaTop, 90))
            {
                var e = Sse(n, x, s, k, out _);
                if (e < best.Sse)
                {
                    best = (s, k, e);
                }
            }
        }

        var refined = Refine(n, x, best.Sigma, best.Kappa);
        if (QuadraticEstimate(points) is { } q)
        {
            var fromQuadratic = Refine(n, x, q.Sigma, q.Kappa);
            if (fromQuadratic.Sse < refined.Sse)
            {
                refined = fromQuadratic;
            }
        }

        // κ = 0 (Amdahl): 1-D bounded search over σ.
        var amdahlBest = (Sigma: 0.0, Sse: double.PositiveInfinity);
        foreach (var s in LogGrid(1e-5, 1, 200))
        {
            var e = Sse(n, x, s, 0, out _);
            if (e < amdahlBest.Sse)
            {
                amdahlBest = (s, e);
            }
        }

        var amdahl = Refine(n, x, amdahlBest.Sigma, 0, kappaFixed: true);
        if (amdahl.Sse < refined.Sse)
        {
            // The full model contains κ = 0; never report a worse optimum than the nested one.
            refined = amdahl;
        }

        var sigma = refined.Sigma;
        var kappa = refined.Kappa;
        Sse(n, x, sigma, kappa, out var lambda);
        Sse(n, x, amdahl.Sigma, 0, out var amdahlLambda);
        var sse = refined.Sse;
        var count = n.Length;
        var mean = x.Average();
        var sst = x.Sum(v => (v - mean) * (v - mean));
        var r2 = sst > 0 ? 1 - (sse / sst) : (sse < 1e-12 ? 1 : 0);
        var mape = Enumerable.Range(0, count).Where(i => x[i] > 0).Select(i => Math.Abs(x[i] - Model(sigma, kappa, lambda, n[i])) / x[i]).DefaultIfEmpty(0).Average();

        // Nested-model F-test (USL has one more parameter than Amdahl) and AICc.
        var floor = Math.Max(1e-12 * Math.Max(sst, 1), 1e-300);
        var sseU = Math.Max(sse, floor);
        var sseA = Math.Max(amdahl.Sse, sseU);
        double f = double.NaN, p = double.NaN, aiccU = double.NaN, aiccA = double.NaN;
        if (count >= 4)
        {
            f = (sseA - sseU) / (sseU / (count - 3));
            p = 1 - SpecialFunctions.FDistributionCdf(f, 1, count - 3);
            aiccA = Aicc(count, sseA, 2);
        }

        if (count >= 5)
        {
            aiccU = Aicc(count, sseU, 3);
        }

        var significant = kappa > 0 && count >= 4 && p < 0.05 && (count < 5 || aiccU < aiccA);
        var (seS, seK, seL) = StandardErrors(n, x, sigma, kappa, lambda, sse);

        var caveats = new List<string>();
        if (count < 4)
        {
            caveats.Add($"only {count} levels: no residual degrees of freedom to judge the fit; use 6 or more");
        }
        else if (count < 6)
        {
            caveats.Add($"only {count} levels: the fit is indicative; 6 or more are recommended");
        }

        if (mape > 0.10)
        {
            caveats.Add($"the USL shape fits poorly (mean error {mape:P0}): a hard cap, several bottlenecks or errors distort the curve");
        }

        var fit = new UslFit
        {
            Sigma = sigma,
            Kappa = kappa,
            Lambda = lambda,
            SigmaStdError = seS,
            KappaStdError = seK,
            LambdaStdError = seL,
            Points = count,
            MaxConcurrency = maxN,
            Sse = sse,
            RSquared = r2,
            Rmse = Math.Sqrt(sse / count),
            Mape = mape,
            Amdahl = new AmdahlComparison(amdahl.Sigma, amdahlLambda, amdahl.Sse, f, p, aiccU, aiccA),
            CoherencySignificant = significant,
            Caveats = caveats,
        };

        if (!significant)
        {
            caveats.Add(kappa > 0
                ? $"κ is not significant against κ = 0 (F-test p = {p:0.###}): no coherency cost is claimed"
                : "no coherency cost (κ = 0) within the measured range");
            if (maxN < 1.5 * (fit.PeakConcurrency ?? double.PositiveInfinity) || kappa == 0)
            {
                caveats.Add($"the data stop at N = {maxN:0.##}; they do not reach past a throughput peak, so κ (retrograde scaling) cannot be estimated from them");
            }
        }
        else if (!fit.ReachesPastPeak)
        {
            caveats.Add($"the data stop at N = {maxN:0.##}, below the predicted peak N* ≈ {fit.PeakConcurrency:0.#}: N* and the peak are extrapolations");
        }
        else if (maxN < 1.5 * fit.PeakConcurrency!.Value)
        {
            caveats.Add($"the data reach just past the peak (N = {maxN:0.##} vs N* ≈ {fit.PeakConcurrency:0.#}); κ is estimated from few points beyond it");
        }

        return fit;
    }

    private static double Aicc(int n, double sse, int k) => (n * Math.Log(sse / n)) + (2 * k) + (n - k - 1 > 0 ? 2.0 * k * (k + 1) / (n - k - 1) : double.PositiveInfinity);

    private static IEnumerable<double> LogGrid(double from, double to, int steps)
    {
        yield return 0;
        var a = Math.Log(from);
        var b = Math.Log(to);
        for (var i = 0; i < steps; i++)
        {
            yield return Math.Exp(a + ((b - a) * i / (steps - 1)));
        }
    }

    /// <summary>SSE at (σ, κ) with the optimal λ for them.</summary>
    private static double Sse(double[] n, double[] x, double sigma, double kappa, out double lambda)
    {
        double xg = 0, gg = 0;
        for (var i = 0; i < n.Length; i++)
        {
            var g = n[i] / (1 + (sigma * (n[i] - 1)) + (kappa * n[i] * (n[i] - 1)));
            xg += x[i] * g;
            gg += g * g;
        }

        lambda = gg > 0 ? xg / gg : 0;
        double sse = 0;
        for (var i = 0; i < n.Length; i++)
        {
            var r = x[i] - Model(sigma, kappa, lambda, n[i]);
            sse += r * r;
        }

        return sse;
    }

    /// <summary>Projected pattern search on (σ, κ) within σ ∈ [0, 1], κ ≥ 0.</summary>
    private static (double Sigma, double Kappa, double Sse) Refine(double[] n, double[] x, double sigma, double kappa, bool kappaFixed = false)
    {
        sigma = Math.Clamp(sigma, 0, 1);
        kappa = kappaFixed ? 0 : Math.Max(0, kappa);
        var current = Sse(n, x, sigma, kappa, out _);
        var stepS = Math.Max(sigma * 0.5, 0.01);
        var stepK = kappaFixed ? 0 : Math.Max(kappa * 0.5, 1e-6);
        ReadOnlySpan<(int, int)> directions = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)];
        for (var iteration = 0; iteration < 20000 && (stepS > 1e-13 || stepK > 1e-16); iteration++)
        {
            var improved = false;
            foreach (var (ds, dk) in directions)
            {
                if (kappaFixed && dk != 0)
                {
                    continue;
                }

                var s = Math.Clamp(sigma + (ds * stepS), 0, 1);
                var k = Math.Max(0, kappa + (dk * stepK));
                var e = Sse(n, x, s, k, out _);
                if (e < current)
                {
                    sigma = s;
                    kappa = k;
                    current = e;
                    improved = true;
                    break;
                }
            }

            if (improved)
            {
                stepS *= 1.5;
                stepK *= 1.5;
            }
            else
            {
                stepS *= 0.5;
                stepK *= 0.5;
            }
        }

        return (sigma, kappa, current);
    }

    private static (double Sigma, double Kappa, double Lambda) StandardErrors(double[] n, double[] x, double sigma, double kappa, double lambda, double sse)
    {
        var count = n.Length;
        if (count <= 3)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        // JᵀJ over (σ, κ, λ).
        var jtj = new double[3, 3];
        for (var i = 0; i < count; i++)
        {
            var d = 1 + (sigma * (n[i] - 1)) + (kappa * n[i] * (n[i] - 1));
            var row = new[]
            {
                -lambda * n[i] * (n[i] - 1) / (d * d),
                -lambda * n[i] * n[i] * (n[i] - 1) / (d * d),
                n[i] / d,
            };
            for (var a = 0; a < 3; a++)
            {
                for (var b = 0; b < 3; b++)
                {
                    jtj[a, b] += row[a] * row[b];
                }
            }
        }

        var inv = Invert3(jtj);
        if (inv is null)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        var s2 = sse / (count - 3);
        return (Math.Sqrt(Math.Max(0, s2 * inv[0, 0])), Math.Sqrt(Math.Max(0, s2 * inv[1, 1])), Math.Sqrt(Math.Max(0, s2 * inv[2, 2])));
    }

    private static double[,]? Invert3(double[,] m)
    {
        var det = (m[0, 0] * ((m[1, 1] * m[2, 2]) - (m[1, 2] * m[2, 1])))
                - (m[0, 1] * ((m[1, 0] * m[2, 2]) - (m[1, 2] * m[2, 0])))
                + (m[0, 2] * ((m[1, 0] * m[2, 1]) - (m[1, 1] * m[2, 0])));
        if (!(Math.Abs(det) > 1e-300) || double.IsNaN(det))
        {
            return null;
        }

        var r = new double[3, 3];
        r[0, 0] = ((m[1, 1] * m[2, 2]) - (m[1, 2] * m[2, 1])) / det;
        r[0, 1] = ((m[0, 2] * m[2, 1]) - (m[0, 1] * m[2, 2])) / det;
        r[0, 2] = ((m[0, 1] * m[1, 2]) - (m[0, 2] * m[1, 1])) / det;
        r[1, 0] = ((m[1, 2] * m[2, 0]) - (m[1, 0] * m[2, 2])) / det;
        r[1, 1] = ((m[0, 0] * m[2, 2]) - (m[0, 2] * m[2, 0])) / det;
        r[1, 2] = ((m[0, 2] * m[1, 0]) - (m[0, 0] * m[1, 2])) / det;
        r[2, 0] = ((m[1, 0] * m[2, 1]) - (m[1, 1] * m[2, 0])) / det;
        r[2, 1] = ((m[0, 1] * m[2, 0]) - (m[0, 0] * m[2, 1])) / det;
        r[2, 2] = ((m[0, 0] * m[1, 1]) - (m[0, 1] * m[1, 0])) / det;
        return r;
    }
}
