using Loadlens.Core.Results;

namespace Loadlens.Importers.JMeter;

/// <summary>JMeter JTL (CSV results, with or without a header).</summary>
internal sealed class JMeterFormat : IResultImporter
{
    public string Format => "jmeter";

    /// <summary>Last: a header-less JTL is only recognised by its leading timestamp.</summary>
    public int Precedence => 10;

    public bool MatchesContent(string head)
    {
        if (head.StartsWith("timeStamp,", StringComparison.OrdinalIgnoreCase) || head.StartsWith("timeStamp\t", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // A header-less JTL starts with a 13-digit epoch-ms timestamp and an elapsed time.
        var i = 0;
        while (i < head.Length && char.IsAsciiDigit(head[i]))
        {
            i++;
        }

        return i is >= 12 and <= 14 && i < head.Length && (head[i] == ',' || head[i] == '\t');
    }

    public bool MatchesName(string fileName) => fileName.EndsWith(".jtl", StringComparison.OrdinalIgnoreCase);

    public Task<RunResult> ImportAsync(string path, string? variant, CancellationToken cancellationToken)
    {
        ImporterRegistry.RequireFile(path);
        return Task.Run(() => JtlImporter.Import(path, cancellationToken), cancellationToken);
    }
}
