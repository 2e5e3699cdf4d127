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
            throw RunResultJson.Located(ex, sourceName);
        }
    }

    /// <summary>How much of a file <see cref="IsSweepFile"/> reads to decide.</summary>
    public const int DetectionBytes = 64 * 1024;

    /// <summary>
    /// Whether the start of a JSON document is a sweep document: a top-level object with a
    /// <c>plannedLevels</c> or <c>steps</c> property (names compared case-insensitively, as the reader does),
    /// seen before any property only a single run has (<c>endpoints</c>, <c>total</c>, <c>source</c>).
    /// The head may be cut anywhere (a truncated file is still recognised); malformed JSON before the
    /// first telling property gives false.
    /// </summary>
    public static bool IsSweepDocument(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("\uFEFF"u8))
        {
            head = head[3..];
        }

        var reader = new Utf8JsonReader(head, isFinalBlock: false, state: new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip }));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }

                var name = reader.GetString();
                if (string.Equals(name, "plannedLevels", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "steps", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                if (name is not null && (name.Equals("endpoints", StringComparison.OrdinalIgnoreCase) || name.Equals("total", StringComparison.OrdinalIgnoreCase) || name.Equals("source", StringComparison.OrdinalIgnoreCase)))
                {
                    return false;
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return false;
    }

    /// <summary>Whether the file at <paramref name="path"/> is a sweep document (reads at most <see cref="DetectionBytes"/>); false when it cannot be read.</summary>
    public static bool IsSweepFile(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[DetectionBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }

            return IsSweepDocument(buffer.AsSpan(0, length));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Read a sweep file.</summary>
    public static async Task<SweepResult> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Deserialize(json, path);
    }
}
