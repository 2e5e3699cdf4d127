using Loadlens.Core.Results;

namespace Loadlens.Importers.Locust;

/// <summary>Locust <c>--csv</c> output: a prefix, one of its files, or the folder holding them.</summary>
internal sealed class LocustFormat : IResultImporter
{
    public string Format => "locust";

    /// <summary>First: a Locust prefix or file is recognised by its name before any content check.</summary>
    public int Precedence => 60;

    public string FolderHint => "Locust *" + LocustImporter.StatsSuffix;

    public bool MatchesPath(string path)
    {
        if (Directory.Exists(path))
        {
            // A folder with a result.json is a Loadlens output folder: its loadlens_*.csv are a lossy export of
            // that exact result, so the folder belongs to the loadlens format.
            return !File.Exists(Path.Combine(path, "result.json"))
                && (LocustImporter.TryResolvePrefix(path) is not null || Directory.GetFiles(path, "*" + LocustImporter.StatsSuffix).Length > 0);
        }

        if (!File.Exists(path))
        {
            return LocustImporter.TryResolvePrefix(path) is not null;
        }

        var name = Path.GetFileName(path);
        return LocustImporter.TryResolvePrefix(path) is not null && name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
            && (name.EndsWith(LocustImporter.StatsSuffix, StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(LocustImporter.HistorySuffix, StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(LocustImporter.FailuresSuffix, StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(LocustImporter.ExceptionsSuffix, StringComparison.OrdinalIgnoreCase));
    }

    public bool MatchesContent(string head)
        => head.StartsWith("Type,Name,Request Count", StringComparison.Ordinal) || head.StartsWith("Timestamp,User Count,", StringComparison.Ordinal);

    // A prefix is not a file: the importer checks the files it needs itself.
    public Task<RunResult> ImportAsync(string path, string? variant, CancellationToken cancellationToken)
        => Task.Run(() => LocustImporter.Import(path, cancellationToken), cancellationToken);
}
