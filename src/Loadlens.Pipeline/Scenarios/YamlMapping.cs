using YamlDotNet.RepresentationModel;

using Loadlens.Core;
using Loadlens.Core.Scenarios;

namespace Loadlens.Pipeline.Scenarios;

/// <summary>
/// A YAML mapping checked against a fixed set of allowed keys. Unknown keys are rejected when the reader is created,
/// with a "did you mean" suggestion and the list of allowed keys.
/// </summary>
internal sealed class YamlMapping
{
    private readonly Dictionary<string, KeyValuePair<YamlScalarNode, YamlNode>> _entries = new(StringComparer.Ordinal);
    private readonly string _source;

    public YamlMapping(string source, YamlMappingNode node, string context, IReadOnlyList<string> allowedKeys)
    {
        _source = source;
        Node = node;
        Context = context;
        foreach (var (key, value) in node.Children)
        {
            if (key is not YamlScalarNode scalarKey)
            {
                throw YamlErrors.At(source, key, "mapping keys must be plain text, not lists or mappings");
            }

            var name = scalarKey.Value ?? string.Empty;
            if (!allowedKeys.Contains(name, StringComparer.Ordinal))
            {
                throw YamlErrors.At(
                    source,
                    key,
                    $"unknown key '{TextTemplates.Shorten(name)}' in {context}{Suggestions.DidYouMean(name, allowedKeys)} (allowed keys: {string.Join(", ", allowedKeys)})");
            }

            _entries[name] = new(scalarKey, value);
        }
    }

    /// <summary>The mapping node (errors about missing keys are reported at its start).</summary>
    public YamlMappingNode Node { get; }

    /// <summary>What the mapping is, for messages ("the scenario", "endpoint 'x'", ...).</summary>
    public string Context { get; }

    /// <summary>Whether the key is present.</summary>
    public bool Has(string key) => _entries.ContainsKey(key);

    /// <summary>The value of <paramref name="key"/>, or null when absent.</summary>
    public YamlNode? Get(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>The key node of <paramref name="key"/>, or null when absent.</summary>
    public YamlScalarNode? KeyNode(string key) => _entries.TryGetValue(key, out var entry) ? entry.Key : null;

    /// <summary>The value of a required key; a missing key is reported at this mapping.</summary>
    public YamlNode Require(string key)
        => Get(key) ?? throw YamlErrors.At(_source, Node, $"{Context} is missing the required key '{key}'");
}
