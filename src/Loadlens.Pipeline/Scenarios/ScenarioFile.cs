using Loadlens.Core;
using Loadlens.Core.Scenarios;

namespace Loadlens.Pipeline.Scenarios;

/// <summary>
/// Loads and validates YAML scenario files (see docs/scenario-format.md).
/// Every problem with the input is reported as an <see cref="InputFormatException"/> carrying the file name and the
/// 1-based line and column of the offending YAML node.
/// </summary>
public static class ScenarioFile
{
    /// <summary>
    /// Read and validate a scenario file. CSV feeder files are resolved relative to the scenario file's folder and
    /// <c>${NAME}</c> references are resolved from the process environment.
    /// </summary>
    /// <param name="path">Path of the YAML scenario file; also used as the source name in error messages.</param>
    /// <returns>The validated scenario.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="InputFormatException">The file is missing or unreadable, or its content is invalid.</exception>
    public static ScenarioDefinition Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Trim().Length == 0)
        {
            throw new InputFormatException(path, 0, 0, "file not found");
        }

        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new InputFormatException(path, 0, 0, $"cannot read the file: {ex.Message}", ex);
        }

        if (Directory.Exists(fullPath))
        {
            throw new InputFormatException(path, 0, 0, "is a directory, not a scenario file");
        }

        var yaml = YamlDocument.ReadFile(path, fullPath);
        var baseDirectory = Path.GetDirectoryName(fullPath) ?? Directory.GetCurrentDirectory();
        return Parse(yaml, path, baseDirectory, System.Environment.GetEnvironmentVariable);
    }

    /// <summary>Validate scenario YAML held in memory.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">Name used in error messages (usually the file path); its file name without extension is the default scenario name.</param>
    /// <param name="baseDirectory">Folder that relative CSV feeder paths are resolved against.</param>
    /// <param name="environment">Looks up environment variables for <c>${NAME}</c> references; returns null when unset.</param>
    /// <returns>The validated scenario.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InputFormatException">The YAML is malformed or does not describe a valid scenario.</exception>
    public static ScenarioDefinition Parse(string yaml, string sourceName, string baseDirectory, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        ArgumentNullException.ThrowIfNull(environment);

        return YamlDocument.Parse(yaml, sourceName, "scenario file", "the scenario", root => new ScenarioParser(sourceName, baseDirectory, environment).Parse(root));
    }
}
