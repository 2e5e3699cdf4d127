using System.Numerics;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;

namespace Loadlens.Importers.Common;

/// <summary>
/// A recording accumulator with exactly the <see cref="LatencyHistograms"/> layout (µs, 1 µs … 1 h, 3 significant
/// digits) whose statistics run in one pass over the occupied index range. The importers close thousands of
/// per-second histograms; HdrHistogram.NET 2.5.0 spends milliseconds per histogram on <c>GetValueAtPercentile</c>
/// loops and a full-size encode buffer, this takes microseconds. It is not a codec: <see cref="Encode"/> and
/// <see cref="AddEncoded"/> go through <see cref="HdrV2Codec"/>, and the form decodes with <see cref="LatencyHistograms.Decode"/>.
/// </summary>
internal sealed class CompactHistogram
{
    /// <summary>Counts array length of the standard layout (22 buckets of 1,024 half-sub-buckets, plus one).</summary>
    public const int Length = 23552;

    private const int SubBucketHalfCountMagnitude = 10;
    private const int SubBucketHalfCount = 1024;
    private const long SubBucketMask = 2047;
    private const int LeadingZeroCountBase = 64 - 0 - SubBucketHalfCountMagnitude - 1;

    private readonly long[] _counts = new long[Length];
    private int _minIndex = int.MaxValue;
    private int _maxIndex = -1;

    /// <summary>Number of recorded values.</summary>
    public long TotalCount { get; private set; }

    /// <summary>Record a value in microseconds (clamped into the trackable range).</summary>
    public void Record(long micros)
    {
        var index = IndexOf(LatencyHistograms.Clamp(micros));
        _counts[index]++;
        TotalCount++;
        if (index < _minIndex)
        {
            _minIndex = index;
        }

        if (index > _maxIndex)
        {
            _maxIndex = index;
        }
    }

    /// <summary>Record <paramref name="count"/> values of <paramref name="micros"/>.</summary>
    public void Record(long micros, long count)
    {
        if (count <= 0)
        {
            return;
        }

        var index = IndexOf(LatencyHistograms.Clamp(micros));
        _counts[index] += count;
        TotalCount += count;
        _minIndex = Math.Min(_minIndex, index);
        _maxIndex = Math.Max(_maxIndex, index);
    }

    /// <summary>Add all counts of <paramref name="other"/>.</summary>
    public void Add(CompactHistogram other)
    {
        for (var i = other._minIndex; i <= other._maxIndex; i++)
        {
            _counts[i] += other._counts[i];
        }

        if (other.TotalCount > 0)
        {
            TotalCount += other.TotalCount;
            _minIndex = Math.Min(_minIndex, other._minIndex);
            _maxIndex = Math.Max(_maxIndex, other._maxIndex);
        }
    }

    /// <summary>Add a histogram decoded from its V2 form (any layout; values re-recorded in µs).</summary>
    public void AddEncoded(string base64)
    {
        foreach (var bucket in HdrV2Codec.Decode(Convert.FromBase64String(base64)).Buckets)
        {
            Record(bucket.Lowest + (bucket.Size >> 1), bucket.Count);
        }
    }

    /// <summary>Empty the histogram (clears only the occupied range).</summary>
    public void Reset()
    {
        if (_maxIndex >= 0)
        {
            Array.Clear(_counts, _minIndex, _maxIndex - _minIndex + 1);
        }

        _minIndex = int.MaxValue;
        _maxIndex = -1;
        TotalCount = 0;
    }

    /// <summary>
    /// Statistics in ms with the same semantics as <see cref="LatencyHistograms.ToStats"/> (percentiles are the
    /// highest equivalent value of their bucket, mean/stddev use bucket midpoints).
    /// </summary>
    public LatencyStats ToStats()
    {
        if (TotalCount == 0)
        {
            return LatencyStats.Empty;
        }

        var percentiles = LatencyStats.StandardPercentiles;
        var targets = new long[percentiles.Count];
        for (var k = 0; k < targets.Length; k++)
        {
            targets[k] = Math.Max(1, (long)((percentiles[k] / 100.0 * TotalCount) + 0.5));
        }

        var values = new double[targets.Length];
        var next = 0;
        long cumulative = 0;
        double sum = 0;
        for (var i = _minIndex; i <= _maxIndex; i++)
        {
            var c = _counts[i];
            if (c == 0)
            {
                continue;
            }

            cumulative += c;
            var lowest = ValueFromIndex(i);
            var size = SizeOfRange(i);
            sum += (double)(lowest + (size >> 1)) * c;
            while (next < targets.Length && cumulative >= targets[next])
            {
                values[next++] = (lowest + size - 1) / 1000.0;
            }
        }

        var mean = sum / TotalCount;
        double variance = 0;
        for (var i = _minIndex; i <= _maxIndex; i++)
        {
            var c = _counts[i];
            if (c != 0)
            {
                var d = ValueFromIndex(i) + (SizeOfRange(i) >> 1) - mean;
                variance += d * d * c;
            }
        }

        return SummaryStats.Of(
            TotalCount,
            ValueFromIndex(_minIndex) / 1000.0,
            Math.Round(mean / 1000.0, 6),
            Math.Round(Math.Sqrt(variance / TotalCount) / 1000.0, 6),
            values,
            (ValueFromIndex(_maxIndex) + SizeOfRange(_maxIndex) - 1) / 1000.0);
    }

    /// <summary>
    /// HdrHistogram V2 compressed encoding, base64 (the form kept in result files and .hlog lines), by the
    /// <see cref="HdrV2Codec"/>; without HdrHistogram.NET's zero padding of the inflated form, so only the
    /// occupied range is deflated.
    /// </summary>
    public string Encode() => Convert.ToBase64String(HdrV2Codec.Encode(HdrLayout.Standard, _counts.AsSpan(0, _maxIndex + 1)));

    /// <summary>Counts-array index of a value (µs) in the standard layout.</summary>
    public static int IndexOf(long value)
    {
        var bucketIndex = LeadingZeroCountBase - BitOperations.LeadingZeroCount((ulong)(value | SubBucketMask));
        var subBucketIndex = (int)(value >> bucketIndex);
        return ((bucketIndex + 1) << SubBucketHalfCountMagnitude) + (subBucketIndex - SubBucketHalfCount);
    }

    /// <summary>Lowest value (µs) of the bucket at <paramref name="index"/>.</summary>
    public static long ValueFromIndex(int index) => HdrLayout.Standard.LowestAt(index);

    private static long SizeOfRange(int index) => HdrLayout.Standard.SizeAt(index);
}
