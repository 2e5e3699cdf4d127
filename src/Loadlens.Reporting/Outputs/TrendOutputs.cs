using Loadlens.Reporting.Trends;

namespace Loadlens.Reporting.Outputs;

/// <summary><c>trend.json</c>: a history trend with its change points (<c>history trend --format json</c>).</summary>
internal sealed class TrendJsonOutput : ITextOutputWriter
{
    public string Name => "trend.json";

    public string? Format => "json";

    public bool Supports(OutputContext context) => context.Trend is not null;

    public string Render(OutputContext context) => TrendJsonWriter.Render(context.Trend!);

    public async Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        await File.WriteAllTextAsync(path, Render(context), cancellationToken).ConfigureAwait(false);
        return [path];
    }
}

/// <summary><c>trend.md</c>: a history trend as Markdown (<c>history trend --format md</c>).</summary>
internal sealed class TrendMarkdownOutput : ITextOutputWriter
{
    public string Name => "trend.md";

    public string? Format => "md";

    public bool Supports(OutputContext context) => context.Trend is not null;

    public string Render(OutputContext context) => TrendMarkdownWriter.Render(context.Trend!);

    public async Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        await File.WriteAllTextAsync(path, Render(context), cancellationToken).ConfigureAwait(false);
        return [path];
    }
}
