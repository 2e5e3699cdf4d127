using System.Buffers.Binary;

namespace Loadlens.Core.Tracing;

/// <summary>
/// The W3C <c>traceparent</c> a Loadlens request carries, and how a server span's trace id is traced back to it.
/// A Loadlens run originates its traces, so it chooses the trace id: 16 bytes = run tag (4, random per run) ·
/// endpoint index (2) · send time in µs since the run started (6) · random (4). A span whose trace id starts with
/// the run's tag therefore names its endpoint and when the request left the generator, with no per-request table:
/// the generator's hot path writes 55 bytes and remembers nothing. The parent (span) id is 8 random bytes; the
/// sampled flag is set, so parent-based samplers in the app record the trace.
/// </summary>
public static class LoadlensTraceId
{
    /// <summary>Length of a version-00 <c>traceparent</c> value: <c>00-</c> + 32 hex + <c>-</c> + 16 hex + <c>-01</c>.</summary>
    public const int TraceParentLength = 55;

    /// <summary>Largest send offset the 6 bytes hold (µs): about 8.9 years.</summary>
    public const long MaxSendMicros = (1L << 48) - 1;

    /// <summary>
    /// Write a <c>traceparent</c> value into <paramref name="destination"/> (at least <see cref="TraceParentLength"/>
    /// bytes, ASCII): allocation-free.
    /// </summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="runTag">The run's tag (non-zero).</param>
    /// <param name="endpoint">The endpoint index (0–65535).</param>
    /// <param name="sendMicros">Microseconds since the run started.</param>
    /// <param name="random">64 random bits: 32 complete the trace id, all 64 (never 0) make the span id.</param>
    public static void WriteTraceParent(Span<byte> destination, uint runTag, int endpoint, long sendMicros, ulong random)
    {
        if (destination.Length < TraceParentLength)
        {
            throw new ArgumentException("the destination holds fewer than 55 bytes", nameof(destination));
        }

        Span<byte> id = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(id, runTag == 0 ? 1 : runTag);
        BinaryPrimitives.WriteUInt16BigEndian(id[4..], (ushort)endpoint);
        var micros = (ulong)Math.Clamp(sendMicros, 0, MaxSendMicros);
        BinaryPrimitives.WriteUInt16BigEndian(id[6..], (ushort)(micros >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(id[8..], (uint)micros);
        BinaryPrimitives.WriteUInt32BigEndian(id[12..], (uint)random);
        "00-"u8.CopyTo(destination);
        WriteHex(id, destination[3..]);
        destination[35] = (byte)'-';
        Span<byte> span = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(span, random == 0 ? 1 : random);
        WriteHex(span, destination[36..]);
        "-01"u8.CopyTo(destination[52..]);
    }

    /// <summary>The <c>traceparent</c> value as a string (for the SocketsHttpHandler transport and tests).</summary>
    public static string TraceParent(uint runTag, int endpoint, long sendMicros, ulong random)
    {
        Span<byte> buffer = stackalloc byte[TraceParentLength];
        WriteTraceParent(buffer, runTag, endpoint, sendMicros, random);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    /// <summary>
    /// Decode a trace id (32 hex digits) written for <paramref name="runTag"/>: false when it is another run's or
    /// another client's trace.
    /// </summary>
    /// <param name="traceId">The span's trace id, hex.</param>
    /// <param name="runTag">The run's tag.</param>
    /// <param name="endpoint">The endpoint index.</param>
    /// <param name="sendMicros">When the request left the generator, µs since the run started.</param>
    public static bool TryDecode(string traceId, uint runTag, out int endpoint, out long sendMicros)
    {
        endpoint = -1;
        sendMicros = 0;
        Span<byte> id = stackalloc byte[16];
        if (traceId is not { Length: 32 } || Convert.FromHexString(traceId, id, out _, out var written) != System.Buffers.OperationStatus.Done || written != 16)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(id) != (runTag == 0 ? 1 : runTag))
        {
            return false;
        }

        endpoint = BinaryPrimitives.ReadUInt16BigEndian(id[4..]);
        sendMicros = ((long)BinaryPrimitives.ReadUInt16BigEndian(id[6..]) << 32) | BinaryPrimitives.ReadUInt32BigEndian(id[8..]);
        return true;
    }

    private static void WriteHex(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = digits[bytes[i] >> 4];
            destination[(2 * i) + 1] = digits[bytes[i] & 0xF];
        }
    }
}
