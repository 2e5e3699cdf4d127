using Loadlens.Reporting.Json;

namespace Loadlens.Reporting.Outputs;

/// <summary><c>sweep-analysis.json</c>: the capacity analysis with the analysis finding shape (<c>analyze sweep.json -f json</c>).</summary>
internal sealed class SweepAnalysisJsonOutput : ITextOutputWriter
{
    public string Name => "sweep-analysis.json";

    public string? Format => "json";

    public bool Supports(OutputContext context) => context.Sweep is not null && context.Capacity is not null;

    public string Render(OutputContext context) => SweepAnalysisJsonWriter.Render(context.Sweep!, context.Capacity!);

    public Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        SweepAnalysisJsonWriter.Write(context.Sweep!, context.Capacity!, path);
        return Task.FromResult<IReadOnlyList<string>>([path]);
    }
}
