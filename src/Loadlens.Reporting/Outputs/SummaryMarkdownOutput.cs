using Loadlens.Reporting.Markdown;

namespace Loadlens.Reporting.Outputs;

/// <summary><c>summary.md</c>: the per-endpoint performance table and the run settings.</summary>
internal sealed class SummaryMarkdownOutput : IOutputWriter
{
    public string Name => "summary.md";

    public string? Format => null;

    public bool Supports(OutputContext context) => context.Run is not null;

    public Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        MarkdownSummaryWriter.Write(context.Run!, path);
        return Task.FromResult<IReadOnlyList<string>>([path]);
    }
}
