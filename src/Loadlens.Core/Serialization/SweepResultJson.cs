using System.Text.Json;
using Loadlens.Core.Results;

namespace Loadlens.Core.Serialization;

/// <summary>Reads and writes <c>sweep.json</c> (versioned; each step is a full <see cref="RunResult"/>).</summary>
public static class SweepResultJson
{
    /// <summary>Serialize to a JSON string (same options as <see cref="RunResultJson"/>).</summary>
    public static string Serialize(SweepResult sweep) => JsonSerializer.Serialize(sweep, RunResultJson.Options);

    /// <summary>Write to a file (atomically: temp file then rename).</summary>
    public static async Task WriteAsync(SweepResult sweep, string path, CancellationToken cancellationToken = default)
    {
        var temp = path + ".tmp";
        await using (var stream = File.Create(temp))
        {
            await JsonSerializer.SerializeAsync(stream, sweep, RunResultJson.Options, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Parse a sweep document. Throws <see cref="InputFormatException"/> with line/column on bad input.</summary>
    public static SweepResult Deserialize(string json, string? sourceName = null)
    {
        try
        {
            var sweep = JsonSerializer.Deserialize<SweepResult>(json, RunResultJson.Options)
                ?? throw new InputFormatException(sourceName, 1, 1, "the document is null");
            if (sweep.SchemaVersion > SweepResult.CurrentSchemaVersion)
            {
                throw new InputFormatException(sourceName, 1, 1,
                    $"schemaVersion {sweep.SchemaVersion} is newer than this Loadlens understands ({SweepResult.CurrentSchemaVersion})");
            }

            foreach (var step in sweep.Steps)
            {
                if (step.Result.SchemaVersion > RunResult.CurrentSchemaVersion)
                {
                    throw new InputFormatException(sourceName, 1, 1,
                        $"step {step.Index}: result schemaVersion {step.Result.SchemaVersion} is newer than this Loadlens understands ({RunResult.CurrentSchemaVersion})");
                }
            }

            return sweep;
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            var message = ex.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }

            throw new InputFormatException(sourceName, line, column, (ex.Path is { Length: > 1 } p ? $"at {p}: " : string.Empty) + message, ex);
        }
    }

    /// <summary>Read a sweep file.</summary>
    public static async Task<SweepResult> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Deserialize(json, path);
    }
}
