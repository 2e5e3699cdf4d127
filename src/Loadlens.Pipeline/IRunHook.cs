using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Engine;
using Loadlens.Engine.Sweeps;

namespace Loadlens.Pipeline;

/// <summary>
/// A step that plugs into every run the pipeline carries out (<c>run</c>, <c>demo</c>, each step of a
/// <c>sweep</c>): before the run it may change the scenario or the runner options (add a header, start a
/// receiver, report progress), after it it may add sections to the result
/// (<see cref="RunResult.WithSection{T}"/>). Hooks run in registration order; after the run in reverse order.
/// </summary>
public interface IRunHook
{
    /// <summary>Called before the run; returns the setup to run with (default: unchanged).</summary>
    ValueTask<RunSetup> BeforeRunAsync(RunSetup setup, CancellationToken cancellationToken) => ValueTask.FromResult(setup);

    /// <summary>Called after the run; returns the result to keep (default: unchanged).</summary>
    ValueTask<RunResult> AfterRunAsync(RunSetup setup, RunResult result, CancellationToken cancellationToken) => ValueTask.FromResult(result);

    /// <summary>Called instead of <see cref="AfterRunAsync"/> when the run did not produce a result (it threw): release what <see cref="BeforeRunAsync"/> took.</summary>
    ValueTask RunAbandonedAsync(RunSetup setup, Exception error) => ValueTask.CompletedTask;
}

/// <summary>What one run is about to run with.</summary>
/// <param name="Scenario">The resolved scenario.</param>
/// <param name="Options">The runner options.</param>
/// <param name="Step">The sweep step this run is, or null for a single run.</param>
public sealed record RunSetup(ScenarioDefinition Scenario, LoadRunnerOptions Options, SweepStepRun? Step = null);
