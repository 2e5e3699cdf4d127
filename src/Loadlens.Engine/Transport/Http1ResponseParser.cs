using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Loadlens.Engine.Transport;

/// <summary>What <see cref="Http1ResponseParser.Parse"/> concluded from the bytes it was given.</summary>
internal enum ParseStatus
{
    /// <summary>The response is not complete yet: keep the unconsumed bytes, read more and call again.</summary>
    NeedMore,

    /// <summary>The response is complete (status, headers and the whole body).</summary>
    Complete,

    /// <summary>The bytes are not a valid HTTP/1.x response; <see cref="Http1ResponseParser.Error"/> says why.</summary>
    Error,
}

/// <summary>How a failed parse should be classified.</summary>
internal enum ParseErrorKind
{
    /// <summary>No error.</summary>
    None,

    /// <summary>Malformed or unsupported HTTP.</summary>
    Protocol,

    /// <summary>The connection ended before the response was complete.</summary>
    Truncated,

    /// <summary>A configured size limit was exceeded.</summary>
    TooLarge,
}

/// <summary>
/// A strict, incremental, allocation-free HTTP/1.1 (and 1.0) response parser (RFC 9112). The
/// caller owns the receive buffer: it passes the unconsumed bytes, the parser reports how many it
/// consumed, and the caller keeps the rest and appends newly received bytes. Bytes may be split at
/// any boundary. The head (status line + header fields) is parsed only once it is complete
/// (CRLF CRLF seen), so no partial-line state exists. Bodies are framed by Content-Length, chunked
/// transfer coding, or the end of the connection; 1xx interim responses are skipped; responses to
/// HEAD and 204/304 have no body. Anything not valid (bare LF, obs-fold, bad field names, control
/// characters, conflicting or invalid Content-Length, Transfer-Encoding with Content-Length,
/// non-chunked transfer codings, bad chunk sizes, missing chunk CRLF, oversized head or body) is an
/// <see cref="ParseStatus.Error"/> with a message — never an exception.
/// </summary>
internal sealed class Http1ResponseParser
{
    /// <summary>Largest accepted response head (status line + header fields).</summary>
    public const int MaxHeadBytes = 64 * 1024;

    /// <summary>Largest accepted chunk-size line (with extensions).</summary>
    public const int MaxChunkLineBytes = 4 * 1024;

    private const int MaxCaptureBytes = 1024 * 1024;

