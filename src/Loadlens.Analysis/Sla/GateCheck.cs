namespace Loadlens.Analysis.Sla;

/// <summary>
/// The default exit gate: a run fails (exit 1) when more than <see cref="Limit"/> of its requests failed, even
/// without an SLA (Locust's exit code on failures is the precedent). Set the limit with
/// <see cref="AnalysisOptions.MaxErrorRate"/> (<c>--max-error-rate</c>); null there (<c>--no-gate</c>) turns it off.
/// </summary>
/// <param name="Limit">Largest failure share that passes (fraction, 0.01 = 1 %).</param>
/// <param name="Requests">Requests measured (warm-up excluded).</param>
/// <param name="Failed">Of those, failed.</param>
public sealed record GateCheck(double Limit, long Requests, long Failed)
{
    /// <summary>The failure share (fraction; 0 without requests).</summary>
    public double FailureRate => Requests > 0 ? (double)Failed / Requests : 0;

    /// <summary>True when the failure share is within the limit.</summary>
    public bool Passed => FailureRate <= Limit;
}
