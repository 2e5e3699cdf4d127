namespace Loadlens.Importers.Text;

/// <summary>Parses RFC 3339 timestamps with any number of fractional digits (k6 writes nanoseconds) to epoch ms.</summary>
internal static class Rfc3339
{
    /// <summary>"2024-05-01T10:00:00.123456789+02:00" → Unix milliseconds (fraction truncated to µs precision).</summary>
    public static bool TryParseMillis(ReadOnlySpan<byte> s, out long millis, out double fractionMs)
    {
        millis = 0;
        fractionMs = 0;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!Digits(s[..4], out var year) || !Digits(s.Slice(5, 2), out var month) || !Digits(s.Slice(8, 2), out var day)
            || !Digits(s.Slice(11, 2), out var hour) || !Digits(s.Slice(14, 2), out var minute) || !Digits(s.Slice(17, 2), out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var i = 19;
        double fraction = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var scale = 0.1;
            var start = i;
            while (i < s.Length && s[i] >= '0' && s[i] <= '9')
            {
                fraction += (s[i] - '0') * scale;
                scale /= 10;
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        int offsetMinutes;
        if (i < s.Length && (s[i] == 'Z' || s[i] == 'z') && i + 1 == s.Length)
        {
            offsetMinutes = 0;
        }
        else if (i + 6 == s.Length && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':'
            && Digits(s.Slice(i + 1, 2), out var oh) && Digits(s.Slice(i + 4, 2), out var om) && oh < 24 && om < 60)
        {
            offsetMinutes = (s[i] == '-' ? -1 : 1) * ((oh * 60) + om);
        }
        else
        {
            return false;
        }

        var dt = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Utc);
        var seconds = (long)(dt - DateTime.UnixEpoch).TotalSeconds - (offsetMinutes * 60L);
        var ms = fraction * 1000;
        millis = (seconds * 1000) + (long)ms;
        fractionMs = ms - (long)ms;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (var b in s)
        {
            if (b < '0' || b > '9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }
}
