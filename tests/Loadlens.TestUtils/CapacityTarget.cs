using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Loadlens.TestUtils;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port 0) with endpoints of known capacity, for sweep tests:
/// <list type="bullet">
/// <item><c>/serialized</c>: 10 ms of work behind ONE global lock (ceiling 100 req/s, service time 10 ms).</item>
/// <item><c>/parallel</c>: a 10 ms asynchronous wait, no lock (scales until the CPU runs out).</item>
/// <item><c>/pool</c>: a pool of 4 slots held 10 ms each; a request that waits more than 100 ms for a slot gets 503.</item>
/// </list>
/// </summary>
public sealed class CapacityTarget : IAsyncDisposable
{
    public const int ServiceTimeMs = 10;
    public const int PoolSize = 4;
    public const int PoolWaitTimeoutMs = 100;

    private readonly WebApplication _app;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly SemaphoreSlim _pool = new(PoolSize, PoolSize);

    private CapacityTarget(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<CapacityTarget> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxConcurrentConnections = null;
        });
        var app = builder.Build();
        var target = new CapacityTarget(app);
        app.MapGet("/serialized", async () =>
        {
            await target._lock.WaitAsync();
            try
            {
                // Synchronous, so the lock holder needs no thread-pool hop to finish its 10 ms
                // (one request at a time: it occupies at most one pool thread).
                PreciseSleep(ServiceTimeMs);
            }
            finally
            {
                target._lock.Release();
            }

            return "ok";
        });
        app.MapGet("/parallel", async () =>
        {
            await Task.Delay(ServiceTimeMs);
            return "ok";
        });
        app.MapGet("/pool", async () =>
        {
            if (!await target._pool.WaitAsync(PoolWaitTimeoutMs))
            {
                return Results.StatusCode(503);
            }

            try
            {
                await Task.Delay(ServiceTimeMs);
            }
            finally
            {
                target._pool.Release();
            }

            return Results.Text("ok");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        target.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        return target;
    }

    /// <summary>
    /// Never returns before <paramref name="ms"/> and rarely more than ~0.1 ms after: Thread.Sleep
    /// (nanosleep, precise) in whole milliseconds while more than 1.5 ms remain, then yielding for
    /// the rest (sleeping the last millisecond would round up and add ~0.5 ms on average: 5 % of a
    /// 10 ms service time).
    /// </summary>
    private static void PreciseSleep(int ms)
    {
        var start = Stopwatch.GetTimestamp();
        double remaining;
        while ((remaining = ms - Stopwatch.GetElapsedTime(start).TotalMilliseconds) > 0)
        {
            if (remaining > 1.5)
            {
                Thread.Sleep((int)(remaining - 1));
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _lock.Dispose();
        _pool.Dispose();
    }
}
