using Loadlens.Reporting.Sweep;

namespace Loadlens.Reporting.Outputs;

/// <summary>
/// <c>sweep.md</c>: capacity at SLA, the step table, the USL fit, knees and findings, linking the charts
/// (<c>analyze sweep.json -f md</c>). In an output folder it links the charts written before it; as a single
/// document it writes them next to itself.
/// </summary>
internal sealed class SweepMarkdownOutput : ITextOutputWriter
{
    public string Name => "sweep.md";

    public string? Format => "md";

    public bool Supports(OutputContext context) => context.Sweep is not null && context.Capacity is not null;

    public string Render(OutputContext context) => SweepMarkdownWriter.Render(context.Sweep!, context.Capacity!, []);

    public async Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var written = new List<string>();
        if (target.FileName is not null)
        {
            written.AddRange(await new SweepChartsOutput().WriteAsync(context, target with { FileName = null }, cancellationToken).ConfigureAwait(false));
        }

        var path = target.PathFor(Name);
        SweepMarkdownWriter.Write(context.Sweep!, context.Capacity!, SweepChartsOutput.Existing(target.Directory), path);
        written.Insert(0, path);
        return written;
    }
}
