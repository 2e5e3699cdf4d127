using Loadlens.Core.Results;

namespace Loadlens.Importers.K6;

/// <summary>k6 <c>--summary-export</c> / <c>handleSummary</c> JSON.</summary>
internal sealed class K6SummaryFormat : IResultImporter
{
    public string Format => "k6-summary";

    /// <summary>After a Loadlens result (whose schemaVersion and endpoints say more than a "metrics" key).</summary>
    public int Precedence => 20;

    public bool MatchesContent(string head) => head.StartsWith('{') && HasSummaryMarkers(head);

    /// <summary>Whether a JSON head has a k6 summary's <c>root_group</c> or <c>metrics</c>.</summary>
    public static bool HasSummaryMarkers(string head)
        => head.Contains("\"root_group\"", StringComparison.Ordinal) || head.Contains("\"metrics\"", StringComparison.Ordinal);

    public Task<RunResult> ImportAsync(string path, string? variant, CancellationToken cancellationToken)
    {
        ImporterRegistry.RequireFile(path);
        return Task.Run(() => K6SummaryImporter.Import(path, cancellationToken), cancellationToken);
    }
}
