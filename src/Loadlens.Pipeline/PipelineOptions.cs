using Loadlens.Analysis;
using Loadlens.Core.Scenarios;
using Loadlens.Engine;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Pipeline;

/// <summary>Options of <see cref="LoadlensPipeline.RunAsync"/> (<c>loadlens run</c>, <c>demo</c>).</summary>
public sealed record RunOptions
{
    /// <summary>What to load.</summary>
    public required ScenarioRequest Scenario { get; init; }

    /// <summary>How to run it (transport, seed, loopback policy, clock, progress).</summary>
    public LoadRunnerOptions Runner { get; init; } = new();

    /// <summary>Thresholds of the findings rules; its SLA replaces the scenario's when set.</summary>
    public AnalysisOptions Analysis { get; init; } = AnalysisOptions.Default;

    /// <summary>Output folder (default <c>./loadlens-results/&lt;name&gt;-&lt;timestamp&gt;/</c>).</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>The writers of the output folder (default <see cref="OutputRegistry.Default"/>).</summary>
    public OutputRegistry? Outputs { get; init; }

    /// <summary>Steps around the run (<see cref="IRunHook"/>).</summary>
    public IReadOnlyList<IRunHook> Hooks { get; init; } = [];

    /// <summary>Save the result to the run history (<c>--save</c>); null saves nothing.</summary>
    public HistoryOptions? Save { get; init; }

    /// <summary>
    /// Compare the new run with this baseline (<c>run --baseline @last:main</c>: a history reference, resolved among the runs
    /// of the same scenario before the new run is saved, or a result file); null compares nothing.
    /// </summary>
    public string? Baseline { get; init; }

    /// <summary>How to compare with <see cref="Baseline"/> (<c>--fail-on-regression</c>, <c>--min-effect</c>, <c>--metric</c>).</summary>
    public global::Loadlens.Analysis.Compare.ComparisonOptions BaselineComparison { get; init; } = global::Loadlens.Analysis.Compare.ComparisonOptions.Default;

    /// <summary>With <see cref="Baseline"/> <c>@last</c> / <c>@last:BRANCH</c>: compare against the newest this many stored runs (replicates; <c>--baseline-runs</c>).</summary>
    public int BaselineRuns { get; init; } = 1;

    /// <summary>The history that resolves <see cref="Baseline"/> when <see cref="Save"/> is not set (default: the default store).</summary>
    public HistoryOptions? BaselineHistory { get; init; }
}

/// <summary>Options of <see cref="LoadlensPipeline.SweepAsync"/> (<c>loadlens sweep</c>).</summary>
public sealed record SweepOptions
{
    /// <summary>What to load; its load shape is replaced by the levels (set users, rate, duration and stages here, not in its overrides).</summary>
    public required ScenarioRequest Scenario { get; init; }

    /// <summary>Closed model: users; open model: arrival rates (req/s). Increasing.</summary>
    public IReadOnlyList<double> Levels { get; init; } = [];

    /// <summary>The model the levels are in.</summary>
    public LoadModel Model { get; init; } = LoadModel.Closed;

    /// <summary>Alternatively, levels as stages <c>DURATION:LEVEL,…</c> (one step per stage, all of one length).</summary>
    public string? Stages { get; init; }

    /// <summary>Measured length of each step.</summary>
    public TimeSpan StepDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Warm-up of each step, excluded from its statistics; null: a quarter of the step, at most 5 s (none with <see cref="StepIterations"/>).</summary>
    public TimeSpan? StepWarmup { get; init; }

    /// <summary>Closed model: requests per step instead of <see cref="StepDuration"/>.</summary>
    public long? StepIterations { get; init; }

    /// <summary>Stop after the first step that fails the SLA or the error limit.</summary>
    public bool UntilSla { get; init; }

    /// <summary>Error-rate limit of a step (0.01 = 1 %).</summary>
    public double MaxErrorRate { get; init; } = 0.01;

    /// <summary>SLA targets added to the scenario's (e.g. <c>--sla-p99</c>).</summary>
    public IReadOnlyList<SlaTarget> ExtraSla { get; init; } = [];

    /// <summary>How to run each step.</summary>
    public LoadRunnerOptions Runner { get; init; } = new();

    /// <summary>Output folder (default <c>./loadlens-results/&lt;name&gt;-sweep-&lt;timestamp&gt;/</c>).</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>The writers of the output folder (default <see cref="OutputRegistry.Default"/>).</summary>
    public OutputRegistry? Outputs { get; init; }

    /// <summary>Steps around each step's run.</summary>
    public IReadOnlyList<IRunHook> Hooks { get; init; } = [];

    /// <summary>Save the result to the run history (<c>--save</c>); null saves nothing.</summary>
    public HistoryOptions? Save { get; init; }

    /// <summary>
    /// Compare the new sweep with this baseline sweep (<c>sweep --baseline @last:main</c>: a history reference, resolved among the
    /// sweeps of the same scenario before the new sweep is saved, or a sweep.json); null compares nothing.
    /// </summary>
    public string? Baseline { get; init; }

    /// <summary>How to compare with <see cref="Baseline"/> (<c>--fail-on-regression</c>, <c>--min-effect</c>, <c>--metric</c>).</summary>
    public global::Loadlens.Analysis.Compare.ComparisonOptions BaselineComparison { get; init; } = global::Loadlens.Analysis.Compare.ComparisonOptions.Default;

    /// <summary>The history that resolves <see cref="Baseline"/> when <see cref="Save"/> is not set (default: the default store).</summary>
    public HistoryOptions? BaselineHistory { get; init; }

    /// <summary>
    /// Size a deployment for this rate (req/s, <c>--target-rate 500/s</c>) from the sweep's measurements: workers, pool,
    /// replicas and an HPA (<see cref="Analysis.Sizing.SizingAdvisor"/>, <see cref="Analysis.Capacity.CapacityReport.Sizing"/>); null sizes nothing.
    /// </summary>
    public double? TargetRate { get; init; }
}

/// <summary>Options of <see cref="LoadlensPipeline.AnalyzeAsync"/> (<c>loadlens analyze</c>).</summary>
public sealed record AnalyzeOptions
{
    /// <summary>A result file or folder: result.json, sweep.json, a Locust CSV prefix, k6, JTL, hlog.</summary>
    public required string Input { get; init; }

    /// <summary>Force the input format (an importer's name, or <c>sweep</c>); null detects it.</summary>
    public string? InputFormat { get; init; }

    /// <summary>Thresholds and SLA (its SLA replaces the run's or the sweep's).</summary>
    public AnalysisOptions Analysis { get; init; } = AnalysisOptions.Default;

    /// <summary>The document to produce (<c>md</c>, <c>json</c>, …: a registered writer's format); null produces none.</summary>
    public string? Format { get; init; }

    /// <summary>Write the <see cref="Format"/> document to this file; null renders it into <see cref="PipelineResult.Document"/>.</summary>
    public string? OutputFile { get; init; }

    /// <summary>Write every output of the analysed result into this folder (as <c>run</c> would).</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>The writers (default <see cref="OutputRegistry.Default"/>).</summary>
    public OutputRegistry? Outputs { get; init; }

    /// <summary>Save the result to the run history (<c>--save</c>); null saves nothing.</summary>
    public HistoryOptions? Save { get; init; }

    /// <summary>Size a deployment for this rate (req/s, <c>--target-rate</c>) from a sweep's measurements; only for a sweep input.</summary>
    public double? TargetRate { get; init; }
}
