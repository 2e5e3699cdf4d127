using System.Net.Security;
using System.Net.Sockets;

namespace Loadlens.Engine.Transport;

/// <summary>
/// One keep-alive HTTP/1.1 connection of the lean transport, owned by one virtual user (or one
/// open-model slot) and used by one request at a time. Holds the socket (and SslStream for
/// https), the send and receive buffers and the response parser, all reused across requests.
/// Timeouts are enforced by the transport's watchdog, not per request: the request writes its
/// deadline into <see cref="_deadline"/>, and the watchdog claims an expired deadline and aborts
/// the socket, which fails the pending I/O. No timer, token registration or allocation per request.
/// </summary>
internal sealed class LeanConnection : IDisposable
{
    /// <summary>Deadline value meaning: the watchdog claimed this request (timeout or hard stop).</summary>
    private const long Claimed = -1;

    private readonly LeanHttp1Transport _owner;
    private readonly Lock _socketLock = new();
    private long _deadline;
    private byte[] _receive = new byte[16 * 1024];

    public LeanConnection(LeanHttp1Transport owner, long maxBodyBytes)
    {
        _owner = owner;
        Parser = new Http1ResponseParser(maxBodyBytes);
    }

    public Socket? Socket { get; private set; }

    public SslStream? Tls { get; set; }

    public Http1ResponseParser Parser { get; }

    /// <summary>Scratch buffer for requests with placeholders.</summary>
    public byte[] SendBuffer = new byte[1024];

    public int Start;

    public int End;

    public bool IsConnected => Socket is not null;

    /// <summary>Whether the watchdog has claimed the current request.</summary>
    public bool IsClaimed => Volatile.Read(ref _deadline) == Claimed;

    public Span<byte> Pending => _receive.AsSpan(Start, End - Start);

    public void Arm(long deadlineTimestamp) => Volatile.Write(ref _deadline, deadlineTimestamp);

    /// <summary>End the current request's deadline; true when the watchdog had claimed it (socket aborted).</summary>
    public bool Disarm() => Interlocked.Exchange(ref _deadline, 0) == Claimed;

    /// <summary>Watchdog: claim the request if its deadline has passed (or any in-flight request when <paramref name="all"/>).</summary>
    public bool TryClaim(long now, bool all)
    {
        var d = Volatile.Read(ref _deadline);
        return d > 0 && (all || now >= d) && Interlocked.CompareExchange(ref _deadline, Claimed, d) == d;
    }

    /// <summary>Watchdog: fail the pending I/O of a claimed request by closing its socket.</summary>
    public void Abort()
    {
        lock (_socketLock)
        {
            Socket?.Dispose();
        }
    }

    public void Attach(Socket socket)
    {
        lock (_socketLock)
        {
            if (IsClaimed)
            {
                socket.Dispose();
                throw new SocketException((int)SocketError.TimedOut);
            }

            Socket = socket;
        }
    }

    public ValueTask<int> ReceiveAsync()
    {
        if (Start == End)
        {
            Start = End = 0;
        }
        else if (End == _receive.Length)
        {
            if (Start > 0)
            {
                _receive.AsSpan(Start, End - Start).CopyTo(_receive);
                End -= Start;
                Start = 0;
            }
            else
            {
                // Only a response head (≤ 64 KiB, the parser's limit) or a chunk-size line accumulates.
                Array.Resize(ref _receive, _receive.Length * 2);
            }
        }

        var memory = _receive.AsMemory(End);
        return Tls is null ? Socket!.ReceiveAsync(memory, SocketFlags.None) : Tls.ReadAsync(memory);
    }

    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> data)
    {
        if (Tls is not null)
        {
            var write = Tls.WriteAsync(data);
            return write.IsCompletedSuccessfully ? new ValueTask<int>(data.Length) : AwaitWrite(write, data.Length);
        }

        return Socket!.SendAsync(data, SocketFlags.None);
    }

    /// <summary>Close the socket (after an error, Connection: close or EOF); the next request reconnects.</summary>
    public void Close()
    {
        lock (_socketLock)
        {
            Tls?.Dispose();
            Socket?.Dispose();
            Tls = null;
            Socket = null;
        }

        Start = End = 0;
    }

    public void Dispose()
    {
        Close();
        _owner.Unregister(this);
    }

    private static async ValueTask<int> AwaitWrite(ValueTask write, int length)
    {
        await write.ConfigureAwait(false);
        return length;
    }
}
