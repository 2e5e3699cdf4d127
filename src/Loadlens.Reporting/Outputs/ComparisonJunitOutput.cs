using Loadlens.Reporting.Compare;

namespace Loadlens.Reporting.Outputs;

/// <summary><c>comparison.junit.xml</c>: a comparison of two runs or two sweeps (<c>compare -f junit</c>).</summary>
internal sealed class ComparisonJunitOutput : ITextOutputWriter
{
    public string Name => "comparison.junit.xml";

    public string? Format => "junit";

    public bool Supports(OutputContext context) => context.Comparison is not null || context.SweepComparison is not null;

    public string Render(OutputContext context) => context.Comparison is { } run ? ComparisonJunitWriter.Render(run) : ComparisonJunitWriter.Render(context.SweepComparison!);

    public Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        ReportFile.Write(path, Render(context));
        return Task.FromResult<IReadOnlyList<string>>([path]);
    }
}
