using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;

namespace Loadlens.Importers.Tests;

/// <summary>
/// The whole imported RunResult of each golden input against a committed snapshot
/// (<c>Fixtures/expected/*.json</c> in the source folder, found from this file's path; <c>LOADLENS_UPDATE_GOLDEN=1</c>
/// rewrites them there for review, and the comparison reads the same files).
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

        // Update mode and comparison use the same file: the committed one in the source folder, not the copy in bin
        // (which would still hold the old snapshot right after an update).
        var json = RunResultJson.Serialize(Normalize(run)).ReplaceLineEndings("\n");
        var expected = Path.Combine(SourceDir(), "Fixtures", "expected", snapshot + ".json");
        if (Environment.GetEnvironmentVariable("LOADLENS_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(expected)!);
            await File.WriteAllTextAsync(expected, json);
        }

        File.Exists(expected).ShouldBeTrue($"snapshot {expected} is missing; run with LOADLENS_UPDATE_GOLDEN=1 to create it");
        json.ShouldBe(await File.ReadAllTextAsync(expected));
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
