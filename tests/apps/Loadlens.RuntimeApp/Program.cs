// A .NET target with one switchable runtime flaw, started by the tests as a separate process:
//   dotnet Loadlens.RuntimeApp.dll MODE     (MODE: healthy | leak | sync | gc)
// It listens on 127.0.0.1:0 and prints "listening http://127.0.0.1:PORT" on stdout. GET /work waits 20 ms (async) and
//   leak:    keeps 16 KB per request in a static list (the heap grows with every request served);
//   sync:    waits with Task.Delay(20).Wait() on a thread-pool thread (sync-over-async: the pool starves);
//   gc:      allocates 256 KB of garbage per request and, every 1.5 s, the request that notices forces a full blocking,
//            compacting collection over a live graph of ~1.5 million small objects (a GC.Collect() on the request path);
//   healthy: only the async wait.
// GET /served returns the requests served; GET /plain answers at once (for the overhead bench).
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

var mode = args.Length > 0 ? args[0] : "healthy";
if (mode is not ("healthy" or "leak" or "sync" or "gc"))
{
    Console.Error.WriteLine($"unknown mode '{mode}' (healthy, leak, sync or gc)");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
var app = builder.Build();
var state = new AppState();
if (mode == "gc")
{
    state.BuildLiveGraph(1_500_000);
}

app.MapGet("/work", async () =>
{
    Interlocked.Increment(ref state.Served);
    switch (mode)
    {
        case "sync":
            Task.Delay(20).Wait();
            return "ok";
        case "leak":
            lock (state.Leak)
            {
                state.Leak.Add(new byte[16 * 1024]);
            }

            break;
        case "gc":
            state.Churn();
            break;
        default:
            break;
    }

    await Task.Delay(20);
    return "ok";
});
app.MapGet("/plain", () => "ok"); // no work: the reader's overhead shows in its requests/s (bench/dotnet-counters)
app.MapGet("/served", () => Interlocked.Read(ref state.Served).ToString(System.Globalization.CultureInfo.InvariantCulture));

await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"listening {address}");
await app.WaitForShutdownAsync();
return 0;

internal sealed class AppState
{
    public long Served;
    public readonly List<byte[]> Leak = [];
    private Node? _live;
    private long _lastCollect = Environment.TickCount64;
    private readonly Lock _gate = new();

    public void BuildLiveGraph(int count)
    {
        Node? head = null;
        for (var i = 0; i < count; i++)
        {
            head = new Node { Next = head, Payload = new object() };
        }

        _live = head;
    }

    public void Churn()
    {
        var garbage = new List<byte[]>(32);
        for (var i = 0; i < 32; i++)
        {
            garbage.Add(new byte[8 * 1024]);
        }

        GC.KeepAlive(garbage);
        lock (_gate)
        {
            if (Environment.TickCount64 - _lastCollect < 1500)
            {
                return;
            }

            _lastCollect = Environment.TickCount64;
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.KeepAlive(_live);
    }

    private sealed class Node
    {
        public Node? Next;
        public object? Payload;
    }
}
