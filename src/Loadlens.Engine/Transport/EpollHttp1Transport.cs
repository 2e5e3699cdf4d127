using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using Loadlens.Core.Results;
using Loadlens.Engine.Feeders;
using Loadlens.Engine.Http;
using Loadlens.Engine.Recording;

namespace Loadlens.Engine.Transport;

/// <summary>
/// HTTP/1.1 over plain http:// on Linux, driven by Loadlens' own epoll event loops instead of
/// .NET's socket engine (the way wrk works): a few dedicated threads (<see cref="EpollLoop"/>),
/// each owning a set of non-blocking socket file descriptors and calling <c>epoll_wait</c>,
/// <c>send</c> and <c>recv</c> directly into pre-allocated per-connection buffers. Requests are
/// encoded by <see cref="Http1RequestEncoder"/> and responses parsed by
/// <see cref="Http1ResponseParser"/>, exactly as in <see cref="LeanHttp1Transport"/>, and the
/// outcome is recorded on the loop thread's recorder. The request's <see cref="ValueTask{TResult}"/>
/// is completed on the loop thread with synchronous continuations, so a closed-model user without
/// think time runs its whole loop on the event-loop thread; requests issued from other threads
/// (think time, open-model arrivals) are handed over through a lock-free queue and an eventfd.
/// Timeouts are checked by each loop (period: a tenth of the timeout, 10–250 ms), the hard stop
/// abandons in-flight requests (not recorded), and the connection semantics (keep-alive,
/// Connection: close, one retry of a reused connection closed before any response byte,
/// reconnect after errors) are those of the lean transport.
/// </summary>
internal sealed class EpollHttp1Transport : IRequestTransport
{
    public const string TransportName = "epoll-http1";

    private readonly RequestTemplate[] _templates;
    private readonly Http1RequestEncoder[] _encoders;
    private readonly TraceContextWriter? _trace;
    private readonly string?[][] _statusMessages;
    private readonly FeederSet _feeders;
    private readonly Uri _baseUri;
    private readonly EpollLoop[] _loops;
    private readonly CancellationTokenRegistration _hardStopRegistration;
    private readonly Lock _resolveLock = new();
    private byte[]? _sockAddr;
    private int _nextLoop;

    public EpollHttp1Transport(
        RequestTemplate[] templates, FeederSet feeders, RunRecorder recorder, Uri baseUri, TimeSpan timeout,
        long maxBodyBytes, int eventLoops, CancellationToken hardStop, TraceContextWriter? trace = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the epoll transport runs on Linux only");
        }

        _templates = templates;
        _encoders = templates.Select(t => new Http1RequestEncoder(t, trace is not null)).ToArray();
        _trace = trace;
        _statusMessages = templates.Select(_ => new string?[600]).ToArray();
        _feeders = feeders;
        _baseUri = baseUri;
        Recorder = recorder;
        Timeout = timeout;
        TimeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        MaxBodyBytes = maxBodyBytes;
        TimeoutMessage = $"request timed out after {timeout.TotalSeconds:0.###} s";
        var period = (int)Math.Clamp(timeout.TotalMilliseconds / 10, 10, 250);
        _loops = new EpollLoop[Math.Max(1, eventLoops)];
        for (var i = 0; i < _loops.Length; i++)
        {
            _loops[i] = new EpollLoop(this, i, period);
        }

