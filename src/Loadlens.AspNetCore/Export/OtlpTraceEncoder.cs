using System.Diagnostics;
using Loadlens.AspNetCore.Profiling;

namespace Loadlens.AspNetCore.Export;

/// <summary>
/// Encodes finished requests as an OTLP <c>ExportTraceServiceRequest</c> (protobuf; field numbers from
/// opentelemetry-proto <c>collector/trace/v1</c>, <c>trace/v1/trace.proto</c>, <c>common/v1/common.proto</c>):
/// per request one SERVER span (name = route, <c>http.route</c>, <c>http.request.method</c>,
/// <c>http.response.status_code</c>, parent = the incoming span id) and one CLIENT span per database command
/// (<c>db.system</c>, <c>db.query.text</c> normalised), and one INTERNAL span <c>pool.wait</c> per connection open (the time
/// the provider took to hand out a connection: a bounded pool's wait). Nothing else of the request is sent.
/// </summary>
internal static class OtlpTraceEncoder
{
    /// <summary>The name of the span that times one connection open (the wait for a pooled connection).</summary>
    public const string PoolWaitSpanName = "pool.wait";

    private const int KindInternal = 1;
    private const int KindServer = 2;
    private const int KindClient = 3;
    private const int StatusError = 2;
    private const int SpanAttributes = 9;
    private const int ResourceAttributes = 1;

    public static byte[] Encode(IReadOnlyList<RequestProfile> requests, string serviceName)
    {
        var scope = new ProtoWriter();
        var inner = new Scratch();
        var name = new ProtoWriter();
        name.String(1, "Loadlens.AspNetCore");
        name.String(2, typeof(OtlpTraceEncoder).Assembly.GetName().Version?.ToString() ?? "0");
        scope.Message(1, name);
        Span<byte> traceId = stackalloc byte[16];
        Span<byte> spanId = stackalloc byte[8];
        Span<byte> parentId = stackalloc byte[8];
        Span<byte> childId = stackalloc byte[8];
        foreach (var r in requests)
        {
            Convert.FromHexString(r.TraceId, traceId, out _, out _);
            Convert.FromHexString(r.SpanId, spanId, out _, out _);
            var startNanos = UnixNanos(r.StartTime);
            var span = inner.Span;
            span.Clear();
            span.Bytes(1, traceId);
            span.Bytes(2, spanId);
            if (r.ParentSpanId is { } parent)
            {
                Convert.FromHexString(parent, parentId, out _, out _);
                span.Bytes(4, parentId);
            }

            span.String(5, r.Method + " " + r.Route);
            span.Varint(6, KindServer);
            span.Fixed64(7, startNanos);
            span.Fixed64(8, startNanos + TicksToNanos(r.DurationTicks));
            Attribute(span, SpanAttributes, inner, "http.route", r.Route);
            Attribute(span, SpanAttributes, inner, "http.request.method", r.Method);
            IntAttribute(span, inner, "http.response.status_code", r.StatusCode);
            if (r.StatusCode >= 500)
            {
                Status(span, inner, StatusError);
            }

            scope.Message(2, span);
            var i = 0;
            foreach (var c in r.Commands)
            {
                span.Clear();
                span.Bytes(1, traceId);
                ChildSpanId(spanId, ++i, childId);
                span.Bytes(2, childId);
                span.Bytes(4, spanId);
                span.String(5, c.System + " " + FirstWord(c.Statement));
                span.Varint(6, KindClient);
                var start = startNanos + TicksToNanos(c.StartTimestamp - r.StartTimestamp);
                span.Fixed64(7, start);
                span.Fixed64(8, start + TicksToNanos(c.DurationTicks));
                Attribute(span, SpanAttributes, inner, "db.system", c.System);
                Attribute(span, SpanAttributes, inner, "db.query.text", c.Statement);
                if (c.Failed)
                {
                    Status(span, inner, StatusError);
                }

                scope.Message(2, span);
            }

            foreach (var (waitStart, waitTicks) in r.ConnectionWaits)
            {
                span.Clear();
                span.Bytes(1, traceId);
                ChildSpanId(spanId, ++i, childId);
                span.Bytes(2, childId);
                span.Bytes(4, spanId);
                span.String(5, PoolWaitSpanName);
                span.Varint(6, KindInternal);
                var start = startNanos + TicksToNanos(waitStart - r.StartTimestamp);
                span.Fixed64(7, start);
                span.Fixed64(8, start + TicksToNanos(waitTicks));
                scope.Message(2, span);
            }
        }

        var resource = new ProtoWriter();
        Attribute(resource, ResourceAttributes, inner, "service.name", serviceName);
        var resourceSpans = new ProtoWriter();
        resourceSpans.Message(1, resource);
        resourceSpans.Message(2, scope);
        var request = new ProtoWriter();
        request.Message(1, resourceSpans);
        return request.WrittenSpan.ToArray();
    }

    /// <summary>A child span id derived from the server span's (unique within the trace: the last 2 bytes count the commands).</summary>
    private static void ChildSpanId(ReadOnlySpan<byte> server, int index, Span<byte> destination)
    {
        server.CopyTo(destination);
        destination[6] ^= (byte)(index >> 8 | 0x80);
        destination[7] ^= (byte)index;
    }

    private static string FirstWord(string statement)
    {
        var end = statement.IndexOf(' ', StringComparison.Ordinal);
        return end < 0 ? statement : statement[..end];
    }

    private static ulong UnixNanos(DateTimeOffset t) => (ulong)((t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);

    private static ulong TicksToNanos(long stopwatchTicks) => (ulong)Math.Max(0, (long)(stopwatchTicks * (1e9 / Stopwatch.Frequency)));

    private static void Attribute(ProtoWriter target, int field, Scratch s, string key, string value)
    {
        s.Value.Clear();
        s.Value.String(1, value);
        s.KeyValue.Clear();
        s.KeyValue.String(1, key);
        s.KeyValue.Message(2, s.Value);
        target.Message(field, s.KeyValue);
    }

    private static void IntAttribute(ProtoWriter target, Scratch s, string key, long value)
    {
        s.Value.Clear();
        s.Value.Varint(3, (ulong)value);
        s.KeyValue.Clear();
        s.KeyValue.String(1, key);
        s.KeyValue.Message(2, s.Value);
        target.Message(9, s.KeyValue);
    }

    private static void Status(ProtoWriter span, Scratch s, int code)
    {
        s.Value.Clear();
        s.Value.Varint(3, (ulong)code);
        span.Message(15, s.Value);
    }

    private sealed class Scratch
    {
        public ProtoWriter Span { get; } = new();

        public ProtoWriter KeyValue { get; } = new();

        public ProtoWriter Value { get; } = new();
    }
}
