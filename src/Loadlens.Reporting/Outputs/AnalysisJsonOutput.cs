using Loadlens.Reporting.Json;

namespace Loadlens.Reporting.Outputs;

/// <summary><c>analysis.json</c>: the analysis in its versioned schema (<c>analyze -f json</c>).</summary>
internal sealed class AnalysisJsonOutput : ITextOutputWriter
{
    public string Name => "analysis.json";

    public string? Format => "json";

    public bool Supports(OutputContext context) => context.Analysis is not null;

    public string Render(OutputContext context) => AnalysisJsonWriter.Render(context.Analysis!);

    public Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        AnalysisJsonWriter.Write(context.Analysis!, path);
        return Task.FromResult<IReadOnlyList<string>>([path]);
    }
}
