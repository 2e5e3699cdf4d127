using Loadlens.Reporting.Compare;

namespace Loadlens.Reporting.Outputs;

/// <summary><c>comparison.json</c>: a comparison of two runs or two sweeps (<c>compare -f json</c>).</summary>
internal sealed class ComparisonJsonOutput : ITextOutputWriter
{
    public string Name => "comparison.json";

    public string? Format => "json";

    public bool Supports(OutputContext context) => context.Comparison is not null || context.SweepComparison is not null;

    public string Render(OutputContext context) => context.Comparison is { } run ? ComparisonJsonWriter.Render(run) : ComparisonJsonWriter.Render(context.SweepComparison!);

    public Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        ReportFile.Write(path, Render(context));
        return Task.FromResult<IReadOnlyList<string>>([path]);
    }
}
