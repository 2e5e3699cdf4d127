using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Loadlens.Analysis.Tests;

/// <summary>
/// A real Kestrel server (127.0.0.1, port 0) whose endpoints each show one bottleneck signature:
/// <c>/gated/*</c> requests all stall together for 500 ms every 3 s (a stop-the-world pause);
/// <c>/gated/growing</c> also works 5 ms + 4 ms per second since start (steady degradation);
/// <c>/growing</c> works 10 ms + 6 ms per second since start, in parallel (a leak, a growing table);
/// <c>/limited</c> allows 4 requests per 100 ms window (40 req/s) and answers 429 beyond;
/// <c>/abort</c> resets the connection; <c>/slow/{ms}</c> waits.
/// </summary>
internal sealed class RuleTarget : IAsyncDisposable
{
    public const double StallPeriodMs = 3000;
    public const double StallMs = 500;

    private readonly WebApplication _app;
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly Lock _windowLock = new();
    private long _window = -1;
    private int _inWindow;

    private RuleTarget(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<RuleTarget> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var target = new RuleTarget(app);
        app.MapGet("/gated/fast", async () =>
        {
            await target.GateAsync();
            return "fast";
        });
        app.MapGet("/gated/growing", async () =>
        {
            await target.GateAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(5 + (4 * target.Elapsed.TotalSeconds)));
            return "growing";
        });
        app.MapGet("/growing", async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10 + (6 * target.Elapsed.TotalSeconds)));
            return "growing";
        });
        app.MapGet("/limited", () => target.Admit() ? Results.Text("ok") : Results.StatusCode(429));
        app.MapGet("/abort", (HttpContext c) => { c.Abort(); return Task.CompletedTask; });
        app.MapGet("/slow/{ms:int}", async (int ms) => { await Task.Delay(ms); return "slow"; });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        target.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        return target;
    }

    private TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    private async Task GateAsync()
    {
        var phase = Elapsed.TotalMilliseconds % StallPeriodMs;
        if (phase >= 1000 && phase < 1000 + StallMs)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1000 + StallMs - phase));
        }
    }

    private bool Admit()
    {
        var window = (long)(Elapsed.TotalMilliseconds / 100);
        lock (_windowLock)
        {
            if (window != _window)
            {
                _window = window;
                _inWindow = 0;
            }

            return ++_inWindow <= 4;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
