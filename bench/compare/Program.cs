// Measured honesty of `loadlens compare` (docs/compare.md): pairs of real runs against a real loopback Kestrel
// server whose /work endpoint takes a set time, for three cases:
//   A/A      the same server twice: must come out same or inconclusive (false-alarm rate ≤ 5 %);
//   +30 %    the candidate's /work takes 30 % longer: must come out slower (detection rate ≥ 95 % at 10 s runs);
//   +3 %     a change below the default 5 % threshold: must not be called faster or slower.
// Each pair runs baseline and candidate back to back (the order alternates between pairs, so a drift of the machine
// does not always favour one side) and compares them with the default options, gated on p95.
// Usage: dotnet run -c Release --project bench/compare -- [--pairs 20] [--seconds 10] [--users 4] [--work-ms 50] [--cases aa,slow30,change3]
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
var cases = (Value("--cases") ?? "aa,slow30,change3").Split(',');
var known = new Dictionary<string, (string Label, double Factor)>
{
    ["aa"] = ("A/A (same server)", 1.0),
    ["slow30"] = ("candidate 30 % slower", 1.3),
    ["change3"] = ("candidate 3 % slower", 1.03),
};

await using var target = await TestTarget.StartAsync();
var url = new Uri(target.BaseAddress, "/work").ToString();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compare honesty: {pairs} pairs per case, {seconds:0.#} s measured per run (+1 s warm-up), {users} users, /work = {workMs:0.##} ms; {Environment.ProcessorCount} cores"));
var started = Stopwatch.StartNew();
var results = new List<(string Case, Dictionary<ComparisonVerdict, int> Counts, List<double> Changes)>();
foreach (var name in cases)
{
    var (label, factor) = known[name];
    var counts = Enum.GetValues<ComparisonVerdict>().ToDictionary(v => v, _ => 0);
    var changes = new List<double>();
    for (var i = 0; i < pairs; i++)
    {
        var baselineFirst = i % 2 == 0;
        var first = await Run(baselineFirst ? workMs : workMs * factor);
        var second = await Run(baselineFirst ? workMs * factor : workMs);
        var (baseline, candidate) = baselineFirst ? (first, second) : (second, first);
        var report = RunComparer.Compare(baseline, candidate);
        var p95 = report.Overall.Metric("p95")!;
        counts[p95.Verdict]++;
        changes.Add(p95.RelativeChange ?? double.NaN);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name} pair {i + 1,2}: p95 {p95.Baseline:0.00} → {p95.Candidate:0.00} ms ({p95.RelativeChange * 100:+0.0;-0.0} %, CI {p95.CiLow * 100:0.0} … {p95.CiHigh * 100:0.0} %) → {p95.Verdict}; overall {report.Verdict}"));
    }

    results.Add((label, counts, changes));
}

Console.WriteLine();
Console.WriteLine("| case | pairs | slower | faster | same | inconclusive | median p95 change |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var (label, counts, changes) in results)
{
    var median = changes.Where(double.IsFinite).Order().ToList() is { Count: > 0 } sorted ? sorted[sorted.Count / 2] : double.NaN;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {label} | {pairs} | {counts[ComparisonVerdict.Slower]} | {counts[ComparisonVerdict.Faster]} | {counts[ComparisonVerdict.Same]} | {counts[ComparisonVerdict.Inconclusive]} | {median * 100:+0.0;-0.0} % |"));
}

Console.WriteLine();
foreach (var (label, counts, _) in results)
{
    var rate = (counts[ComparisonVerdict.Slower] + counts[ComparisonVerdict.Faster]) / (double)pairs;
    var what = label.StartsWith("A/A", StringComparison.Ordinal) ? "false-alarm rate (faster or slower)"
        : label.Contains("30", StringComparison.Ordinal) ? $"detection rate (slower): {counts[ComparisonVerdict.Slower] / (double)pairs:P0}; called faster or slower"
        : "called faster or slower (should be 0)";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {what}: {rate:P0}"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall time {started.Elapsed.TotalMinutes:0.0} min"));
return 0;

async Task<Loadlens.Core.Results.RunResult> Run(double ms)
{
    target.WorkMs = ms;
    var done = await LoadlensPipeline.RunAsync(new RunOptions
    {
        Scenario = ScenarioRequest.ForUrl(url, new ScenarioOverrides { Users = users, Duration = TimeSpan.FromSeconds(seconds + 1), WarmUp = TimeSpan.FromSeconds(1), Name = "honesty" }),
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
