namespace Loadlens.Analysis.Compare;

/// <summary>
/// The verdict on one metric (or on a whole comparison), always from the user's side: <see cref="Faster"/> means
/// better (lower latency, higher throughput, fewer errors), <see cref="Slower"/> means worse.
/// </summary>
public enum ComparisonVerdict
{
    /// <summary>The data cannot decide: too few intervals, a confidence interval too wide, no per-interval data.</summary>
    Inconclusive = 0,

    /// <summary>Equivalent within the effect threshold (or a real difference smaller than it).</summary>
    Same,

    /// <summary>A significant change for the better, at least the effect threshold.</summary>
    Faster,

    /// <summary>A significant change for the worse, at least the effect threshold.</summary>
    Slower,
}

/// <summary>
/// The comparison of two runs (<see cref="RunComparer"/>): per matched endpoint and overall, every metric
/// with both values, the change, its confidence interval and a verdict; the endpoints that matched nothing; why the
/// runs may not be comparable; the regressions that gate CI.
/// </summary>
public sealed record ComparisonReport
{
    /// <summary>Version of the JSON document (<c>comparison.json</c>) written from this report.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The baseline run, as described to the user (path, history reference, run name).</summary>
    public required ComparedRun Baseline { get; init; }

    /// <summary>The candidate run.</summary>
    public required ComparedRun Candidate { get; init; }

    /// <summary>All endpoints together (the Aggregated rows), compared like an endpoint.</summary>
    public required EndpointComparison Overall { get; init; }

    /// <summary>Matched endpoints, in the baseline's order.</summary>
    public required IReadOnlyList<EndpointComparison> Endpoints { get; init; }

    /// <summary>Baseline endpoints with no counterpart in the candidate (by name, then method + normalised path).</summary>
    public IReadOnlyList<string> UnmatchedBaseline { get; init; } = [];

    /// <summary>Candidate endpoints with no counterpart in the baseline.</summary>
    public IReadOnlyList<string> UnmatchedCandidate { get; init; } = [];

    /// <summary>Why the runs may not be comparable (different load model, achieved rate, warm-up, saturated generator, …).</summary>
    public IReadOnlyList<ComparabilityWarning> Warnings { get; init; } = [];

    /// <summary>
    /// Significant changes for the worse on a gated metric (<see cref="ComparisonOptions.GatedMetrics"/>) at least
    /// <see cref="ComparisonOptions.RegressionThreshold"/> (the fail threshold, else the effect threshold).
    /// </summary>
    public IReadOnlyList<Regression> Regressions { get; init; } = [];

    /// <summary>
    /// Over the gated metrics of every row: <see cref="ComparisonVerdict.Slower"/> when any is slower, else
    /// <see cref="ComparisonVerdict.Faster"/> when any is faster, else <see cref="ComparisonVerdict.Same"/> when all
    /// are the same, else <see cref="ComparisonVerdict.Inconclusive"/>.
    /// </summary>
    public required ComparisonVerdict Verdict { get; init; }

    /// <summary>
    /// Why the two inputs cannot be compared at all (a side measured nothing, no endpoint matched), or null. A
    /// report with a reason still lists what it could; <c>loadlens compare</c> exits 2 with it.
    /// </summary>
    public string? NotComparableReason { get; init; }

    /// <summary>The settings the verdicts were made with.</summary>
    public required ComparisonOptions Options { get; init; }

    /// <summary>Where the run-to-run noise in the intervals comes from (replicates, <c>--run-noise</c>), or that it is not in them.</summary>
    public string? RunNoise { get; init; }

    /// <summary>True when <see cref="ComparisonOptions.FailOnRegression"/> is set and there is a regression: exit 1.</summary>
    public bool GateFailed => Options.FailOnRegression is not null && Regressions.Count > 0;
}

