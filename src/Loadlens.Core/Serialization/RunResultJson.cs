using System.Text.Json;
using System.Text.Json.Serialization;
using Loadlens.Core.Results;

namespace Loadlens.Core.Serialization;

/// <summary>Reads and writes the canonical <c>result.json</c> (versioned; see <see cref="RunResult.SchemaVersion"/>).</summary>
public static class RunResultJson
{
    /// <summary>Serializer options used for result files: camelCase, indented, enums as strings.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serialize to a JSON string.</summary>
    public static string Serialize(RunResult result) => JsonSerializer.Serialize(result, Options);

    /// <summary>Write to a file (atomically: temp file then rename).</summary>
    public static async Task WriteAsync(RunResult result, string path, CancellationToken cancellationToken = default)
    {
        var temp = path + ".tmp";
        await using (var stream = File.Create(temp))
        {
            await JsonSerializer.SerializeAsync(stream, result, Options, cancellationToken);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Parse a result document. Throws <see cref="InputFormatException"/> with line/column on bad input.</summary>
    public static RunResult Deserialize(string json, string? sourceName = null)
    {
        try
        {
            var result = JsonSerializer.Deserialize<RunResult>(json, Options)
                ?? throw new InputFormatException(sourceName, 1, 1, "the document is null");
            if (result.SchemaVersion > RunResult.CurrentSchemaVersion)
            {
                throw new InputFormatException(sourceName, 1, 1,
                    $"schemaVersion {result.SchemaVersion} is newer than this Loadlens understands ({RunResult.CurrentSchemaVersion})");
            }

            return result;
        }
        catch (JsonException ex)
        {
            throw Located(ex, sourceName);
        }
    }

    /// <summary>A JSON error as an <see cref="InputFormatException"/> at its 1-based line and column, with the JSON path.</summary>
    internal static InputFormatException Located(JsonException ex, string? sourceName)
    {
        var line = (int)(ex.LineNumber ?? 0) + 1;
        var column = (int)(ex.BytePositionInLine ?? 0) + 1;
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        return new InputFormatException(sourceName, line, column, (ex.Path is { Length: > 1 } p ? $"at {p}: " : string.Empty) + message, ex);
    }

    /// <summary>Read a result file.</summary>
    public static async Task<RunResult> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var json = await File.ReadAllTextAsync(path, cancellationToken);
        return Deserialize(json, path);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
