using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;

namespace Loadlens.Importers.Common;

/// <summary>
/// An HdrHistogram with exactly the <see cref="LatencyHistograms"/> layout (µs, 1 µs … 1 h, 3 significant
/// digits) whose statistics and V2 encoding run in one pass over the occupied index range. The importers
/// close thousands of per-second histograms; HdrHistogram.NET 2.5.0 spends milliseconds per histogram on
/// <c>GetValueAtPercentile</c> loops and a full-size encode buffer, this takes microseconds. The encoded form
/// is standard ("HISTFAA…") and decodes with <see cref="LatencyHistograms.Decode"/>.
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
        foreach (var bucket in Hlog.HdrPayload.Decode(Convert.FromBase64String(base64)))
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

        return new LatencyStats
        {
            Count = TotalCount,
            Min = ValueFromIndex(_minIndex) / 1000.0,
            Mean = Math.Round(mean / 1000.0, 6),
            StdDev = Math.Round(Math.Sqrt(variance / TotalCount) / 1000.0, 6),
            P50 = values[0],
            P66 = values[1],
            P75 = values[2],
            P80 = values[3],
            P90 = values[4],
            P95 = values[5],
            P98 = values[6],
            P99 = values[7],
            P999 = values[8],
            P9999 = values[9],
            Max = (ValueFromIndex(_maxIndex) + SizeOfRange(_maxIndex) - 1) / 1000.0,
        };
    }

    /// <summary>HdrHistogram V2 compressed encoding, base64 (the form kept in result files and .hlog lines).</summary>
    public string Encode()
    {
        var limit = _maxIndex + 1;
        var payload = new byte[40 + (limit * 9) + 16];
        var pos = 40;
        var i = 0;
        while (i < limit)
        {
            var count = _counts[i++];
            if (count == 0)
            {
                var zeros = 1L;
                while (i < limit && _counts[i] == 0)
                {
                    zeros++;
                    i++;
                }

                pos = PutZigZag(payload, pos, zeros > 1 ? -zeros : 0);
            }
            else
            {
                pos = PutZigZag(payload, pos, count);
            }
        }

        var span = payload.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, 0x1c849313);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], pos - 40);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], 0);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], LatencyHistograms.SignificantDigits);
        BinaryPrimitives.WriteInt64BigEndian(span[16..], LatencyHistograms.LowestMicros);
        BinaryPrimitives.WriteInt64BigEndian(span[24..], LatencyHistograms.HighestMicros);
        BinaryPrimitives.WriteDoubleBigEndian(span[32..], 1.0);

        using var compressed = new MemoryStream();
        compressed.Write(stackalloc byte[8]);
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(payload, 0, pos);
        }

        var bytes = compressed.GetBuffer();
        var length = (int)compressed.Length;
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x1c849314);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), length - 8);
        return Convert.ToBase64String(bytes, 0, length);
    }

    /// <summary>Counts-array index of a value (µs) in the standard layout.</summary>
    public static int IndexOf(long value)
    {
        var bucketIndex = LeadingZeroCountBase - BitOperations.LeadingZeroCount((ulong)(value | SubBucketMask));
        var subBucketIndex = (int)(value >> bucketIndex);
        return ((bucketIndex + 1) << SubBucketHalfCountMagnitude) + (subBucketIndex - SubBucketHalfCount);
    }

    /// <summary>Lowest value (µs) of the bucket at <paramref name="index"/>.</summary>
    public static long ValueFromIndex(int index)
    {
        var bucketIndex = (index >> SubBucketHalfCountMagnitude) - 1;
        var subBucketIndex = (index & (SubBucketHalfCount - 1)) + SubBucketHalfCount;
        if (bucketIndex < 0)
        {
            subBucketIndex -= SubBucketHalfCount;
            bucketIndex = 0;
        }

        return (long)subBucketIndex << bucketIndex;
    }

    private static long SizeOfRange(int index)
    {
        var bucketIndex = Math.Max(0, (index >> SubBucketHalfCountMagnitude) - 1);
        return 1L << bucketIndex;
    }

    private static int PutZigZag(byte[] buffer, int pos, long value)
    {
        var v = (ulong)((value << 1) ^ (value >> 63));
        for (var b = 0; b < 8; b++)
        {
            if (v >> 7 == 0)
            {
                buffer[pos++] = (byte)v;
                return pos;
            }

            buffer[pos++] = (byte)((v & 0x7F) | 0x80);
            v >>= 7;
        }

        buffer[pos++] = (byte)v;
        return pos;
    }
}
