using Loadlens.Analysis;
using Loadlens.Analysis.Capacity;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Pipeline;

/// <summary>The exit verdict of a command; its value is the process exit code.</summary>
public enum Verdict
{
    /// <summary>Everything ran; nothing failed.</summary>
    Ok = 0,

    /// <summary>An SLA target or a gate failed, or a regression was detected.</summary>
    ThresholdFailed = 1,

    /// <summary>Bad usage or bad input (arguments, scenario file, result file).</summary>
    UsageError = 2,

    /// <summary>The run could not be carried out (target unreachable, interrupted, outputs not written).</summary>
    RunFailed = 3,
}

/// <summary>What a pipeline call produced: the result and its analysis, the files written, the verdict and why.</summary>
public sealed record PipelineResult
{
    /// <summary>The verdict.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>The process exit code of <see cref="Verdict"/>.</summary>
    public int ExitCode => (int)Verdict;

    /// <summary>The resolved scenario (run, sweep), as it may be written: secrets redacted (<see cref="ScenarioRedaction.ForOutput"/>).</summary>
    public ScenarioDefinition? Scenario { get; init; }

    /// <summary>The run (run, demo, analyze of a run).</summary>
    public RunResult? Run { get; init; }

    /// <summary>Its analysis.</summary>
    public AnalysisReport? Analysis { get; init; }

    /// <summary>The sweep (sweep, analyze of a sweep).</summary>
    public SweepResult? Sweep { get; init; }

    /// <summary>Its capacity analysis.</summary>
    public CapacityReport? Capacity { get; init; }

    /// <summary>The comparison of two runs (compare).</summary>
    public Analysis.Compare.ComparisonReport? Comparison { get; init; }

    /// <summary>The comparison of two sweeps (compare of sweep.json files).</summary>
    public Analysis.Compare.SweepComparison? SweepComparison { get; init; }

    /// <summary>The folder the outputs went to, when a folder was written.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Every file written, in order.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Writers that failed (the others still wrote).</summary>
    public IReadOnlyList<OutputFailure> OutputFailures { get; init; } = [];

    /// <summary>The rendered document when one was asked for without a file (<see cref="AnalyzeOptions.Format"/>).</summary>
    public string? Document { get; init; }

    /// <summary>The history id the result was saved under (<see cref="RunOptions.Save"/>), or null.</summary>
    public string? SavedId { get; init; }

    /// <summary>The history store it was saved to (a path, or a URL without password), or null.</summary>
    public string? SavedTo { get; init; }

    /// <summary>A history trend (<see cref="LoadlensPipeline.TrendAsync"/>).</summary>
    public Analysis.Trends.TrendReport? Trend { get; init; }

    /// <summary>Errors and warnings for the user, in order, each a complete line ("error: …", "warning: …", "SLA failed: …").</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];
}
