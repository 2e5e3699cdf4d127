using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;

namespace Loadlens.Core.Metrics;

/// <summary>
/// The one HdrHistogram V2 codec. Decodes any layout (significant digits, lowest discernible value),
/// compressed (<c>0x1c849314</c>, zlib with or without its Adler-32 trailer, as Java and HdrHistogram.NET
/// write it) or not (<c>0x1c849313</c>), to occupied buckets; encodes a counts array to the compressed form
/// byte for byte as HdrHistogram.NET 2.5.0 does. Written here rather than taken from HdrHistogram.NET, whose
/// decoder reads the inflated payload with a single <c>Read</c> call and fails on payloads that compress to
/// more than ~8 KB, and whose encoder deflates a full-size buffer however few buckets are occupied.
/// </summary>
internal static class HdrV2Codec
{
    private const int V2Cookie = 0x1c849313;
    private const int V2CompressedCookie = 0x1c849314;
    private const int HeaderLength = 40;
    private const int MaxPayload = 16 * 1024 * 1024;

    /// <summary>One occupied bucket: its value range in the producer's unit and its count.</summary>
    public readonly record struct Bucket(long Lowest, long Size, long Count);

    /// <summary>A decoded histogram: its layout and its occupied buckets in index order.</summary>
    public sealed record Decoded(HdrLayout Layout, List<Bucket> Buckets);

    /// <summary>Decode to layout and occupied buckets; <see cref="FormatException"/> with a short reason on bad data.</summary>
    public static Decoded Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
        {
            throw new FormatException("histogram payload is shorter than its 8-byte header");
        }

