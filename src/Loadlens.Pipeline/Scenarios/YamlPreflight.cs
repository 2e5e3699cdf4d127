using YamlDotNet.Core;
using YamlDotNet.Core.Events;

using Loadlens.Core;
using Loadlens.Core.Scenarios;

namespace Loadlens.Pipeline.Scenarios;

/// <summary>
/// A streaming pass over the YAML events before the representation model is built. It rejects input that
/// YamlDotNet's representation model cannot handle safely (deep nesting and self-referencing keys overflow the
/// stack, which cannot be caught) and reports syntax problems with precise locations.
/// </summary>
internal static class YamlPreflight
{
    /// <summary>Nesting limit; a scenario needs at most 5 levels.</summary>
    internal const int MaxDepth = 32;

    /// <summary>Check <paramref name="yaml"/>; throws <see cref="InputFormatException"/> on the first problem.</summary>
    public static void Check(string yaml, string source)
    {
        var scanner = new Scanner(new StringReader(yaml), skipComments: true);
        var parser = new Parser(scanner);

        // Each open collection: whether it is a mapping, whether its next node is a key, its start, its style, its anchor.
        var open = new Stack<OpenCollection>();
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var documents = 0;

        while (true)
        {
            ParsingEvent current;
            try
            {
                if (!parser.MoveNext())
                {
                    break;
                }

                current = parser.Current!;
            }
            catch (YamlException ex)
            {
                throw YamlErrors.At(source, ex.Start, "invalid YAML: " + ex.Message, ex);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
            {
                // YamlDotNet occasionally fails without a mark (e.g. an unclosed '[' followed by a new line).
                var position = scanner.CurrentPosition;
                var flow = open.FirstOrDefault(c => c.Flow);
                var problem = flow is null
                    ? "invalid YAML syntax"
                    : $"invalid YAML: the {(flow.IsMapping ? "'{'" : "'['")} opened at line {flow.Start.Line}, column {flow.Start.Column} is not closed";
                throw YamlErrors.At(source, position, problem, ex);
            }

            switch (current)
            {
                case DocumentStart start:
                    documents++;
                    if (documents > 1)
                    {
                        throw YamlErrors.At(source, start.Start, "a scenario file holds a single YAML document; remove the second '---' document");
                    }

                    break;

                case Scalar scalar:
                    CheckKeyPosition(source, open, scalar);
                    if (open.TryPeek(out var parentOfScalar) && parentOfScalar.IsMapping && parentOfScalar.ExpectingKey)
                    {
                        parentOfScalar.LastKey = scalar.Start;
                        if (scalar.Value.Length == 0 && parentOfScalar.EmptyKey is null)
                        {
                            parentOfScalar.EmptyKey = scalar.Start;
                        }
                    }

                    Define(anchors, scalar);
                    Completed(open);
                    break;

                case AnchorAlias alias:
                    if (open.TryPeek(out var parentOfAlias) && parentOfAlias.IsMapping && parentOfAlias.ExpectingKey)
                    {
                        throw YamlErrors.At(source, alias.Start, "an alias cannot be used as a mapping key");
                    }

                    if (!anchors.Contains(alias.Value.Value))
                    {
                        throw YamlErrors.At(source, alias.Start, $"unknown alias '*{alias.Value.Value}': no anchor '&{alias.Value.Value}' is defined before it");
                    }

                    if (open.Any(c => c.Anchor == alias.Value.Value))
                    {
                        throw YamlErrors.At(source, alias.Start, $"alias '*{alias.Value.Value}' refers to a node that contains it; recursive aliases are not supported");
                    }

                    Completed(open);
                    break;

                case MappingStart mapping:
                    CheckKeyPosition(source, open, mapping);
                    CheckDepth(source, open, mapping);
                    Define(anchors, mapping);
                    open.Push(new OpenCollection(true, mapping.Start, mapping.Style == MappingStyle.Flow, mapping.Anchor.IsEmpty ? null : mapping.Anchor.Value));
                    break;

                case SequenceStart sequence:
                    CheckKeyPosition(source, open, sequence);
                    CheckDepth(source, open, sequence);
                    Define(anchors, sequence);
                    open.Push(new OpenCollection(false, sequence.Start, sequence.Style == SequenceStyle.Flow, sequence.Anchor.IsEmpty ? null : sequence.Anchor.Value));
                    break;

                case MappingEnd end:
                    if (open.TryPop(out var closed) && !closed.ExpectingKey)
                    {
                        // YamlDotNet drops the value of an empty key in some block sequences ("- : x"), leaving an odd
                        // number of nodes that the representation model cannot load.
                        throw YamlErrors.At(source, closed.EmptyKey ?? closed.LastKey ?? end.Start, "invalid YAML: a mapping key here has no value (empty keys such as '- : x' are not supported)");
                    }

                    Completed(open);
                    break;

                case SequenceEnd:
                    open.TryPop(out _);
                    Completed(open);
                    break;
            }
        }
    }

    private static void CheckKeyPosition(string source, Stack<OpenCollection> open, NodeEvent node)
    {
        if (open.TryPeek(out var parent) && parent.IsMapping && parent.ExpectingKey && node is not Scalar)
        {
            throw YamlErrors.At(source, node.Start, "mapping keys must be plain text, not lists or mappings");
        }
    }

    private static void CheckDepth(string source, Stack<OpenCollection> open, NodeEvent node)
    {
        if (open.Count >= MaxDepth)
        {
            throw YamlErrors.At(source, node.Start, $"nesting is too deep (more than {MaxDepth} levels)");
        }
    }

    private static void Define(HashSet<string> anchors, NodeEvent node)
    {
        if (!node.Anchor.IsEmpty)
        {
            anchors.Add(node.Anchor.Value);
        }
    }

    private static void Completed(Stack<OpenCollection> open)
    {
        if (open.TryPeek(out var parent) && parent.IsMapping)
        {
            parent.ExpectingKey = !parent.ExpectingKey;
        }
    }

    private sealed class OpenCollection(bool isMapping, Mark start, bool flow, string? anchor)
    {
        public bool IsMapping { get; } = isMapping;

        public Mark Start { get; } = start;

        public bool Flow { get; } = flow;

        public string? Anchor { get; } = anchor;

        public bool ExpectingKey { get; set; } = isMapping;

        public Mark? LastKey { get; set; }

        public Mark? EmptyKey { get; set; }
    }
}

/// <summary>Builds <see cref="InputFormatException"/>s located at YAML marks and nodes.</summary>
internal static class YamlErrors
{
    /// <summary>An error at a mark.</summary>
    public static InputFormatException At(string source, Mark mark, string problem, Exception? inner = null)
        => new(source, Clamp(mark.Line), Clamp(mark.Column), problem, inner);

    /// <summary>An error at a node's start.</summary>
    public static InputFormatException At(string source, YamlDotNet.RepresentationModel.YamlNode node, string problem)
        => At(source, node.Start, problem);

    private static int Clamp(long value) => value < 0 ? 0 : value > int.MaxValue ? int.MaxValue : (int)value;
}
