using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Core.Serialization;
using Loadlens.Importers.K6;

namespace Loadlens.Importers.RunJson;

/// <summary>A Loadlens <c>result.json</c> (or the folder holding one); a sweep document is refused with a pointer to <c>analyze</c>.</summary>
internal sealed class LoadlensFormat : IResultImporter
{
    public const string Name = "loadlens";
    private const string ResultFile = "result.json";

    public string Format => Name;

    /// <summary>After the line-oriented formats and k6 NDJSON, before a k6 summary (both are JSON objects).</summary>
    public int Precedence => 30;

    public string FolderHint => ResultFile;

    public bool MatchesPath(string path) => Directory.Exists(path) && File.Exists(Path.Combine(path, ResultFile));

    /// <summary>
    /// A JSON object with <c>schemaVersion</c>: with <c>endpoints</c> always, without only when it has none of
    /// a k6 summary's <c>root_group</c> / <c>metrics</c> (then it is a k6 summary).
    /// </summary>
    public bool MatchesContent(string head)
        => head.StartsWith('{') && head.Contains("\"schemaVersion\"", StringComparison.Ordinal)
            && (head.Contains("\"endpoints\"", StringComparison.OrdinalIgnoreCase) || !K6SummaryFormat.HasSummaryMarkers(head));

    public async Task<RunResult> ImportAsync(string path, string? variant, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, ResultFile);
        }

        ImporterRegistry.RequireFile(path);
        if (SweepResultJson.IsSweepFile(path))
        {
            throw new InputFormatException(path, 0, 0, "is a sweep document (sweep.json), not a single run: `loadlens analyze PATH` detects and analyses it as a sweep (or pass --input-format sweep)");
        }

        try
        {
            // A result.json written before redaction existed may hold secrets: what is read is redacted too.
            var run = await RunResultJson.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            return run.Scenario is { } scenario ? run with { Scenario = ScenarioRedaction.ForOutput(scenario) } : run;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ImporterRegistry.CannotRead(path, ex);
        }
    }
}
