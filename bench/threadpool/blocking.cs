// How fast the .NET thread pool adds threads when its work items block, by how they block (docs/demo.md, "why the wait
// is hidden from the pool"). One mode per process, since the pool is process-wide: queue ITEMS work items that each block
// for HOLD ms, then print the pool's thread count and queue length every 250 ms for 2.5 s.
//   result     Task.Delay(HOLD).Result: a blocking wait the pool is told about (cooperative blocking, .NET 6+)
//   semaphore  SemaphoreSlim.Wait released by the async work's continuation (the demo's sync-over-async flaw)
//   mres       ManualResetEventSlim.Wait, set the same way
//   sleep      Thread.Sleep(HOLD), standing in for synchronous I/O
// Run: dotnet run bench/threadpool/blocking.cs -- MODE [ITEMS] [HOLD]   (bench/threadpool/run.sh runs all four)
using System.Diagnostics;
using System.Globalization;

var mode = args.Length > 0 ? args[0] : "result";
var items = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
var hold = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3000;
Action block = mode switch
{
    "result" => () => _ = Task.Delay(hold).ContinueWith(_ => 0, TaskScheduler.Default).Result,
    "semaphore" => () =>
    {
        using var s = new SemaphoreSlim(0);
        _ = Task.Delay(hold).ContinueWith(_ => s.Release(), TaskScheduler.Default);
        s.Wait();
    },
    "mres" => () =>
    {
        using var e = new ManualResetEventSlim();
        _ = Task.Delay(hold).ContinueWith(_ => e.Set(), TaskScheduler.Default);
        e.Wait();
    },
    "sleep" => () => Thread.Sleep(hold),
    _ => throw new ArgumentException($"unknown mode {mode}: result, semaphore, mres or sleep"),
};

ThreadPool.GetMinThreads(out var minWorkers, out _);
var start = ThreadPool.ThreadCount;
var clock = Stopwatch.StartNew();
for (var i = 0; i < items; i++)
{
    ThreadPool.QueueUserWorkItem(_ => block());
}

var line = new List<string>();
for (var t = 250; t <= 2500; t += 250)
{
    Thread.Sleep(Math.Max(0, t - (int)clock.ElapsedMilliseconds));
    line.Add(string.Create(CultureInfo.InvariantCulture, $"{ThreadPool.ThreadCount}/{ThreadPool.PendingWorkItemCount}"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{mode,-9} cores {Environment.ProcessorCount}, min threads {minWorkers}, {items} items × {hold} ms; threads/queued every 250 ms from {start}: {string.Join(' ', line)}"));
