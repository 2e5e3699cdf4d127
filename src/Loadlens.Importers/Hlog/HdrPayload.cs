using System.Buffers.Binary;
using System.IO.Compression;

namespace Loadlens.Importers.Hlog;

/// <summary>
/// A reader for HdrHistogram V2 encodings of any layout (significant digits, lowest discernible value),
/// compressed (<c>0x1c849314</c>, zlib with or without its Adler-32 trailer, as Java and HdrHistogram.NET
/// write it) or not (<c>0x1c849313</c>). Written here rather than taken from HdrHistogram.NET 2.5.0,
/// whose decoder reads the inflated payload with a single <c>Read</c> call and fails on payloads that
/// compress to more than ~8 KB.
/// </summary>
internal static class HdrPayload
{
    private const int V2Cookie = 0x1c849313;
    private const int V2CompressedCookie = 0x1c849314;
    private const int MaxPayload = 16 * 1024 * 1024;

    /// <summary>One occupied bucket: its value range in the producer's unit and its count.</summary>
    public readonly record struct Bucket(long Lowest, long Size, long Count);

    /// <summary>Decode to occupied buckets; <see cref="FormatException"/> with a short reason on bad data.</summary>
    public static List<Bucket> Decode(ReadOnlySpan<byte> bytes)
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

    private static byte[] Inflate(ReadOnlySpan<byte> zlib)
    {
        // Skip the 2-byte zlib header and inflate raw deflate; a missing or present Adler-32 trailer both work.
        if ((zlib[0] & 0x0f) != 8)
        {
            throw new FormatException("compressed histogram is not zlib/deflate data");
        }

        using var input = new MemoryStream(zlib[2..].ToArray());
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        var header = new byte[40];
        ReadFully(deflate, header, 40);
        if (BinaryPrimitives.ReadInt32BigEndian(header) != V2Cookie)
        {
            throw new FormatException("inflated histogram does not start with the V2 cookie");
        }

        var payload = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        if (payload is < 0 or > MaxPayload)
        {
            throw new FormatException($"histogram payload length {payload} is out of range");
        }

        var all = new byte[40 + payload];
        header.CopyTo(all, 0);
        ReadFully(deflate, all.AsSpan(40), payload);
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

    private static List<Bucket> DecodeUncompressed(byte[] raw)
    {
        if (raw.Length < 40)
        {
            throw new FormatException("histogram header is shorter than 40 bytes");
        }

        var span = raw.AsSpan();
        var payloadLength = BinaryPrimitives.ReadInt32BigEndian(span[4..]);
        var normalizingOffset = BinaryPrimitives.ReadInt32BigEndian(span[8..]);
        var digits = BinaryPrimitives.ReadInt32BigEndian(span[12..]);
        var lowest = BinaryPrimitives.ReadInt64BigEndian(span[16..]);
        var highest = BinaryPrimitives.ReadInt64BigEndian(span[24..]);
        if (payloadLength < 0 || payloadLength > raw.Length - 40)
        {
            throw new FormatException($"payload length {payloadLength} exceeds the {raw.Length - 40} bytes present");
        }

        if (normalizingOffset != 0)
        {
            throw new FormatException("shifted (normalizing index offset) histograms are not supported");
        }

        if (digits is < 0 or > 5 || lowest < 1 || highest < 2 * lowest || lowest > (1L << 40))
        {
            throw new FormatException($"invalid histogram layout (digits {digits}, lowest {lowest}, highest {highest})");
        }

        var largest = 2L * (long)Math.Pow(10, digits);
        var subBucketCountMagnitude = (int)Math.Ceiling(Math.Log2(largest));
        var halfMagnitude = Math.Max(subBucketCountMagnitude, 1) - 1;
        var halfCount = 1 << halfMagnitude;
        var unitMagnitude = (int)Math.Floor(Math.Log2(lowest));
        var subBucketCount = 1L << (halfMagnitude + 1);

        // Counts array length for this layout (as HdrHistogram computes it).
        var smallestUntrackable = subBucketCount << unitMagnitude;
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

        var countsLength = (long)(buckets + 1) * halfCount;
        var result = new List<Bucket>();
        var pos = 40;
        var end = 40 + payloadLength;
        long index = 0;
        while (pos < end)
        {
            var value = ReadZigZag(raw, ref pos, end);
            if (value < 0)
            {
                index += -value;
                continue;
            }

            if (index >= countsLength)
            {
                throw new FormatException($"count at index {index} is beyond the histogram's {countsLength} buckets");
            }

            if (value > 0)
            {
                var bucketIndex = (int)(index >> halfMagnitude) - 1;
                var subBucketIndex = (index & (halfCount - 1)) + halfCount;
                if (bucketIndex < 0)
                {
                    subBucketIndex -= halfCount;
                    bucketIndex = 0;
                }

                var shift = bucketIndex + unitMagnitude;
                if (shift > 62)
                {
                    throw new FormatException($"bucket index {index} overflows");
                }

                result.Add(new Bucket(subBucketIndex << shift, 1L << shift, value));
            }

            index++;
        }

        return result;
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
