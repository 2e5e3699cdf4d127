using Loadlens.Core.Metrics;

namespace Loadlens.Core.Tests.Metrics;

public sealed class LatencyHistogramsDecodeTests
{
    [Theory]
    [InlineData(100)]
    [InlineData(5_000)]
    [InlineData(23_000)]
    public void Decodes_what_Encode_writes_even_above_8_KB_compressed(int occupiedBuckets)
    {
        // Many occupied buckets with varied counts: the 23,000 case compresses to ~65 KB,
        // which HdrHistogram.NET 2.5.0's own decoder cannot read back.
        var rng = new Random(occupiedBuckets);
        var h = LatencyHistograms.Create();
        long value = 1;
        for (var i = 0; i < occupiedBuckets; i++)
        {
            h.RecordValueWithCount(LatencyHistograms.Clamp(value), rng.Next(1, 1_000_000));
            value = h.NextNonEquivalentValue(value);
        }

        var decoded = LatencyHistograms.Decode(LatencyHistograms.Encode(h));

        decoded.TotalCount.ShouldBe(h.TotalCount);
        LatencyHistograms.ToStats(decoded).ShouldBe(LatencyHistograms.ToStats(h));
    }

    [Theory]
    [InlineData("")]
    [InlineData("AAAA")]
    [InlineData("HISTFAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not base64!")]
    public void Garbage_is_a_format_exception(string base64)
        => Should.Throw<FormatException>(() => LatencyHistograms.Decode(base64));
}
