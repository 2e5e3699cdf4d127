using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Loadlens.Engine.Transport;

namespace Loadlens.Engine.Tests.Transport;

public sealed class Http1ResponseParserTests
{
    public static readonly TheoryData<string, int, long, bool, string> Valid = new()
    {
        // raw response, status, body bytes, keep-alive, body
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, 5, true, "hello" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, 0, true, "" },
        { "HTTP/1.1 404 Not Found\r\nServer: x\r\ncontent-length:   3  \r\n\r\nnop", 404, 3, true, "nop" },
        { "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok", 200, 2, true, "ok" },
        { "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok", 200, 2, true, "ok" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", 200, 2, true, "ok" },
        { "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", 200, 2, false, "ok" },
        { "HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\nContent-Length: 2\r\n\r\nok", 200, 2, false, "ok" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 200, 11, true, "hello world" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\nA;name=value\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n", 200, 10, true, "0123456789" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200, 0, true, "" },
        { "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx", 201, 1, true, "x" },
        { "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", 204, 0, true, "" },
        { "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 304, 0, true, "" },
        { "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, 2, false, "ok" },
        { "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", 200, 2, true, "ok" },
        { "HTTP/1.1 500 Internal Server Error\r\nX: \xe9t\xe9\r\nContent-Length: 4\r\n\r\nboom", 500, 4, true, "boom" },
    };

    public static readonly TheoryData<string, string> Invalid = new()
    {
        { "HTTP/1.1 200 OK\nContent-Length: 0\n\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n\r\n", "Protocol" },
        { "HTTP/2.0 200 OK\r\n\r\n", "Protocol" },
        { "ICY 200 OK\r\n\r\n", "Protocol" },
        { "HTTP/1.1 20 OK\r\n\r\n", "Protocol" },
        { "HTTP/1.1 2000 OK\r\n\r\n", "Protocol" },
        { "HTTP/1.1 600 Odd\r\n\r\n", "Protocol" },
        { "HTTP/1.1 099 Odd\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 O\x01K\r\n\r\n", "Protocol" },
        { "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok", "Protocol" },
        { "HTTP/1.1 200 OK\r\n Folded: x\r\nContent-Length: 2\r\n\r\nok", "Protocol" },
        { "HTTP/1.1 200 OK\r\nX-A: a\r\n\tfolded\r\nContent-Length: 2\r\n\r\nok", "Protocol" },
        { "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\n: empty-name\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nX-Bad: a\u0000b\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nX-Bad: a\rb\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok", "Protocol" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", "Protocol" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx", "Protocol" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1234567890abcdef0\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", "Protocol" },
        { "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "Protocol" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n", "TooLarge" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n", "TooLarge" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void ValidResponse_ParsesWholeAndSplitAtEveryByteBoundary(string raw, int status, long bodyBytes, bool keepAlive, string body)
    {
        var bytes = Encoding.Latin1.GetBytes(raw);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var outcome = Run(bytes, [split]);
            outcome.Status.ShouldBe(ParseStatus.Complete, $"split at {split}: {outcome.Error}");
            outcome.Code.ShouldBe(status);
            outcome.BodyBytes.ShouldBe(bodyBytes);
            outcome.KeepAlive.ShouldBe(keepAlive);
            outcome.Body.ShouldBe(body);
            outcome.Leftover.ShouldBe(0);
        }

        var byteByByte = Run(bytes, Enumerable.Range(1, bytes.Length).ToArray());
        byteByByte.Status.ShouldBe(ParseStatus.Complete);
        byteByByte.Body.ShouldBe(body);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidResponse_IsAnErrorOfTheRightKind_WhereverItIsSplit(string raw, string kindName)
    {
        var kind = Enum.Parse<ParseErrorKind>(kindName);
        var bytes = Encoding.Latin1.GetBytes(raw);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var outcome = Run(bytes, [split], maxBody: 1000);
            outcome.Status.ShouldBe(ParseStatus.Error, $"split at {split}");
            outcome.Kind.ShouldBe(kind, $"split at {split}: {outcome.Error}");
            outcome.Error.ShouldNotBeNullOrWhiteSpace();
        }

        Run(bytes, Enumerable.Range(1, bytes.Length).ToArray(), maxBody: 1000).Kind.ShouldBe(kind);
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void EveryTruncation_OfAFramedResponse_IsATruncatedErrorNeverASuccess(string raw, int status, long bodyBytes, bool keepAlive, string body)
    {
        _ = (status, bodyBytes, keepAlive, body);
        var bytes = Encoding.Latin1.GetBytes(raw);
        for (var length = 0; length < bytes.Length; length++)
        {
            var outcome = Run(bytes.AsSpan(0, length).ToArray(), [], eof: true);
            outcome.Status.ShouldBe(ParseStatus.Error, $"prefix of {length} bytes");
            outcome.Kind.ShouldBe(ParseErrorKind.Truncated);
        }
    }

    [Fact]
    public void BodyUntilClose_CompletesAtEndOfConnection()
    {
        var bytes = "HTTP/1.1 200 OK\r\nServer: old\r\n\r\nstreamed body"u8.ToArray();
        var open = Run(bytes, []);
        open.Status.ShouldBe(ParseStatus.NeedMore);
        var closed = Run(bytes, [], eof: true);
        closed.Status.ShouldBe(ParseStatus.Complete);
        closed.Body.ShouldBe("streamed body");
        closed.KeepAlive.ShouldBeFalse();
    }

    [Fact]
    public void HeadRequest_HasNoBodyWhateverContentLengthSays()
    {
        var outcome = Run("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"u8.ToArray(), [], head: true);
        outcome.Status.ShouldBe(ParseStatus.Complete);
        outcome.BodyBytes.ShouldBe(0);
    }

    [Fact]
    public void BytesAfterTheResponse_AreLeftUnconsumed()
    {
        var outcome = Run("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"u8.ToArray(), []);
        outcome.Status.ShouldBe(ParseStatus.Complete);
        outcome.Leftover.ShouldBe(5);
    }

    [Fact]
    public void OversizedHead_IsTooLarge()
    {
        var raw = "HTTP/1.1 200 OK\r\nX-Big: " + new string('a', Http1ResponseParser.MaxHeadBytes) + "\r\n\r\n";
        Run(Encoding.ASCII.GetBytes(raw), [1000, 30000]).Kind.ShouldBe(ParseErrorKind.TooLarge);
    }

    [Fact]
    public void ParserIsReusable_AcrossResponses()
    {
        var parser = new Http1ResponseParser();
        for (var i = 0; i < 3; i++)
        {
            parser.Reset(headRequest: false, captureBody: true);
            parser.Parse("HTTP/1.1 503 Busy\r\nContent-Length: 1\r\n\r\nx"u8, out var used).ShouldBe(ParseStatus.Complete);
            used.ShouldBe(41);
            parser.Status.ShouldBe(503);
            Encoding.ASCII.GetString(parser.Reason).ShouldBe("Busy");
            parser.CapturedLength.ShouldBe(1);
        }
    }

    [Property(MaxTest = 2000)]
    public bool RandomBytes_NeverThrow_AndNeverClaimMoreThanGiven(byte[] data, PositiveInt cut)
    {
        var split = data.Length == 0 ? 0 : cut.Get % (data.Length + 1);
        var outcome = Run(data, [split], eof: true);
        return outcome.Status is ParseStatus.Error or ParseStatus.Complete && outcome.Leftover >= 0 && outcome.Leftover <= data.Length;
    }

    [Property(MaxTest = 2000)]
    public bool RandomBytes_AfterAValidHead_NeverThrow(byte[] tail, bool chunked)
    {
        var head = chunked ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray() : "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"u8.ToArray();
        var outcome = Run([.. head, .. tail], [head.Length], eof: true);
        return outcome.Status is ParseStatus.Error or ParseStatus.Complete;
    }

    [Property(MaxTest = 2000)]
    public bool MutatedValidResponse_NeverThrows(PositiveInt which, PositiveInt position, byte value)
    {
        var sample = (string)Valid.ElementAt(which.Get % Valid.Count)[0];
        var bytes = Encoding.Latin1.GetBytes(sample);
        bytes[position.Get % bytes.Length] = value;
        var outcome = Run(bytes, [position.Get % bytes.Length], eof: true);
        return outcome.Status is ParseStatus.Error or ParseStatus.Complete;
    }

    [Property(MaxTest = 500)]
    public Property RandomChunkedBody_RandomlySplit_RoundTrips()
    {
        var gen =
            from body in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
            from chunkSizes in Gen.ArrayOf(Gen.Choose(1, 40))
            from cuts in Gen.ArrayOf(Gen.Choose(0, 400))
            select (body, chunkSizes, cuts);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (body, chunkSizes, cuts) = t;
            var wire = new List<byte>("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray());
            var at = 0;
            var k = 0;
            while (at < body.Length)
            {
                var size = Math.Min(body.Length - at, chunkSizes.Length == 0 ? 7 : chunkSizes[k++ % chunkSizes.Length]);
                wire.AddRange(Encoding.ASCII.GetBytes(size.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n"));
                wire.AddRange(body.AsSpan(at, size).ToArray());
                wire.AddRange("\r\n"u8.ToArray());
                at += size;
            }

            wire.AddRange("0\r\n\r\n"u8.ToArray());
            var outcome = Run([.. wire], [.. cuts.Select(c => c % (wire.Count + 1)).Order()], capture: true);
            return outcome.Status == ParseStatus.Complete && outcome.BodyBytes == body.Length && outcome.RawBody.AsSpan().SequenceEqual(body);
        });
    }

    private sealed record Outcome(ParseStatus Status, ParseErrorKind Kind, string? Error, int Code, long BodyBytes, bool KeepAlive, string Body, byte[] RawBody, int Leftover);

    /// <summary>
    /// Feed <paramref name="bytes"/> the way the connection does: pieces cut at <paramref name="cuts"/>
    /// arrive one after another, unconsumed bytes stay in the buffer and new ones are appended.
    /// </summary>
    private static Outcome Run(byte[] bytes, int[] cuts, bool eof = false, bool head = false, long maxBody = 1 << 20, bool capture = true)
    {
        var parser = new Http1ResponseParser(maxBody);
        parser.Reset(head, capture);
        var pending = new List<byte>();
        var offset = 0;
        var status = ParseStatus.NeedMore;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            var end = Math.Clamp(cut, offset, bytes.Length);
            pending.AddRange(bytes.AsSpan(offset, end - offset).ToArray());
            offset = end;
            var span = pending.ToArray();
            status = parser.Parse(span, out var used);
            used.ShouldBeInRange(0, span.Length);
            pending.RemoveRange(0, used);
            if (status != ParseStatus.NeedMore)
            {
                break;
            }
        }

        if (status == ParseStatus.NeedMore && eof)
        {
            status = parser.Finish();
        }

        var raw = parser.Captured.AsSpan(0, parser.CapturedLength).ToArray();
        return new Outcome(status, parser.ErrorKind, parser.Error, parser.Status, parser.BodyBytes, parser.KeepAlive, Encoding.Latin1.GetString(raw), raw, pending.Count);
    }
}
