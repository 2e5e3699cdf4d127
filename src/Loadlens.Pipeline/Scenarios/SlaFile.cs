using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

using Loadlens.Core;
using Loadlens.Core.Scenarios;

namespace Loadlens.Pipeline.Scenarios;

/// <summary>
/// Loads stand-alone SLA files (<c>loadlens analyze --sla sla.yaml</c>): the same entries as a scenario's
/// <c>sla</c> section, either under an <c>sla</c> key or as a bare list. Every problem is an
/// <see cref="InputFormatException"/> with the file name and the 1-based line and column.
/// </summary>
public static class SlaFile
{
    /// <summary>Read and validate an SLA file.</summary>
    /// <param name="path">Path of the YAML file; also the source name in error messages.</param>
    /// <returns>The SLA targets, in file order.</returns>
    /// <exception cref="InputFormatException">The file is missing, unreadable or invalid.</exception>
    public static IReadOnlyList<SlaTarget> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string yaml;
        try
        {
            if (path.Trim().Length == 0 || Directory.Exists(path))
            {
                throw new InputFormatException(path, 0, 0, "not an SLA file");
            }

            yaml = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputFormatException(path, 0, 0, "file not found", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputFormatException(path, 0, 0, $"cannot read the file: {ex.Message}", ex);
        }

        return Parse(yaml, path);
    }

    /// <summary>Validate SLA YAML held in memory.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <returns>The SLA targets, in document order.</returns>
    /// <exception cref="InputFormatException">The YAML is malformed or not a valid SLA list.</exception>
    public static IReadOnlyList<SlaTarget> Parse(string yaml, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        try
        {
            YamlPreflight.Check(yaml, sourceName);
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0)
            {
                throw new InputFormatException(sourceName, 1, 1, "the SLA file is empty");
            }

            var parser = new ScenarioParser(sourceName, Directory.GetCurrentDirectory(), _ => null);
            var targets = parser.ParseSlaDocument(stream.Documents[0].RootNode);
            if (targets.Count == 0)
            {
                throw new InputFormatException(sourceName, 1, 1, "the SLA file has no entries");
            }

            return targets;
        }
        catch (InputFormatException)
        {
            throw;
        }
        catch (YamlException ex)
        {
            throw YamlErrors.At(sourceName, ex.Start, "invalid YAML: " + ex.Message, ex);
        }
#pragma warning disable CA1031 // Contract: nothing but InputFormatException leaves the loader.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            throw new InputFormatException(sourceName, 0, 0, $"cannot read the SLA file: {ex.Message}", ex);
        }
    }
}
