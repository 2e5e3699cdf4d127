using System.Security.Cryptography;

namespace Loadlens.History;

/// <summary>
/// Run ids: 26 characters of Crockford base32 (lower case), a 48-bit millisecond timestamp followed by 80 random bits
/// (the ULID layout). They sort by save time, and two runs saved in the same millisecond, by threads or processes, still
/// get different ids (2⁻⁸⁰ odds of a clash), so no id is ever taken from a clock alone.
/// </summary>
internal static class RunId
{
    /// <summary>Length of an id.</summary>
    public const int Length = 26;

    /// <summary>Shortest prefix accepted as a reference.</summary>
    public const int MinPrefix = 6;

    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>A new id for a run saved at <paramref name="time"/>.</summary>
    public static string New(DateTimeOffset time)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)Math.Max(0, time.ToUnixTimeMilliseconds());
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(ms >> (8 * (5 - i)));
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        Span<char> chars = stackalloc char[Length];

        // 128 bits → 26 base32 digits (the first digit holds the top 3 bits).
        var hi = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[..8]);
        var lo = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        var value = new UInt128(hi, lo);
        for (var i = Length - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(chars);
    }

    /// <summary>Whether <paramref name="text"/> could be an id or an id prefix (base32 digits only).</summary>
    public static bool LooksLikeId(string text) =>
        text.Length is >= MinPrefix and <= Length && text.All(c => Alphabet.Contains(char.ToLowerInvariant(c), StringComparison.Ordinal));
}