        var cookie = BinaryPrimitives.ReadInt32BigEndian(bytes);
        byte[] raw;
        if (cookie == V2CompressedCookie)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes[4..]);
            if (length <= 2 || length > bytes.Length - 8)
            {
                throw new FormatException($"compressed length {length} does not match the {bytes.Length - 8} bytes present");
            }

            raw = Inflate(bytes.Slice(8, length));
        }
        else if (cookie == V2Cookie)
        {
            raw = bytes.ToArray();
        }
        else if ((cookie & ~0xf0) is 0x1c849301 or 0x1c849302 or 0x1c849308 or 0x1c849309 or 0x1c849300)
        {
            throw new FormatException("old (V0/V1) HdrHistogram encoding is not supported; re-encode with a current HdrHistogram");
        }
        else
        {
            throw new FormatException($"not an HdrHistogram V2 payload (cookie 0x{cookie:x8})");
        }

        return DecodeUncompressed(raw);
    }

    /// <summary>
    /// Compressed V2 encoding of <paramref name="counts"/> (the counts array of <paramref name="layout"/> up to
    /// and including the last occupied index). <paramref name="inflatedLength"/> zero-pads the inflated form to
    /// that many bytes, as HdrHistogram.NET does (its <c>GetNeededByteBufferCapacity()</c>); 0 pads nothing.
    /// </summary>
    public static byte[] Encode(HdrLayout layout, ReadOnlySpan<long> counts, int inflatedLength = 0)
    {
        var raw = new byte[Math.Max(inflatedLength, HeaderLength + (counts.Length * 9))];
        var pos = HeaderLength;
        var i = 0;
        while (i < counts.Length)
        {
            var count = counts[i++];
            if (count < 0)
            {
                throw new ArgumentException($"negative count {count} at index {i - 1}", nameof(counts));
            }

            if (count == 0)
            {
                var zeros = 1L;
                while (i < counts.Length && counts[i] == 0)
                {
                    zeros++;
                    i++;
                }

                pos = PutZigZag(raw, pos, zeros > 1 ? -zeros : 0);
            }
            else
            {
                pos = PutZigZag(raw, pos, count);
            }
        }

        var span = raw.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, V2Cookie);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], pos - HeaderLength);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], 0);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], layout.Digits);
        BinaryPrimitives.WriteInt64BigEndian(span[16..], layout.Lowest);
        BinaryPrimitives.WriteInt64BigEndian(span[24..], layout.Highest);
        BinaryPrimitives.WriteDoubleBigEndian(span[32..], 1.0);

        // Cookie, length, a 2-byte zlib header, raw deflate without the Adler-32 trailer (HdrHistogram.NET's framing).
        using var compressed = new MemoryStream();
        compressed.Write([0, 0, 0, 0, 0, 0, 0, 0, 0x58, 0x85]);
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(raw, 0, Math.Max(pos, inflatedLength));
        }

        var bytes = compressed.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(bytes, V2CompressedCookie);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), bytes.Length - 8);
        return bytes;
    }

    private static byte[] Inflate(ReadOnlySpan<byte> zlib)
    {
        // Skip the 2-byte zlib header and inflate raw deflate; a missing or present Adler-32 trailer both work.
        // Only the header and the payload it announces are inflated (HdrHistogram.NET pads with zeros after it).
        if ((zlib[0] & 0x0f) != 8)
        {
            throw new FormatException("compressed histogram is not zlib/deflate data");
        }

        using var input = new MemoryStream(zlib[2..].ToArray());
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        var header = new byte[HeaderLength];
        ReadFully(deflate, header, HeaderLength);
        if (BinaryPrimitives.ReadInt32BigEndian(header) != V2Cookie)
        {
            throw new FormatException("inflated histogram does not start with the V2 cookie");
        }

        var payload = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        if (payload is < 0 or > MaxPayload)
        {
            throw new FormatException($"histogram payload length {payload} is out of range");
        }

        var all = new byte[HeaderLength + payload];
        header.CopyTo(all, 0);
        ReadFully(deflate, all.AsSpan(HeaderLength), payload);
        return all;
    }

    private static void ReadFully(Stream stream, Span<byte> buffer, int count)
    {
        var total = 0;
        while (total < count)
        {
            int n;
            try
            {
                n = stream.Read(buffer[total..count]);
            }
            catch (InvalidDataException ex)
            {
                throw new FormatException("corrupt compressed histogram: " + ex.Message, ex);
            }

            if (n <= 0)
            {
                throw new FormatException($"compressed histogram ends after {total} of {count} bytes");
            }

            total += n;
        }
    }

    private static Decoded DecodeUncompressed(byte[] raw)
    {
        if (raw.Length < HeaderLength)
        {
            throw new FormatException("histogram header is shorter than 40 bytes");
        }

        var span = raw.AsSpan();
        var payloadLength = BinaryPrimitives.ReadInt32BigEndian(span[4..]);
        var normalizingOffset = BinaryPrimitives.ReadInt32BigEndian(span[8..]);
        var digits = BinaryPrimitives.ReadInt32BigEndian(span[12..]);
        var lowest = BinaryPrimitives.ReadInt64BigEndian(span[16..]);
        var highest = BinaryPrimitives.ReadInt64BigEndian(span[24..]);
        if (payloadLength < 0 || payloadLength > raw.Length - HeaderLength)
        {
            throw new FormatException($"payload length {payloadLength} exceeds the {raw.Length - HeaderLength} bytes present");
        }

        if (normalizingOffset != 0)
        {
            throw new FormatException("shifted (normalizing index offset) histograms are not supported");
        }

        if (digits is < 0 or > 5 || lowest < 1 || highest < 2 * lowest || lowest > (1L << 40))
        {
            throw new FormatException($"invalid histogram layout (digits {digits}, lowest {lowest}, highest {highest})");
        }

        var layout = new HdrLayout(lowest, highest, digits);
        var result = new List<Bucket>();
        var pos = HeaderLength;
        var end = HeaderLength + payloadLength;
        long index = 0;
        while (pos < end)
        {
            var value = ReadZigZag(raw, ref pos, end);
            if (value < 0)
            {
                index += -value;
                continue;
            }

            if (index >= layout.CountsLength)
            {
                throw new FormatException($"count at index {index} is beyond the histogram's {layout.CountsLength} buckets");
            }

            if (value > 0)
            {
                if (!layout.InRange((int)index))
                {
                    throw new FormatException($"bucket index {index} overflows");
                }

                result.Add(new Bucket(layout.LowestAt((int)index), layout.SizeAt((int)index), value));
            }

            index++;
        }

        return new Decoded(layout, result);
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

    private static long ReadZigZag(byte[] buffer, ref int pos, int end)
    {
        ulong v = 0;
        for (var b = 0; b < 9; b++)
        {
            if (pos >= end)
            {
                throw new FormatException("histogram counts end in the middle of a number");
            }

            var x = buffer[pos++];
            if (b == 8)
            {
                v |= (ulong)x << 56;
                break;
            }

            v |= (ulong)(x & 0x7F) << (7 * b);
            if ((x & 0x80) == 0)
            {
                break;
            }
        }

        return (long)(v >> 1) ^ -(long)(v & 1);
    }
}

