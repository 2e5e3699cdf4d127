using Loadlens.Analysis.Capacity;
using Loadlens.Core.Results;

namespace Loadlens.Analysis.Compare;

/// <summary>
/// Two sweeps side by side: the capacity figures (capacity at SLA, throughput ceiling, USL parameters, knees), each a
/// single estimate with its change, and, for every load level both sweeps ran, the two steps compared as runs
/// (<see cref="RunComparer"/>), which is where the verdicts come from.
/// </summary>
public sealed record SweepComparison
{
    /// <summary>The baseline sweep, as the user named it.</summary>
    public required string BaselineLabel { get; init; }

    /// <summary>The candidate sweep.</summary>
    public required string CandidateLabel { get; init; }

    /// <summary>"closed" or "open" (of the baseline).</summary>
    public required string Model { get; init; }

    /// <summary>Capacity figures in report order; a figure neither sweep has is left out.</summary>
    public required IReadOnlyList<SweepFigure> Figures { get; init; }

    /// <summary>The steps at each level both sweeps ran, compared as runs (overall row and endpoints).</summary>
    public required IReadOnlyList<LevelComparison> Levels { get; init; }

    /// <summary>Levels only one sweep ran.</summary>
    public IReadOnlyList<double> UnmatchedLevels { get; init; } = [];

    /// <summary>Why the sweeps may not be comparable.</summary>
    public IReadOnlyList<ComparabilityWarning> Warnings { get; init; } = [];

    /// <summary>Regressions of the gated metrics at any common level.</summary>
    public IReadOnlyList<Regression> Regressions { get; init; } = [];

    /// <summary>Over the common levels' gated metrics, as in <see cref="ComparisonReport.Verdict"/>.</summary>
    public required ComparisonVerdict Verdict { get; init; }

    /// <summary>Why the sweeps cannot be compared at all, or null.</summary>
    public string? NotComparableReason { get; init; }

    /// <summary>The settings.</summary>
    public required ComparisonOptions Options { get; init; }

    /// <summary>True when <see cref="ComparisonOptions.FailOnRegression"/> is set and there is a regression.</summary>
    public bool GateFailed => Options.FailOnRegression is not null && Regressions.Count > 0;
}

/// <summary>One capacity figure of both sweeps (a single estimate each: no verdict of its own).</summary>
/// <param name="Name">Stable id: <c>capacity-at-sla</c>, <c>capacity-level</c>, <c>max-goodput</c>, <c>plateau-ceiling</c>, <c>usl-sigma</c>, <c>usl-kappa</c>, <c>usl-lambda</c>, <c>usl-peak-concurrency</c>, <c>throughput-knee</c>, <c>latency-knee</c>, <c>latency-doubled-at</c>.</param>
/// <param name="Unit">Unit (<c>req/s</c>, <c>users</c>, <c>level</c>, empty for USL coefficients).</param>
/// <param name="HigherIsBetter">Polarity, null when neither direction is better (a knee's position).</param>
/// <param name="Baseline">Baseline value, null when the sweep has none.</param>
/// <param name="Candidate">Candidate value.</param>
/// <param name="Change">Candidate − baseline.</param>
/// <param name="RelativeChange">Change / baseline.</param>
public sealed record SweepFigure(string Name, string Unit, bool? HigherIsBetter, double? Baseline, double? Candidate, double? Change, double? RelativeChange);

/// <summary>The two steps at one load level, compared as runs.</summary>
/// <param name="Level">Users or req/s.</param>
/// <param name="Comparison">The run comparison of the two steps.</param>
public sealed record LevelComparison(double Level, ComparisonReport Comparison);

