using Loadlens.Core.Scenarios;

namespace Loadlens.Analysis;

/// <summary>
/// Thresholds of the findings rules. The defaults are documented in docs/analysis.md; most are
/// proposals from the analysis research notes and can be tuned per run.
/// </summary>
public sealed record AnalysisOptions
{
    /// <summary>The defaults.</summary>
    public static AnalysisOptions Default { get; } = new();

    /// <summary><c>tail-latency</c>: p99 above this is a warning (ms).</summary>
    public double TailLatencyWarningMs { get; init; } = 300;

    /// <summary><c>tail-latency</c>: p99 above this is critical (ms).</summary>
    public double TailLatencyCriticalMs { get; init; } = 500;

    /// <summary><c>error-rate</c>: failure share above this is critical (fraction).</summary>
    public double ErrorRateCritical { get; init; } = 0.01;

    /// <summary><c>error-rate</c>: failure share above this is a warning (fraction); any failure at all is info.</summary>
    public double ErrorRateWarning { get; init; } = 0.001;

    /// <summary><c>slow-query</c>: a normalised statement whose p95 exceeds this is slow (ms; <c>--slow-query</c>).</summary>
    public double SlowQueryMs { get; init; } = 100;

    /// <summary>Endpoints with fewer completed requests are too small for shape-based rules (variance, queueing, trends).</summary>
    public long MinRequests { get; init; } = 50;

    /// <summary>
    /// The default exit gate: the largest share of failed requests a run may have and still pass (0.01 = 1 %),
    /// SLA or not. Null turns the gate off (<c>--no-gate</c>).
    /// </summary>
    public double? MaxErrorRate { get; init; } = 0.01;

    /// <summary>
    /// SLA targets to check instead of the ones recorded with the run (from <c>--sla FILE</c>); null uses
    /// <see cref="Core.Results.RunResult.Sla"/>.
    /// </summary>
    public IReadOnlyList<SlaTarget>? Sla { get; init; }
}
