using System.Net;
using System.Text;
using Loadlens.AspNetCore.Export;
using Loadlens.Evidence.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Loadlens.AspNetCore.Tests;

/// <summary>Off outside Development unless a key is set; the key guards the endpoints; parameter values never leave the app.</summary>
public sealed class SafetyTests
{
    [Fact]
    public async Task Outside_Development_without_a_key_the_profiler_is_off_its_endpoints_are_404_and_nothing_is_added()
    {
        await using var app = await ProfiledApp.StartAsync(environment: "Production");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var response = await http.GetAsync("api/chefs/1");
        response.EnsureSuccessStatusCode();
        response.Headers.Contains("Server-Timing").ShouldBeFalse();
        (await http.GetAsync("_loadlens/profile")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.GetAsync("_loadlens/metrics")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Forcing_it_on_outside_Development_without_a_key_is_refused_at_start_up()
    {
        var ex = await Should.ThrowAsync<InvalidOperationException>(async () =>
        {
            await using var app = await ProfiledApp.StartAsync(o => o.Enabled = true, environment: "Production");
        });
        ex.Message.ShouldContain("without a key");
    }

    [Fact]
    public async Task With_a_key_it_runs_outside_Development_and_its_endpoints_require_the_key_by_header_or_query()
    {
        const string key = "s3cret-profiler-key";
        await using var app = await ProfiledApp.StartAsync(o => o.Key = key, environment: "Production");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using (var served = await http.GetAsync("api/chefs/1"))
        {
            served.Headers.Contains("Server-Timing").ShouldBeTrue();
        }

        foreach (var path in new[] { "_loadlens/profile", "_loadlens/metrics" })
        {
            (await http.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await http.GetAsync(path + "?key=wrong")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await http.GetAsync(path + "?key=" + key[..^1])).StatusCode.ShouldBe(HttpStatusCode.Unauthorized); // a prefix is not the key
            using var wrong = new HttpRequestMessage(HttpMethod.Get, path);
            wrong.Headers.Add("X-Loadlens-Key", key + "x");
            (await http.SendAsync(wrong)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            using var right = new HttpRequestMessage(HttpMethod.Get, path);
            right.Headers.Add("X-Loadlens-Key", key);
            (await http.SendAsync(right)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await http.GetAsync(path + "?key=" + key)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var refused = await http.GetAsync("_loadlens/profile");
        (await refused.Content.ReadAsStringAsync()).ShouldBeEmpty(); // nothing about the app in a refusal
        using var profile = await ProfilerTests.ProfileAsync(http, key);
        ProfilerTests.Route(profile, "/api/chefs/{id:int}").GetProperty("requests").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task In_Development_without_a_key_the_endpoints_are_open()
    {
        await using var app = await ProfiledApp.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        (await http.GetAsync("_loadlens/metrics")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetAsync("_loadlens/nothing")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.PostAsync("_loadlens/profile", null)).StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task A_parameter_value_is_in_no_output_profile_metrics_Server_Timing_or_OTLP_payload()
    {
        const string secret = "jane.doe.secret@example.org";
        await using var capture = await OtlpCapture.StartAsync();
        await using var app = await ProfiledApp.StartAsync(o =>
        {
            o.OtlpEndpoint = capture.Endpoint;
            o.ExportInterval = TimeSpan.FromMilliseconds(50);
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var headers = new StringBuilder();
        foreach (var path in new[] { "api/bookings?email=" + Uri.EscapeDataString(secret), "ef/bookings?email=" + Uri.EscapeDataString(secret) })
        {
            using var response = path.StartsWith("ef/", StringComparison.Ordinal) ? await http.PostAsync(path, null) : await http.GetAsync(path);
            response.EnsureSuccessStatusCode();
            headers.AppendLine(string.Join("; ", response.Headers.Select(h => h.Key + ": " + string.Join(",", h.Value))));
        }

        var profile = await http.GetStringAsync("_loadlens/profile");
        var metrics = await http.GetStringAsync("_loadlens/metrics");
        var payload = await capture.WaitForSpansAsync(s => s.Attributes.GetValueOrDefault("db.query.text") is string t && t.StartsWith("INSERT", StringComparison.Ordinal));

        // the statements are there (the check below is not vacuous) …
        profile.ShouldContain("SELECT id, guests FROM bookings WHERE email = ?");
        metrics.ShouldContain("SELECT id, guests FROM bookings WHERE email = ?");
        payload.Spans.ShouldContain(s => (string?)s.Attributes.GetValueOrDefault("db.query.text") == "SELECT id, guests FROM bookings WHERE email = ?");
        headers.ToString().ShouldContain("Server-Timing");
        // … and the value is not, in any form
        foreach (var (name, text) in new[] { ("profile", profile), ("metrics", metrics), ("headers", headers.ToString()), ("otlp", payload.RawText) })
        {
            text.ShouldNotContain("jane.doe", Case.Insensitive, name);
            text.ShouldNotContain("example.org", Case.Insensitive, name);
        }
    }
}

/// <summary>A real HTTP server on 127.0.0.1:0 that keeps every OTLP body it receives and decodes it with the receiver's decoder.</summary>
internal sealed class OtlpCapture : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<byte[]> _bodies = [];

    private OtlpCapture(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<OtlpCapture> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var self = new OtlpCapture(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            request.ContentType.ShouldBe("application/x-protobuf");
            using var ms = new MemoryStream();
            await request.Body.CopyToAsync(ms);
            lock (self._bodies)
            {
                self._bodies.Add(ms.ToArray());
            }

            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self.Endpoint = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/v1/traces");
        return self;
    }

    /// <summary>The spans received so far, and every body as Latin-1 text (to search for bytes that must not be there).</summary>
    public (List<OtlpSpan> Spans, string RawText) Received()
    {
        lock (_bodies)
        {
            var spans = new List<OtlpSpan>();
            foreach (var b in _bodies)
            {
                spans.AddRange(OtlpTraceDecoder.DecodeProtobuf(b, out var rejected));
                rejected.ShouldBe(0);
            }

            return (spans, string.Concat(_bodies.Select(b => Encoding.Latin1.GetString(b))));
        }
    }

    public async Task<(List<OtlpSpan> Spans, string RawText)> WaitForSpansAsync(Func<OtlpSpan, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var r = Received();
            if (r.Spans.Any(until) || DateTime.UtcNow > deadline)
            {
                return r;
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
