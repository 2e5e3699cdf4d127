namespace Loadlens.Core.Findings;

/// <summary>
/// One diagnosis, as data: which rule fired, how bad it is, on which endpoint, the numbers that
/// triggered it, and what to do about it. Every report (console, Markdown, HTML, JSON) renders
/// the same findings; rules never format prose for a particular output.
/// </summary>
/// <param name="RuleId">Stable kebab-case rule id, e.g. "serialized-resource".</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Endpoint">Endpoint name, or null when the finding concerns the whole run.</param>
/// <param name="Title">One line, plain text, no trailing period.</param>
/// <param name="Evidence">The measured numbers that triggered the rule.</param>
/// <param name="Recommendation">What to do, tiered; null for purely informational findings.</param>
public sealed record Finding(
    string RuleId,
    FindingSeverity Severity,
    string? Endpoint,
    string Title,
    IReadOnlyList<Evidence> Evidence,
    Recommendation? Recommendation);

/// <summary>Severity of a finding, ordered from least to most severe.</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing; no action needed.</summary>
    Info = 0,

    /// <summary>Degrades the service; act soon.</summary>
    Warning = 1,

    /// <summary>Breaks the service or its SLA; act now.</summary>
    Critical = 2,
}

/// <summary>One number behind a finding.</summary>
/// <param name="Name">What was measured, e.g. "p99".</param>
/// <param name="Value">The value.</param>
/// <param name="Unit">Unit: "ms", "req/s", "%", "count", "s", "ratio", …</param>
/// <param name="Threshold">The threshold it was compared with, if any (same unit).</param>
public sealed record Evidence(string Name, double Value, string Unit, double? Threshold = null);

/// <summary>What to do about a finding.</summary>
/// <param name="Tier">When: immediate, short-term or long-term.</param>
/// <param name="Text">One or two sentences of advice tied to the evidence.</param>
public sealed record Recommendation(RecommendationTier Tier, string Text);

/// <summary>When a recommendation should be acted on.</summary>
public enum RecommendationTier
{
    /// <summary>Now: configuration changes, obvious fixes.</summary>
    Immediate = 0,

    /// <summary>This iteration: code changes, caching, indexes.</summary>
    ShortTerm = 1,

    /// <summary>Architecture: sharding, queues, a different datastore.</summary>
    LongTerm = 2,
}
