using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Loadlens.Engine.Http;

namespace Loadlens.Engine.Transport;

/// <summary>
/// An endpoint's HTTP/1.1 request encoded once: a request without placeholders is one byte array
/// sent as is; a request with <c>{{feeder}}</c> placeholders is a list of pre-encoded literal
/// segments with the variable parts (path values percent-encoded, header values checked for line
/// breaks, body values and the resulting Content-Length) patched in per request, without
/// allocating. With trace context on, a <c>traceparent</c> segment gets each request's ids the same way (the request
/// is then never static).
/// </summary>
internal sealed class Http1RequestEncoder
{
    private static readonly SearchValues<byte> PathUnsafe = SearchValues.Create(
        [.. Enumerable.Range(0, 0x21).Select(b => (byte)b), .. Enumerable.Range(0x7F, 0x81).Select(b => (byte)b), .. "\"<>\\^`{|}#"u8.ToArray()]);

    private readonly Segment[] _segments;

    public Http1RequestEncoder(RequestTemplate template, bool traceContext = false)
    {
        Method = template.Method.Method;
        IsHead = Method == "HEAD";
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        var bodyStart = -1;

        void Flush()
        {
            if (literal.Length > 0)
            {
                segments.Add(new Segment(SegmentKind.Literal, Encoding.UTF8.GetBytes(literal.ToString()), -1));
                literal.Clear();
            }
        }

        void AddTemplate(TextTemplate text, SegmentKind kind)
        {
            for (var i = 0; i < text.Feeders.Count; i++)
            {
                literal.Append(kind == SegmentKind.PathValue ? EscapePath(text.Literals[i]) : text.Literals[i]);
                Flush();
                segments.Add(new Segment(kind, null, text.Feeders[i]));
            }

            literal.Append(kind == SegmentKind.PathValue ? EscapePath(text.Literals[^1]) : text.Literals[^1]);
        }

        var basePath = template.BaseUri.AbsolutePath.TrimEnd('/');
        literal.Append(Method).Append(' ').Append(basePath);
        AddTemplate(template.PathTemplate, SegmentKind.PathValue);
        literal.Append(" HTTP/1.1\r\n");
        var userHost = template.HeaderTemplates.Any(h => h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase));
        if (!userHost)
        {
            var uri = template.BaseUri;
            literal.Append("Host: ").Append(uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}").Append("\r\n");
        }

        if (traceContext && !template.HeaderTemplates.Any(h => h.Name.Equals("traceparent", StringComparison.OrdinalIgnoreCase)))
        {
            literal.Append("traceparent: ");
            Flush();
            segments.Add(new Segment(SegmentKind.TraceParent, null, -1));
            literal.Append("\r\n");
        }

