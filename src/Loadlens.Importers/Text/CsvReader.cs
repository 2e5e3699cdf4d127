using System.Buffers;
using System.Globalization;
using Loadlens.Core;

namespace Loadlens.Importers.Text;

/// <summary>
/// A streaming RFC 4180 reader over a <see cref="TextReader"/>: quoted fields (with doubled quotes and
/// embedded line breaks), CRLF / LF / CR / CR CR LF line ends, blank lines skipped. Fields of the
/// current record are exposed as spans into one reused buffer, so a row costs no allocation unless the
/// caller asks for a string. Tracks the physical line and column of every field for error messages.
/// </summary>
internal sealed class CsvReader : IDisposable
{
    private const int MaxRecordChars = 16 * 1024 * 1024;
    private static readonly SearchValues<char> CommaSpecials = SearchValues.Create(",\"\r\n");
    private static readonly SearchValues<char> TabSpecials = SearchValues.Create("\t\"\r\n");

    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly SearchValues<char> _specials;
    private readonly char[] _buffer;
    private int _pos;
    private int _len;
    private bool _eof;

    private char[] _record = new char[1024];
    private int _recordLength;
    private int[] _fieldStarts = new int[32];
    private int[] _fieldEnds = new int[32];
    private int[] _fieldColumns = new int[32];
    private int _fieldCount;

    private int _line = 1;
    private int _column = 1;

    public CsvReader(TextReader reader, string source, char delimiter = ',', int bufferChars = 1 << 16)
    {
        _reader = reader;
        Source = source;
        _delimiter = delimiter;
        _specials = delimiter switch
        {
            ',' => CommaSpecials,
            '\t' => TabSpecials,
            _ => SearchValues.Create(new[] { delimiter, '"', '\r', '\n' }),
        };
        _buffer = new char[bufferChars];
    }

    /// <summary>File name used in error messages.</summary>
    public string Source { get; }

    /// <summary>Physical line (1-based) where the current record starts.</summary>
    public int RecordLine { get; private set; }

    /// <summary>False when the current record ended at end of file without a line break (possibly cut short).</summary>
    public bool RecordTerminated { get; private set; }

    /// <summary>Number of fields in the current record.</summary>
    public int FieldCount => _fieldCount;

    /// <summary>Field <paramref name="index"/> of the current record (unescaped).</summary>
    public ReadOnlySpan<char> this[int index] => _record.AsSpan(_fieldStarts[index], _fieldEnds[index] - _fieldStarts[index]);

    /// <summary>1-based column where field <paramref name="index"/> starts.</summary>
    public int ColumnOf(int index) => index < _fieldCount ? _fieldColumns[index] : 1;

    /// <summary>Field as a new string.</summary>
    public string GetString(int index) => this[index].ToString();

    /// <summary>All fields as strings (for headers and small files).</summary>
    public string[] GetAll()
    {
        var all = new string[_fieldCount];
        for (var i = 0; i < _fieldCount; i++)
        {
            all[i] = GetString(i);
        }

        return all;
    }

    /// <summary>Advance to the next non-blank record; false at end of input.</summary>
    public bool Read()
    {
        while (ReadRecord())
        {
            if (_fieldCount == 1 && _fieldEnds[0] == _fieldStarts[0] && !_lastFieldQuoted)
            {
                continue;
            }

            return true;
        }

        return false;
    }

    /// <summary>An error located at field <paramref name="index"/> of the current record.</summary>
    public InputFormatException Error(int index, string problem) => new(Source, RecordLine, ColumnOf(index), problem);

    /// <summary>An error located at the start of the current record.</summary>
    public InputFormatException Error(string problem) => new(Source, RecordLine, 1, problem);

    /// <summary>Parse a field as a floating-point number (invariant culture); error names the column.</summary>
    public double ParseDouble(int index, string column)
    {
        var span = this[index].Trim();
        if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        throw Error(index, $"column '{column}': '{Display(span)}' is not a number");
    }

    /// <summary>Parse a field as a whole number (allows "12.0"); error names the column.</summary>
    public long ParseLong(int index, string column)
    {
        var span = this[index].Trim();
        if (long.TryParse(span, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            && Math.Abs(d) < 9e15 && Math.Floor(d) == d)
        {
            return (long)d;
        }

        throw Error(index, $"column '{column}': '{Display(span)}' is not a whole number");
    }

    /// <summary>Shorten and clean a value for an error message.</summary>
    public static string Display(ReadOnlySpan<char> value, int max = 40)
    {
        var text = value.Length > max ? string.Concat(value[..max], "…") : value.ToString();
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsControl(chars[i]))
            {
                chars[i] = '?';
            }
        }

