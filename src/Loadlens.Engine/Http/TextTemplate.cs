using System.Text;
using System.Text.RegularExpressions;

namespace Loadlens.Engine.Http;

/// <summary>A string with {{feeder}} placeholders, split once into literal and placeholder parts.</summary>
internal sealed partial class TextTemplate
{
    private readonly string[] _literals;
    private readonly int[] _feeders;

    private TextTemplate(string text, string[] literals, int[] feeders)
    {
        Text = text;
        _literals = literals;
        _feeders = feeders;
    }

    public string Text { get; }

    public bool IsStatic => _feeders.Length == 0;

    public IReadOnlyList<int> Feeders => _feeders;

    /// <summary>Literal parts: Literals[i] precedes the value of Feeders[i]; the last literal ends the text.</summary>
    public IReadOnlyList<string> Literals => _literals;

    public static TextTemplate Parse(string text, Func<string, int> feederIndex)
    {
        var literals = new List<string>();
        var feeders = new List<int>();
        var last = 0;
        foreach (Match m in Placeholder().Matches(text))
        {
            var index = feederIndex(m.Groups[1].Value);
            if (index < 0)
            {
                throw new ArgumentException($"unknown feeder '{{{{{m.Groups[1].Value}}}}}' in '{text}'");
            }

            literals.Add(text[last..m.Index]);
            feeders.Add(index);
            last = m.Index + m.Length;
        }

        literals.Add(text[last..]);
        return new TextTemplate(text, [.. literals], [.. feeders]);
    }

    public string Render(string?[] values)
    {
        if (_feeders.Length == 0)
        {
            return Text;
        }

        var sb = new StringBuilder(Text.Length + 16);
        for (var i = 0; i < _feeders.Length; i++)
        {
            sb.Append(_literals[i]).Append(values[_feeders[i]]);
        }

        return sb.Append(_literals[^1]).ToString();
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_\-]*)\s*\}\}")]
    private static partial Regex Placeholder();
}
