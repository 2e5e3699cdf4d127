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
        if (path.Trim().Length == 0 || Directory.Exists(path))
        {
            throw new InputFormatException(path, 0, 0, "not an SLA file");
        }

        var yaml = YamlDocument.ReadFile(path, path);
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
        return YamlDocument.Parse(yaml, sourceName, "SLA file", "the SLA file", root =>
        {
            var targets = new ScenarioParser(sourceName, Directory.GetCurrentDirectory(), _ => null).ParseSlaDocument(root);
            return targets.Count > 0 ? targets : throw new InputFormatException(sourceName, 1, 1, "the SLA file has no entries");
        });
    }
}