        return new string(chars);
    }

    public void Dispose() => _reader.Dispose();

    private bool _lastFieldQuoted;

    private bool ReadRecord()
    {
        _recordLength = 0;
        _fieldCount = 0;
        _lastFieldQuoted = false;
        if (!Ensure(1))
        {
            return false;
        }

        RecordLine = _line;
        var fieldStart = 0;
        var fieldColumn = _column;
        var quoted = false;
        var inQuotes = false;
        var quoteLine = 0;
        var quoteColumn = 0;
        while (true)
        {
            if (_pos >= _len && !Ensure(1))
            {
                if (inQuotes)
                {
                    throw new InputFormatException(Source, quoteLine, quoteColumn, "quoted field is never closed (file truncated?)");
                }

                EndField(fieldStart, fieldColumn, quoted);
                RecordTerminated = false;
                return true;
            }

            if (inQuotes)
            {
                var c = _buffer[_pos++];
                _column++;
                if (c == '"')
                {
                    if (Ensure(1) && _buffer[_pos] == '"')
                    {
                        _pos++;
                        _column++;
                        Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n' || (c == '\r' && !(Ensure(1) && _buffer[_pos] == '\n')))
                    {
                        _line++;
                        _column = 1;
                    }

                    Append(c);
                }

                continue;
            }

            // Unquoted: copy up to the next special character in one go.
            var span = _buffer.AsSpan(_pos, _len - _pos);
            var next = span.IndexOfAny(_specials);
            if (next < 0)
            {
                AppendSpan(span);
                _pos = _len;
                _column += span.Length;
                continue;
            }

            if (next > 0)
            {
                AppendSpan(span[..next]);
                _pos += next;
                _column += next;
            }

            var ch = _buffer[_pos++];
            _column++;
            if (ch == _delimiter)
            {
                EndField(fieldStart, fieldColumn, quoted);
                fieldStart = _recordLength;
                fieldColumn = _column;
                quoted = false;
            }
            else if (ch == '\n')
            {
                NewLine();
                EndField(fieldStart, fieldColumn, quoted);
                RecordTerminated = true;
                return true;
            }
            else if (ch == '\r')
            {
                if (Ensure(1) && _buffer[_pos] == '\n')
                {
                    _pos++;
                }
                else if (Ensure(2) && _buffer[_pos] == '\r' && _buffer[_pos + 1] == '\n')
                {
                    _pos += 2;
                }

                NewLine();
                EndField(fieldStart, fieldColumn, quoted);
                RecordTerminated = true;
                return true;
            }
            else if (_recordLength == fieldStart && !quoted)
            {
                // '"' at the start of a field opens a quoted field.
                inQuotes = true;
                quoted = true;
                quoteLine = _line;
                quoteColumn = _column - 1;
            }
            else
            {
                // A stray quote inside an unquoted field (or after a closing quote) is kept literally.
                Append(ch);
            }
        }
    }

    private void NewLine()
    {
        _line++;
        _column = 1;
    }

    private void EndField(int start, int column, bool quoted)
    {
        if (_fieldCount == _fieldStarts.Length)
        {
            if (_fieldCount >= 100_000)
            {
                throw new InputFormatException(Source, RecordLine, column, "too many fields in one record");
            }

            Array.Resize(ref _fieldStarts, _fieldCount * 2);
            Array.Resize(ref _fieldEnds, _fieldCount * 2);
            Array.Resize(ref _fieldColumns, _fieldCount * 2);
        }

        _fieldStarts[_fieldCount] = start;
        _fieldEnds[_fieldCount] = _recordLength;
        _fieldColumns[_fieldCount] = column;
        _fieldCount++;
        _lastFieldQuoted = quoted;
    }

    private void Append(char c)
    {
        if (_recordLength == _record.Length)
        {
            Grow(1);
        }

        _record[_recordLength++] = c;
    }

    private void AppendSpan(ReadOnlySpan<char> chars)
    {
        if (_recordLength + chars.Length > _record.Length)
        {
            Grow(chars.Length);
        }

        chars.CopyTo(_record.AsSpan(_recordLength));
        _recordLength += chars.Length;
    }

    private void Grow(int extra)
    {
        var needed = _recordLength + extra;
        if (needed > MaxRecordChars)
        {
            throw new InputFormatException(Source, RecordLine, 1, $"record longer than {MaxRecordChars / (1024 * 1024)} M characters (not a CSV file, or an unclosed quote?)");
        }

        Array.Resize(ref _record, Math.Min(MaxRecordChars, Math.Max(needed, _record.Length * 2)));
    }

    /// <summary>Make at least <paramref name="count"/> characters available at <see cref="_pos"/>; false at end of input.</summary>
    private bool Ensure(int count)
    {
        if (_len - _pos >= count)
        {
            return true;
        }

        if (_eof)
        {
            return false;
        }

        var remaining = _len - _pos;
        if (remaining > 0)
        {
            Array.Copy(_buffer, _pos, _buffer, 0, remaining);
        }

        _pos = 0;
        _len = remaining;
        while (_len < count)
        {
            int read;
            try
            {
                read = _reader.Read(_buffer, _len, _buffer.Length - _len);
            }
            catch (InvalidDataException ex)
            {
                throw new InputFormatException(Source, _line, _column, "corrupt compressed data: " + ex.Message, ex);
            }

            if (read <= 0)
            {
                _eof = true;
                return false;
            }

            _len += read;
        }

        return true;
    }
}
