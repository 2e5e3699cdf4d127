using Loadlens.Core;
using Loadlens.Core.Results;

namespace Loadlens.Importers;

/// <summary>
/// Front door of the importers: reads any supported result file (or Locust CSV prefix) into the
/// same <see cref="RunResult"/> the engine produces, through <see cref="ImporterRegistry.Default"/>.
/// Bad input throws <see cref="InputFormatException"/> naming the file, line and problem.
/// </summary>
public static class ResultImporter
{
    /// <summary>Start of the problem text when an importer failed in an unexpected way (a bug, reported as bad input).</summary>
    public const string InternalErrorPrefix = "could not be read (importer error):";

    /// <summary>Format names accepted by <c>--input-format</c>.</summary>
    public static IReadOnlyList<string> Formats => ImporterRegistry.Default.Formats;

    /// <summary>Reads <paramref name="path"/>; <paramref name="format"/> forces a format, null auto-detects.</summary>
    public static Task<RunResult> ImportAsync(string path, string? format = null, CancellationToken cancellationToken = default)
        => ImporterRegistry.Default.ImportAsync(path, format, cancellationToken);
}
