using System.Net;
using System.Text.Json;
using Loadlens.Evidence.Otlp;

namespace Loadlens.AspNetCore.Tests;

/// <summary>The OTLP export: one SERVER span per request joined to the incoming traceparent, one CLIENT span per command.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task A_request_with_a_traceparent_is_exported_in_that_trace_as_a_server_span_with_one_client_span_per_command()
    {
        await using var capture = await OtlpCapture.StartAsync();
        await using var app = await ProfiledApp.StartAsync(o =>
        {
            o.OtlpEndpoint = capture.Endpoint;
            o.ExportInterval = TimeSpan.FromMilliseconds(50);
            o.ServiceName = "chefs-api";
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string parentId = "00f067aa0ba902b7";
        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/chefs"))
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{parentId}-01");
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
        }

        (await http.GetAsync("api/chefs/3")).EnsureSuccessStatusCode(); // no traceparent: a trace of its own
        var (spans, _) = await capture.WaitForSpansAsync(s => s.Route == "/api/chefs/{id:int}");

        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        var server = trace.Single(s => s.Kind == OtlpSpan.KindServer);
        server.ParentSpanId.ShouldBe(parentId);
        server.Name.ShouldBe("GET /api/chefs");
        server.Route.ShouldBe("/api/chefs");
        server.Attributes["http.request.method"].ShouldBe("GET");
        server.Attributes["http.response.status_code"].ShouldBe(200L);
        server.ServiceName.ShouldBe("chefs-api");
        var db = trace.Where(s => s.Kind == OtlpSpan.KindClient).ToList();
        db.Count.ShouldBe(1 + ProfiledApp.ChefsPerList);
        db.ShouldAllBe(s => s.ParentSpanId == server.SpanId && s.DbSystem == "sqlite");
        db.Select(s => s.SpanId).Distinct().Count().ShouldBe(db.Count);
        db.Count(s => s.DbStatement == "SELECT count(*) FROM bookings WHERE chef_id = ?").ShouldBe(ProfiledApp.ChefsPerList);
        // the commands lie inside the request, in order
        db.ShouldAllBe(s => s.StartUnixNano >= server.StartUnixNano && s.EndUnixNano <= server.EndUnixNano);
        db.OrderBy(s => s.StartUnixNano).First().DbStatement.ShouldBe("SELECT id, name FROM chefs ORDER BY id LIMIT ?");

        var other = spans.Single(s => s.Kind == OtlpSpan.KindServer && s.Route == "/api/chefs/{id:int}");
        other.TraceId.ShouldNotBe(traceId);
        other.TraceId.Length.ShouldBe(32);
        other.ParentSpanId.ShouldBeNull();

        using var profile = await ProfilerTests.ProfileAsync(http);
        var otlp = profile.RootElement.GetProperty("otlp");
        otlp.GetProperty("requestsExported").GetInt64().ShouldBeGreaterThanOrEqualTo(2);
        otlp.GetProperty("requestsDropped").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task An_unreachable_endpoint_drops_and_counts_and_the_app_keeps_serving()
    {
        var port = FreePort(); // nothing listens there
        await using var app = await ProfiledApp.StartAsync(o =>
        {
            o.OtlpEndpoint = new Uri($"http://127.0.0.1:{port}/v1/traces");
            o.ExportInterval = TimeSpan.FromMilliseconds(20);
            o.ExportQueueCapacity = 2;
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        for (var i = 0; i < 20; i++)
        {
            (await http.GetAsync("plain")).EnsureSuccessStatusCode();
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement otlp;
        while (true)
        {
            using var profile = await ProfilerTests.ProfileAsync(http);
            otlp = profile.RootElement.GetProperty("otlp").Clone();
            if (otlp.GetProperty("requestsDropped").GetInt64() == 20 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(50);
        }

        otlp.GetProperty("requestsDropped").GetInt64().ShouldBe(20);
        otlp.GetProperty("requestsExported").GetInt64().ShouldBe(0);
        otlp.GetProperty("batchesFailed").GetInt64().ShouldBeGreaterThan(0);
        var metrics = await http.GetStringAsync("_loadlens/metrics");
        metrics.ShouldContain("loadlens_otlp_requests_dropped_total 20\n");
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
