using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Loadlens.AspNetCore.Export;

/// <summary>
/// A minimal protobuf wire-format writer (varint, fixed64, length-delimited) for the few OTLP fields the profiler sends.
/// Nested messages are written into their own writer and copied in with their length.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void Clear() => _buffer.ResetWrittenCount();

    public void Varint(int field, ulong value)
    {
        Tag(field, 0);
        RawVarint(value);
    }

    public void Fixed64(int field, ulong value)
    {
        Tag(field, 1);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void Double(int field, double value)
    {
        Tag(field, 1);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        RawVarint((ulong)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    public void String(int field, string value)
    {
        Tag(field, 2);
        var n = Encoding.UTF8.GetByteCount(value);
        RawVarint((ulong)n);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(n));
        _buffer.Advance(n);
    }

    public void Message(int field, ProtoWriter message) => Bytes(field, message.WrittenSpan);

    private void Tag(int field, int wireType) => RawVarint(((ulong)field << 3) | (uint)wireType);

    private void RawVarint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
    }
}
