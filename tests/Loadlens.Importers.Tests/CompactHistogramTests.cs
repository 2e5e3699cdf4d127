using FsCheck;
using FsCheck.Fluent;
using Loadlens.Core.Metrics;
using Loadlens.Importers.Common;

namespace Loadlens.Importers.Tests;

public sealed class CompactHistogramTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    [InlineData(50_000)]
    public void Same_stats_and_counts_as_HdrHistogram(int seed)
    {
        var rng = new Random(seed);
        var hdr = LatencyHistograms.Create();
        var compact = new CompactHistogram();
        var n = 1 + rng.Next(20_000);
        for (var i = 0; i < n; i++)
        {
            // log-uniform from 1 µs to ~1 h, plus the clamped extremes
            var v = i % 997 == 0 ? (i % 2 == 0 ? 0 : long.MaxValue / 4) : (long)Math.Exp(rng.NextDouble() * Math.Log(3.6e9));
            hdr.RecordValue(LatencyHistograms.Clamp(v));
            compact.Record(v);
        }

        compact.TotalCount.ShouldBe(hdr.TotalCount);
        compact.ToStats().ShouldBe(LatencyHistograms.ToStats(hdr));

        var decoded = LatencyHistograms.Decode(compact.Encode());
        decoded.TotalCount.ShouldBe(hdr.TotalCount);
        LatencyHistograms.ToStats(decoded).ShouldBe(LatencyHistograms.ToStats(hdr));
        decoded.RecordedValues().Select(x => (x.ValueIteratedTo, x.CountAtValueIteratedTo))
            .ShouldBe(hdr.RecordedValues().Select(x => (x.ValueIteratedTo, x.CountAtValueIteratedTo)));
    }

    [Fact]
    public void Empty_add_reset_and_reencode()
    {
        var empty = new CompactHistogram();
        empty.ToStats().ShouldBe(Loadlens.Core.Results.LatencyStats.Empty);
        LatencyHistograms.Decode(empty.Encode()).TotalCount.ShouldBe(0);

        var a = new CompactHistogram();
        a.Record(1000);
        a.Record(2000, 3);
        var b = new CompactHistogram();
        b.Add(a);
        b.AddEncoded(a.Encode());
        b.TotalCount.ShouldBe(8);
        b.ToStats().Max.ShouldBe(2.0, 0.002);
        b.Reset();
        b.TotalCount.ShouldBe(0);
        b.ToStats().ShouldBe(Loadlens.Core.Results.LatencyStats.Empty);
        b.Record(5);
        b.ToStats().Min.ShouldBe(0.005);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool Index_round_trips_to_an_equivalent_value(PositiveInt raw)
    {
        var v = LatencyHistograms.Clamp(raw.Get);
        var index = CompactHistogram.IndexOf(v);
        var lowest = CompactHistogram.ValueFromIndex(index);
        return index is >= 0 and < CompactHistogram.Length && lowest <= v && CompactHistogram.IndexOf(lowest) == index && LatencyHistograms.Create().LowestEquivalentValue(v) == lowest;
    }
}
