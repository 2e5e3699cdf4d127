using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;

namespace Loadlens.Engine.Sweeps;

/// <summary>What a capacity sweep runs: one scenario at a series of load levels.</summary>
public sealed record SweepPlan
{
    /// <summary>The scenario; its endpoints, headers, feeders, think time and SLA are used for every step, its load shape is replaced.</summary>
    public required ScenarioDefinition Scenario { get; init; }

    /// <summary>Closed model: levels are virtual users. Open model: levels are arrival rates (req/s).</summary>
    public required LoadModel Model { get; init; }

    /// <summary>The levels, in the order they run.</summary>
    public required IReadOnlyList<double> Levels { get; init; }

    /// <summary>Measured length of each step (its warm-up comes on top).</summary>
    public required TimeSpan StepDuration { get; init; }

    /// <summary>Warm-up of each step, excluded from that step's statistics.</summary>
    public TimeSpan StepWarmup { get; init; }

    /// <summary>Closed model: requests per step instead of <see cref="StepDuration"/> (null: run for the duration).</summary>
    public long? StepIterations { get; init; }

    /// <summary>Called after each step; returning true stops the sweep there (e.g. the SLA failed). Null: run every level.</summary>
    public Func<RunResult, bool>? StopAfter { get; init; }

    /// <summary>Recorded in the sweep document: whether <see cref="StopAfter"/> was an SLA stop.</summary>
    public bool UntilSla { get; init; }

    /// <summary>Recorded in the sweep document: the error-rate limit of a step (0.01 = 1 %).</summary>
    public double MaxErrorRate { get; init; } = 0.01;

    /// <summary>SLA targets recorded in the sweep document (defaults to the scenario's).</summary>
    public IReadOnlyList<SlaTarget>? Sla { get; init; }
}

/// <summary>One step about to run: the plan, its index and level, and the scenario and options it runs with.</summary>
/// <param name="Plan">The sweep.</param>
/// <param name="Index">0-based step index.</param>
/// <param name="Level">Users (closed) or req/s (open).</param>
/// <param name="Scenario">The step's scenario (<see cref="SweepRunner.StepScenario"/>).</param>
/// <param name="Options">The step's runner options.</param>
public sealed record SweepStepRun(SweepPlan Plan, int Index, double Level, ScenarioDefinition Scenario, LoadRunnerOptions Options);

