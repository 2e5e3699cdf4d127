using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;
using Loadlens.Importers.Common;
using Loadlens.Importers.Hlog;
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
    /// <summary>Start of the problem text when an importer failed in an unexpected way (a bug, reported as bad input).</summary>
    public const string InternalErrorPrefix = "could not be read (importer error):";

    /// <summary>Format names accepted by <c>--format</c>.</summary>
    public static IReadOnlyList<string> Formats { get; } = [.. FormatDetector.Names];

    /// <summary>Reads <paramref name="path"/>; <paramref name="format"/> forces a format, null auto-detects.</summary>
    public static async Task<RunResult> ImportAsync(string path, string? format = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        format = format?.Trim();
        HlogUnit? hlogUnit = null;
        if (format is not null && format.StartsWith(FormatDetector.Hlog + ":", StringComparison.OrdinalIgnoreCase))
        {
            hlogUnit = HlogImporter.UnitFromFormat(format)
                ?? throw new InputFormatException(path, 0, 0, $"unknown unit in format '{format}' (expected hlog:ns, hlog:us, hlog:ms or hlog:s)");
            format = FormatDetector.Hlog;
        }

        if (format is not null && !Formats.Contains(format, StringComparer.OrdinalIgnoreCase))
        {
            throw new InputFormatException(path, 0, 0, $"unknown format '{format}' (expected one of: {string.Join(", ", Formats)}; hlog:ns|us|ms|s sets the unit of an HdrHistogram log)");
        }

        var resolved = format?.ToLowerInvariant() ?? FormatDetector.Detect(path);
        if (resolved == FormatDetector.Loadlens && Directory.Exists(path))
        {
            path = Path.Combine(path, "result.json");
        }

        if (resolved != FormatDetector.Locust && !File.Exists(path))
        {
            throw new InputFormatException(path, 0, 0, Directory.Exists(path) ? "is a folder, not a result file" : "file not found");
        }

        if (resolved == FormatDetector.Loadlens && SweepResultJson.IsSweepFile(path))
        {
            throw new InputFormatException(path, 0, 0, "is a sweep document (sweep.json), not a single run: `loadlens analyze PATH` detects and analyses it as a sweep (or pass --input-format sweep)");
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
                FormatDetector.Hlog => await Task.Run(() => HlogImporter.Import(path, hlogUnit, cancellationToken), cancellationToken).ConfigureAwait(false),
                _ => throw new InputFormatException(path, 0, 0, $"format '{resolved}' is not supported yet"),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new InputFormatException(path, 0, 0, "cannot read the file: " + ex.Message, ex);
        }
        catch (Exception ex) when (ex is not (InputFormatException or OperationCanceledException or OutOfMemoryException))
        {
            // Safety net: bad input must never surface as a crash. The fuzz tests fail on this message.
            throw new InputFormatException(path, 0, 0, $"{InternalErrorPrefix} {ex.GetType().Name}: {ex.Message}", ex);
        }
    }
}
