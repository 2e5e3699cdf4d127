namespace Loadlens.Analysis.Capacity;

/// <summary>One (concurrency, throughput) observation for a USL fit.</summary>
/// <param name="Concurrency">N: virtual users kept busy (or Little's-law concurrency X·R in the open model).</param>
/// <param name="Throughput">X: completed (successful) requests per second.</param>
public sealed record UslPoint(double Concurrency, double Throughput);

/// <summary>
/// A Universal Scalability Law fit X(N) = λN / (1 + σ(N−1) + κN(N−1)), with its quality and the
/// comparison against the κ = 0 (Amdahl) model that decides whether coherency costs are real.
/// </summary>
public sealed record UslFit
{
    /// <summary>σ: contention (serial fraction), 0 ≤ σ ≤ 1.</summary>
    public required double Sigma { get; init; }

    /// <summary>κ: coherency (crosstalk) cost per pair of users, κ ≥ 0.</summary>
    public required double Kappa { get; init; }

    /// <summary>λ: throughput of one user (req/s), the slope of ideal linear scaling.</summary>
    public required double Lambda { get; init; }

    /// <summary>Asymptotic standard errors of σ, κ, λ (NaN when they cannot be estimated).</summary>
    public double SigmaStdError { get; init; } = double.NaN;

    /// <summary>Asymptotic standard error of κ.</summary>
    public double KappaStdError { get; init; } = double.NaN;

    /// <summary>Asymptotic standard error of λ.</summary>
    public double LambdaStdError { get; init; } = double.NaN;

    /// <summary>N* = √((1−σ)/κ): the concurrency of peak throughput; null when κ = 0 (no peak).</summary>
    public double? PeakConcurrency => Kappa > 0 ? Math.Sqrt((1 - Sigma) / Kappa) : null;

    /// <summary>Predicted throughput at N* (req/s); null when κ = 0.</summary>
    public double? PeakThroughput => PeakConcurrency is { } n ? Predict(n) : null;

    /// <summary>The asymptote λ/σ when κ = 0 and σ &gt; 0 (req/s); null otherwise.</summary>
    public double? Ceiling => Kappa == 0 && Sigma > 0 ? Lambda / Sigma : null;

    /// <summary>Number of points fitted.</summary>
    public required int Points { get; init; }

    /// <summary>Largest concurrency in the data.</summary>
    public required double MaxConcurrency { get; init; }

    /// <summary>Sum of squared residuals (req/s)².</summary>
    public required double Sse { get; init; }

    /// <summary>R² = 1 − SSE/SST. Almost always high for a monotone curve: not a quality gate on its own.</summary>
    public required double RSquared { get; init; }

    /// <summary>Root mean squared residual (req/s).</summary>
    public required double Rmse { get; init; }

    /// <summary>Mean absolute percentage error of the fitted throughput (0.05 = 5 %).</summary>
    public required double Mape { get; init; }

    /// <summary>The κ = 0 (Amdahl) fit on the same data.</summary>
    public required AmdahlComparison Amdahl { get; init; }

    /// <summary>
    /// True when the full USL fits significantly better than κ = 0 (F-test p &lt; 0.05 and, with
    /// five or more points, a lower AICc): only then are coherency costs claimed.
    /// </summary>
    public required bool CoherencySignificant { get; init; }

    /// <summary>True when κ &gt; 0 and the largest measured concurrency is at or beyond N*.</summary>
    public bool ReachesPastPeak => PeakConcurrency is { } n && MaxConcurrency >= n;

    /// <summary>The objective that was minimised.</summary>
    public string Objective { get; init; } = "least squares on throughput, σ∈[0,1], κ≥0, λ by variable projection";

    /// <summary>Plain-language caveats about the fit (too few points, range, extrapolation).</summary>
    public required IReadOnlyList<string> Caveats { get; init; }

    /// <summary>Throughput predicted by the fit at concurrency <paramref name="n"/>.</summary>
    public double Predict(double n) => UslFitter.Model(Sigma, Kappa, Lambda, n);
}

/// <summary>How the κ = 0 (Amdahl) model compares with the full USL on the same data.</summary>
/// <param name="Sigma">σ of the κ = 0 fit.</param>
/// <param name="Lambda">λ of the κ = 0 fit.</param>
/// <param name="Sse">SSE of the κ = 0 fit.</param>
/// <param name="FStatistic">Nested-model F statistic (1, n−3 degrees of freedom); NaN with fewer than 4 points.</param>
/// <param name="PValue">P-value of the F-test; NaN with fewer than 4 points.</param>
/// <param name="AiccUsl">AICc of the USL (NaN with fewer than 5 points).</param>
/// <param name="AiccAmdahl">AICc of the κ = 0 model (NaN with fewer than 4 points).</param>
public sealed record AmdahlComparison(double Sigma, double Lambda, double Sse, double FStatistic, double PValue, double AiccUsl, double AiccAmdahl);