/// <summary>
/// Runs a capacity sweep: each level is a full <see cref="LoadRunner.RunAsync"/> run with its own
/// warm-up, and the steps together form one <see cref="SweepResult"/>. Cancelling keeps the steps that
/// completed (the interrupted step is left out) and marks the outcome as not completed.
/// </summary>
public static class SweepRunner
{
    /// <summary>The per-step scenario: the same requests with a constant load at <paramref name="level"/>.</summary>
    public static ScenarioDefinition StepScenario(SweepPlan plan, double level)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var load = plan.Scenario.Load with
        {
            Model = plan.Model,
            Users = plan.Model == LoadModel.Closed ? (int)Math.Round(level) : plan.Scenario.Load.Users,
            Rate = plan.Model == LoadModel.Open ? level : 0,
            Stages = [],
            Iterations = plan.StepIterations,
            WarmUp = plan.StepWarmup,
            Duration = plan.StepIterations is null ? plan.StepWarmup + plan.StepDuration : null,
        };
        return plan.Scenario with { Load = load };
    }

    /// <summary>Run every level in order (or until <see cref="SweepPlan.StopAfter"/> says stop).</summary>
    /// <param name="plan">What to run.</param>
    /// <param name="options">Runner options for every step (progress, clock, loopback policy, seed).</param>
    /// <param name="onStepStarting">Called before each step with its index and level.</param>
    /// <param name="onStepCompleted">Called after each completed step.</param>
    /// <param name="cancellationToken">Stops the sweep; completed steps are kept.</param>
    /// <exception cref="ArgumentException">Levels are empty, not positive, or not whole users in the closed model.</exception>
    /// <exception cref="TargetUnreachableException">The target could not be reached before the first step.</exception>
    public static Task<SweepResult> RunAsync(
        SweepPlan plan,
        LoadRunnerOptions? options = null,
        Action<int, double>? onStepStarting = null,
        Action<SweepStep>? onStepCompleted = null,
        CancellationToken cancellationToken = default)
        => RunAsync(plan, options, runStep: null, onStepStarting, onStepCompleted, cancellationToken);

    /// <summary>Run every level in order, each through <paramref name="runStep"/> (the pipeline wraps its hooks around each step's run).</summary>
    /// <param name="plan">What to run.</param>
    /// <param name="options">Runner options for every step.</param>
    /// <param name="runStep">Runs one step; null runs it with <see cref="LoadRunner.RunAsync"/>.</param>
    /// <param name="onStepStarting">Called before each step with its index and level.</param>
    /// <param name="onStepCompleted">Called after each completed step.</param>
    /// <param name="cancellationToken">Stops the sweep; completed steps are kept.</param>
    public static async Task<SweepResult> RunAsync(
        SweepPlan plan,
        LoadRunnerOptions? options,
        Func<SweepStepRun, CancellationToken, Task<RunResult>>? runStep,
        Action<int, double>? onStepStarting = null,
        Action<SweepStep>? onStepCompleted = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        options ??= new LoadRunnerOptions();
        Validate(plan);
        var steps = new List<SweepStep>();
        var startedAt = options.TimeProvider.GetUtcNow();
        var outcome = RunOutcome.Complete;
        for (var i = 0; i < plan.Levels.Count; i++)
        {
            var level = plan.Levels[i];
            if (cancellationToken.IsCancellationRequested)
            {
                outcome = new RunOutcome(false, "cancelled", $"interrupted before level {level:0.##}; {steps.Count} completed step(s) kept");
                break;
            }

            onStepStarting?.Invoke(i, level);
            var stepOptions = options with
            {
                RunName = $"{plan.Scenario.Name} @ {level:0.##} {(plan.Model == LoadModel.Closed ? "users" : "req/s")}",
                Seed = options.Seed is { } seed ? seed + i : null,
            };
            RunResult result;
            try
            {
                var stepRun = new SweepStepRun(plan, i, level, StepScenario(plan, level), stepOptions);
                result = runStep is null
                    ? await LoadRunner.RunAsync(stepRun.Scenario, stepRun.Options, cancellationToken).ConfigureAwait(false)
                    : await runStep(stepRun, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                outcome = new RunOutcome(false, "cancelled", $"interrupted at level {level:0.##}; {steps.Count} completed step(s) kept");
                break;
            }
            catch (TargetUnreachableException ex) when (steps.Count > 0)
            {
                outcome = new RunOutcome(false, "target-unreachable", $"the target stopped answering before level {level:0.##}: {ex.Message}");
                break;
            }

            if (!result.Outcome.Completed)
            {
                outcome = new RunOutcome(false, result.Outcome.StopReason, $"interrupted at level {level:0.##}; {steps.Count} completed step(s) kept");
                break;
            }

            var step = new SweepStep { Index = i, Level = level, Result = result };
            steps.Add(step);
            onStepCompleted?.Invoke(step);
            if (plan.StopAfter?.Invoke(result) == true)
            {
                if (i < plan.Levels.Count - 1)
                {
                    outcome = new RunOutcome(true, "stopped-at-sla", $"stopped after level {level:0.##}: it failed the SLA or the error limit");
                }

                break;
            }
        }

        return new SweepResult
        {
            Name = plan.Scenario.Name,
            Model = plan.Model == LoadModel.Closed ? "closed" : "open",
            Target = ScenarioRedaction.Target(plan.Scenario.BaseUrl),
            StartedAt = startedAt,
            PlannedLevels = plan.Levels,
            StepSeconds = plan.StepDuration.TotalSeconds,
            StepWarmupSeconds = plan.StepWarmup.TotalSeconds,
            UntilSla = plan.UntilSla,
            MaxErrorRate = plan.MaxErrorRate,
            Sla = plan.Sla ?? plan.Scenario.Sla,
            Steps = steps,
            Outcome = outcome,
            Environment = RunEnvironment.Current(),
        };
    }

    private static void Validate(SweepPlan plan)
    {
        if (plan.Levels.Count == 0)
        {
            throw new ArgumentException("a sweep needs at least one level");
        }

        if (plan.Levels.Any(l => !(l > 0) || double.IsInfinity(l)))
        {
            throw new ArgumentException("sweep levels must be positive");
        }

        if (plan.Model == LoadModel.Closed && plan.Levels.Any(l => Math.Abs(l - Math.Round(l)) > 1e-9))
        {
            throw new ArgumentException("closed-model sweep levels are whole numbers of users");
        }

        if (!(plan.StepDuration > TimeSpan.Zero) || plan.StepWarmup < TimeSpan.Zero)
        {
            throw new ArgumentException("the step duration must be positive and the warm-up not negative");
        }
    }
}
