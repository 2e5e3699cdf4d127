using Loadlens.Analysis;
using Loadlens.Analysis.Capacity;
using Loadlens.Core.Results;

namespace Loadlens.Reporting.Outputs;

/// <summary>
/// One output of a command: a file (or a few) written into the output folder, or the single document that
/// <c>analyze -f FORMAT -o FILE</c> asks for. Writers are plug-ins: <see cref="OutputRegistry.Default"/> holds
/// today's, a caller may add its own. A writer only reads its <see cref="OutputContext"/>; a failing writer is
/// reported and does not stop the others.
/// </summary>
public interface IOutputWriter
{
    /// <summary>What it writes, for messages and for choosing writers by name, e.g. "summary.md".</summary>
    string Name { get; }

    /// <summary>
    /// The document format this writer produces when one document is asked for (<c>md</c>, <c>json</c>,
    /// <c>html</c>), or null when it only contributes to an output folder.
    /// </summary>
    string? Format { get; }

    /// <summary>Whether it has something to write for <paramref name="context"/> (a run, a sweep, …).</summary>
    bool Supports(OutputContext context);

    /// <summary>
    /// Write into <paramref name="target"/>: its folder with the writer's own file names, or, when
    /// <see cref="OutputTarget.FileName"/> is set, the one document under that name (side files such as charts next to it).
    /// </summary>
    /// <returns>The paths written.</returns>
    Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken);
}

/// <summary>A writer whose document can also go to a text stream (standard output).</summary>
public interface ITextOutputWriter : IOutputWriter
{
    /// <summary>The document as text (no side files).</summary>
    string Render(OutputContext context);
}

/// <summary>
/// Everything a writer may render. A run carries <see cref="Run"/> and <see cref="Analysis"/>; a sweep
/// <see cref="Sweep"/> and <see cref="Capacity"/>. New sections (a comparison, a history trend) are added here
/// as new optional properties, so existing writers keep working.
/// </summary>
public sealed record OutputContext
{
    /// <summary>The run (native or imported).</summary>
    public RunResult? Run { get; init; }

    /// <summary>The run's analysis.</summary>
    public AnalysisReport? Analysis { get; init; }

    /// <summary>The sweep.</summary>
    public SweepResult? Sweep { get; init; }

    /// <summary>The sweep's capacity analysis.</summary>
    public CapacityReport? Capacity { get; init; }

    /// <summary>The comparison of two runs (<c>loadlens compare</c>, <c>history compare</c>, <c>run --baseline</c>).</summary>
    public Analysis.Compare.ComparisonReport? Comparison { get; init; }

    /// <summary>The comparison of two sweeps.</summary>
    public Analysis.Compare.SweepComparison? SweepComparison { get; init; }
    /// <summary>A history trend (scenario × endpoint × metric across saved runs) with its change points.</summary>
    public Analysis.Trends.TrendReport? Trend { get; init; }

    /// <summary>A run with its analysis.</summary>
    public static OutputContext ForRun(RunResult run, AnalysisReport analysis) => new() { Run = run, Analysis = analysis };

    /// <summary>A sweep with its capacity analysis.</summary>
    public static OutputContext ForSweep(SweepResult sweep, CapacityReport capacity) => new() { Sweep = sweep, Capacity = capacity };

    /// <summary>A comparison of two runs.</summary>
    public static OutputContext ForComparison(Analysis.Compare.ComparisonReport comparison) => new() { Comparison = comparison };

    /// <summary>A comparison of two sweeps.</summary>
    public static OutputContext ForSweepComparison(Analysis.Compare.SweepComparison comparison) => new() { SweepComparison = comparison };
    /// <summary>A history trend.</summary>
    public static OutputContext ForTrend(Analysis.Trends.TrendReport trend) => new() { Trend = trend };
}

/// <summary>Where a writer writes: a folder, and optionally the one file name to use (<c>-o FILE</c>).</summary>
/// <param name="Directory">The folder (created by the caller).</param>
/// <param name="FileName">Set when a single document was asked for: write it under this name.</param>
public sealed record OutputTarget(string Directory, string? FileName = null)
{
    /// <summary>The path of the writer's document: <see cref="FileName"/> when set, else <paramref name="defaultName"/> in the folder.</summary>
    public string PathFor(string defaultName) => Path.Combine(Directory, FileName ?? defaultName);
}
