using Loadlens.Reporting.Csv;

namespace Loadlens.Reporting.Outputs;

/// <summary>Locust 2.x CSV: <c>loadlens_stats.csv</c>, <c>_stats_history.csv</c>, <c>_failures.csv</c>, <c>_exceptions.csv</c>.</summary>
internal sealed class LocustCsvOutput : IOutputWriter
{
    /// <summary>The file name prefix (Locust's <c>--csv</c>).</summary>
    public const string Prefix = "loadlens";

    private static readonly string[] Suffixes = ["_stats.csv", "_stats_history.csv", "_failures.csv", "_exceptions.csv"];

    public string Name => "Locust CSV";

    public string? Format => null;

    public bool Supports(OutputContext context) => context.Run is not null;

    public Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        LocustCsvWriter.Write(context.Run!, target.Directory, Prefix);
        return Task.FromResult<IReadOnlyList<string>>([.. Suffixes.Select(s => Path.Combine(target.Directory, Prefix + s))]);
    }
}
