using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Loadlens.TestUtils;

/// <summary>A real Kestrel server on 127.0.0.1, port 0, with endpoints of known behaviour.</summary>
public sealed class TestTarget : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _count;
    private readonly long _start = Stopwatch.GetTimestamp();

    private TestTarget(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public long Count => Interlocked.Read(ref _count);

    /// <summary>How long <c>/work</c> takes, in milliseconds (fractions allowed); change it between runs to make the same endpoint slower.</summary>
    public double WorkMs { get; set; } = 5;

    /// <summary>The first 50 requests to <c>/record</c>: every header line ("Name: value") and the body, so a test can prove what was sent.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Recorded { get; } = new();
    /// <summary>The <c>traceparent</c> header of every request to <c>/trace/{name}</c> (empty string when absent), with the name.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Name, string TraceParent)> TraceParents { get; } = new();

    /// <summary>
    /// The <c>db</c> and <c>app</c> durations (ms) <c>/server-timing</c> sent, one pair per request. Each response carries
    /// two Server-Timing fields: <c>db;dur=D;desc="select, join; \"x\""</c> + a count-only <c>cache;desc=hit</c>, and
    /// <c>app ; desc="a,b" ;  dur = A</c> + a malformed <c>bad;dur=abc</c>.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentQueue<(double Db, double App)> ServerTimingSent { get; } = new();

    private long _serverTimingCount;

    public static async Task<TestTarget> StartAsync(HttpProtocols protocols = HttpProtocols.Http1, bool https = false)
    {
        // The delay endpoints sleep the last milliseconds on a pool thread (precise, but blocking): enough pool
        // threads up front so concurrent sleepers never wait for the pool to grow (that would add 0.5 s stalls).
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < 64)
        {
            ThreadPool.SetMinThreads(64, io);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, o =>
            {
                o.Protocols = protocols;
                if (https)
                {
                    o.UseHttps(SelfSignedCertificate());
                }
            });
            k.Limits.MaxConcurrentConnections = null;
        });
        var app = builder.Build();
        var target = new TestTarget(app);
        app.MapGet("/trace/{name}", (string name, HttpContext c) =>
        {
            target.TraceParents.Enqueue((name, c.Request.Headers["traceparent"].ToString()));
            return "traced";
        });
        app.MapGet("/server-timing", (HttpContext c) =>
        {
            var n = Interlocked.Increment(ref target._serverTimingCount);
            var db = (n % 20) + 0.5;
            var app = (2 * db) + 1.25;
            target.ServerTimingSent.Enqueue((db, app));
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            c.Response.Headers.Append("Server-Timing", string.Create(inv, $"db;dur={db};desc=\"select, join; \\\"x\\\"\", cache;desc=hit"));
            c.Response.Headers.Append("Server-Timing", string.Create(inv, $"app ; desc=\"a,b\" ;  dur = {app}  ,  bad;dur=abc"));
            return "timed";
        });
        app.MapGet("/count", () => { Interlocked.Increment(ref target._count); return "ok"; });
        app.MapPost("/count", () => { Interlocked.Increment(ref target._count); return Results.Created("/count/1", "created"); });
        app.MapGet("/delay/{ms:int}", async (int ms) => { await PreciseDelay(ms); return "done"; });
        app.MapGet("/work", async () => { await PreciseDelay(target.WorkMs); return "done"; });
        app.MapGet("/slow-count/{ms:int}", async (int ms, HttpContext c) =>
        {
            // Counted on arrival, answered after ms: the count is what the server received, finished or not.
            Interlocked.Increment(ref target._count);
            await Task.Delay(ms, c.RequestAborted);
            return "done";
        });
        app.MapMethods("/record", ["GET", "POST"], async (HttpContext c) =>
        {
            if (target.Recorded.Count < 50)
            {
                using var reader = new StreamReader(c.Request.Body);
                var body = await reader.ReadToEndAsync(c.RequestAborted);
                target.Recorded.Enqueue(string.Join('\n', c.Request.Headers.Select(h => $"{h.Key}: {h.Value}")) + "\n\n" + body);
            }

            return "ok";
        });
        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapGet("/echo/{value}", (string value) => value);
        app.MapGet("/text", () => "hello loadlens");
        app.MapGet("/version", (HttpContext c) => c.Request.Protocol);
        app.MapGet("/stall", async () =>
        {
            // Stop-the-world once per second: everything arriving in the first 300 ms of each
            // second is held until the 300 ms mark.
            var phase = Stopwatch.GetElapsedTime(target._start).TotalMilliseconds % 1000;
            if (phase < 300)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300 - phase));
            }

            return "ok";
        });
        app.MapGet("/abort", (HttpContext c) => { c.Abort(); return Task.CompletedTask; });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        target.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        return target;
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSignedCertificate()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=127.0.0.1", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
            cert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
    }

    /// <summary>
    /// Task.Delay runs on a coarse clock on Linux (it can fire ~4 ms early or late), so wait most of
    /// the time with it and sleep the last few milliseconds with Thread.Sleep (nanosleep, precise):
    /// the endpoint never answers before <paramref name="ms"/> and rarely much after.
    /// </summary>
    private static async Task PreciseDelay(double ms)
    {
        var start = Stopwatch.GetTimestamp();
        if (ms > 8)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(ms - 6));
        }

        // Thread.Sleep takes whole milliseconds: round up and re-check, never answer early. The rounding adds a
        // uniform 0-1 ms, the same for any ms, so a fractional difference in ms is kept on average (/work).
        double remaining;
        while ((remaining = ms - Stopwatch.GetElapsedTime(start).TotalMilliseconds) > 0)
        {
            Thread.Sleep((int)Math.Ceiling(remaining));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