/// <summary>
/// An HdrHistogram layout (lowest discernible value, highest trackable value, significant digits) and the
/// counts-array index arithmetic that goes with it, as Java's HdrHistogram defines it.
/// </summary>
internal readonly record struct HdrLayout
{
    /// <summary>A layout; arguments as HdrHistogram requires them (lowest ≥ 1, highest ≥ 2 × lowest, digits 0–5).</summary>
    public HdrLayout(long lowest, long highest, int digits)
    {
        if (lowest < 1 || highest < 2 * lowest || digits is < 0 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(lowest), $"invalid histogram layout (digits {digits}, lowest {lowest}, highest {highest})");
        }

        Lowest = lowest;
        Highest = highest;
        Digits = digits;
        UnitMagnitude = 63 - BitOperations.LeadingZeroCount((ulong)lowest);
        var largest = 2L * (long)Math.Pow(10, digits);
        var subBucketCountMagnitude = 64 - BitOperations.LeadingZeroCount((ulong)(largest - 1));
        HalfMagnitude = Math.Max(subBucketCountMagnitude, 1) - 1;
        var subBucketCount = 1L << (HalfMagnitude + 1);
        _mask = (subBucketCount - 1) << UnitMagnitude;

        // Counts array length for this layout (as Java's HdrHistogram computes it).
        var smallestUntrackable = subBucketCount << UnitMagnitude;
        var buckets = 1;
        while (smallestUntrackable <= highest)
        {
            if (smallestUntrackable > long.MaxValue / 2)
            {
                buckets++;
                break;
            }

            smallestUntrackable <<= 1;
            buckets++;
        }

        CountsLength = (buckets + 1) << HalfMagnitude;
    }

    private readonly long _mask;

    /// <summary>The standard Loadlens layout (<see cref="LatencyHistograms"/>): µs, 1 µs … 1 h, 3 digits.</summary>
    public static HdrLayout Standard { get; } = new(LatencyHistograms.LowestMicros, LatencyHistograms.HighestMicros, LatencyHistograms.SignificantDigits);

    /// <summary>Lowest discernible value.</summary>
    public long Lowest { get; }

    /// <summary>Highest trackable value.</summary>
    public long Highest { get; }

    /// <summary>Significant value digits.</summary>
    public int Digits { get; }

    /// <summary>log2 of the lowest discernible value, rounded down.</summary>
    public int UnitMagnitude { get; }

    /// <summary>log2 of half the sub-bucket count.</summary>
    public int HalfMagnitude { get; }

    /// <summary>Length of the counts array.</summary>
    public int CountsLength { get; }

    /// <summary>Counts-array index of a (non-negative, trackable) value.</summary>
    public int IndexOf(long value)
    {
        var bucketIndex = 64 - UnitMagnitude - (HalfMagnitude + 1) - BitOperations.LeadingZeroCount((ulong)(value | _mask));
        var subBucketIndex = (int)(value >> (bucketIndex + UnitMagnitude));
        return ((bucketIndex + 1) << HalfMagnitude) + (subBucketIndex - (1 << HalfMagnitude));
    }

    /// <summary>Lowest value of the bucket at <paramref name="index"/> (meaningful where <see cref="InRange"/>).</summary>
    public long LowestAt(int index) => SubBucketAt(index) << ShiftAt(index);

    /// <summary>Whether the whole bucket at <paramref name="index"/> lies within the range of <see cref="long"/>.</summary>
    public bool InRange(int index)
    {
        var shift = ShiftAt(index);
        return shift <= 62 && SubBucketAt(index) <= long.MaxValue >> shift;
    }

    /// <summary>Size (in value units) of the bucket at <paramref name="index"/>.</summary>
    public long SizeAt(int index) => 1L << ShiftAt(index);

    /// <summary>log2 of the size of the bucket at <paramref name="index"/>.</summary>
    public int ShiftAt(int index) => Math.Max(0, (index >> HalfMagnitude) - 1) + UnitMagnitude;

    private long SubBucketAt(int index)
    {
        var halfCount = 1L << HalfMagnitude;
        return (index >> HalfMagnitude) == 0 ? index : (index & (halfCount - 1)) + halfCount;
    }
}
