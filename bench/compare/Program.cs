// Measured honesty of `loadlens compare` (docs/compare.md): pairs of real runs against a real loopback Kestrel
// server whose /work endpoint takes a set time, for three cases:
//   A/A      the same server twice: must come out same or inconclusive (false-alarm rate ≤ 5 %);
//   +30 %    the candidate's /work takes 30 % longer: must come out slower (detection rate ≥ 95 % at 10 s runs);
//   +3 %     a change below the default 5 % threshold: must not be called faster or slower.
// Each pair runs baseline and candidate back to back (the order alternates between pairs, so a drift of the machine
// does not always favour one side) and compares them with the default options, gated on p95, three ways:
//   1 v 1    the pair's own baseline run against its candidate run (no run-to-run noise in the interval);
//   3 v 1    the newest 3 baseline-server runs (this pair's and the two before, as `--baseline @last:main
//            --baseline-runs 3` takes them from the history) against the candidate run;
//   5 v 1, 8 v 1  the same with 5 and 8.
// Before each case, 7 baseline-server runs seed that rolling history.
// Usage: dotnet run -c Release --project bench/compare -- [--pairs 20] [--seconds 10] [--users 4] [--work-ms 50]
//        [--cases aa,slow30,change3] [--server kestrel|python] [--sigma 0]
using System.Diagnostics;
using System.Globalization;
using Loadlens.Analysis.Compare;
using Loadlens.Engine;
using Loadlens.Pipeline;
using Loadlens.Reporting.Outputs;
using Loadlens.TestUtils;

var pairs = Arg("--pairs", 20);
var seconds = Arg("--seconds", 10.0);
var users = Arg("--users", 4);
var workMs = Arg("--work-ms", 50.0);
var sigma = Arg("--sigma", 0.0);
var cases = (Value("--cases") ?? "aa,slow30,change3").Split(',');
var known = new Dictionary<string, (string Label, double Factor)>
{
    ["aa"] = ("A/A (same server)", 1.0),
    ["slow30"] = ("candidate 30 % slower", 1.3),
    ["change3"] = ("candidate 3 % slower", 1.03),
};

// The target's /work ends with Thread.Sleep (precise to the millisecond, see TestTarget.PreciseDelay), which holds a
// thread-pool thread. With the pool at its minimum (one thread per core) the requests of 4 users queue for a thread
// in some runs and not in others (hill climbing keeps a different thread count per run), which made p95 bimodal
// between runs (≈ 51.5 vs 55–59 ms) in an A/A comparison: a flaw of the bench's server, not of the compared
// method. Enough threads for every user keeps the server's behaviour the same from run to run.
ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
ThreadPool.SetMinThreads(Math.Max(minWorkers, 4 * users + 8), minIo);
// --server python: the same endpoint in a separate process (gunicorn, one worker with 16 threads, time.sleep), the
// endpoint's time in the query string (/work?ms=), so nothing is shared between the generator and the server.
var external = Value("--server") is "python" ? Gunicorn.Start() : null;
await using var target = await TestTarget.StartAsync();
var url = external is null ? new Uri(target.BaseAddress, "/work").ToString() : $"{external.BaseAddress}work";
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compare honesty: {pairs} pairs per case, {seconds:0.#} s measured per run (+1 s warm-up), {users} users, /work = {workMs:0.##} ms (σ {sigma:0.##}) on {(external is null ? "in-process Kestrel" : "gunicorn (separate process)")}; {Environment.ProcessorCount} cores"));
var started = Stopwatch.StartNew();
int[] modes = [1, 3, 5, 8];
var results = new List<(string Case, int Mode, Dictionary<ComparisonVerdict, int> Counts, List<double> Changes)>();
foreach (var name in cases)
{
    var (label, factor) = known[name];
    var history = new List<Loadlens.Core.Results.RunResult>();
    for (var i = 0; i < modes.Max() - 1; i++)
    {
        history.Add(await Run(workMs));
    }

    var counts = modes.ToDictionary(m => m, _ => Enum.GetValues<ComparisonVerdict>().ToDictionary(v => v, _ => 0));
    var changes = modes.ToDictionary(m => m, _ => new List<double>());
    for (var i = 0; i < pairs; i++)
    {
        var baselineFirst = i % 2 == 0;
        var first = await Run(baselineFirst ? workMs : workMs * factor);
        var second = await Run(baselineFirst ? workMs * factor : workMs);
        var (baseline, candidate) = baselineFirst ? (first, second) : (second, first);
        history.Add(baseline);
        var line = new System.Text.StringBuilder(string.Create(CultureInfo.InvariantCulture, $"  {name} pair {i + 1,2}:"));
        foreach (var mode in modes)
        {
            var report = RunComparer.Compare(history.TakeLast(mode).Reverse().ToList(), [candidate]);
            var p95 = report.Overall.Metric("p95")!;
            counts[mode][p95.Verdict]++;
            changes[mode].Add(p95.RelativeChange ?? double.NaN);
            line.Append(string.Create(CultureInfo.InvariantCulture,
                $" | {mode}v1 p95 {p95.Baseline:0.00} → {p95.Candidate:0.00} ms ({p95.RelativeChange * 100:+0.0;-0.0} %, CI {p95.CiLow * 100:0.0} … {p95.CiHigh * 100:0.0} %) {p95.Verdict}"));
        }

        Console.WriteLine(line.ToString());
    }

    foreach (var mode in modes)
    {
        results.Add((label, mode, counts[mode], changes[mode]));
    }
}

Console.WriteLine();
Console.WriteLine("| case | baseline runs | pairs | slower | faster | same | inconclusive | median p95 change |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (label, mode, counts, changes) in results)
{
    var median = changes.Where(double.IsFinite).Order().ToList() is { Count: > 0 } sorted ? sorted[sorted.Count / 2] : double.NaN;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {label} | {mode} | {pairs} | {counts[ComparisonVerdict.Slower]} | {counts[ComparisonVerdict.Faster]} | {counts[ComparisonVerdict.Same]} | {counts[ComparisonVerdict.Inconclusive]} | {median * 100:+0.0;-0.0} % |"));
}

Console.WriteLine();
foreach (var (label, mode, counts, _) in results)
{
    var rate = (counts[ComparisonVerdict.Slower] + counts[ComparisonVerdict.Faster]) / (double)pairs;
    var what = label.StartsWith("A/A", StringComparison.Ordinal) ? "false-alarm rate (faster or slower)"
        : label.Contains("30", StringComparison.Ordinal) ? $"detection rate (slower): {counts[ComparisonVerdict.Slower] / (double)pairs:P0}; called faster or slower"
        : "called faster or slower (should be 0)";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}, {mode} v 1: {what}: {rate:P0}"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall time {started.Elapsed.TotalMinutes:0.0} min"));
