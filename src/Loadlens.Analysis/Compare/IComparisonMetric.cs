using Loadlens.Core.Results;

namespace Loadlens.Analysis.Compare;

/// <summary>
/// One metric that <see cref="RunComparer"/> compares: its id, unit and polarity, and how to read it from a run.
/// The built-in ones are in <see cref="ComparisonMetrics"/>; server-side figures (CPU, memory, DB time from
/// <see cref="RunResult.Sections"/>) are added as more implementations in <see cref="ComparisonOptions.Metrics"/>,
/// and the report keeps its shape.
/// </summary>
public interface IComparisonMetric
{
    /// <summary>Stable id used in reports, JSON and <c>--metric</c> (<c>p95</c>, <c>throughput</c>, <c>server-cpu</c>).</summary>
    string Id { get; }

    /// <summary>Unit of the values (<c>ms</c>, <c>req/s</c>, <c>ratio</c>, <c>%</c>, <c>MB</c>).</summary>
    string Unit { get; }

    /// <summary>True for throughput-like metrics, false for latency, errors and cost.</summary>
    bool HigherIsBetter { get; }

    /// <summary>Changes smaller than this in absolute terms (in <see cref="Unit"/>) are "same" whatever their relative size (0.001 for a 0.1 % error-rate change).</summary>
    double AbsoluteFloor { get; }

    /// <summary>
    /// The metric for endpoint <paramref name="endpoint"/> of <paramref name="run"/> (<see cref="RunResult.Total"/> for the
    /// overall row), or null when the run does not have it. <paramref name="intervals"/> are the run's measured intervals
    /// the comparison uses (warm-up and short trailing intervals left out).
    /// </summary>
    MetricSeries? Measure(RunResult run, EndpointResult endpoint, IReadOnlyList<TimeSeriesInterval> intervals);
}

/// <summary>What a metric read from one run: the reported value and the per-interval samples behind it.</summary>
/// <param name="Value">The run's figure (e.g. its p95 over the measured period).</param>
/// <param name="PerInterval">One value per usable interval (the rank test's samples); empty when the run has no per-interval data.</param>
/// <param name="Resample">
/// The figure recomputed from the intervals at the given positions into <paramref name="PerInterval"/> (each position may repeat):
/// the block bootstrap's statistic (e.g. p95 of the merged interval histograms). Null when it cannot be recomputed.
/// </param>
/// <param name="SampleCount">Requests behind <paramref name="Value"/>.</param>
/// <param name="TailShare">For a percentile, the share of samples beyond it (0.05 for p95); 0 otherwise.</param>
/// <param name="Ranked">
/// For a percentile, the run's samples in order (from its interval histograms): the exact order-statistic bounds decide
/// with them when too few samples lie beyond the percentile for the bootstrap. Null when there are no histograms.
/// </param>
public sealed record MetricSeries(double Value, IReadOnlyList<double> PerInterval, Func<IReadOnlyList<int>, double>? Resample, long SampleCount, double TailShare = 0, RankedSample? Ranked = null);

/// <summary>A run's samples in ascending order: <paramref name="ValueAt"/>(k) is the k-th smallest (1-based) of <paramref name="Count"/>.</summary>
public sealed record RankedSample(long Count, Func<long, double> ValueAt);
