using System.Buffers.Binary;
using HdrHistogram;
using HdrHistogram.Utilities;
using Loadlens.Core.Metrics;

namespace Loadlens.Core.Tests.Metrics;

public sealed class HdrV2CodecTests
{
    /// <summary>(lowest, highest, digits, largest value, values, seed): layouts where HdrHistogram.NET 2.5.0 itself is right.</summary>
    public static TheoryData<long, long, int, long, int, int> Layouts => new()
    {
        { 1, LatencyHistograms.HighestMicros, 3, LatencyHistograms.HighestMicros, 0, 1 },
        { 1, LatencyHistograms.HighestMicros, 3, LatencyHistograms.HighestMicros, 1, 2 },
        { 1, LatencyHistograms.HighestMicros, 3, LatencyHistograms.HighestMicros, 5_000, 3 },
        { 1, LatencyHistograms.HighestMicros, 3, LatencyHistograms.HighestMicros, 200_000, 4 },
        { 1, long.MaxValue / 4, 3, 2_000_000_000_000, 2_000, 5 },
        { 1000, 3_600_000_000_000, 3, 2_000_000_000_000, 2_000, 6 },
        { 1, 1_000_000, 2, 1_000_000, 500, 7 },
        { 1, 100_000_000, 5, 100_000_000, 3_000, 8 },
        { 16, 1L << 40, 1, 1L << 30, 300, 9 },
    };

    /// <summary>Layouts and values where HdrHistogram.NET 2.5.0's iteration goes wrong (buckets of 2^31 units and more).</summary>
    public static TheoryData<long, long, int, long, int, int> WideLayouts => new()
    {
        { 1, long.MaxValue / 4, 3, long.MaxValue / 8, 2_000, 10 },
        { 1000, 3_600_000_000_000, 3, 3_600_000_000_000, 2_000, 13 },
        { 16, 1L << 40, 1, 1L << 40, 300, 11 },
        { 1, long.MaxValue, 0, long.MaxValue, 300, 12 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Encode_is_byte_identical_to_HdrHistogram_NET(long lowest, long highest, int digits, long largest, int values, int seed)
    {
        var h = Random(lowest, highest, digits, largest, values, seed);

        LatencyHistograms.Encode(h).ShouldBe(LibraryEncode(h));
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    [MemberData(nameof(WideLayouts))]
    public void Decode_restores_layout_and_every_count(long lowest, long highest, int digits, long largest, int values, int seed)
    {
        var h = Random(lowest, highest, digits, largest, values, seed);

        var decoded = LatencyHistograms.Decode(LatencyHistograms.Encode(h));

        (decoded.LowestTrackableValue, decoded.HighestTrackableValue, decoded.NumberOfSignificantValueDigits).ShouldBe((lowest, highest, digits));
        decoded.TotalCount.ShouldBe(h.TotalCount);
        Counts(decoded).ShouldBe(Counts(h));
    }

    [Fact]
    public void Uncompressed_and_Adler_trailed_forms_decode_the_same()
    {
        var h = Random(1, LatencyHistograms.HighestMicros, 3, LatencyHistograms.HighestMicros, 3_000, 11);
        var compressed = Convert.FromBase64String(LatencyHistograms.Encode(h));
        var raw = Inflate(compressed);
        var buckets = HdrV2Codec.Decode(compressed).Buckets;

        HdrV2Codec.Decode(raw).Buckets.ShouldBe(buckets);

        // Java writes a complete zlib stream (header and Adler-32 trailer).
        using var zlib = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(zlib, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(raw);
        }

        byte[] java = [0x1c, 0x84, 0x93, 0x14, 0, 0, 0, 0, .. zlib.ToArray()];
        BinaryPrimitives.WriteInt32BigEndian(java.AsSpan(4), java.Length - 8);
        HdrV2Codec.Decode(java).Buckets.ShouldBe(buckets);
        buckets.Sum(b => b.Count).ShouldBe(h.TotalCount);
    }

    [Fact]
    public void Encoding_without_padding_decodes_to_the_same_buckets()
    {
        var h = Random(1, LatencyHistograms.HighestMicros, 3, LatencyHistograms.HighestMicros, 1_000, 12);
        var counts = new long[HdrLayout.Standard.CountsLength];
        foreach (var v in h.RecordedValues())
        {
            counts[HdrLayout.Standard.IndexOf(v.ValueIteratedTo)] = v.CountAtValueIteratedTo;
        }

        var last = Array.FindLastIndex(counts, c => c != 0);
        var unpadded = HdrV2Codec.Encode(HdrLayout.Standard, counts.AsSpan(0, last + 1));

        HdrV2Codec.Decode(unpadded).Buckets.ShouldBe(HdrV2Codec.Decode(Convert.FromBase64String(LatencyHistograms.Encode(h))).Buckets);
        unpadded.Length.ShouldBeLessThan(Convert.FromBase64String(LatencyHistograms.Encode(h)).Length);
    }

    [Fact]
    public void Standard_layout_matches_HdrHistogram_NET()
    {
        var layout = HdrLayout.Standard;
        var h = LatencyHistograms.Create();
        layout.CountsLength.ShouldBe(23552);
        foreach (var v in new long[] { 1, 2, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 1_000_000, 123_456_789, LatencyHistograms.HighestMicros })
        {
            var index = layout.IndexOf(v);
            layout.LowestAt(index).ShouldBe(h.LowestEquivalentValue(v));
            layout.SizeAt(index).ShouldBe(h.SizeOfEquivalentValueRange(v));
        }
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "shorter than its 8-byte header")]
    [InlineData(new byte[] { 0x1c, 0x84, 0x93, 0x14, 0, 0, 0, 0 }, "compressed length 0 does not match the 0 bytes present")]
    [InlineData(new byte[] { 0x1c, 0x84, 0x93, 0x14, 0, 0, 0, 3, 0x77, 0, 0 }, "not zlib/deflate data")]
    [InlineData(new byte[] { 0x1c, 0x84, 0x93, 0x14, 0, 0, 0, 4, 0x78, 0x9c, 0xff, 0xff }, "corrupt compressed histogram")]
    [InlineData(new byte[] { 0x1c, 0x84, 0x93, 0x13, 0, 0, 0, 0 }, "header is shorter than 40 bytes")]
    [InlineData(new byte[] { 0x1c, 0x84, 0x93, 0x12, 0, 0, 0, 0 }, "old (V0/V1) HdrHistogram encoding")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, "not an HdrHistogram V2 payload (cookie 0x01020304)")]
    public void Bad_data_gives_a_clear_reason(byte[] bytes, string reason)
        => Should.Throw<FormatException>(() => HdrV2Codec.Decode(bytes)).Message.ShouldContain(reason);

    [Theory]
    [InlineData(0, 3, 1, 3_600_000_000, "", "invalid histogram layout (digits 3, lowest 0")]
    [InlineData(0, 6, 1, 3_600_000_000, "", "invalid histogram layout (digits 6")]
    [InlineData(1, 3, 1, 3_600_000_000, "", "shifted (normalizing index offset)")]
    [InlineData(0, 3, 1, 3_600_000_000, "ff", "end in the middle of a number")]
    [InlineData(0, 3, 1, 3_600_000_000, "ffffffff0f02", "beyond the histogram's 23552 buckets")]
    public void Bad_headers_and_counts_give_a_clear_reason(int offset, int digits, long lowest, long highest, string payloadHex, string reason)
    {
        var payload = Convert.FromHexString(payloadHex);
        var raw = new byte[40 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(raw, 0x1c849313);
        BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(4), payload.Length);
        BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(8), offset);
        BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(12), digits);
        BinaryPrimitives.WriteInt64BigEndian(raw.AsSpan(16), lowest == 1 && reason.Contains("lowest 0", StringComparison.Ordinal) ? 0 : lowest);
        BinaryPrimitives.WriteInt64BigEndian(raw.AsSpan(24), highest);
        payload.CopyTo(raw, 40);

