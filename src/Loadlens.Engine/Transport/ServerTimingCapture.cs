using System.Buffers.Text;

namespace Loadlens.Engine.Transport;

/// <summary>
/// The <c>Server-Timing</c> metrics of one response (W3C Server Timing:
/// <c>metric-name *( OWS ";" OWS param-name OWS "=" OWS ( token / quoted-string ) )</c>, comma-separated, the field
/// may repeat), parsed without allocating into fixed buffers owned by a parser. Parameters come in any order; the
/// first <c>dur</c> counts (milliseconds, a non-negative decimal); <c>desc</c> and unknown parameters are skipped,
/// quoted strings may contain commas, semicolons and backslash escapes. A metric without <c>dur</c> is counted only.
/// A malformed metric never throws and never fails the request: it is counted in <see cref="Unparsable"/> and the
/// parse continues at the next comma outside quotes.
/// </summary>
internal sealed class ServerTimingCapture
{
    /// <summary>Metrics kept per response; more are counted in <see cref="Overflow"/>.</summary>
    public const int MaxEntries = 16;

    /// <summary>Longest metric name kept (bytes); a longer one is unparsable.</summary>
    public const int MaxNameBytes = 64;

    /// <summary>Largest accepted <c>dur</c> (one hour, the latency histograms' range), in milliseconds.</summary>
    public const double MaxDurationMs = 3_600_000;

    private readonly byte[] _names = new byte[MaxEntries * MaxNameBytes];
    private readonly int[] _nameLengths = new int[MaxEntries];
    private readonly double[] _durations = new double[MaxEntries];

    /// <summary>Metrics parsed (at most <see cref="MaxEntries"/>).</summary>
    public int Count { get; private set; }

    /// <summary>Well-formed metrics beyond <see cref="MaxEntries"/> in this response.</summary>
    public int Overflow { get; private set; }

    /// <summary>Malformed metrics in this response.</summary>
    public int Unparsable { get; private set; }

    /// <summary>Server-Timing fields seen in this response.</summary>
    public int Fields { get; private set; }

    /// <summary>Name of metric <paramref name="index"/> (its bytes as sent; names are case-sensitive).</summary>
    public ReadOnlySpan<byte> Name(int index) => _names.AsSpan(index * MaxNameBytes, _nameLengths[index]);

    /// <summary>Duration of metric <paramref name="index"/> in milliseconds; negative when it had no <c>dur</c>.</summary>
    public double DurationMs(int index) => _durations[index];

    /// <summary>Forget the previous response's metrics.</summary>
    public void Clear()
    {
        Count = 0;
        Overflow = 0;
        Unparsable = 0;
        Fields = 0;
    }

    /// <summary>Parse one Server-Timing field value (OWS already trimmed or not).</summary>
    public void Add(ReadOnlySpan<byte> value)
    {
        Fields++;
        var i = 0;
        var length = value.Length;
        while (i < length)
        {
            while (i < length && value[i] is (byte)' ' or (byte)'\t' or (byte)',')
            {
                i++;
            }

            if (i >= length)
            {
                break;
            }

            var start = i;
            i = SkipToken(value, i);

            var name = value[start..i];
            var ok = name.Length is > 0 and <= MaxNameBytes;
            var duration = -1.0;
            var durSeen = false;
            while (true)
            {
                i = SkipOws(value, i);
                if (i >= length || value[i] == (byte)',')
                {
                    break;
                }

                if (value[i] != (byte)';')
                {
                    ok = false;
                    i = SkipElement(value, i);
                    break;
                }

                i = SkipOws(value, i + 1);
                var paramStart = i;
                i = SkipToken(value, i);

                var paramName = value[paramStart..i];
                i = SkipOws(value, i);
                ReadOnlySpan<byte> paramValue = default;
                var hasValue = false;
                if (i < length && value[i] == (byte)'=')
                {
                    i = SkipOws(value, i + 1);
                    if (i < length && value[i] == (byte)'"')
                    {
                        var quoteStart = ++i;
                        var closed = false;
                        while (i < length)
                        {
                            var next = value[i..].IndexOfAny((byte)'"', (byte)'\\');
                            if (next < 0)
                            {
                                i = length;
                                break;
                            }

                            i += next;
                            if (value[i] == (byte)'\\')
                            {
                                i += 2;
                                continue;
                            }

                            closed = true;
                            break;
                        }

                        if (!closed)
                        {
                            ok = false;
                            i = length;
                            break;
                        }

                        paramValue = value[quoteStart..i];
                        i++;
                    }
                    else
                    {
                        var valueStart = i;
                        i = SkipToken(value, i);

                        paramValue = value[valueStart..i];
                    }

                    hasValue = true;
                }

                if (paramName.IsEmpty)
                {
                    ok = false;
                    i = SkipElement(value, i);
                    break;
                }

                if (!durSeen && paramName.Length == 3 && System.Text.Ascii.EqualsIgnoreCase(paramName, "dur"u8))
                {
                    durSeen = true;
                    if (!hasValue || !TryParseDuration(paramValue, out duration))
                    {
                        ok = false;
                    }
                }
            }

            if (!ok)
            {
                Unparsable++;
            }
            else if (Count < MaxEntries)
            {
                name.CopyTo(_names.AsSpan(Count * MaxNameBytes));
                _nameLengths[Count] = name.Length;
                _durations[Count] = duration;
                Count++;
            }
            else
            {
                Overflow++;
            }
        }
    }

    /// <summary>A non-negative decimal number of milliseconds (digits, an optional fraction, an optional exponent).</summary>
    internal static bool TryParseDuration(ReadOnlySpan<byte> text, out double ms)
    {
        ms = -1;
        if (text.IsEmpty || text.Length > 32 || !char.IsAsciiDigit((char)text[0]) && text[0] != (byte)'.')
        {
            return false;
        }

        if (!Utf8Parser.TryParse(text, out double value, out var used) || used != text.Length || !double.IsFinite(value) || value < 0 || value > MaxDurationMs)
        {
            return false;
        }

        ms = value;
        return true;
    }

    /// <summary>The index after the token starting at <paramref name="i"/> (vectorised scan).</summary>
    private static int SkipToken(ReadOnlySpan<byte> value, int i)
    {
        var end = value[i..].IndexOfAnyExcept(Http1ResponseParser.TokenChars);
        return end < 0 ? value.Length : i + end;
    }

    private static int SkipOws(ReadOnlySpan<byte> value, int i)
    {
        while (i < value.Length && value[i] is (byte)' ' or (byte)'\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>The index of the next comma outside a quoted string (or the end).</summary>
    private static int SkipElement(ReadOnlySpan<byte> value, int i)
    {
        while (i < value.Length)
        {
            var c = value[i];
            if (c == (byte)',')
            {
                return i;
            }

            if (c == (byte)'"')
            {
                i++;
                while (i < value.Length && value[i] != (byte)'"')
                {
                    i += value[i] == (byte)'\\' ? 2 : 1;
                }
            }

            i++;
        }

        return value.Length;
    }
}
