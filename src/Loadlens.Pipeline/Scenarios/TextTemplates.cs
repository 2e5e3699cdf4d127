using System.Text;
using System.Text.RegularExpressions;

using Loadlens.Core;
using Loadlens.Core.Scenarios;

namespace Loadlens.Pipeline.Scenarios;

/// <summary>${ENV} substitution and {{feeder}} placeholder scanning.</summary>
internal static partial class TextTemplates
{
    /// <summary>
    /// Replace <c>${NAME}</c> and <c>${NAME:-default}</c> with environment values; <c>$${</c> is a literal <c>${</c>.
    /// Returns false with a problem description when a variable is unset or a reference is malformed.
    /// </summary>
    public static bool TryExpandEnvironment(string text, Func<string, string?> environment, out string result, out string problem)
    {
        problem = string.Empty;
        result = text;
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return true;
        }

        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '$' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                sb.Append("${");
                i += 3;
                continue;
            }

            if (text[i] != '$' || i + 1 >= text.Length || text[i + 1] != '{')
            {
                sb.Append(text[i]);
                i++;
                continue;
            }

            var close = text.IndexOf('}', i + 2);
            if (close < 0)
            {
                problem = $"unterminated '${{' in '{Shorten(text)}' (write $${{ for a literal '${{')";
                return false;
            }

            var inner = text[(i + 2)..close];
            var separator = inner.IndexOf(":-", StringComparison.Ordinal);
            var name = separator < 0 ? inner : inner[..separator];
            string? fallback = separator < 0 ? null : inner[(separator + 2)..];
            if (!IsEnvironmentName(name))
            {
                problem = $"invalid environment reference '${{{inner}}}': expected ${{NAME}} or ${{NAME:-default}} (write $${{ for a literal '${{')";
                return false;
            }

            var value = environment(name);
            if (fallback is not null && string.IsNullOrEmpty(value))
            {
                value = fallback;
            }

            if (value is null)
            {
                problem = $"environment variable '{name}' is not set (write ${{{name}:-default}} to give a default)";
                return false;
            }

            sb.Append(value);
            i = close + 1;
        }

        result = sb.ToString();
        return true;
    }

    /// <summary>
    /// Every <c>{{name}}</c> placeholder in <paramref name="text"/> (spaces inside the braces allowed): the full text and the name.
    /// Same syntax as the engine's request templates, so whatever the loader accepts the engine can render.
    /// </summary>
    public static IEnumerable<(string Text, string Name)> Placeholders(string text)
    {
        foreach (Match match in PlaceholderPattern().Matches(text))
        {
            yield return (match.Value, match.Groups[1].Value);
        }
    }

    /// <summary>Whether <paramref name="name"/> can be used as a feeder name in <c>{{name}}</c>.</summary>
    public static bool IsFeederName(string name) => FeederNamePattern().IsMatch(name);

    private static bool IsEnvironmentName(string name) => EnvironmentNamePattern().IsMatch(name);

    internal static string Shorten(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= 60 ? oneLine : oneLine[..57] + "...";
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_\-]*)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex FeederNamePattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentNamePattern();
}
