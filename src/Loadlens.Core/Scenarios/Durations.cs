using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Loadlens.Core.Scenarios;

/// <summary>
/// Parses human-written durations such as <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>1m30s</c>, <c>1.5s</c>,
/// or a bare number of seconds (<c>30</c>, <c>1.5</c>).
/// </summary>
/// <remarks>
/// A duration is either a bare non-negative number (seconds) or one or more <c>number unit</c> components with units
/// <c>h</c>, <c>m</c>, <c>s</c> and <c>ms</c>, largest first and each at most once, written without spaces.
/// Numbers may have a fractional part. Negative, empty and unparseable values are rejected; zero is accepted.
/// </remarks>
public static class Durations
{
    private const string Examples = "e.g. 500ms, 30s, 2m, 1h, 1m30s, 1.5s, or a bare number of seconds";

    /// <summary>Parse a duration.</summary>
    /// <param name="text">The text to parse, e.g. <c>1m30s</c>.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">The text is empty, negative, too large or not a duration; the message says which.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParseCore(text, out var value, out var error) ? value : throw new FormatException(error);
    }

    /// <summary>Try to parse a duration.</summary>
    /// <param name="text">The text to parse, e.g. <c>1m30s</c>.</param>
    /// <param name="value">The duration, or <see cref="TimeSpan.Zero"/> when parsing fails.</param>
    /// <returns>Whether <paramref name="text"/> is a valid duration.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out TimeSpan value)
        => TryParseCore(text, out value, out _);

    /// <summary>Parse, returning a user-facing error message on failure.</summary>
    internal static bool TryParseCore(string? text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        if (text is null || text.Trim().Length == 0)
        {
            error = $"a duration cannot be empty ({Examples})";
            return false;
        }

        var s = text.Trim();
        if (s[0] == '-')
        {
            error = $"a duration cannot be negative: '{s}'";
            return false;
        }

        decimal totalTicks = 0;
        var previousRank = int.MaxValue;
        var i = 0;
        var components = 0;
        while (i < s.Length)
        {
            var numberStart = i;
            if (!NumberText.TryRead(s, ref i, out var number))
            {
                error = i < s.Length && char.IsAsciiLetter(s[i]) && components > 0
                    ? $"invalid duration '{s}': '{s[i..]}' has no number before the unit ({Examples})"
                    : $"invalid duration '{s}' ({Examples})";
                return false;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            var unit = s[unitStart..i];
            long ticksPerUnit;
            int rank;
            switch (unit)
            {
                case "" when components == 0 && i == s.Length:
                    ticksPerUnit = TimeSpan.TicksPerSecond; // bare number: seconds
                    rank = 0;
                    break;
                case "":
                    error = $"invalid duration '{s}': '{s[numberStart..i]}' needs a unit (ms, s, m or h)";
                    return false;
                case "h":
                    ticksPerUnit = TimeSpan.TicksPerHour;
                    rank = 3;
                    break;
                case "m":
                    ticksPerUnit = TimeSpan.TicksPerMinute;
                    rank = 2;
                    break;
                case "s":
                    ticksPerUnit = TimeSpan.TicksPerSecond;
                    rank = 1;
                    break;
                case "ms":
                    ticksPerUnit = TimeSpan.TicksPerMillisecond;
                    rank = 0;
                    break;
                default:
                    error = $"invalid duration '{s}': unknown unit '{unit}' (use ms, s, m or h)";
                    return false;
            }

            if (rank >= previousRank)
            {
                error = $"invalid duration '{s}': write the units largest first and each once, e.g. 1h30m or 1m30s";
                return false;
            }

            previousRank = rank;
            components++;
            if (number > TimeSpan.MaxValue.Ticks / ticksPerUnit)
            {
                error = $"duration '{s}' is too large";
                return false;
            }

            totalTicks += number * ticksPerUnit;
            if (totalTicks > TimeSpan.MaxValue.Ticks)
            {
                error = $"duration '{s}' is too large";
                return false;
            }
        }

        value = TimeSpan.FromTicks((long)decimal.Round(totalTicks, MidpointRounding.AwayFromZero));
        error = string.Empty;
        return true;
    }
}

/// <summary>Reads unsigned decimal numbers (<c>12</c>, <c>1.5</c>, <c>.5</c>) without culture or exponent surprises.</summary>
internal static class NumberText
{
    /// <summary>Read a number starting at <paramref name="index"/>; on success advance past it.</summary>
    public static bool TryRead(string s, ref int index, out decimal value)
    {
        value = 0;
        var i = index;
        var integerDigits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
            integerDigits++;
        }

        var fractionDigits = 0;
        if (i < s.Length && s[i] == '.')
        {
            var dot = i;
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                fractionDigits++;
            }

            if (fractionDigits == 0)
            {
                i = dot; // "1." is not a number; leave the dot unread
            }
        }

        if (integerDigits == 0 && fractionDigits == 0)
        {
            return false;
        }

        // Leading zeros are harmless; more than 28 integer digits overflow decimal.
        var text = s[index..i].TrimStart('0');
        var dotAt = text.IndexOf('.');
        var significantIntegerDigits = dotAt < 0 ? text.Length : dotAt;
        if (significantIntegerDigits > 28
            || !decimal.TryParse(text.Length == 0 || text[0] == '.' ? "0" + text : text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            value = decimal.MaxValue; // too large: callers report it as such
        }

        index = i;
        return true;
    }

    /// <summary>Whether the whole of <paramref name="s"/> is one unsigned decimal number.</summary>
    public static bool TryParseWhole(string s, out decimal value)
    {
        var i = 0;
        return TryRead(s, ref i, out value) && i == s.Length;
    }
}
