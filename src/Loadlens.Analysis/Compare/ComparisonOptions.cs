namespace Loadlens.Analysis.Compare;

/// <summary>How <see cref="RunComparer"/> decides (docs/compare.md). The defaults are the documented method.</summary>
public sealed record ComparisonOptions
{
    /// <summary>The documented defaults.</summary>
    public static ComparisonOptions Default { get; } = new();

    /// <summary>Effect-size threshold θ: a change smaller than this (relative, 0.05 = 5 %) is "same" even when significant (<c>--min-effect</c>).</summary>
    public double MinEffect { get; init; } = 0.05;

    /// <summary>Significance level α of the Mann–Whitney test on the per-interval values.</summary>
    public double Alpha { get; init; } = 0.01;

    /// <summary>Confidence level of the bootstrap interval of the relative change.</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Bootstrap resamples per run.</summary>
    public int Resamples { get; init; } = 2000;

    /// <summary>Seed of the bootstrap, so the same two runs always give the same report.</summary>
    public int Seed { get; init; } = 20261201;

    /// <summary>Fewer measured intervals than this on either side: inconclusive.</summary>
    public int MinIntervals { get; init; } = 5;

    /// <summary>A percentile needs at least this many samples beyond it in each run (p99: 100 × this requests), else inconclusive.</summary>
    public int MinTailSamples { get; init; } = 20;

    /// <summary>The metrics compared, in report order (<see cref="ComparisonMetrics.Default"/>; add server-side ones here).</summary>
    public IReadOnlyList<IComparisonMetric> Metrics { get; init; } = ComparisonMetrics.Default;

    /// <summary>The metric ids that gate (<c>--metric</c>, default p95): the overall verdict and the regressions use only these.</summary>
    public IReadOnlyList<string> GatedMetrics { get; init; } = ["p95"];

    /// <summary>Relative worsening of a gated metric that fails the gate (<c>--fail-on-regression 10%</c>); null: the gate is off.</summary>
    public double? FailOnRegression { get; init; }

    /// <summary>What counts as a regression: <see cref="FailOnRegression"/> when set, else <see cref="MinEffect"/>.</summary>
    public double RegressionThreshold => FailOnRegression ?? MinEffect;

    /// <summary>
    /// Known run-to-run noise of the gated figures (relative standard deviation between runs of the same build, 0.04 =
    /// ±4 %; <c>--run-noise</c>), e.g. from an A/A calibration. Null: only what replicate runs show (docs/compare.md).
    /// </summary>
    public double? RunNoise { get; init; }

    /// <summary>Closed model: achieved throughputs differing by more than this (relative) are flagged as not comparable.</summary>
    public double MaxRateDifference { get; init; } = 0.10;
}