/// <summary>Builds a <see cref="SweepComparison"/>.</summary>
public static class SweepComparer
{
    /// <summary>Compare two sweeps with their capacity analyses.</summary>
    public static SweepComparison Compare(
        SweepResult baseline, CapacityReport baselineCapacity, SweepResult candidate, CapacityReport candidateCapacity,
        ComparisonOptions? options = null, string? baselineLabel = null, string? candidateLabel = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(baselineCapacity);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(candidateCapacity);
        options ??= ComparisonOptions.Default;
        RunComparer.Validate(options);

        var figures = new List<SweepFigure>();
        void Add(string name, string unit, bool? higherIsBetter, double? a, double? b)
        {
            if (a is null && b is null)
            {
                return;
            }

            double? change = a is { } x && b is { } y ? y - x : null;
            figures.Add(new SweepFigure(name, unit, higherIsBetter, a, b, change, change is { } c && a is { } d && d != 0 ? c / Math.Abs(d) : null));
        }

        double? Level(CapacityReport r, int? index) => index is { } i && i < r.Steps.Count ? r.Steps[i].Level : null;
        var unit = baseline.Model == "closed" ? "users" : "req/s";
        Add("capacity-at-sla", "req/s", true, baselineCapacity.Capacity.Throughput, candidateCapacity.Capacity.Throughput);
        Add("capacity-level", unit, true, baselineCapacity.Capacity.Level, candidateCapacity.Capacity.Level);
        Add("max-goodput", "req/s", true, MaxGoodput(baselineCapacity), MaxGoodput(candidateCapacity));
        Add("plateau-ceiling", "req/s", true, baselineCapacity.Plateau?.Ceiling, candidateCapacity.Plateau?.Ceiling);
        Add("usl-sigma", string.Empty, false, baselineCapacity.Usl?.Sigma, candidateCapacity.Usl?.Sigma);
        Add("usl-kappa", string.Empty, false, baselineCapacity.Usl?.Kappa, candidateCapacity.Usl?.Kappa);
        Add("usl-lambda", "req/s", true, baselineCapacity.Usl?.Lambda, candidateCapacity.Usl?.Lambda);
        Add("usl-peak-concurrency", "users", true, baselineCapacity.Usl?.PeakConcurrency, candidateCapacity.Usl?.PeakConcurrency);
        Add("throughput-knee", unit, true, Level(baselineCapacity, baselineCapacity.ThroughputKnee), Level(candidateCapacity, candidateCapacity.ThroughputKnee));
        Add("latency-knee", unit, true, Level(baselineCapacity, baselineCapacity.LatencyKnee), Level(candidateCapacity, candidateCapacity.LatencyKnee));
        Add("latency-doubled-at", unit, true, Level(baselineCapacity, baselineCapacity.LatencyDoubledAt), Level(candidateCapacity, candidateCapacity.LatencyDoubledAt));

        var levels = new List<LevelComparison>();
        var unmatched = new List<double>();
        foreach (var step in baseline.Steps)
        {
            var other = candidate.Steps.FirstOrDefault(s => Math.Abs(s.Level - step.Level) <= 1e-9 * Math.Max(1, step.Level));
            if (other is null)
            {
                unmatched.Add(step.Level);
                continue;
            }

            levels.Add(new LevelComparison(step.Level, RunComparer.Compare(step.Result, other.Result, options, baselineLabel, candidateLabel)));
        }

        unmatched.AddRange(candidate.Steps.Where(s => !baseline.Steps.Any(b => Math.Abs(b.Level - s.Level) <= 1e-9 * Math.Max(1, s.Level))).Select(s => s.Level));

        var warnings = new List<ComparabilityWarning>();
        if (!string.Equals(baseline.Model, candidate.Model, StringComparison.OrdinalIgnoreCase))
        {
            warnings.Add(new ComparabilityWarning("load-model", $"different load models: the baseline sweep is {baseline.Model}, the candidate {candidate.Model}"));
        }

        if (Math.Abs(baseline.StepSeconds - candidate.StepSeconds) > 0.1 * Math.Max(baseline.StepSeconds, candidate.StepSeconds))
        {
            warnings.Add(new ComparabilityWarning("step-length", $"different step lengths: {baseline.StepSeconds:0.#} s and {candidate.StepSeconds:0.#} s"));
        }

        foreach (var warning in levels.SelectMany(l => l.Comparison.Warnings).Where(w => w.Code is "generator-saturated" or "warm-up" or "tool").DistinctBy(w => w.Code))
        {
            warnings.Add(warning);
        }

        var verdicts = levels.Select(l => l.Comparison.Verdict).ToList();
        var verdict = verdicts.Contains(ComparisonVerdict.Slower) ? ComparisonVerdict.Slower
            : verdicts.Contains(ComparisonVerdict.Faster) ? ComparisonVerdict.Faster
            : verdicts.Count > 0 && verdicts.All(v => v == ComparisonVerdict.Same) ? ComparisonVerdict.Same
            : ComparisonVerdict.Inconclusive;

        return new SweepComparison
        {
            BaselineLabel = baselineLabel ?? baseline.Name,
            CandidateLabel = candidateLabel ?? candidate.Name,
            Model = baseline.Model,
            Figures = figures,
            Levels = levels,
            UnmatchedLevels = unmatched,
            Warnings = warnings,
            Regressions = [.. levels.SelectMany(l => l.Comparison.Regressions.Select(r => r with { Endpoint = $"{r.Endpoint} @ {l.Level.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} {unit}" }))],
            Verdict = verdict,
            NotComparableReason = baseline.Steps.Count == 0 || candidate.Steps.Count == 0 ? $"the {(baseline.Steps.Count == 0 ? "baseline" : "candidate")} sweep has no step" : null,
            Options = options,
        };
    }

    private static double? MaxGoodput(CapacityReport report) => report.Steps.Count == 0 ? null : report.Steps.Max(s => s.Goodput);
}
