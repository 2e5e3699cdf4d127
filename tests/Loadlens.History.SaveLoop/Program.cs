using System.Diagnostics;
using Loadlens.Core.Serialization;
using Loadlens.History;

// Usage: SaveLoop STORE RESULT_JSON COUNT PARALLEL [SECONDS]
// Saves RESULT_JSON COUNT times (PARALLEL saves at a time) to STORE, printing "saved ID" after each commit; with SECONDS
// it stops at whichever comes first (every loop is bounded in count and time). Exit 0 when all saves committed.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: SaveLoop STORE RESULT_JSON COUNT PARALLEL [SECONDS]");
    return 2;
}

var run = await RunResultJson.ReadAsync(args[1]);
var count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var parallel = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
var limit = args.Length > 4 ? TimeSpan.FromSeconds(double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)) : TimeSpan.FromMinutes(2);
var started = Stopwatch.StartNew();
await using var store = await HistoryStore.OpenAsync(args[0]);
Console.Out.WriteLine("open");
Console.Out.Flush();
var next = -1;
var pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
var gate = new object();
await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
{
    while (started.Elapsed < limit)
    {
        var n = Interlocked.Increment(ref next);
        if (n >= count)
        {
            return;
        }

        var id = await store.SaveAsync(run, new SaveOptions { Tags = new Dictionary<string, string> { ["pid"] = pid, ["n"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        lock (gate)
        {
            Console.Out.WriteLine("saved " + id);
            Console.Out.Flush();
        }
    }
})));
return 0;
