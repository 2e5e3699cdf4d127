using System.Diagnostics;
using System.Globalization;
using Loadlens.Analysis.Trends;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;
using Loadlens.History;

// Usage: Loadlens.History.Bench STORE RESULT_JSON [RUNS=1000]
// Saves RUNS copies of RESULT_JSON (a real run; its endpoints' figures scaled per run, +40 % from run 60 % on) to STORE,
// then times the trend query (one endpoint, p95, all runs): the first call and the median of 21 more, plus the change-point
// analysis of that series and a list of the newest 50. Prints one line per figure.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Loadlens.History.Bench STORE RESULT_JSON [RUNS]");
    return 2;
}

var baseRun = await RunResultJson.ReadAsync(args[1]);
var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
await using var store = await HistoryStore.OpenAsync(args[0]);
var endpoint = baseRun.Endpoints[^1].Name;
var existing = (await store.ListAsync(new RunFilter { Scenario = baseRun.Name })).Count;
var random = new Random(42);
var save = Stopwatch.StartNew();
var t0 = DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture);
var jobs = Enumerable.Range(existing, Math.Max(0, runs - existing)).ToList();
await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
{
    double factor;
    lock (random)
    {
        factor = (i >= runs * 6 / 10 ? 1.4 : 1.0) * (1 + 0.05 * (random.NextDouble() - 0.5));
    }

    static EndpointResult Scale(EndpointResult e, double f) => e with { Latency = e.Latency with { P50 = e.Latency.P50 * f, P95 = e.Latency.P95 * f, P99 = e.Latency.P99 * f, Mean = e.Latency.Mean * f, Max = e.Latency.Max * f } };
    var run = baseRun with { StartedAt = t0.AddMinutes(i), Endpoints = [.. baseRun.Endpoints.Select(e => Scale(e, factor))], Total = Scale(baseRun.Total, factor) };
    await store.SaveAsync(run, new SaveOptions { Git = new GitInfo(i.ToString("x8", CultureInfo.InvariantCulture) + "00000000000000000000000000000000", i % 3 == 0 ? "main" : "feature") }, ct);
});
save.Stop();

var first = Stopwatch.StartNew();
var points = await store.TrendAsync(baseRun.Name, endpoint, TrendMetric.P95);
first.Stop();
var times = new List<double>();
for (var k = 0; k < 21; k++)
{
    var sw = Stopwatch.StartNew();
    points = await store.TrendAsync(baseRun.Name, endpoint, TrendMetric.P95);
    times.Add(sw.Elapsed.TotalMilliseconds);
}

times.Sort();
var branch = Stopwatch.StartNew();
var mainOnly = await store.TrendAsync(baseRun.Name, endpoint, TrendMetric.P95, new RunFilter { Branch = "main" });
branch.Stop();
var analysis = Stopwatch.StartNew();
var trend = TrendAnalyzer.Analyze(baseRun.Name, endpoint, TrendMetric.P95, points);
analysis.Stop();
var list = Stopwatch.StartNew();
var newest = await store.ListAsync(new RunFilter { Limit = 50 });
list.Stop();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"store: {store.Location}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"runs: {points.Count} × {baseRun.Endpoints.Count} endpoints (+ aggregate); saved {jobs.Count} in {save.Elapsed.TotalSeconds:0.0} s ({(jobs.Count == 0 ? 0 : save.Elapsed.TotalMilliseconds / jobs.Count):0.0} ms/save, 4 writers)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trend query ({points.Count} points): first {first.Elapsed.TotalMilliseconds:0.0} ms, median of 21 {times[10]:0.0} ms, max {times[^1]:0.0} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trend query, branch main ({mainOnly.Count} points): {branch.Elapsed.TotalMilliseconds:0.0} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"change points (E-Divisive, R = 499) over {points.Count} runs: {analysis.Elapsed.TotalMilliseconds:0} ms, found {string.Join("; ", trend.ChangePoints.Select(c => c.Text))}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"list newest 50: {list.Elapsed.TotalMilliseconds:0.0} ms ({newest.Count} rows)"));
return times[10] < 200 ? 0 : 1;
