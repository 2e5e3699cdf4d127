using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;

namespace Loadlens.Importers.Tests;

/// <summary>
/// The whole imported RunResult of each golden input against a committed snapshot
/// (<c>Fixtures/expected/*.json</c>; <c>LOADLENS_UPDATE_GOLDEN=1</c> rewrites them for review).
/// Histograms are checked by decoding (their bytes depend on the runtime's zlib), then left out.
/// </summary>
public sealed class GoldenSnapshotTests
{
    [Theory]
    [InlineData("locust-2.12.1-shop/shop", "locust-shop")]
    [InlineData("jmeter/small.jtl", "jmeter-small")]
    [InlineData("k6/run.ndjson", "k6-run")]
    [InlineData("k6/summary-v1.json", "k6-summary-v1")]
    [InlineData("hlog/wrk2-like.hlog", "hlog-wrk2-like")]
    public async Task Import_matches_the_committed_snapshot(string input, string snapshot)
    {
        var run = await ResultImporter.ImportAsync(Path.Combine(Fixture.Dir(""), input));

        foreach (var e in run.Endpoints.Append(run.Total).Where(e => e.Histogram is not null))
        {
            LatencyHistograms.Decode(e.Histogram!).TotalCount.ShouldBe(e.Requests);
        }

        foreach (var e in run.Intervals.SelectMany(i => i.Endpoints.Append(i.Total)).Where(e => e.Histogram is not null))
        {
            LatencyHistograms.Decode(e.Histogram!).TotalCount.ShouldBe(e.Requests);
        }

        var json = RunResultJson.Serialize(Normalize(run)).ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("LOADLENS_UPDATE_GOLDEN") == "1")
        {
            var dir = Path.Combine(SourceDir(), "Fixtures", "expected");
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, snapshot + ".json"), json);
        }

        json.ShouldBe(await File.ReadAllTextAsync(Fixture.File("expected", snapshot + ".json")));
    }

    private static RunResult Normalize(RunResult run) => run with
    {
        Source = run.Source with { Path = null },
        Endpoints = run.Endpoints.Select(e => e with { Histogram = null }).ToList(),
        Total = run.Total with { Histogram = null },
        Intervals = run.Intervals.Select(i => i with
        {
            Endpoints = i.Endpoints.Select(e => e with { Histogram = null }).ToList(),
            Total = i.Total with { Histogram = null },
        }).ToList(),
    };

    private static string SourceDir([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
