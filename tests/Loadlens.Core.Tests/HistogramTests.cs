using Loadlens.Core.Metrics;

namespace Loadlens.Core.Tests;

public sealed class HistogramTests
{
    [Fact]
    public void EncodeDecode_RoundTrip_KeepsEveryCount()
    {
        var h = LatencyHistograms.Create();
        for (var i = 1; i <= 10_000; i++)
        {
            h.RecordValue(i * 37 % 250_000 + 1);
        }

        var decoded = LatencyHistograms.Decode(LatencyHistograms.Encode(h));

        decoded.TotalCount.ShouldBe(h.TotalCount);
        LatencyHistograms.ToStats(decoded).ShouldBe(LatencyHistograms.ToStats(h));
    }

    [Fact]
    public void ToStats_KnownValues_GivesMillisecondsWithinPrecision()
    {
        var h = LatencyHistograms.Create();
        for (var i = 1; i <= 100; i++)
        {
            h.RecordValue(i * 1000); // 1..100 ms
        }

        var stats = LatencyHistograms.ToStats(h);

        stats.Count.ShouldBe(100);
        stats.Min.ShouldBe(1.0, 0.001);
        stats.P50.ShouldBe(50.0, 0.05);
        stats.P99.ShouldBe(99.0, 0.1);
        stats.Max.ShouldBe(100.0, 0.1);
        stats.Mean.ShouldBe(50.5, 0.05);
    }

    [Fact]
    public void Decode_Garbage_ThrowsFormatException()
    {
        Should.Throw<FormatException>(() => LatencyHistograms.Decode("not base64 !!"));
        Should.Throw<FormatException>(() => LatencyHistograms.Decode(Convert.ToBase64String(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 })));
    }
}
