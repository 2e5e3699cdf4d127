using Loadlens.Core;
using Loadlens.Core.Results;

namespace Loadlens.Importers.Hlog;

/// <summary>HdrHistogram interval logs; <c>hlog:ns|us|ms|s</c> sets the unit of the recorded values.</summary>
internal sealed class HlogFormat : IResultImporter
{
    public const string Name = "hlog";

    public string Format => Name;

    /// <summary>Before the JSON and JTL formats: a <c>,HISTFAA</c> payload anywhere in the head is telling.</summary>
    public int Precedence => 50;

    public string VariantHelp => "hlog:ns|us|ms|s sets the unit of an HdrHistogram log";

    public bool MatchesContent(string head)
        => head.StartsWith("#[", StringComparison.Ordinal) || head.StartsWith("\"StartTimestamp\"", StringComparison.Ordinal)
            || head.StartsWith("Tag=", StringComparison.Ordinal) || head.Contains(",HISTFAA", StringComparison.Ordinal);

    public bool MatchesName(string fileName) => fileName.EndsWith(".hlog", StringComparison.OrdinalIgnoreCase);

    public Task<RunResult> ImportAsync(string path, string? variant, CancellationToken cancellationToken)
    {
        HlogUnit? unit = null;
        if (variant is not null)
        {
            unit = HlogImporter.UnitFromFormat(Name + ":" + variant)
                ?? throw new InputFormatException(path, 0, 0, $"unknown unit in format '{Name}:{variant}' (expected hlog:ns, hlog:us, hlog:ms or hlog:s)");
        }

        ImporterRegistry.RequireFile(path);
        return Task.Run(() => HlogImporter.Import(path, unit, cancellationToken), cancellationToken);
    }
}
