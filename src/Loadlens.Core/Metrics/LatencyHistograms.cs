using HdrHistogram;
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

    /// <summary>Encode into HdrHistogram V2 compressed form, base64 (the payload of an .hlog line), as HdrHistogram.NET writes it.</summary>
    public static string Encode(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var layout = new HdrLayout(histogram.LowestTrackableValue, histogram.HighestTrackableValue, histogram.NumberOfSignificantValueDigits);

        // The counts up to the last occupied index (index 0 when empty), as HdrHistogram.NET writes them. They are
        // read by value rather than through RecordedValues(), whose values are off for the first sub-bucket when
        // lowest > 1 and overflow for buckets of 2^31 units and more (HdrHistogram.NET 2.5.0).
        var counts = new long[layout.CountsLength];
        var length = 1;
        for (var i = 0; i < counts.Length && layout.InRange(i); i++)
        {
            if ((counts[i] = histogram.GetCountAtValue(layout.LowestAt(i))) != 0)
            {
                length = i + 1;
            }
        }

        return Convert.ToBase64String(HdrV2Codec.Encode(layout, counts.AsSpan(0, length), histogram.GetNeededByteBufferCapacity()));
    }

    /// <summary>Decode a base64 V2 histogram (any layout, compressed or not). Throws <see cref="FormatException"/> on bad data.</summary>
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

        HdrV2Codec.Decoded decoded;
        try
        {
            decoded = HdrV2Codec.Decode(bytes);
        }
        catch (FormatException ex)
        {
            throw new FormatException("histogram is not a valid HdrHistogram V2 payload: " + ex.Message, ex);
        }

        var layout = decoded.Layout;
        try
        {
            var histogram = new LongHistogram(layout.Lowest, layout.Highest, layout.Digits);
            foreach (var bucket in decoded.Buckets)
            {
                histogram.RecordValueWithCount(bucket.Lowest, bucket.Count);
            }

            return histogram;
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException)
        {
            throw new FormatException("histogram is not a valid HdrHistogram V2 payload: " + ex.Message, ex);
        }
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