        Should.Throw<FormatException>(() => HdrV2Codec.Decode(raw)).Message.ShouldContain(reason);
    }

    [Fact]
    public void Inflating_is_bounded_by_the_announced_payload()
    {
        // A header that announces 1 GB of counts is refused before anything is allocated for it.
        var raw = new byte[40];
        BinaryPrimitives.WriteInt32BigEndian(raw, 0x1c849313);
        BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(4), 1 << 30);
        using var zlib = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(zlib, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(raw);
        }

        byte[] bytes = [0x1c, 0x84, 0x93, 0x14, 0, 0, 0, 0, .. zlib.ToArray()];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), bytes.Length - 8);
        Should.Throw<FormatException>(() => HdrV2Codec.Decode(bytes)).Message.ShouldContain("out of range");
    }

    private static LongHistogram Random(long lowest, long highest, int digits, long largest, int values, int seed)
    {
        var rng = new Random(seed);
        var h = new LongHistogram(lowest, highest, digits);
        for (var i = 0; i < values; i++)
        {
            var v = (long)Math.Min(Math.Exp(rng.NextDouble() * Math.Log(largest)), largest);
            h.RecordValueWithCount(Math.Clamp(v, lowest, largest), rng.Next(1, i % 7 == 0 ? 1_000_000 : 100));
        }

        return h;
    }

    /// <summary>Every non-zero count by bucket (read by value: HdrHistogram.NET's iteration is off for wide layouts).</summary>
    private static List<(long, long)> Counts(HistogramBase h)
    {
        var layout = new HdrLayout(h.LowestTrackableValue, h.HighestTrackableValue, h.NumberOfSignificantValueDigits);
        return [.. Enumerable.Range(0, layout.CountsLength).Where(layout.InRange).Select(i => (layout.LowestAt(i), h.GetCountAtValue(layout.LowestAt(i)))).Where(x => x.Item2 != 0)];
    }

    /// <summary>What LatencyHistograms.Encode did before the codec: HdrHistogram.NET's own compressed encoder.</summary>
    private static string LibraryEncode(HistogramBase histogram)
    {
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity() + 64);
        var length = histogram.EncodeIntoCompressedByteBuffer(buffer);
        buffer.Position = 0;
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }

        return Convert.ToBase64String(bytes);
    }

    private static byte[] Inflate(byte[] compressed)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(compressed.AsSpan(4));
        using var deflate = new System.IO.Compression.DeflateStream(new MemoryStream(compressed, 10, length - 2), System.IO.Compression.CompressionMode.Decompress);
        using var raw = new MemoryStream();
        deflate.CopyTo(raw);
        var all = raw.ToArray();
        return all[..(40 + BinaryPrimitives.ReadInt32BigEndian(all.AsSpan(4)))];
    }
}
