using Loadlens.Core;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;

namespace Loadlens.Importers.Tests;

public sealed class HlogImporterTests
{
    private static readonly string Golden = Fixture.File("hlog", "wrk2-like.hlog");

    private static IEnumerable<(long, long)> Range(long from, long to) => Enumerable.Range(0, (int)(to - from)).Select(i => (from + i, 1L));

    // The values behind the committed golden log (µs).
    private static readonly (long, long)[] Untagged0 = [.. Range(1000, 2000)];
    private static readonly (long, long)[] Untagged1 = [(2000, 500), (50_000, 1)];
    private static readonly (long, long)[] Login0 = [(10_000, 100), (30_000, 1)];
    private static readonly (long, long)[] Login1 = [(12_000, 100)];

    internal static string GoldenText() => HlogText.Log(1714550400, 1714550400,
    [
        ("login", 0, 1, HlogText.Histogram(Login0)),
        (null, 0, 1, HlogText.Histogram(Untagged0)),
        (null, 1, 1, HlogText.Histogram(Untagged1)),
        ("login", 1, 1, HlogText.Histogram(Login1)),
    ]);

    [Fact]
    public void Committed_golden_log_is_what_the_writer_produces()
    {
        if (Environment.GetEnvironmentVariable("LOADLENS_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDir(), "Fixtures", "hlog", "wrk2-like.hlog"), GoldenText());
        }

        File.ReadAllText(Golden).ShouldBe(GoldenText());
    }

    private static string SourceDir([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;

    [Fact]
    public async Task Golden_log_tags_are_endpoints_and_starts_are_intervals()
    {
        var run = await ResultImporter.ImportAsync(Golden);

        run.Source.ShouldBe(new RunSource("hdrhistogram", "hlog", Golden));
        run.StartedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1714550400));
        run.DurationSeconds.ShouldBe(2);
        run.Endpoints.Select(e => (e.Name, e.Requests, e.Failures)).ShouldBe([("login", 201L, 0L), ("(untagged)", 1501L, 0L)]);
        run.Errors.ShouldBeEmpty();

        var untagged = run.Endpoints[1].Latency;
        untagged.ShouldBe(LatencyHistograms.ToStats(HlogText.Histogram([.. Untagged0, .. Untagged1])));
        untagged.P50.ShouldBe(1.75, 0.002);
        untagged.Max.ShouldBe(50, 0.05);
        run.Endpoints[0].Latency.P50.ShouldBe(12, 0.01); // 100 × 10 ms, 100 × 12 ms, 1 × 30 ms: the 101st value
        run.Endpoints[0].RequestsPerSecond.ShouldBe(100.5);
        run.Total.Requests.ShouldBe(1702);
        run.Total.Latency.ShouldBe(LatencyHistograms.ToStats(HlogText.Histogram([.. Untagged0, .. Untagged1, .. Login0, .. Login1])));
        LatencyHistograms.Decode(run.Total.Histogram!).TotalCount.ShouldBe(1702);

        run.Intervals.Count.ShouldBe(2);
        run.Intervals.Select(i => (i.StartSeconds, i.DurationSeconds)).ShouldBe([(0.0, 1.0), (1.0, 1.0)]);
        run.Intervals[0].Endpoints.Select(e => e.Requests).ShouldBe([101L, 1000L]);
        run.Intervals[1].Endpoints.Select(e => e.Requests).ShouldBe([100L, 501L]);
        run.Intervals[1].Endpoints[1].Latency.Max.ShouldBe(50, 0.05);
        run.Intervals[0].Total.Requests.ShouldBe(1101);
        run.Notes.ShouldContain(n => n.Contains("values read as microseconds", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nanosecond_logs_convert_with_the_unit_option_or_a_comment()
    {
        using var temp = Fixture.Temp();
        var ns = HlogText.Histogram(Untagged0.Select(v => (v.Item1 * 1000, v.Item2)), long.MaxValue / 4);
        var text = HlogText.Log(1714550400, null, [(null, 1714550400, 1, ns)]);
        var path = temp.Write("jhiccup.hlog", text);

        var run = await ResultImporter.ImportAsync(path, "hlog:ns");
        run.Total.Latency.P50.ShouldBe(1.5, 0.003);
        run.Total.Latency.Max.ShouldBe(2.0, 0.003);
        run.Notes.ShouldContain(n => n.Contains("nanoseconds (chosen with the format option)", StringComparison.Ordinal));

        var asMicros = await ResultImporter.ImportAsync(path);
        asMicros.Total.Latency.P50.ShouldBe(1500, 3);
        asMicros.Notes.ShouldContain(n => n.Contains("--input-format hlog:ns", StringComparison.Ordinal));

        var commented = temp.Write("commented.hlog", HlogText.Log(1714550400, null, [(null, 1714550400, 1, ns)], "#[Units: nanoseconds]"));
        (await ResultImporter.ImportAsync(commented)).Total.Latency.P50.ShouldBe(1.5, 0.003);
        (await ResultImporter.ImportAsync(commented, "hlog:ms")).Total.Latency.P50.ShouldBe(1_500_000, 3000);
    }

    [Fact]
    public async Task Relative_timestamps_without_base_time_are_offset_by_start_time()
    {
        using var temp = Fixture.Temp();
        var path = temp.Write("rel.hlog", HlogText.Log(1714550400, null, [(null, 0, 5, HlogText.Histogram(Login0)), (null, 5, 5, HlogText.Histogram(Login1))]));
        var run = await ResultImporter.ImportAsync(path);
        run.StartedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1714550400));
        run.Intervals.Select(i => i.StartSeconds).ShouldBe([0.0, 5.0]);
        run.DurationSeconds.ShouldBe(10);
        run.Settings.IntervalSeconds.ShouldBe(5);
    }

    [Fact]
    public async Task Large_histograms_that_HdrHistogram_NET_cannot_decode_still_import()
    {
        // ~100,000 distinct buckets' worth of values: the compressed payload is far above 8 KB.
        using var temp = Fixture.Temp();
        var rng = new Random(5);
        var big = HlogText.Histogram(Enumerable.Range(0, 200_000).Select(_ => ((long)Math.Exp(rng.NextDouble() * Math.Log(3.0e9)) + 1, (long)rng.Next(1, 100_000))));
        var path = temp.Write("big.hlog", HlogText.Log(1714550400, null, [(null, 1714550400, 1, big)]));
        var run = await ResultImporter.ImportAsync(path);
        run.Total.Requests.ShouldBe(big.TotalCount);
        run.Total.Latency.ShouldBe(LatencyHistograms.ToStats(big));
    }

    [Theory]
    [InlineData("0.000,1.000,0.1\n", 1, "expected 4 fields")]
    [InlineData("abc,1.000,0.1,HISTFAAAAA==\n", 1, "interval start 'abc'")]
    [InlineData("0.000,1.000,0.1,notbase64!\n", 1, "histogram")]
    [InlineData("0.000,1.000,0.1,AAAAAAAAAAAA\n", 1, "not an HdrHistogram V2 payload")]
    [InlineData("#[StartTime: soon]\n", 1, "seconds since the epoch")]
    [InlineData("#[Histogram log format version 1.3]\n", 1, "no histogram lines")]
    [InlineData("Tag=,0.000,1.000,0.1,HISTFAAAAA==\n", 1, "empty tag")]
    public async Task Bad_lines_give_located_errors(string content, int line, string problem)
    {
        using var temp = Fixture.Temp();
        var path = temp.Write("bad.hlog", content);
        var ex = await Should.ThrowAsync<InputFormatException>(() => ResultImporter.ImportAsync(path, "hlog"));
        ex.Source.ShouldBe(path);
        ex.Line.ShouldBe(line);
        ex.Problem.ShouldContain(problem);
    }
}
