using Loadlens.Analysis.Compare;
using Loadlens.Core.Results;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Pipeline;

/// <summary>
/// Turns what the user typed for one side of <c>loadlens compare</c> into a run or a sweep. The file resolver (paths
/// to result.json, a run folder, an importable file, sweep.json) is always last; others (history references such as
/// <c>@last</c>, <c>@last:main</c>, a run id, <c>@&lt;git-sha&gt;</c>) go into <see cref="CompareOptions.Resolvers"/>
/// and are asked first, in order.
/// </summary>
public interface IRunReferenceResolver
{
    /// <summary>
    /// The input <paramref name="reference"/> names, or null when it is not this resolver's syntax (the next resolver
    /// is asked). A reference in its syntax that names nothing is an <see cref="Core.InputFormatException"/> with the reason.
    /// </summary>
    Task<CompareInput?> ResolveAsync(string reference, CancellationToken cancellationToken);
}

/// <summary>One side of a comparison: a reference still to resolve, or a run or sweep already in hand.</summary>
public sealed record CompareInput
{
    /// <summary>How the user named it (path, <c>@last:main</c>, run id); shown in every report.</summary>
    public required string Label { get; init; }

    /// <summary>The reference to resolve (when <see cref="Run"/> and <see cref="Sweep"/> are null).</summary>
    public string? Reference { get; init; }

    /// <summary>The run.</summary>
    public RunResult? Run { get; init; }

    /// <summary>The sweep (with <see cref="Run"/> null).</summary>
    public SweepResult? Sweep { get; init; }

    /// <summary>
    /// More runs of the same build on this side (replicates, after <see cref="Run"/>): from a comma-separated list
    /// (<c>a.json,b.json,c.json</c>) or <see cref="CompareOptions.BaselineRuns"/> history runs. With replicates the
    /// comparison measures the run-to-run noise (docs/compare.md).
    /// </summary>
    public IReadOnlyList<RunResult> Replicates { get; init; } = [];

    /// <summary>This side's runs: <see cref="Run"/> then <see cref="Replicates"/> (empty for a sweep).</summary>
    public IReadOnlyList<RunResult> Runs => Run is { } run ? [run, .. Replicates] : [];

    /// <summary>A reference to resolve (a path or a history reference).</summary>
    public static CompareInput FromReference(string reference)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        return new() { Label = reference, Reference = reference };
    }

    /// <summary>A run already in hand (e.g. the run just made, for <c>run --baseline</c>).</summary>
    public static CompareInput FromRun(RunResult run, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new() { Label = label ?? run.Name, Run = run };
    }

    /// <summary>A sweep already in hand.</summary>
    public static CompareInput FromSweep(SweepResult sweep, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return new() { Label = label ?? sweep.Name, Sweep = sweep };
    }
}

/// <summary>Options of <see cref="LoadlensPipeline.CompareAsync"/> (<c>loadlens compare BASELINE CANDIDATE</c>).</summary>
public sealed record CompareOptions
{
    /// <summary>The reference run (or sweep).</summary>
    public required CompareInput Baseline { get; init; }

    /// <summary>The run (or sweep) being judged.</summary>
    public required CompareInput Candidate { get; init; }

    /// <summary>Thresholds, metrics, gate (<c>--min-effect</c>, <c>--metric</c>, <c>--fail-on-regression</c>).</summary>
    public ComparisonOptions Comparison { get; init; } = ComparisonOptions.Default;

    /// <summary>Resolvers asked before the file resolver, in order (history references).</summary>
    public IReadOnlyList<IRunReferenceResolver> Resolvers { get; init; } = [];

    /// <summary>The run history that resolves <c>@last</c>, <c>@last:main</c>, run ids and <c>@SHA</c> (opened only when a side is written like one); null: none.</summary>
    public HistoryOptions? History { get; init; }

    /// <summary>With <see cref="History"/>: <c>@…</c> references only consider runs of this scenario (<c>run --baseline</c>).</summary>
    public string? HistoryScenario { get; init; }

    /// <summary>
    /// With <see cref="History"/>: a baseline written <c>@last</c> or <c>@last:BRANCH</c> takes the newest this many runs
    /// (same scenario) as replicates, so the verdict includes the run-to-run noise (<c>--baseline-runs</c>; default 1).
    /// </summary>
    public int BaselineRuns { get; init; } = 1;

    /// <summary>With <see cref="History"/>: true resolves references among sweeps only, false among runs only (null: both).</summary>
    public bool? HistorySweeps { get; init; }

    /// <summary>The document to produce (<c>md</c>, <c>json</c>, <c>junit</c>, …: a registered writer's format); null produces none.</summary>
    public string? Format { get; init; }

    /// <summary>Write the <see cref="Format"/> document to this file; null renders it into <see cref="PipelineResult.Document"/>.</summary>
    public string? OutputFile { get; init; }

    /// <summary>Write every comparison output (comparison.md, comparison.json, comparison.junit.xml, …) into this folder.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>The writers (default <see cref="OutputRegistry.Default"/>).</summary>
    public OutputRegistry? Outputs { get; init; }
}
