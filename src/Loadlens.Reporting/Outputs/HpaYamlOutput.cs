using Loadlens.Reporting.Sizing;

namespace Loadlens.Reporting.Outputs;

/// <summary>
/// <c>hpa.yaml</c>: the Kubernetes HorizontalPodAutoscaler of a sweep's sizing advice (<c>--target-rate</c>), written
/// only when the sweep measured enough for one (capacity at SLA and the CPU at the knee); <c>analyze sweep.json
/// --target-rate 500/s -f hpa</c> prints it.
/// </summary>
internal sealed class HpaYamlOutput : ITextOutputWriter
{
    public string Name => "hpa.yaml";

    public string? Format => "hpa";

    public bool Supports(OutputContext context) => context.Sweep is not null && context.Capacity?.Sizing is { Autoscale.HasManifest: true };

    public string Render(OutputContext context) => HorizontalPodAutoscaler.Render(context.Capacity!.Sizing!)!;

    public Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        ReportFile.Write(path, Render(context));
        return Task.FromResult<IReadOnlyList<string>>([path]);
    }
}
