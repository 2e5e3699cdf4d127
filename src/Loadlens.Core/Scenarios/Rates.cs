using System.Diagnostics.CodeAnalysis;

namespace Loadlens.Core.Scenarios;

/// <summary>
/// Parses request rates such as <c>200</c>, <c>200/s</c>, <c>1200/m</c>, <c>10/min</c> or <c>3600/h</c> into requests per second.
/// </summary>
/// <remarks>
/// A rate is an unsigned decimal number, optionally followed by <c>/s</c>, <c>/m</c>, <c>/min</c> or <c>/h</c>
/// (spaces around the slash are allowed). A bare number is per second. The rate must be greater than zero.
/// </remarks>
public static class Rates
{
    private const string Examples = "e.g. 200, 200/s, 1200/m, 10/min or 3600/h";

    /// <summary>Parse a rate.</summary>
    /// <param name="text">The text to parse, e.g. <c>1200/m</c>.</param>
    /// <returns>The rate in requests per second.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">The text is not a rate, or the rate is not greater than zero; the message says which.</exception>
    public static double Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParseCore(text, allowZero: false, out var value, out var error) ? value : throw new FormatException(error);
    }

    /// <summary>Try to parse a rate.</summary>
    /// <param name="text">The text to parse, e.g. <c>1200/m</c>.</param>
    /// <param name="value">The rate in requests per second, or 0 when parsing fails.</param>
    /// <returns>Whether <paramref name="text"/> is a valid rate greater than zero.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out double value)
        => TryParseCore(text, allowZero: false, out value, out _);

    /// <summary>Parse, returning a user-facing error message on failure. Stage targets may be zero.</summary>
    internal static bool TryParseCore(string? text, bool allowZero, out double value, out string error)
    {
        value = 0;
        if (text is null || text.Trim().Length == 0)
        {
            error = $"a rate cannot be empty ({Examples})";
            return false;
        }

        var s = text.Trim();
        var slash = s.IndexOf('/');
        var numberPart = (slash < 0 ? s : s[..slash]).Trim();
        var unitPart = slash < 0 ? "s" : s[(slash + 1)..].Trim();
        if (numberPart.StartsWith('-'))
        {
            error = $"a rate cannot be negative: '{s}'";
            return false;
        }

        if (!NumberText.TryParseWhole(numberPart, out var number))
        {
            error = $"invalid rate '{s}' ({Examples})";
            return false;
        }

        double seconds;
        switch (unitPart)
        {
            case "s":
                seconds = 1;
                break;
            case "m":
            case "min":
                seconds = 60;
                break;
            case "h":
                seconds = 3600;
                break;
            default:
                error = $"invalid rate '{s}': unknown unit '/{unitPart}' (use /s, /m, /min or /h)";
                return false;
        }

        var perSecond = (double)number / seconds;
        if (!double.IsFinite(perSecond) || number == decimal.MaxValue)
        {
            error = $"rate '{s}' is too large";
            return false;
        }

        if (allowZero ? perSecond < 0 : perSecond <= 0)
        {
            error = $"a rate must be greater than 0, got '{s}'";
            return false;
        }

        value = perSecond;
        error = string.Empty;
        return true;
    }
}
