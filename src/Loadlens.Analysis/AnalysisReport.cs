using Loadlens.Analysis.Advice;
using Loadlens.Analysis.Sla;
using Loadlens.Core.Findings;

namespace Loadlens.Analysis;

/// <summary>
/// Everything the analysis says about one run, as data: findings, SLA checks, recommendations, cache-TTL
/// advice and a generated executive summary. Every output (console, Markdown, JSON) renders this record.
/// </summary>
public sealed record AnalysisReport
{
    /// <summary>Version of the JSON schema written for this record (docs/analysis.md).</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Schema version.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Name of the analysed run.</summary>
    public required string RunName { get; init; }

    /// <summary>Tool that produced the measurements ("loadlens", "locust", …).</summary>
    public required string Tool { get; init; }

    /// <summary>3–5 sentences generated from the findings.</summary>
    public required IReadOnlyList<string> Summary { get; init; }

    /// <summary>Findings, most severe first.</summary>
    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>SLA checks, in target order.</summary>
    public required IReadOnlyList<SlaCheck> Sla { get; init; }

    /// <summary>Recommendations by tier, each tied to its findings.</summary>
    public required IReadOnlyList<RecommendationItem> Recommendations { get; init; }

    /// <summary>Cache-TTL advice for read endpoints.</summary>
    public required IReadOnlyList<CacheTtlAdvice> CacheTtl { get; init; }

    /// <summary>
    /// What the rules could not judge and why, e.g. endpoints with fewer requests than the shape rules need
    /// (<see cref="AnalysisOptions.MinRequests"/>), so a reader knows a silence is not a clean bill of health.
    /// </summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>True when every SLA check passed (or there were none).</summary>
    public bool SlaPassed => Sla.All(s => s.Passed);

    /// <summary>The default exit gate on the failure share; null when it is off.</summary>
    public GateCheck? Gate { get; init; }

    /// <summary>The verdict: the SLA and the gate both passed.</summary>
    public bool Passed => SlaPassed && Gate?.Passed != false;

    /// <summary>The worst severity among the findings for <paramref name="endpoint"/>, or null when it has none.</summary>
    public FindingSeverity? WorstSeverity(string endpoint)
    {
        FindingSeverity? worst = null;
        foreach (var f in Findings)
        {
            if (f.Endpoint == endpoint && (worst is null || f.Severity > worst))
            {
                worst = f.Severity;
            }
        }

        return worst;
    }
}
