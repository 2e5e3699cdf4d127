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
/// A real Kestrel server on 127.0.0.1 (port 0) that behaves like the one behind the Locust "shop" fixture:
/// <list type="bullet">
/// <item><c>/health</c>: no work, 15-byte body;</item>
/// <item><c>/api/products</c>: 6 ± 2 ms of work, in parallel, 2,400-byte body;</item>
/// <item><c>/api/orders</c>: 15 ± 1 ms of work inside ONE global lock (a serialized resource), 900-byte body;</item>
/// <item><c>/api/search</c>: 30 ± 10 ms of work, exactly 3 of every 100 responses are HTTP 500, 5,200-byte body.</item>
/// </list>
/// Work times are uniform in their range and never shorter than the lower bound.
/// </summary>
public sealed class ShopTarget : IAsyncDisposable
{
    private static readonly string HealthBody = new('h', 15);
    private static readonly string ProductsBody = new('p', 2400);
    private static readonly string OrdersBody = new('o', 900);
    private static readonly string SearchBody = new('s', 5200);

    private readonly WebApplication _app;
    private readonly SemaphoreSlim _ordersLock = new(1, 1);
    private long _searches;
    private long _ordersInLock;
    private long _maxOrdersInLock;
    private long _ordersHeldTicks;
    private long _ordersServed;

    private ShopTarget(WebApplication app) => _app = app;

    /// <summary>Base URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Most /api/orders requests ever inside the lock at once (must stay 1).</summary>
    public long MaxOrdersInLock => Interlocked.Read(ref _maxOrdersInLock);

    /// <summary>Mean time an /api/orders request held the global lock, in ms (the true service time).</summary>
    public double MeanOrdersHoldMs => Interlocked.Read(ref _ordersServed) == 0 ? 0
        : Interlocked.Read(ref _ordersHeldTicks) * 1000.0 / Stopwatch.Frequency / Interlocked.Read(ref _ordersServed);

    /// <summary>Start the server.</summary>
    public static async Task<ShopTarget> StartAsync()
    {
        // The work is partly a precise blocking sleep; make sure the pool has threads for it at once.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxConcurrentConnections = null;
        });
        var app = builder.Build();
        var target = new ShopTarget(app);
        app.MapGet("/health", () => HealthBody);
        app.MapGet("/api/products", async () =>
        {
            await PreciseDelay(Uniform(4, 8));
            return ProductsBody;
        });
        app.MapGet("/api/orders", async () =>
        {
            await target._ordersLock.WaitAsync();
            try
            {
                var held = Stopwatch.GetTimestamp();
                var inside = Interlocked.Increment(ref target._ordersInLock);
                InterlockedMax(ref target._maxOrdersInLock, inside);
                await PreciseDelay(Uniform(14, 16));
                Interlocked.Decrement(ref target._ordersInLock);
                Interlocked.Add(ref target._ordersHeldTicks, Stopwatch.GetTimestamp() - held);
                Interlocked.Increment(ref target._ordersServed);
            }
            finally
            {
                target._ordersLock.Release();
            }

            return OrdersBody;
        });
        app.MapGet("/api/search", async () =>
        {
            var n = Interlocked.Increment(ref target._searches);
            await PreciseDelay(Uniform(20, 40));
            return n % 100 is 0 or 33 or 66 ? Results.StatusCode(500) : Results.Text(SearchBody);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        target.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        return target;
    }

    private static double Uniform(double min, double max) => min + (Random.Shared.NextDouble() * (max - min));

    private static void InterlockedMax(ref long location, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref location)) && Interlocked.CompareExchange(ref location, value, current) != current)
        {
        }
    }

    /// <summary>
    /// Waits at least <paramref name="ms"/>: most of it with Task.Delay (coarse on Linux), the last few
    /// milliseconds with Thread.Sleep (precise), never returning early.
    /// </summary>
    private static async Task PreciseDelay(double ms)
    {
        var start = Stopwatch.GetTimestamp();
        if (ms > 8)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(ms - 6));
        }

        double remaining;
        while ((remaining = ms - Stopwatch.GetElapsedTime(start).TotalMilliseconds) > 0)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(0.05, remaining)));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _ordersLock.Dispose();
    }
}
