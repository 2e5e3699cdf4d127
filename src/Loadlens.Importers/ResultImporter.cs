using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;
using Loadlens.Importers.Common;
using Loadlens.Importers.JMeter;
using Loadlens.Importers.K6;
using Loadlens.Importers.Locust;

namespace Loadlens.Importers;

/// <summary>
/// Front door of the importers: reads any supported result file (or Locust CSV prefix) into the
/// same <see cref="RunResult"/> the engine produces. Bad input throws <see cref="InputFormatException"/>
/// naming the file, line and problem.
/// </summary>
public static class ResultImporter
{
    /// <summary>Format names accepted by <c>--format</c>.</summary>
    public static IReadOnlyList<string> Formats { get; } = [.. FormatDetector.Names];

    /// <summary>Reads <paramref name="path"/>; <paramref name="format"/> forces a format, null auto-detects.</summary>
    public static async Task<RunResult> ImportAsync(string path, string? format = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (format is not null && !Formats.Contains(format, StringComparer.OrdinalIgnoreCase))
        {
            throw new InputFormatException(path, 0, 0, $"unknown format '{format}' (expected one of: {string.Join(", ", Formats)})");
        }

        var resolved = format?.ToLowerInvariant() ?? FormatDetector.Detect(path);
        if (resolved != FormatDetector.Locust && !File.Exists(path))
        {
            throw new InputFormatException(path, 0, 0, Directory.Exists(path) ? "is a folder, not a result file" : "file not found");
        }

        try
        {
            return resolved switch
            {
                FormatDetector.Loadlens => await RunResultJson.ReadAsync(path, cancellationToken).ConfigureAwait(false),
                FormatDetector.Locust => await Task.Run(() => LocustImporter.Import(path, cancellationToken), cancellationToken).ConfigureAwait(false),
                FormatDetector.JMeter => await Task.Run(() => JtlImporter.Import(path, cancellationToken), cancellationToken).ConfigureAwait(false),
                FormatDetector.K6Json => await Task.Run(() => K6JsonImporter.Import(path, cancellationToken), cancellationToken).ConfigureAwait(false),
                FormatDetector.K6Summary => await Task.Run(() => K6SummaryImporter.Import(path, cancellationToken), cancellationToken).ConfigureAwait(false),
                _ => throw new InputFormatException(path, 0, 0, $"format '{resolved}' is not supported yet"),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new InputFormatException(path, 0, 0, "cannot read the file: " + ex.Message, ex);
        }
    }
}