    /// <summary>tchar (RFC 9110): the only bytes allowed in a field name.</summary>
    internal static readonly SearchValues<byte> TokenChars = SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Controls other than HTAB, and DEL: never allowed in field values or reason phrases.</summary>
    private static readonly SearchValues<byte> ForbiddenTextChars = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127]);
    private const int MaxReasonBytes = 64;

    private State _state;
    private long _remaining;
    private int _trailerBytes;
    private bool _headRequest;
    private bool _capture;
    private byte[] _reason = new byte[MaxReasonBytes];

    public Http1ResponseParser(long maxBodyBytes = 64L * 1024 * 1024) => MaxBodyBytes = maxBodyBytes;

    private enum State
    {
        Head,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        UntilClose,
        Done,
        Failed,
    }

    /// <summary>Largest accepted body (decoded length for chunked bodies).</summary>
    public long MaxBodyBytes { get; }

    /// <summary>Final status code (after any 1xx interim responses).</summary>
    public int Status { get; private set; }

    /// <summary>Minor version of the final response: 1 for HTTP/1.1, 0 for HTTP/1.0.</summary>
    public int MinorVersion { get; private set; }

    /// <summary>Whether the connection may carry another request after this response.</summary>
    public bool KeepAlive { get; private set; }

    /// <summary>Body bytes received (decoded: chunk framing excluded).</summary>
    public long BodyBytes { get; private set; }

    /// <summary>All bytes consumed for this response (head, framing and body).</summary>
    public long WireBytes { get; private set; }

    /// <summary>Why the parse failed (null unless <see cref="ParseStatus.Error"/>).</summary>
    public string? Error { get; private set; }

    /// <summary>Kind of the failure.</summary>
    public ParseErrorKind ErrorKind { get; private set; }

    /// <summary>Length of the stored reason phrase (at most 64 bytes are kept).</summary>
    public int ReasonLength { get; private set; }

    /// <summary>The reason phrase of the final response (truncated to 64 bytes).</summary>
    public ReadOnlySpan<byte> Reason => _reason.AsSpan(0, ReasonLength);

    /// <summary>Body bytes kept for content checks (up to 1 MiB) when capture was asked for.</summary>
    public byte[]? Captured { get; private set; }

    /// <summary>How many bytes of <see cref="Captured"/> are valid.</summary>
    public int CapturedLength { get; private set; }

    /// <summary>The <c>Server-Timing</c> metrics of the final response (head and trailers), parsed without allocating.</summary>
    public ServerTimingCapture ServerTiming { get; } = new();

    /// <summary>Whether the last response was parsed completely.</summary>
    public bool IsComplete => _state == State.Done;

    /// <summary>Prepare for the next response.</summary>
    /// <param name="headRequest">The request was HEAD: the response has no body whatever its headers say.</param>
    /// <param name="captureBody">Keep the first MiB of the body for a content check.</param>
    public void Reset(bool headRequest, bool captureBody)
    {
        _state = State.Head;
        _remaining = 0;
        _trailerBytes = 0;
        _headRequest = headRequest;
        _capture = captureBody;
        Status = 0;
        MinorVersion = 1;
        KeepAlive = false;
        BodyBytes = 0;
        WireBytes = 0;
        Error = null;
        ErrorKind = ParseErrorKind.None;
        ReasonLength = 0;
        CapturedLength = 0;
        ServerTiming.Clear();
    }

    /// <summary>
    /// Consume as much of <paramref name="data"/> as possible. <paramref name="consumed"/> bytes
    /// belong to this response; on <see cref="ParseStatus.Complete"/> any remaining bytes are not
    /// part of it.
    /// </summary>
    public ParseStatus Parse(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        while (true)
        {
            var rest = data[consumed..];
            switch (_state)
            {
                case State.Head:
                {
                    var end = rest.IndexOf("\r\n\r\n"u8);
                    if (end < 0)
                    {
                        if (rest.Length >= MaxHeadBytes)
                        {
                            return Fail(ParseErrorKind.TooLarge, "response head larger than 64 KiB");
                        }

                        if (HasBareLineFeed(rest))
                        {
                            return Fail(ParseErrorKind.Protocol, "line ended by a bare LF (CRLF required)");
                        }

                        if (rest.Length >= 5 && !rest.StartsWith("HTTP/"u8))
                        {
                            return Fail(ParseErrorKind.Protocol, "response does not start with an HTTP/1.x status line");
                        }

                        return Advance(ParseStatus.NeedMore, ref consumed, 0);
                    }

                    if (end + 4 > MaxHeadBytes)
                    {
                        return Fail(ParseErrorKind.TooLarge, "response head larger than 64 KiB");
                    }

                    var head = rest[..(end + 2)];
                    Advance(ParseStatus.NeedMore, ref consumed, end + 4);
                    if (!ParseHead(head))
                    {
                        return ParseStatus.Error;
                    }

                    if (_state == State.Done)
                    {
                        return ParseStatus.Complete;
                    }

                    continue;
                }

                case State.Body:
                {
                    if (rest.IsEmpty)
                    {
                        return ParseStatus.NeedMore;
                    }

                    if (TakeRemaining(rest, ref consumed))
                    {
                        _state = State.Done;
                        return ParseStatus.Complete;
                    }

                    continue;
                }

                case State.ChunkSize:
                {
                    var lineEnd = rest.IndexOf("\r\n"u8);
                    if (lineEnd < 0)
                    {
                        if (rest.Length >= MaxChunkLineBytes)
                        {
                            return Fail(ParseErrorKind.Protocol, "chunk-size line longer than 4 KiB");
                        }

                        if (HasBareLineFeed(rest))
                        {
                            return Fail(ParseErrorKind.Protocol, "chunk-size line ended by a bare LF");
                        }

                        return ParseStatus.NeedMore;
                    }

                    if (!ParseChunkSize(rest[..lineEnd], out var size))
                    {
                        return ParseStatus.Error;
                    }

                    Advance(ParseStatus.NeedMore, ref consumed, lineEnd + 2);
                    if (size == 0)
                    {
                        _state = State.Trailers;
                        continue;
                    }

                    if (BodyBytes + size > MaxBodyBytes)
                    {
                        return Fail(ParseErrorKind.TooLarge, $"response body larger than the limit of {MaxBodyBytes} bytes");
                    }

                    _remaining = size;
                    _state = State.ChunkData;
                    continue;
                }

                case State.ChunkData:
                {
                    if (rest.IsEmpty)
                    {
                        return ParseStatus.NeedMore;
                    }

                    if (TakeRemaining(rest, ref consumed))
                    {
                        _state = State.ChunkDataEnd;
                    }

                    continue;
                }

                case State.ChunkDataEnd:
                {
                    if (rest.Length < 2)
                    {
                        if (rest.Length == 1 && rest[0] != (byte)'\r')
                        {
                            return Fail(ParseErrorKind.Protocol, "chunk data not followed by CRLF");
                        }

                        return ParseStatus.NeedMore;
                    }

                    if (rest[0] != (byte)'\r' || rest[1] != (byte)'\n')
                    {
                        return Fail(ParseErrorKind.Protocol, "chunk data not followed by CRLF");
                    }

                    Advance(ParseStatus.NeedMore, ref consumed, 2);
                    _state = State.ChunkSize;
                    continue;
                }

                case State.Trailers:
                {
                    var lineEnd = rest.IndexOf("\r\n"u8);
                    if (lineEnd < 0)
                    {
                        if (_trailerBytes + rest.Length >= MaxHeadBytes)
                        {
                            return Fail(ParseErrorKind.TooLarge, "trailer section larger than 64 KiB");
                        }

                        if (HasBareLineFeed(rest))
                        {
                            return Fail(ParseErrorKind.Protocol, "trailer line ended by a bare LF");
                        }

                        return ParseStatus.NeedMore;
                    }

                    Advance(ParseStatus.NeedMore, ref consumed, lineEnd + 2);
                    if (lineEnd == 0)
                    {
                        _state = State.Done;
                        return ParseStatus.Complete;
                    }

                    _trailerBytes += lineEnd + 2;
                    if (_trailerBytes > MaxHeadBytes)
                    {
                        return Fail(ParseErrorKind.TooLarge, "trailer section larger than 64 KiB");
                    }

                    if (!ValidateFieldLine(rest[..lineEnd], out var trailerName, out var trailerValue))
                    {
                        return ParseStatus.Error;
                    }

                    if (IsServerTiming(trailerName))
                    {
                        ServerTiming.Add(trailerValue);
                    }

                    continue;
                }

                case State.UntilClose:
                {
                    if (BodyBytes + rest.Length > MaxBodyBytes)
                    {
                        return Fail(ParseErrorKind.TooLarge, $"response body larger than the limit of {MaxBodyBytes} bytes");
                    }

                    TakeBody(rest);
                    return Advance(ParseStatus.NeedMore, ref consumed, rest.Length);
                }

                case State.Done:
                    return ParseStatus.Complete;

                default:
                    return ParseStatus.Error;
            }
        }
    }

    /// <summary>The connection ended (EOF). Completes a body delimited by the close; otherwise the response is truncated.</summary>
    public ParseStatus Finish()
    {
        switch (_state)
        {
            case State.UntilClose:
                _state = State.Done;
                return ParseStatus.Complete;
            case State.Done:
                return ParseStatus.Complete;
            case State.Failed:
                return ParseStatus.Error;
            default:
                return Fail(
                    ParseErrorKind.Truncated,
                    WireBytes == 0 ? "connection closed before the response" : $"connection closed after {WireBytes} bytes of an incomplete response");
        }
    }

    private static bool IsServerTiming(ReadOnlySpan<byte> name) => name.Length == 13 && Ascii.EqualsIgnoreCase(name, "server-timing"u8);

    private static bool HasBareLineFeed(ReadOnlySpan<byte> data)
    {
        var i = data.IndexOf((byte)'\n');
        while (i >= 0)
        {
            if (i == 0 || data[i - 1] != (byte)'\r')
            {
                return true;
            }

            var next = data[(i + 1)..].IndexOf((byte)'\n');
            i = next < 0 ? -1 : i + 1 + next;
        }

        return false;
    }

    /// <summary>Field values and reason phrases: HTAB, SP, VCHAR, obs-text; no other controls.</summary>
    private static bool IsFieldText(ReadOnlySpan<byte> value) => value.IndexOfAny(ForbiddenTextChars) < 0;

    private static ReadOnlySpan<byte> TrimOws(ReadOnlySpan<byte> value)
    {
        var start = 0;
        var end = value.Length;
        while (start < end && value[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        while (end > start && value[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }

        return value[start..end];
    }

    private ParseStatus Advance(ParseStatus status, ref int consumed, int count)
    {
        consumed += count;
        WireBytes += count;
        return status;
    }

    private ParseStatus Fail(ParseErrorKind kind, string message)
    {
        _state = State.Failed;
        ErrorKind = kind;
        Error = message;
        return ParseStatus.Error;
    }

    /// <summary>Consume up to the remaining bytes of the current body part (Content-Length body or chunk); true when it is complete.</summary>
    private bool TakeRemaining(ReadOnlySpan<byte> rest, ref int consumed)
    {
        var take = (int)Math.Min(_remaining, rest.Length);
        TakeBody(rest[..take]);
        Advance(ParseStatus.NeedMore, ref consumed, take);
        _remaining -= take;
        return _remaining == 0;
    }

    private void TakeBody(ReadOnlySpan<byte> bytes)
    {
        BodyBytes += bytes.Length;
        if (!_capture || CapturedLength >= MaxCaptureBytes || bytes.IsEmpty)
        {
            return;
        }

        var take = Math.Min(bytes.Length, MaxCaptureBytes - CapturedLength);
        var buffer = Captured;
        if (buffer is null || buffer.Length < CapturedLength + take)
        {
            var grown = new byte[Math.Min(MaxCaptureBytes, Math.Max(4096, Math.Max((buffer?.Length ?? 0) * 2, CapturedLength + take)))];
            buffer?.AsSpan(0, CapturedLength).CopyTo(grown);
            Captured = buffer = grown;
        }

        bytes[..take].CopyTo(buffer.AsSpan(CapturedLength));
        CapturedLength += take;
    }

    /// <summary>Parse a complete head (every line CRLF-terminated, the empty line excluded).</summary>
    private bool ParseHead(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = head[..lineEnd];
        var fields = head[(lineEnd + 2)..];
        if (!ParseStatusLine(statusLine))
        {
            return false;
        }

        long contentLength = -1;
        var chunked = false;
        var transferEncoding = false;
        var close = false;
        var keepAliveToken = false;
        while (!fields.IsEmpty)
        {
            var end = fields.IndexOf("\r\n"u8);
            var line = fields[..end];
            fields = fields[(end + 2)..];
            if (!ValidateFieldLine(line, out var name, out var value))
            {
                return false;
            }

            if (name.Length == 14 && Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (value.IsEmpty || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0 || value.Length > 18
                    || !Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length)
                {
                    Fail(ParseErrorKind.Protocol, "invalid Content-Length");
                    return false;
                }

                if (contentLength >= 0 && contentLength != length)
                {
                    Fail(ParseErrorKind.Protocol, "conflicting Content-Length fields");
                    return false;
                }

                contentLength = length;
            }
            else if (name.Length == 17 && Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                transferEncoding = true;
                foreach (var range in value.Split((byte)','))
                {
                    var coding = TrimOws(value[range]);
                    if (coding.IsEmpty)
                    {
                        continue;
                    }

                    if (chunked)
                    {
                        Fail(ParseErrorKind.Protocol, "Transfer-Encoding: chunked is not the final coding");
                        return false;
                    }

                    chunked = Ascii.EqualsIgnoreCase(coding, "chunked"u8);
                }
            }
            else if (IsServerTiming(name))
            {
                ServerTiming.Add(value);
            }
            else if (name.Length == 10 && Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                foreach (var range in value.Split((byte)','))
                {
                    var option = TrimOws(value[range]);
                    close |= Ascii.EqualsIgnoreCase(option, "close"u8);
                    keepAliveToken |= Ascii.EqualsIgnoreCase(option, "keep-alive"u8);
                }
            }
        }

        if (Status < 200)
        {
            if (Status == 101)
            {
                Fail(ParseErrorKind.Protocol, "101 Switching Protocols is not supported");
                return false;
            }

            // 1xx interim response (100 Continue, 103 Early Hints, ...): the final response follows.
            Status = 0;
            ServerTiming.Clear();
            ReasonLength = 0;
            _state = State.Head;
            return true;
        }

        KeepAlive = MinorVersion == 1 ? !close : keepAliveToken && !close;
        if (transferEncoding && contentLength >= 0)
        {
            Fail(ParseErrorKind.Protocol, "both Transfer-Encoding and Content-Length (possible response smuggling)");
            return false;
        }

        if (_headRequest || Status == 204 || Status == 304)
        {
            _state = State.Done;
            return true;
        }

        if (transferEncoding)
        {
            if (!chunked)
            {
                Fail(ParseErrorKind.Protocol, "unsupported Transfer-Encoding (chunked must be the final coding)");
                return false;
            }

            if (MinorVersion == 0)
            {
                Fail(ParseErrorKind.Protocol, "Transfer-Encoding in an HTTP/1.0 response");
                return false;
            }

            _state = State.ChunkSize;
            return true;
        }

        if (contentLength >= 0)
        {
            if (contentLength > MaxBodyBytes)
            {
                Fail(ParseErrorKind.TooLarge, $"response body of {contentLength} bytes exceeds the limit of {MaxBodyBytes} bytes");
                return false;
            }

            _remaining = contentLength;
            _state = contentLength == 0 ? State.Done : State.Body;
            return true;
        }

        // No framing: the body runs until the server closes the connection.
        KeepAlive = false;
        _state = State.UntilClose;
        return true;
    }

    private bool ParseStatusLine(ReadOnlySpan<byte> line)
    {
        // HTTP-version SP 3DIGIT SP [reason]   (a missing SP before an empty reason is tolerated)
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || (line[7] != (byte)'1' && line[7] != (byte)'0') || line[8] != (byte)' ')
        {
            Fail(ParseErrorKind.Protocol, "invalid status line (expected 'HTTP/1.1 NNN reason')");
            return false;
        }

        var d0 = line[9] - '0';
        var d1 = line[10] - '0';
        var d2 = line[11] - '0';
        if ((uint)d0 > 9 || (uint)d1 > 9 || (uint)d2 > 9 || d0 < 1 || d0 > 5 || (line.Length > 12 && line[12] != (byte)' '))
        {
            Fail(ParseErrorKind.Protocol, "invalid status code in the status line");
            return false;
        }

        var reason = line.Length > 13 ? line[13..] : [];
        if (!IsFieldText(reason))
        {
            Fail(ParseErrorKind.Protocol, "control character in the reason phrase");
            return false;
        }

        MinorVersion = line[7] - '0';
        Status = (d0 * 100) + (d1 * 10) + d2;
        ReasonLength = Math.Min(reason.Length, MaxReasonBytes);
        reason[..ReasonLength].CopyTo(_reason);
        return true;
    }

    private bool ValidateFieldLine(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = default;
        value = default;
        if (line.IsEmpty || line[0] is (byte)' ' or (byte)'\t')
        {
            Fail(ParseErrorKind.Protocol, "obsolete line folding in a header field");
            return false;
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            Fail(ParseErrorKind.Protocol, "header line without a field name and ':'");
            return false;
        }

        name = line[..colon];
        if (name.IndexOfAnyExcept(TokenChars) >= 0)
        {
            Fail(ParseErrorKind.Protocol, "invalid character in a header field name");
            return false;
        }

        var raw = line[(colon + 1)..];
        if (!IsFieldText(raw))
        {
            Fail(ParseErrorKind.Protocol, "control character in a header field value");
            return false;
        }

        value = TrimOws(raw);
        return true;
    }

    private bool ParseChunkSize(ReadOnlySpan<byte> line, out long size)
    {
        size = 0;
        var i = 0;
        while (i < line.Length && HexValue(line[i]) >= 0)
        {
            if (i >= 15)
            {
                Fail(ParseErrorKind.Protocol, "chunk size too large");
                return false;
            }

            size = (size << 4) | (long)HexValue(line[i]);
            i++;
        }

        if (i == 0)
        {
            Fail(ParseErrorKind.Protocol, "invalid chunk size");
            return false;
        }

        var rest = line[i..];
        var trimmed = rest.TrimStart(" \t"u8);
        if (trimmed.IsEmpty && rest.IsEmpty)
        {
            return true;
        }

        if (trimmed.IsEmpty || trimmed[0] != (byte)';' || !IsFieldText(trimmed))
        {
            Fail(ParseErrorKind.Protocol, "invalid chunk size");
            return false;
        }

        return true;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