        foreach (var (name, value) in template.HeaderTemplates)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue; // framing is ours
            }

            if (value.IsStatic && value.Text.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new FormatException($"header '{name}' value contains a line break");
            }

            literal.Append(name).Append(": ");
            AddTemplate(value, SegmentKind.HeaderValue);
            literal.Append("\r\n");
        }

        if (template.BodyTemplate is { } body)
        {
            literal.Append("Content-Type: ").Append(template.ContentType).Append("\r\nContent-Length: ");
            if (body.IsStatic)
            {
                literal.Append(Encoding.UTF8.GetByteCount(body.Text)).Append("\r\n\r\n").Append(body.Text);
            }
            else
            {
                Flush();
                segments.Add(new Segment(SegmentKind.ContentLength, null, -1));
                literal.Append("\r\n\r\n");
                Flush(); // the blank line is not part of the body: the body (and its length) starts after it
                bodyStart = segments.Count;
                AddTemplate(body, SegmentKind.BodyValue);
            }
        }
        else
        {
            if (Method is "POST" or "PUT" or "PATCH")
            {
                literal.Append("Content-Length: 0\r\n");
            }

            literal.Append("\r\n");
        }

        Flush();
        _segments = [.. segments];
        StaticBytes = _segments.Length == 1 && _segments[0].Kind == SegmentKind.Literal ? _segments[0].Literal : null;
        _bodyStart = bodyStart < 0 ? _segments.Length : bodyStart;
    }

    private readonly int _bodyStart;

    private enum SegmentKind
    {
        Literal,
        PathValue,
        HeaderValue,
        BodyValue,
        ContentLength,
        TraceParent,
    }

    public string Method { get; }

    public bool IsHead { get; }

    /// <summary>The whole request when it has no placeholders (sent without copying); null otherwise.</summary>
    public byte[]? StaticBytes { get; }

    /// <summary>
    /// Render a request with placeholders into <paramref name="buffer"/> (grown when needed) and
    /// return its length. Throws <see cref="FormatException"/> when a header value would contain a
    /// line break (no header injection from feeder data).
    /// </summary>
    public int Render(string?[] values, ref byte[] buffer) => Render(values, ref buffer, default);

    /// <summary><see cref="Render(string?[], ref byte[])"/> with the request's trace ids patched into its <c>traceparent</c>.</summary>
    public int Render(string?[] values, ref byte[] buffer, in TraceStamp trace)
    {
        var bodyLength = 0;
        for (var i = _bodyStart; i < _segments.Length; i++)
        {
            var s = _segments[i];
            bodyLength += s.Kind == SegmentKind.Literal ? s.Literal!.Length : Encoding.UTF8.GetByteCount(values[s.Feeder] ?? string.Empty);
        }

        var at = 0;
        foreach (var s in _segments)
        {
            switch (s.Kind)
            {
                case SegmentKind.Literal:
                    Ensure(ref buffer, at + s.Literal!.Length);
                    s.Literal.CopyTo(buffer, at);
                    at += s.Literal.Length;
                    break;
                case SegmentKind.ContentLength:
                    Ensure(ref buffer, at + 11);
                    Utf8Formatter.TryFormat(bodyLength, buffer.AsSpan(at), out var written);
                    at += written;
                    break;
                case SegmentKind.HeaderValue:
                {
                    var text = values[s.Feeder] ?? string.Empty;
                    if (text.AsSpan().IndexOfAny('\r', '\n') >= 0)
                    {
                        throw new FormatException("a header value contains a line break");
                    }

                    at = WriteUtf8(text, ref buffer, at);
                    break;
                }

                case SegmentKind.TraceParent:
                    Ensure(ref buffer, at + Core.Tracing.LoadlensTraceId.TraceParentLength);
                    Core.Tracing.LoadlensTraceId.WriteTraceParent(buffer.AsSpan(at), trace.RunTag, trace.Endpoint, trace.SendMicros, trace.Random);
                    at += Core.Tracing.LoadlensTraceId.TraceParentLength;
                    break;
                case SegmentKind.BodyValue:
                    at = WriteUtf8(values[s.Feeder] ?? string.Empty, ref buffer, at);
                    break;
                case SegmentKind.PathValue:
                {
                    var start = at;
                    at = WriteUtf8(values[s.Feeder] ?? string.Empty, ref buffer, at);
                    at = EscapeInPlace(ref buffer, start, at);
                    break;
                }
            }
        }

        return at;
    }

    private static int WriteUtf8(string text, ref byte[] buffer, int at)
    {
        Ensure(ref buffer, at + Encoding.UTF8.GetMaxByteCount(text.Length));
        return at + Encoding.UTF8.GetBytes(text, buffer.AsSpan(at));
    }

    /// <summary>Percent-encode the bytes in [start, end) that may not appear in a request target.</summary>
    private static int EscapeInPlace(ref byte[] buffer, int start, int end)
    {
        var unsafeCount = 0;
        var span = buffer.AsSpan(start, end - start);
        var next = span.IndexOfAny(PathUnsafe);
        if (next < 0)
        {
            return end;
        }

        foreach (var b in span)
        {
            if (PathUnsafe.Contains(b))
            {
                unsafeCount++;
            }
        }

        var newEnd = end + (2 * unsafeCount);
        Ensure(ref buffer, newEnd);
        var write = newEnd;
        for (var read = end - 1; read >= start; read--)
        {
            var b = buffer[read];
            if (PathUnsafe.Contains(b))
            {
                buffer[--write] = (byte)"0123456789ABCDEF"[b & 0xF];
                buffer[--write] = (byte)"0123456789ABCDEF"[b >> 4];
                buffer[--write] = (byte)'%';
            }
            else
            {
                buffer[--write] = b;
            }
        }

        return newEnd;
    }

    private static string EscapePath(string literal)
    {
        var bytes = Encoding.UTF8.GetBytes(literal);
        var buffer = bytes;
        var end = EscapeInPlace(ref buffer, 0, bytes.Length);
        return Encoding.ASCII.GetString(buffer, 0, end);
    }

    private static void Ensure(ref byte[] buffer, int size)
    {
        if (buffer.Length < size)
        {
            Array.Resize(ref buffer, Math.Max(size, buffer.Length * 2));
        }
    }

    private readonly record struct Segment(SegmentKind Kind, byte[]? Literal, int Feeder);
}
