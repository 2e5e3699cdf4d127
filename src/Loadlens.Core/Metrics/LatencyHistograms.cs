using HdrHistogram;
using HdrHistogram.Utilities;
using Loadlens.Core.Results;

namespace Loadlens.Core.Metrics;

/// <summary>
/// The one place that decides how latency histograms look: values in microseconds, 1 µs to 1 hour,
/// 3 significant digits (0.1 % value precision). Also encodes/decodes the HdrHistogram V2
/// compressed form kept in result files, and turns histograms into <see cref="LatencyStats"/>.
/// </summary>
public static class LatencyHistograms
{
    /// <summary>Lowest trackable value (µs).</summary>
    public const long LowestMicros = 1;

    /// <summary>Highest trackable value (µs): one hour. Larger values are clamped.</summary>
    public const long HighestMicros = 3_600_000_000;

    /// <summary>Significant value digits.</summary>
    public const int SignificantDigits = 3;

    /// <summary>A new empty histogram with the standard layout.</summary>
    public static LongHistogram Create() => new(LowestMicros, HighestMicros, SignificantDigits);

    /// <summary>Clamp a latency in microseconds into the trackable range.</summary>
    public static long Clamp(long micros) => micros < LowestMicros ? LowestMicros : micros > HighestMicros ? HighestMicros : micros;

    /// <summary>Encode into HdrHistogram V2 compressed form, base64 (the payload of an .hlog line).</summary>
    public static string Encode(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
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

    /// <summary>Decode a base64 V2 compressed histogram. Throws <see cref="FormatException"/> on bad data.</summary>
    public static HistogramBase Decode(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException ex)
        {
            throw new FormatException("histogram is not valid base64", ex);
        }

        try
        {
            // HdrHistogram.NET 2.5.0's own compressed decoder reads the inflated payload with a single
            // Read call and fails once a histogram compresses to more than ~8 KB (long, wide runs).
            // Inflate it completely here and let the library decode the uncompressed form.
            return HistogramEncoding.DecodeFromByteBuffer(ByteBuffer.Allocate(Inflate(bytes)), 0, null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new FormatException("histogram is not a valid HdrHistogram V2 compressed payload: " + ex.Message, ex);
        }
    }

    private static byte[] Inflate(byte[] bytes)
    {
        const int CompressedV2Cookie = 0x1c849314;
        const int MaxInflated = 64 * 1024 * 1024;
        if (bytes.Length < 10 || System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes) != CompressedV2Cookie)
        {
            throw new FormatException("not a compressed V2 histogram (cookie)");
        }

        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (length < 2 || length > bytes.Length - 8)
        {
            throw new FormatException("compressed length does not match the data");
        }

        // Skip the 2-byte zlib header; raw deflate works with (Java) or without (.NET) the Adler-32 trailer.
        using var deflate = new System.IO.Compression.DeflateStream(new MemoryStream(bytes, 10, length - 2), System.IO.Compression.CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        while ((n = deflate.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (inflated.Length + n > MaxInflated)
            {
                throw new FormatException("inflated histogram is implausibly large");
            }

            inflated.Write(chunk, 0, n);
        }

        return inflated.ToArray();
    }

    /// <summary>Merge histograms into a new standard histogram (widened when one of them tracks higher values).</summary>
    public static LongHistogram Merge(IEnumerable<HistogramBase> histograms)
    {
        ArgumentNullException.ThrowIfNull(histograms);
        var merged = Create();
        foreach (var h in histograms)
        {
            merged = MergeInto(merged, h);
        }

        return merged;
    }

    /// <summary>
    /// Add <paramref name="source"/> to <paramref name="target"/> (a new standard histogram when null) and return it;
    /// when <paramref name="source"/> tracks higher values than the target (which <c>HistogramBase.Add</c> rejects),
    /// returns a wider copy instead. For running merges without re-merging everything seen so far.
    /// </summary>
    public static LongHistogram MergeInto(LongHistogram? target, HistogramBase source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (target is null || source.HighestTrackableValue > target.HighestTrackableValue)
        {
            var wider = new LongHistogram(LowestMicros, Math.Max(HighestMicros, source.HighestTrackableValue), SignificantDigits);
            if (target is not null)
            {
                wider.Add(target);
            }

            target = wider;
        }

        target.Add(source);
        return target;
    }

    /// <summary>Statistics (ms) of a histogram recorded in microseconds.</summary>
    public static LatencyStats ToStats(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var count = histogram.TotalCount;
        if (count == 0)
        {
            return LatencyStats.Empty;
        }

        long min = 0;
        foreach (var v in histogram.RecordedValues())
        {
            min = histogram.LowestEquivalentValue(v.ValueIteratedTo);
            break;
        }

        double Ms(long micros) => micros / 1000.0;
        double P(double p) => Ms(histogram.GetValueAtPercentile(p));
        return new LatencyStats
        {
            Count = count,
            Min = Ms(min),
            Mean = Math.Round(histogram.GetMean() / 1000.0, 6),
            StdDev = Math.Round(histogram.GetStdDeviation() / 1000.0, 6),
            P50 = P(50),
            P66 = P(66),
            P75 = P(75),
            P80 = P(80),
            P90 = P(90),
            P95 = P(95),
            P98 = P(98),
            P99 = P(99),
            P999 = P(99.9),
            P9999 = P(99.99),
            Max = Ms(histogram.GetMaxValue()),
        };
    }
}
