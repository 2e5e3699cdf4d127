using Loadlens.Core.Results;

namespace Loadlens.Importers.Common;

/// <summary>Assembles a <see cref="RunResult"/> from aggregated samples of another tool.</summary>
internal static class ImportedRun
{
    public static RunResult Build(string path, string tool, string toolVersion, string format, SampleAggregator.Aggregate aggregate, int? users, List<string> notes, string model = "closed", string target = "")
        => new()
        {
            Name = NameOf(path),
            Source = new RunSource(tool, format, path),
            Environment = new RunEnvironment("unknown", "unknown", 0, "unknown", tool, toolVersion),
            StartedAt = aggregate.StartedAt,
            DurationSeconds = aggregate.DurationSeconds,
            Settings = new RunSettings
            {
                Model = model,
                Target = target,
                Users = users,
                PlannedDurationSeconds = aggregate.DurationSeconds,
                IntervalSeconds = 1,
            },
            Outcome = RunOutcome.Complete,
            Endpoints = aggregate.Endpoints,
            Total = aggregate.Total,
            Intervals = aggregate.Intervals,
            Errors = aggregate.Errors,
            Notes = notes,
        };

    /// <summary>Run name from a file name without its extensions.</summary>
    public static string NameOf(string path)
    {
        var name = Path.GetFileName(path);
        foreach (var ext in new[] { ".gz", ".ndjson", ".json", ".jtl", ".csv", ".hlog", ".log" })
        {
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase) && name.Length > ext.Length)
            {
                name = name[..^ext.Length];
            }
        }

        return name.Length > 0 ? name : "imported";
    }
}