        _hardStopRegistration = hardStop.Register(static s =>
        {
            foreach (var loop in ((EpollHttp1Transport)s!)._loops)
            {
                loop.HardStop();
            }
        }, this);
    }

    public string Name => TransportName;

    public RunRecorder Recorder { get; }

    public TimeSpan Timeout { get; }

    public long TimeoutTicks { get; }

    public long MaxBodyBytes { get; }

    public string TimeoutMessage { get; }

    /// <summary>Number of event-loop threads.</summary>
    public int LoopCount => _loops.Length;

    /// <summary>Plain http:// HTTP/1.1 on Linux.</summary>
    public static bool Supports(Uri baseUri, string httpVersion) =>
        OperatingSystem.IsLinux() && httpVersion != "2" && baseUri.Scheme == Uri.UriSchemeHttp;

    /// <summary>Default number of event loops: one per usable core, at most one per connection.</summary>
    public static int DefaultLoops(int maxConnections) => Math.Clamp(Math.Min(Environment.ProcessorCount, maxConnections), 1, 64);

    public ValueTask<bool> ExecuteAsync(UserContext user, int endpoint, long intendedTimestamp)
    {
        var conn = user.Connection as EpollConnection ?? Connect(user);
        var encoder = _encoders[endpoint];
        var template = _templates[endpoint];
        conn.Endpoint = endpoint;
        conn.Template = template;
        conn.Encoder = encoder;
        conn.Intended = intendedTimestamp;
        conn.BuildError = null;
        if (encoder.StaticBytes is { } bytes)
        {
            conn.Request = bytes;
            conn.RequestLength = bytes.Length;
        }
        else
        {
            try
            {
                foreach (var f in template.UsedFeeders)
                {
                    user.FeederValues[f] = _feeders.Next(f, user.Random);
                }

                conn.RequestLength = (_trace is null ? encoder.Render(user.FeederValues, ref conn.SendBuffer) : encoder.Render(user.FeederValues, ref conn.SendBuffer, _trace.Stamp(endpoint, user.Random)));
                conn.Request = conn.SendBuffer;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                conn.BuildError = "cannot build the request: " + ex.Message;
                conn.Request = [];
                conn.RequestLength = 0;
            }
        }

        return conn.Loop.Submit(conn);
    }

    /// <summary>The target's socket address (resolved once; throws <see cref="SocketException"/> when it cannot be).</summary>
    public byte[] SockAddr()
    {
        if (_sockAddr is { } ready)
        {
            return ready;
        }

        lock (_resolveLock)
        {
            if (_sockAddr is null)
            {
                if (!IPAddress.TryParse(_baseUri.DnsSafeHost, out var address))
                {
                    var addresses = Dns.GetHostAddresses(_baseUri.DnsSafeHost);
                    address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                        ?? addresses.FirstOrDefault()
                        ?? throw new SocketException((int)SocketError.HostNotFound);
                }

                _sockAddr = EpollNative.ToSockAddr(new IPEndPoint(address, _baseUri.Port));
            }

            return _sockAddr;
        }
    }

    public (ErrorCategory Category, string? Message) CheckResponse(EpollConnection conn, int status) =>
        LeanHttp1Transport.CheckResponse(conn.Template!, _statusMessages[conn.Endpoint], conn.Parser, status);

    public void Dispose()
    {
        _hardStopRegistration.Dispose();
        foreach (var loop in _loops)
        {
            loop.Dispose();
        }
    }

    private EpollConnection Connect(UserContext user)
    {
        var loop = _loops[(int)((uint)Interlocked.Increment(ref _nextLoop) % (uint)_loops.Length)];
        var conn = new EpollConnection(loop, MaxBodyBytes);
        user.Connection = conn;
        return conn;
    }
}

/// <summary>
/// One keep-alive connection of the epoll transport, owned by one virtual user (or open-model
/// slot) and by one <see cref="EpollLoop"/>; all its I/O fields are touched only on that loop's
/// thread, except the request description written by the issuing thread before the hand-over.
/// It is also the <see cref="IValueTaskSource{TResult}"/> of its current request.
/// </summary>
internal sealed class EpollConnection : IValueTaskSource<bool>, IDisposable
{
    private ManualResetValueTaskSourceCore<bool> _core; // mutable struct: never readonly

    public EpollConnection(EpollLoop loop, long maxBodyBytes)
    {
        Loop = loop;
        Parser = new Http1ResponseParser(maxBodyBytes);
        _core.RunContinuationsAsynchronously = false;
    }

    public enum Phase
    {
        Idle,
        Connecting,
        Sending,
        Receiving,
    }

    public EpollLoop Loop { get; }

    public Http1ResponseParser Parser { get; }

    /// <summary>Index in the loop's connection table (-1 before the loop has seen it).</summary>
    public int Slot = -1;

    /// <summary>Incremented for every new socket, so events for a closed socket are ignored.</summary>
    public uint Generation;

    public int Fd = -1;

    public Phase State;

    public bool WantOut;

    public bool Reused;

    public bool Retried;

    /// <summary>The current request was abandoned by the hard stop (completes with false, not recorded).</summary>
    public bool Abandoned;

    public long Deadline;

    public int Endpoint;

    public RequestTemplate? Template;

    public Http1RequestEncoder? Encoder;

    public long Intended;

    public string? BuildError;

    public byte[] Request = [];

    public int RequestLength;

    public int Sent;

    /// <summary>Scratch buffer for requests with placeholders.</summary>
    public byte[] SendBuffer = new byte[1024];

    public byte[] Receive = new byte[16 * 1024];

    public int Start;

    public int End;

    public short Version => _core.Version;

    public void Reset() => _core.Reset();

    public void SetResult(bool value) => _core.SetResult(value);

    public bool GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    /// <summary>The loop owns and closes the socket (when the connection fails or the transport is disposed).</summary>
    public void Dispose()
    {
    }
}
