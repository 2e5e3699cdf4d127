using Loadlens.Core.Results;

namespace Loadlens.Importers.K6;

/// <summary>k6 <c>--out json</c> NDJSON (optionally gzipped).</summary>
internal sealed class K6JsonFormat : IResultImporter
{
    public string Format => "k6-json";

    /// <summary>Before the single-document JSON formats: its first line alone is telling.</summary>
    public int Precedence => 40;

    public bool MatchesContent(string head)
    {
        if (!head.StartsWith('{'))
        {
            return false;
        }

        var nl = head.IndexOf('\n', StringComparison.Ordinal);
        var firstLine = head.AsSpan(0, nl >= 0 ? nl : head.Length);
        return (firstLine.Contains("\"type\":\"Metric\"", StringComparison.Ordinal) || firstLine.Contains("\"type\":\"Point\"", StringComparison.Ordinal))
            && firstLine.Contains("\"metric\"", StringComparison.Ordinal);
    }

    public bool MatchesName(string fileName)
        => fileName.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".ndjson.gz", StringComparison.OrdinalIgnoreCase)
            || fileName.EndsWith(".json.gz", StringComparison.OrdinalIgnoreCase);

    public Task<RunResult> ImportAsync(string path, string? variant, CancellationToken cancellationToken)
    {
        ImporterRegistry.RequireFile(path);
        return Task.Run(() => K6JsonImporter.Import(path, cancellationToken), cancellationToken);
    }
}