/// <summary>One side of a comparison.</summary>
/// <param name="Label">What the user named (a path, <c>@last:main</c>, a run id).</param>
/// <param name="Name">The run's name.</param>
/// <param name="Tool">The tool that measured it.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Intervals">Measured (post-warm-up) intervals with data, the samples of the verdict.</param>
/// <param name="Requests">Measured requests.</param>
public sealed record ComparedRun(string Label, string Name, string Tool, DateTimeOffset StartedAt, int Intervals, long Requests)
{
    /// <summary>Replicate runs on this side (the intervals and requests are their sums; the figures the means of the runs' figures).</summary>
    public int Runs { get; init; } = 1;
}

/// <summary>One endpoint (or the overall row) in both runs.</summary>
/// <param name="Name">The endpoint's name in the baseline (<c>Aggregated</c> for the overall row).</param>
/// <param name="Key">The matching key: method + normalised path (<c>GET /api/orders</c>).</param>
/// <param name="CandidateName">The endpoint's name in the candidate.</param>
/// <param name="Metrics">One comparison per metric, in <see cref="ComparisonOptions.Metrics"/> order (a metric neither run has is left out).</param>
public sealed record EndpointComparison(string Name, string Key, string CandidateName, IReadOnlyList<MetricComparison> Metrics)
{
    /// <summary>The comparison of metric <paramref name="id"/>, or null.</summary>
    public MetricComparison? Metric(string id) => Metrics.FirstOrDefault(m => string.Equals(m.Metric, id, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One metric of one endpoint in both runs.</summary>
/// <param name="Metric">The metric id (<c>p95</c>, <c>throughput</c>, … see <see cref="ComparisonMetrics"/>).</param>
/// <param name="Unit">Its unit (<c>ms</c>, <c>req/s</c>, <c>ratio</c>, …).</param>
/// <param name="HigherIsBetter">Its polarity.</param>
/// <param name="Baseline">The baseline value (the run's reported figure); null when the run does not have it.</param>
/// <param name="Candidate">The candidate value.</param>
/// <param name="Change">Candidate − baseline (in <see cref="Unit"/>); null when a side is missing.</param>
/// <param name="RelativeChange">Change / baseline (0.1 = +10 %); null when the baseline is 0 or a side is missing.</param>
/// <param name="CiLow">Lower bound of the confidence interval of the relative change (block bootstrap); null when not computed.</param>
/// <param name="CiHigh">Upper bound of that interval.</param>
/// <param name="PValue">Two-sided Mann–Whitney p-value on the per-interval values; null when not computed.</param>
/// <param name="Verdict">Faster (better), slower (worse), same or inconclusive.</param>
/// <param name="Reason">Why that verdict, in one line (e.g. "too few intervals: 3 and 12, need 5").</param>
public sealed record MetricComparison(
    string Metric,
    string Unit,
    bool HigherIsBetter,
    double? Baseline,
    double? Candidate,
    double? Change,
    double? RelativeChange,
    double? CiLow,
    double? CiHigh,
    double? PValue,
    ComparisonVerdict Verdict,
    string Reason)
{
    /// <summary>The run-to-run noise in the interval (σ of the log between runs), null when there was none (one run per side).</summary>
    public double? RunNoise { get; init; }
}

/// <summary>A reason the two runs may not be comparable, with a stable code.</summary>
/// <param name="Code"><c>load-model</c>, <c>load-level</c>, <c>achieved-rate</c>, <c>warm-up</c>, <c>generator-saturated</c>, <c>incomplete</c>, <c>interval</c>, <c>tool</c>, <c>no-intervals</c>.</param>
/// <param name="Message">One line for the user.</param>
public sealed record ComparabilityWarning(string Code, string Message);

/// <summary>A significant change for the worse on a gated metric beyond the threshold.</summary>
/// <param name="Endpoint">The endpoint's name (<c>Aggregated</c> for the overall row).</param>
/// <param name="Metric">The metric id.</param>
/// <param name="Baseline">Baseline value.</param>
/// <param name="Candidate">Candidate value.</param>
/// <param name="RelativeChange">Change / baseline.</param>
/// <param name="Threshold">The threshold it exceeded (0.1 = 10 %).</param>
public sealed record Regression(string Endpoint, string Metric, double Baseline, double Candidate, double RelativeChange, double Threshold);
