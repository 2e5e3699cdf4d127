using System.Globalization;
using System.Text;

namespace Loadlens.Reporting.Csv;

/// <summary>
/// Builds CSV text the way Python's <c>csv.writer</c> does with the default "excel" dialect:
/// <c>,</c> delimiter, <c>"</c> quote, QUOTE_MINIMAL (quote only fields holding <c>,</c>, <c>"</c>, CR or LF,
/// doubling embedded quotes) and <c>\r\n</c> after every row.
/// </summary>
internal sealed class CsvText
{
    /// <summary>Row terminator of Locust's CSV files on Linux (observed on 2.12).</summary>
    public const string LineEnd = "\r\n";

    private readonly StringBuilder _text = new();

    /// <summary>Append one row.</summary>
    public CsvText Row(params IEnumerable<string> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                _text.Append(',');
            }

            first = false;
            AppendField(_text, field);
        }

        _text.Append(LineEnd);
        return this;
    }

    /// <summary>Append a literal header line (already CSV) followed by the row terminator.</summary>
    public CsvText Line(string line)
    {
        _text.Append(line).Append(LineEnd);
        return this;
    }

    /// <inheritdoc />
    public override string ToString() => _text.ToString();

    /// <summary>A single field with minimal quoting.</summary>
    public static string Quote(string field)
    {
        var sb = new StringBuilder(field.Length + 2);
        AppendField(sb, field);
        return sb.ToString();
    }

    private static void AppendField(StringBuilder sb, string field)
    {
        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            sb.Append(field);
            return;
        }

        sb.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}

/// <summary>Number formats that match what Locust (Python) writes.</summary>
internal static class PyFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Python <c>repr(float)</c>: the shortest round-trip digits (.NET "R"), with <c>.0</c> appended to whole
    /// numbers (<c>558.0</c>) and a lower-case exponent (<c>1e-05</c>).
    /// </summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var text = value.ToString("R", Invariant);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            return text.Replace('E', 'e');
        }

        return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
    }

    /// <summary>
    /// Whole milliseconds for median and percentile cells, rounded to the nearest integer (halves away from zero).
    /// Locust applies <c>int()</c> to its own pre-bucketed values (2 significant digits); our histogram values
    /// are already precise to 0.1 %, so rounding gives the closest whole millisecond instead of biasing down.
    /// </summary>
    public static string Millis(double ms) =>
        ((long)Math.Round(ms, MidpointRounding.AwayFromZero)).ToString(Invariant);

    /// <summary>Python <c>f"{x:2f}"</c>, i.e. six decimals (used for the history file's rates).</summary>
    public static string Fixed6(double value) => value.ToString("F6", Invariant);

    /// <summary>An integer.</summary>
    public static string Int(long value) => value.ToString(Invariant);
}
