using Loadlens.Reporting.Charts;

namespace Loadlens.Reporting.Outputs;

/// <summary>The sweep charts: <c>throughput.png/.svg</c> (with the USL curve and the knee) and <c>latency.png/.svg</c>.</summary>
internal sealed class SweepChartsOutput : IOutputWriter
{
    public string Name => "charts";

    public string? Format => null;

    public bool Supports(OutputContext context) => context.Sweep is not null && context.Capacity is not null;

    /// <summary>The chart files present in <paramref name="directory"/>, as names relative to it, in the order they are written.</summary>
    public static IReadOnlyList<string> Existing(string directory) =>
        [.. new[] { SweepCharts.ThroughputChart, SweepCharts.LatencyChart }
            .SelectMany(name => new[] { name + ".png", name + ".svg" })
            .Where(file => File.Exists(Path.Combine(directory, file)))];

    public Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
        => Task.FromResult(SweepCharts.Write(context.Sweep!, context.Capacity!, target.Directory));
}
