using Loadlens.Core.Serialization;

namespace Loadlens.Reporting.Outputs;

/// <summary><c>sweep.json</c>: the sweep document, every step a full run result.</summary>
internal sealed class SweepJsonOutput : IOutputWriter
{
    public string Name => "sweep.json";

    public string? Format => null;

    public bool Supports(OutputContext context) => context.Sweep is not null;

    public async Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        await SweepResultJson.WriteAsync(context.Sweep!, path, cancellationToken).ConfigureAwait(false);
        return [path];
    }
}
