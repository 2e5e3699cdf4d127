using Loadlens.Reporting.Markdown;

namespace Loadlens.Reporting.Outputs;

/// <summary><c>analysis.md</c>: findings with evidence, SLA checks, recommendations and cache-TTL advice (<c>analyze -f md</c>).</summary>
internal sealed class AnalysisMarkdownOutput : ITextOutputWriter
{
    public string Name => "analysis.md";

    public string? Format => "md";

    public bool Supports(OutputContext context) => context.Run is not null && context.Analysis is not null;

    public string Render(OutputContext context) => AnalysisReportWriter.Render(context.Run!, context.Analysis!);

    public Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        AnalysisReportWriter.Write(context.Run!, context.Analysis!, path);
        return Task.FromResult<IReadOnlyList<string>>([path]);
    }
}
