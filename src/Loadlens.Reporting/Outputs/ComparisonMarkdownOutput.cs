using Loadlens.Reporting.Compare;

namespace Loadlens.Reporting.Outputs;

/// <summary><c>comparison.md</c>: a comparison of two runs or two sweeps (<c>compare -f md</c>).</summary>
internal sealed class ComparisonMarkdownOutput : ITextOutputWriter
{
    public string Name => "comparison.md";

    public string? Format => "md";

    public bool Supports(OutputContext context) => context.Comparison is not null || context.SweepComparison is not null;

    public string Render(OutputContext context) => context.Comparison is { } run ? ComparisonMarkdownWriter.Render(run) : ComparisonMarkdownWriter.Render(context.SweepComparison!);

    public Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        ReportFile.Write(path, Render(context));
        return Task.FromResult<IReadOnlyList<string>>([path]);
    }
}
