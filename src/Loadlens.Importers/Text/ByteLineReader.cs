using Loadlens.Core;

namespace Loadlens.Importers.Text;

/// <summary>Reads a byte stream line by line (LF or CRLF) into a reused buffer, for NDJSON.</summary>
internal sealed class ByteLineReader : IDisposable
{
    private const int MaxLine = 16 * 1024 * 1024;
    private readonly Stream _stream;
    private readonly string _source;
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _first = true;

    public ByteLineReader(Stream stream, string source)
    {
        _stream = stream;
        _source = source;
    }

    /// <summary>1-based number of the line last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Next line without its terminator; false at end of input.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var nl = span.IndexOf((byte)'\n');
            if (nl >= 0)
            {
                line = Trim(span[..nl]);
                _start += nl + 1;
                LineNumber++;
                return true;
            }

            if (_eof)
            {
                if (span.Length == 0)
                {
                    line = default;
                    return false;
                }

                line = Trim(span);
                _start = _end;
                LineNumber++;
                return true;
            }

            Fill();
        }
    }

    public void Dispose() => _stream.Dispose();

    private ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (_first)
        {
            _first = false;
            if (line.StartsWith("\uFEFF"u8))
            {
                line = line[3..];
            }
        }

        return line;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLine)
            {
                throw new InputFormatException(_source, LineNumber + 1, 1, $"line longer than {MaxLine / (1024 * 1024)} MB (not line-delimited JSON?)");
            }

            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        int read;
        try
        {
            read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (InvalidDataException ex)
        {
            throw new InputFormatException(_source, LineNumber + 1, 1, "corrupt compressed data: " + ex.Message, ex);
        }

        if (read <= 0)
        {
            _eof = true;
        }
        else
        {
            _end += read;
        }
    }
}
