using Loadlens.Analysis.Advice;
using Loadlens.Core.Findings;

namespace Loadlens.Analysis.Capacity;

/// <summary>The capacity analysis of a sweep: per-step figures, USL fit, knees, capacity at SLA, findings.</summary>
public sealed record CapacityReport
{
    /// <summary>"closed" or "open".</summary>
    public required string Model { get; init; }

    /// <summary>Per-step figures, ordered by load level.</summary>
    public required IReadOnlyList<StepFigures> Steps { get; init; }

    /// <summary>The USL fit; null when there are too few usable steps (see <see cref="Notes"/>).</summary>
    public UslFit? Usl { get; init; }

    /// <summary>What the USL's N means: "virtual users" or "Little's-law concurrency X·R (open model)".</summary>
    public string ConcurrencyMeaning { get; init; } = "virtual users";

    /// <summary>Kneedle knee of throughput vs. level (index into <see cref="Steps"/>), if any.</summary>
    public int? ThroughputKnee { get; init; }

    /// <summary>Kneedle knee of p99 latency vs. level (index into <see cref="Steps"/>), if any.</summary>
    public int? LatencyKnee { get; init; }

    /// <summary>First step whose p99 is at least twice the p99 of the lowest step (index), if any.</summary>
    public int? LatencyDoubledAt { get; init; }

    /// <summary>The highest-throughput step that meets the SLA and the error limit.</summary>
    public required SlaCapacity Capacity { get; init; }

    /// <summary>Throughput plateau (saturation) analysis, when the throughput flattens.</summary>
    public Plateau? Plateau { get; init; }

    /// <summary>Findings, most severe first, then in <see cref="RuleIds.Capacity"/> order.</summary>
    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>The findings' recommendations by tier, each tied to its findings (as in <see cref="AnalysisReport.Recommendations"/>).</summary>
    public IReadOnlyList<RecommendationItem> Recommendations { get; init; } = [];

    /// <summary>Plain-language notes (why something was not computed, which steps were excluded).</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>Sizing advice for a target rate (<c>--target-rate</c>, <see cref="Sizing.SizingAdvisor"/>); null when none was asked for.</summary>
    public Sizing.SizingAdvice? Sizing { get; init; }

    /// <summary>
    /// The sweep's verdict, as <c>loadlens sweep</c> and <c>loadlens analyze sweep.json</c> decide it: false when
    /// there are steps and none of them met the SLA and the error limit; true otherwise (including a sweep without
    /// any step, where there is nothing to fail).
    /// </summary>
    public bool SlaPassed => Steps.Count == 0 || Capacity.StepIndex is not null;
}

/// <summary>One sweep step reduced to the numbers the capacity analysis uses.</summary>
public sealed record StepFigures
{
    /// <summary>Index of the step in the sweep.</summary>
    public required int Index { get; init; }

    /// <summary>Load level: users (closed) or offered req/s (open).</summary>
    public required double Level { get; init; }

    /// <summary>All completed requests per second (failures included).</summary>
    public required double Throughput { get; init; }

    /// <summary>Successful requests per second (goodput): what the USL and plateau tests use.</summary>
    public required double Goodput { get; init; }

    /// <summary>Requests completed in the measured period.</summary>
    public required long Requests { get; init; }

    /// <summary>Mean latency (ms).</summary>
    public required double MeanMs { get; init; }

    /// <summary>Median (ms).</summary>
    public required double P50Ms { get; init; }

    /// <summary>95th percentile (ms).</summary>
    public required double P95Ms { get; init; }

    /// <summary>99th percentile (ms).</summary>
    public required double P99Ms { get; init; }

    /// <summary>Failure fraction (0–1).</summary>
    public required double ErrorRate { get; init; }

    /// <summary>Share of failures that were timeouts (0–1).</summary>
    public double TimeoutShare { get; init; }

    /// <summary>Mean think time per request (ms), closed model.</summary>
    public double ThinkMs { get; init; }

    /// <summary>Little's law: X·(R + Z), the users the generator actually kept busy (closed) or mean in-flight requests (open).</summary>
    public required double LittleConcurrency { get; init; }

    /// <summary>Closed model: LittleConcurrency / users (≈ 1 when the generator kept every user busy); null in the open model.</summary>
    public double? LittleRatio { get; init; }

    /// <summary>True when the generator could not drive this step as configured.</summary>
    public bool GeneratorLimited { get; init; }

    /// <summary>Why the generator counts as limited.</summary>
    public string? GeneratorReason { get; init; }

    /// <summary>SLA or error-limit violations of this step (empty when it passes).</summary>
    public required IReadOnlyList<string> Violations { get; init; }

    /// <summary>True when the step meets the SLA and the error limit.</summary>
    public bool MeetsSla => Violations.Count == 0;
}

/// <summary>Capacity at SLA: the most throughput the target gave within its targets.</summary>
/// <param name="StepIndex">Index into <see cref="CapacityReport.Steps"/> of the best passing step, or null when no step passed.</param>
/// <param name="Throughput">Its throughput (req/s).</param>
/// <param name="Level">Its load level.</param>
/// <param name="P99Ms">Its p99 (ms).</param>
/// <param name="Criteria">The targets applied, e.g. "p99 ≤ 250 ms, errors ≤ 1 %".</param>
/// <param name="FirstFailingLevel">The lowest level that failed, if any.</param>
/// <param name="FirstFailure">Why that level failed.</param>
public sealed record SlaCapacity(int? StepIndex, double? Throughput, double? Level, double? P99Ms, string Criteria, double? FirstFailingLevel, string? FirstFailure);

/// <summary>A throughput plateau: where X stops growing with load, and what the latency does there.</summary>
public sealed record Plateau
{
    /// <summary>Index into <see cref="CapacityReport.Steps"/> of the first plateau step.</summary>
    public required int FirstStep { get; init; }

    /// <summary>Highest observed goodput on the plateau (req/s): the ceiling.</summary>
    public required double Ceiling { get; init; }

    /// <summary>OLS slope of mean latency over users on the plateau (ms per user); null in the open model.</summary>
    public double? LatencySlopeMsPerUser { get; init; }

    /// <summary>1000 / mean plateau throughput: the slope a single saturated resource would give (ms per user).</summary>
    public required double ExpectedSlopeMsPerUser { get; init; }

    /// <summary>True when the measured slope is within ±15 % of the expected one.</summary>
    public required bool LinearLatency { get; init; }

    /// <summary>Estimated parallelism c of the saturated resource (X_max · R at low load); null when unknown.</summary>
    public double? EstimatedParallelism { get; init; }

    /// <summary>Effective service time per request at the saturated resource, c / X_max (ms); 1/X_max when c is unknown.</summary>
    public required double ServiceTimeMs { get; init; }
}
