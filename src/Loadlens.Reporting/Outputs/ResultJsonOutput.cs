using Loadlens.Core.Serialization;

namespace Loadlens.Reporting.Outputs;

/// <summary><c>result.json</c>: the canonical, versioned <see cref="Core.Results.RunResult"/>.</summary>
internal sealed class ResultJsonOutput : IOutputWriter
{
    public string Name => "result.json";

    public string? Format => null;

    public bool Supports(OutputContext context) => context.Run is not null;

    public async Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        await RunResultJson.WriteAsync(context.Run!, path, cancellationToken).ConfigureAwait(false);
        return [path];
    }
}