external?.Dispose();
return 0;

async Task<Loadlens.Core.Results.RunResult> Run(double ms)
{
    var psi0 = Psi(); var stat0 = Stat(); var t0 = Stopwatch.GetTimestamp();
    try { return await RunCore(ms); }
    finally
    {
        var wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var (busy1, total1) = Stat();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    env: psi-some {(Psi() - psi0) / 1e6 / wall:P1}  machine busy {(busy1 - stat0.Busy) / (double)(total1 - stat0.Total):P1}"));
    }
}

static long Psi() => long.Parse(File.ReadAllLines("/proc/pressure/cpu")[0].Split("total=")[1], CultureInfo.InvariantCulture);
static (long Busy, long Total) Stat()
{
    var f = File.ReadAllLines("/proc/stat")[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
    var idle = f[3] + f[4];
    var total = f.Take(8).Sum();
    return (total - idle, total);
}

async Task<Loadlens.Core.Results.RunResult> RunCore(double ms)
{
    target.WorkMs = ms;
    var runUrl = external is null ? url : string.Create(CultureInfo.InvariantCulture, $"{url}?ms={ms:0.###}&sigma={sigma:0.###}");
    var done = await LoadlensPipeline.RunAsync(new RunOptions
    {
        Scenario = ScenarioRequest.ForUrl(runUrl, new ScenarioOverrides { Users = users, Duration = TimeSpan.FromSeconds(seconds + 1), WarmUp = TimeSpan.FromSeconds(1), Name = "honesty" }),
        Runner = new LoadRunnerOptions(),
        Outputs = new OutputRegistry(),
        OutputDirectory = Path.Combine(Path.GetTempPath(), "loadlens-compare-bench"),
    });
    return done.Run ?? throw new InvalidOperationException(string.Join("; ", done.Messages));
}

string? Value(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

T Arg<T>(string name, T fallback) where T : IParsable<T> => Value(name) is { } v ? T.Parse(v, CultureInfo.InvariantCulture) : fallback;

internal sealed class Gunicorn : IDisposable
{
    private readonly Process _process;

    private Gunicorn(Process process, string baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public string BaseAddress { get; }

    public static Gunicorn Start()
    {
        var port = System.Net.Sockets.TcpListener.Create(0) is var l && Start(l) is var p ? p : 0;
        var app = Path.GetFullPath("tests/python");
        var process = Process.Start(new ProcessStartInfo("gunicorn", ["-w", "1", "-k", "gthread", "--threads", "16", "-b", $"127.0.0.1:{port}", "--chdir", app, "single_worker_app:app"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("gunicorn did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var address = $"http://127.0.0.1:{port}/";
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if (http.GetAsync(address + "health").GetAwaiter().GetResult().IsSuccessStatusCode)
                {
                    return new Gunicorn(process, address);
                }
            }
            catch (HttpRequestException)
            {
            }

            Thread.Sleep(100);
        }

        process.Kill(true);
        throw new InvalidOperationException("gunicorn did not answer /health within 10 s");
    }

    private static int Start(System.Net.Sockets.TcpListener listener)
    {
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        _process.Kill(true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
