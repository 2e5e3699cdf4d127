namespace Loadlens.Analysis.Sla;

/// <summary>One SLA target checked against one endpoint.</summary>
/// <param name="Target">The SLA entry's endpoint pattern (may contain <c>*</c>).</param>
/// <param name="Endpoint">The endpoint it was checked on; null when the pattern matched no endpoint.</param>
/// <param name="Metric">"p50", "p95", "p99", "errorRate", "minThroughput", or "endpoint" for an unmatched pattern.</param>
/// <param name="Limit">The target value (ms, % or req/s).</param>
/// <param name="Actual">The measured value in the same unit; null when there was nothing to measure.</param>
/// <param name="Unit">"ms", "%" or "req/s".</param>
/// <param name="Passed">True when the target was met.</param>
/// <param name="Note">Why a check failed without a measurement, e.g. "matches no endpoint".</param>
public sealed record SlaCheck(string Target, string? Endpoint, string Metric, double Limit, double? Actual, string Unit, bool Passed, string? Note = null);
