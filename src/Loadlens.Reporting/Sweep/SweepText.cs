using System.Globalization;
using Loadlens.Analysis.Capacity;
using Loadlens.Core.Results;

namespace Loadlens.Reporting.Sweep;

/// <summary>The sentences every sweep report shares (console and Markdown), so they never disagree.</summary>
internal static class SweepText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Unit(CapacityReport report) => report.Model == "open" ? "req/s offered" : "users";

    public static string Level(CapacityReport report, double level) => ReportFormat.Number(level) + " " + Unit(report);

    public static string Settings(SweepResult sweep)
    {
        var unit = sweep.Model == "open" ? "req/s" : "users";
        var levels = string.Join(", ", sweep.PlannedLevels.Select(ReportFormat.Number));
        var warm = sweep.StepWarmupSeconds > 0 ? $" after a {ReportFormat.Seconds(sweep.StepWarmupSeconds)} warm-up" : string.Empty;
        var until = sweep.UntilSla ? ", stopping at the first step that fails the SLA" : string.Empty;
        return $"{sweep.Model} model, levels {levels} {unit}, {ReportFormat.Seconds(sweep.StepSeconds)} per step{warm}{until}";
    }

    public static string Outcome(SweepResult sweep) => sweep.Outcome switch
    {
        { Completed: true, StopReason: "completed" } => $"all {sweep.Steps.Count} steps completed",
        { Completed: true } => $"{sweep.Steps.Count} step(s): {sweep.Outcome.Message ?? sweep.Outcome.StopReason}",
        _ => $"{sweep.Outcome.StopReason} (partial results): {sweep.Outcome.Message}",
    };

    public static string Capacity(CapacityReport report)
    {
        var c = report.Capacity;
        if (c.StepIndex is null)
        {
            return report.Steps.Count == 0
                ? $"no step was measured, so no capacity within {c.Criteria} can be given"
                : c.FirstFailure is { } why
                    ? $"no step met the SLA ({c.Criteria}); the lowest level already failed: {why}"
                    : $"no step met the SLA ({c.Criteria})";
        }

        var text = string.Create(Invariant, $"{c.Throughput:0.#} req/s at {Level(report, c.Level!.Value)} (p99 {ReportFormat.MsUnit(c.P99Ms!.Value)}) within {c.Criteria}");
        return c.FirstFailingLevel is { } failing
            ? text + $"; first failing level: {Level(report, failing)} ({c.FirstFailure})"
            : text + "; every measured level met it, so the capacity may be higher";
    }

    public static string? Plateau(CapacityReport report)
    {
        if (report.Plateau is not { } p)
        {
            return null;
        }

        var text = string.Create(Invariant, $"throughput plateaus at {p.Ceiling:0.#} req/s from {Level(report, report.Steps[p.FirstStep].Level)}");
        if (p.LatencySlopeMsPerUser is { } slope)
        {
            text += string.Create(Invariant, $"; latency grows {slope:0.##} ms per user (1/X on the plateau = {p.ExpectedSlopeMsPerUser:0.##} ms: {(p.LinearLatency ? "consistent with one saturated resource" : "not a single queue")})");
        }

        text += p.EstimatedParallelism is { } c
            ? string.Create(Invariant, $"; estimated parallelism c ≈ {c:0.#}, service time c/X_max ≈ {p.ServiceTimeMs:0.##} ms")
            : string.Create(Invariant, $"; service time ≈ c × {p.ServiceTimeMs:0.##} ms (c unknown: the lowest step is already saturated)");
        return text;
    }

    public static IEnumerable<string> Usl(CapacityReport report)
    {
        if (report.Usl is not { } u)
        {
            yield break;
        }

        yield return string.Create(Invariant,
            $"σ (contention) = {u.Sigma:0.#####} ± {Se(u.SigmaStdError)}, κ (coherency) = {u.Kappa:0.###e0} ± {Se(u.KappaStdError)}, λ (one user) = {u.Lambda:0.##} req/s");
        yield return u.PeakConcurrency is { } n && u.CoherencySignificant
            ? string.Create(Invariant, $"peak N* = {n:0.#} {(report.Model == "open" ? "concurrent requests" : "users")}, predicted peak {u.PeakThroughput:0.#} req/s; the data {(u.ReachesPastPeak ? "reach past the peak" : "do not reach the peak (extrapolated)")}")
            : u.Ceiling is { } ceiling
                ? string.Create(Invariant, $"no coherency cost: throughput approaches λ/σ = {ceiling:0.#} req/s and does not fall")
                : u.PeakConcurrency is { } n2
                    ? string.Create(Invariant, $"κ > 0 is not significant (peak N* = {n2:0.#} would be an extrapolation)")
                    : "linear scaling so far: no contention, no coherency cost";
        yield return string.Create(Invariant,
            $"fit: R² = {u.RSquared:0.###}, RMSE = {u.Rmse:0.#} req/s, mean error {u.Mape:P1}, {u.Points} levels; κ = 0 model: F = {u.Amdahl.FStatistic:0.##}, p = {u.Amdahl.PValue:0.####} → {(u.CoherencySignificant ? "coherency cost is significant" : "κ = 0 explains the data as well")}");
        foreach (var caveat in u.Caveats)
        {
            yield return "caveat: " + caveat;
        }

        static string Se(double v) => double.IsNaN(v) ? "?" : v.ToString("0.###e0", Invariant);
    }

    public static string Knees(CapacityReport report)
    {
        var parts = new List<string>
        {
            report.ThroughputKnee is { } t ? $"throughput knee at {Level(report, report.Steps[t].Level)}" : "no throughput knee",
            report.LatencyKnee is { } l ? $"p99 knee at {Level(report, report.Steps[l].Level)}" : "no p99 knee",
            report.LatencyDoubledAt is { } d ? $"p99 doubles (vs. the lowest level) at {Level(report, report.Steps[d].Level)}" : "p99 never doubles",
        };
        return string.Join("; ", parts) + " (Kneedle, S = 1)";
    }
}
