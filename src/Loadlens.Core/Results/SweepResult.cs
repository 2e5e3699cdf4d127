namespace Loadlens.Core.Results;

/// <summary>
/// A capacity sweep: the same scenario run at a series of load levels (users or arrival rates),
/// one full <see cref="RunResult"/> per step. Serialized as <c>sweep.json</c> by
/// <see cref="Serialization.SweepResultJson"/>; the capacity analysis (USL fit, knees, findings)
/// is computed from it, never stored in it, so it can be recomputed with better methods later.
/// </summary>
public sealed record SweepResult
{
    /// <summary>Version of the on-disk schema.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Schema version of this document.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Sweep name (the scenario name).</summary>
    public required string Name { get; init; }

    /// <summary>"closed" (levels are virtual users) or "open" (levels are arrival rates in req/s).</summary>
    public required string Model { get; init; }

    /// <summary>Target base URL.</summary>
    public required string Target { get; init; }

    /// <summary>Wall-clock start of the first step (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The levels that were planned, in order (users or req/s).</summary>
    public required IReadOnlyList<double> PlannedLevels { get; init; }

    /// <summary>Measured length of each step in seconds (warm-up excluded).</summary>
    public required double StepSeconds { get; init; }

    /// <summary>Warm-up of each step in seconds (excluded from that step's statistics).</summary>
    public double StepWarmupSeconds { get; init; }

    /// <summary>Whether the sweep was asked to stop at the first step that fails the SLA or the error limit.</summary>
    public bool UntilSla { get; init; }

    /// <summary>Error-rate limit of a step as a fraction (0.01 = 1 %); a step above it counts as failing.</summary>
    public double MaxErrorRate { get; init; } = 0.01;

    /// <summary>SLA targets the steps are checked against (from the scenario or the command line).</summary>
    public IReadOnlyList<Scenarios.SlaTarget> Sla { get; init; } = [];

    /// <summary>The completed steps, in the order they ran.</summary>
    public required IReadOnlyList<SweepStep> Steps { get; init; }

    /// <summary>Whether every planned step ran, and if not why.</summary>
    public required RunOutcome Outcome { get; init; }

    /// <summary>Machine and tool that produced the sweep.</summary>
    public required RunEnvironment Environment { get; init; }

    /// <summary>Free-form notes.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>One step of a sweep.</summary>
public sealed record SweepStep
{
    /// <summary>0-based position in the sweep.</summary>
    public required int Index { get; init; }

    /// <summary>The load level of the step: virtual users (closed model) or req/s (open model).</summary>
    public required double Level { get; init; }

    /// <summary>The full result of the step.</summary>
    public required RunResult Result { get; init; }
}
