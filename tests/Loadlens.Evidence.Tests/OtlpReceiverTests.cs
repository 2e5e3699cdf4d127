using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using FsCheck.Xunit;
using Loadlens.Evidence.Otlp;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Loadlens.Evidence.Tests;

/// <summary>The OTLP/HTTP receiver against the real OpenTelemetry .NET SDK exporter, OTLP/JSON per the specification, and bad input.</summary>
public sealed class OtlpReceiverTests
{
    private static async Task<(OtlpReceiver Receiver, ConcurrentQueue<OtlpSpan> Spans)> StartAsync()
    {
        var spans = new ConcurrentQueue<OtlpSpan>();
        var receiver = await OtlpReceiver.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), batch =>
        {
            foreach (var s in batch)
            {
                spans.Enqueue(s);
            }
        });
        return (receiver, spans);
    }

    [Fact]
    public async Task Spans_from_the_real_OpenTelemetry_SDK_exporter_arrive_with_their_ids_parents_kinds_and_attributes()
    {
        var (receiver, spans) = await StartAsync();
        await using var _ = receiver;
        using var source = new ActivitySource("loadlens.evidence.tests." + Guid.NewGuid().ToString("N"));
        var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("orders-api"))
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri($"http://127.0.0.1:{receiver.EndPoint.Port}/v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build();

        // The server span continues the load generator's trace (traceparent), as an instrumented app does.
        var parent = ActivityContext.Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
        string serverSpanId, dbSpanId;
        var before = DateTimeOffset.UtcNow;
        using (var server = source.StartActivity("GET /api/chefs", ActivityKind.Server, parent)!)
        {
            server.SetTag("http.route", "/api/chefs");
            server.SetTag("http.response.status_code", 200);
            serverSpanId = server.SpanId.ToHexString();
            using (var db = source.StartActivity("SELECT chefs", ActivityKind.Client)!)
            {
                db.SetTag("db.system", "sqlite");
                db.SetTag("db.statement", "SELECT * FROM chefs WHERE cuisine_type = ?");
                db.SetTag("db.rows", 3.5);
                dbSpanId = db.SpanId.ToHexString();
            }
        }

        provider.Dispose(); // flushes
        spans.Count.ShouldBe(2);
        var list = spans.ToList();
        var serverSpan = list.Single(s => s.Kind == OtlpSpan.KindServer);
        var dbSpan = list.Single(s => s.Kind == OtlpSpan.KindClient);
        serverSpan.TraceId.ShouldBe("4bf92f3577b34da6a3ce929d0e0e4736");
        serverSpan.SpanId.ShouldBe(serverSpanId);
        serverSpan.ParentSpanId.ShouldBe("00f067aa0ba902b7"); // the generator's span id: the join key
        serverSpan.Route.ShouldBe("/api/chefs");
        serverSpan.Attributes["http.response.status_code"].ShouldBe(200L);
        serverSpan.ServiceName.ShouldBe("orders-api");
        serverSpan.Name.ShouldBe("GET /api/chefs");
        dbSpan.TraceId.ShouldBe(serverSpan.TraceId);
        dbSpan.SpanId.ShouldBe(dbSpanId);
        dbSpan.ParentSpanId.ShouldBe(serverSpanId);
        dbSpan.DbSystem.ShouldBe("sqlite"); // the older attribute names are read too
        dbSpan.DbStatement.ShouldBe("SELECT * FROM chefs WHERE cuisine_type = ?");
        dbSpan.Attributes["db.rows"].ShouldBe(3.5);
        var start = DateTimeOffset.FromUnixTimeMilliseconds((long)(serverSpan.StartUnixNano / 1_000_000));
        (start - before).Duration().ShouldBeLessThan(TimeSpan.FromSeconds(5));
        serverSpan.EndUnixNano.ShouldBeGreaterThanOrEqualTo(dbSpan.EndUnixNano);
        receiver.Spans.ShouldBe(2);
        receiver.BadRequests.ShouldBe(0);
    }

    private const string JsonBody = """
        {
          "resourceSpans": [{
            "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "express-shop" } }] },
            "scopeSpans": [{
              "scope": { "name": "@opentelemetry/instrumentation-http" },
              "spans": [
                { "traceId": "5B8EFFF798038103D269B633813FC60C", "spanId": "EEE19B7EC3C1B174", "parentSpanId": "EEE19B7EC3C1B173",
                  "name": "GET /api/orders", "kind": 2, "startTimeUnixNano": "1544712660000000000", "endTimeUnixNano": 1544712661000000000,
                  "attributes": [
                    { "key": "http.route", "value": { "stringValue": "/api/orders" } },
                    { "key": "http.status_code", "value": { "intValue": "200" } },
                    { "key": "tags", "value": { "arrayValue": { "values": [{ "stringValue": "a" }, { "intValue": 2 }] } } }
                  ],
                  "status": { "code": "STATUS_CODE_OK" }, "unknownField": { "ignored": true } },
                { "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b175", "parentSpanId": "eee19b7ec3c1b174",
                  "name": "pg.query", "kind": "SPAN_KIND_CLIENT", "startTimeUnixNano": "1544712660100000000", "endTimeUnixNano": "1544712660150000000",
                  "attributes": [
                    { "key": "db.system.name", "value": { "stringValue": "postgresql" } },
                    { "key": "db.query.text", "value": { "stringValue": "SELECT * FROM orders WHERE id = $1" } }
                  ] },
                { "traceId": "00000000000000000000000000000000", "spanId": "eee19b7ec3c1b176", "name": "invalid" }
              ]
            }]
          }]
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Otlp_json_with_hex_ids_string_integers_and_enum_names_is_decoded_plain_or_gzip(bool gzip)
    {
        var (receiver, spans) = await StartAsync();
        await using var _ = receiver;
        using var client = new HttpClient();
        var bytes = Encoding.UTF8.GetBytes(JsonBody);
        if (gzip)
        {
            using var compressed = new MemoryStream();
            await using (var z = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                await z.WriteAsync(bytes);
            }

            bytes = compressed.ToArray();
        }

        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        using var response = await client.PostAsync(new Uri($"http://127.0.0.1:{receiver.EndPoint.Port}/v1/traces"), content);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("{}");
        var list = spans.ToList();
        list.Count.ShouldBe(2);
        receiver.Rejected.ShouldBe(1); // the all-zero trace id
        var server = list[0];
        server.TraceId.ShouldBe("5b8efff798038103d269b633813fc60c"); // hex, lower-cased
        server.ParentSpanId.ShouldBe("eee19b7ec3c1b173");
        server.Kind.ShouldBe(OtlpSpan.KindServer);
        server.StartUnixNano.ShouldBe(1544712660000000000UL);
        server.EndUnixNano.ShouldBe(1544712661000000000UL);
        server.DurationMs.ShouldBe(1000);
        server.StatusCode.ShouldBe(1);
        server.Text("http.response.status_code", "http.status_code").ShouldBe("200");
        server.Attributes["tags"].ShouldBe("a,2");
        server.ServiceName.ShouldBe("express-shop");
        var db = list[1];
        db.Kind.ShouldBe(OtlpSpan.KindClient);
        db.DbSystem.ShouldBe("postgresql");
        db.DbStatement.ShouldBe("SELECT * FROM orders WHERE id = $1");
        db.DurationMs.ShouldBe(50);
    }

    [Theory]
    [InlineData("application/x-protobuf", new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, HttpStatusCode.BadRequest)] // a length past the end
    [InlineData("application/x-protobuf", new byte[] { 0x08 }, HttpStatusCode.BadRequest)] // truncated varint
    [InlineData("application/json", new byte[] { (byte)'[', (byte)']' }, HttpStatusCode.BadRequest)]
    [InlineData("application/json", new byte[] { (byte)'{', (byte)'"' }, HttpStatusCode.BadRequest)]
    [InlineData("text/plain", new byte[] { (byte)'h', (byte)'i' }, HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/x-protobuf", new byte[0], HttpStatusCode.OK)] // an empty request is valid
    public async Task Bad_bodies_get_a_client_error_and_the_receiver_keeps_serving(string type, byte[] body, HttpStatusCode expected)
    {
        var (receiver, spans) = await StartAsync();
        await using var _ = receiver;
        using var client = new HttpClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
        using var response = await client.PostAsync(new Uri($"http://127.0.0.1:{receiver.EndPoint.Port}/v1/traces"), content);
        response.StatusCode.ShouldBe(expected);
        spans.ShouldBeEmpty();

        using var ok = new StringContent(JsonBody, Encoding.UTF8, "application/json");
        (await client.PostAsync(new Uri($"http://127.0.0.1:{receiver.EndPoint.Port}/v1/traces"), ok)).StatusCode.ShouldBe(HttpStatusCode.OK);
        spans.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_corrupt_gzip_body_is_a_bad_request()
    {
        var (receiver, _) = await StartAsync();
        await using var r = receiver;
        using var client = new HttpClient();
        using var content = new ByteArrayContent([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff]); // a deflate block of the reserved type
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await client.PostAsync(new Uri($"http://127.0.0.1:{receiver.EndPoint.Port}/v1/traces"), content);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        receiver.BadRequests.ShouldBe(1);
    }

    [Fact]
    public async Task It_listens_on_loopback_only_unless_allowed()
    {
        var ex = await Should.ThrowAsync<ArgumentException>(() => OtlpReceiver.StartAsync(new IPEndPoint(IPAddress.Any, 0), _ => { }));
        ex.Message.ShouldContain("loopback");
    }

    [Property(MaxTest = 2000)]
    public void Random_protobuf_bytes_decode_or_fail_with_a_format_error_only(byte[] body)
    {
        try
        {
            OtlpTraceDecoder.DecodeProtobuf(body, out _);
        }
        catch (FormatException)
        {
        }
    }

    [Property(MaxTest = 500)]
    public void Mutated_json_decodes_or_fails_with_a_format_error_only(int position, byte value)
    {
        var bytes = Encoding.UTF8.GetBytes(JsonBody);
        bytes[Math.Abs(position % bytes.Length)] = value;
        try
        {
            OtlpTraceDecoder.DecodeJson(bytes, out _);
        }
        catch (FormatException)
        {
        }
    }
}
