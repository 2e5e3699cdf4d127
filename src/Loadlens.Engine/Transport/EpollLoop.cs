using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Loadlens.Core.Results;
using Loadlens.Engine.Http;
using static Loadlens.Engine.Transport.EpollNative;

namespace Loadlens.Engine.Transport;

/// <summary>
/// One event-loop thread of <see cref="EpollHttp1Transport"/>: an epoll instance (level-triggered),
/// an eventfd to wake it, the connections it owns, a lock-free inbox for requests issued on other
/// threads and a list of completions deferred until the current request start has returned (so a
/// request that fails at once never recurses into the next one).
/// Per steady-state keep-alive request it makes one <c>send</c>, one <c>recv</c> and its share of
/// one <c>epoll_wait</c>, and allocates nothing.
/// </summary>
internal sealed unsafe class EpollLoop : IDisposable
{
    private const int MaxEvents = 256;
    private const ulong WakeToken = ulong.MaxValue;

    private readonly EpollHttp1Transport _owner;
    private readonly int _epfd;
    private readonly int _eventFd;
    private readonly Thread _thread;
    private readonly byte[] _events = GC.AllocateArray<byte>(MaxEvents * 16, pinned: true);
    private readonly ConcurrentQueue<EpollConnection> _inbox = new();
    private readonly Queue<EpollConnection> _deferred = new();
    private readonly List<EpollConnection> _connections = [];
    private readonly long _scanTicks;
    private readonly int _periodMs;
    private int _signaled;
    private int _startDepth;
    private long _nextScan;
    private volatile bool _hardStopped;
    private volatile bool _stopping;
    private bool _closeOnExit;

    public EpollLoop(EpollHttp1Transport owner, int index, int periodMs)
    {
        _owner = owner;
        _periodMs = periodMs;
        _scanTicks = periodMs * Stopwatch.Frequency / 1000;
        _epfd = EpollCreate1(EPOLL_CLOEXEC);
        if (_epfd < 0)
        {
            throw new SocketException((int)ToSocketError(Marshal.GetLastPInvokeError()));
        }

        _eventFd = EventFd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (_eventFd < 0 || Control(_epfd, EPOLL_CTL_ADD, _eventFd, EPOLLIN, WakeToken) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            EpollNative.Close(_epfd);
            throw new SocketException((int)ToSocketError(errno));
        }

        _thread = new Thread(Run) { IsBackground = true, Name = $"loadlens-epoll-{index}" };
        _thread.Start();
    }

    /// <summary>Start a request on this loop: at once on the loop thread, otherwise through the inbox.</summary>
    public ValueTask<bool> Submit(EpollConnection conn)
    {
        conn.Reset();
        var version = conn.Version;
        if (Environment.CurrentManagedThreadId == _thread.ManagedThreadId)
        {
            Start(conn);
        }
        else
        {
            _inbox.Enqueue(conn);
            Wake();
        }

        return new ValueTask<bool>(conn, version);
    }

    /// <summary>Abandon every in-flight request (not recorded) and refuse new ones.</summary>
    public void HardStop()
    {
        _hardStopped = true;
        Wake();
    }

    /// <summary>
    /// Stop the loop. Called on the loop thread itself when the run's last continuation ran there
    /// (the loop then closes its descriptors as it returns); otherwise waits for the thread.
    /// </summary>
    public void Dispose()
    {
        if (Environment.CurrentManagedThreadId == _thread.ManagedThreadId)
        {
            _closeOnExit = true;
            _stopping = true;
            return;
        }

        _stopping = true;
        Wake();
        if (_thread.Join(TimeSpan.FromSeconds(5)))
        {
            EpollNative.Close(_eventFd); // only now: no Wake can race with the close
            EpollNative.Close(_epfd);
        }
    }

    private void Wake()
    {
        if (Interlocked.CompareExchange(ref _signaled, 1, 0) == 0)
        {
            ulong one = 1;
            _ = Write(_eventFd, (byte*)&one, 8);
        }
    }

    private void Run()
    {
        _nextScan = Stopwatch.GetTimestamp() + _scanTicks;
        fixed (byte* events = _events)
        {
            while (!_stopping)
            {
                var timeout = _deferred.Count > 0 || !_inbox.IsEmpty ? 0 : _periodMs;
                var n = EpollWait(_epfd, events, MaxEvents, timeout);
                for (var i = 0; i < n; i++)
                {
                    var ev = events + (i * EventSize);
                    var mask = (int)*(uint*)ev;
                    var token = *(ulong*)(ev + DataOffset);
                    if (token == WakeToken)
                    {
                        ulong value;
                        _ = Read(_eventFd, (byte*)&value, 8);
                        Volatile.Write(ref _signaled, 0);
                        continue;
                    }

                    var slot = (int)(uint)token;
                    if (slot < _connections.Count)
                    {
                        var conn = _connections[slot];
                        if (conn.Generation == (uint)(token >> 32) && conn.Fd >= 0)
                        {
                            OnEvent(conn, mask);
                        }
                    }
                }

                while (_inbox.TryDequeue(out var conn))
                {
                    Start(conn);
                }

                if (_hardStopped)
                {
                    AbandonInFlight();
                }

                var now = Stopwatch.GetTimestamp();
                if (now >= _nextScan)
                {
                    _nextScan = now + _scanTicks;
                    ExpireTimeouts(now);
                }

                for (var pending = _deferred.Count; pending > 0; pending--)
                {
                    var conn = _deferred.Dequeue();
                    conn.SetResult(!conn.Abandoned);
                }
            }
        }

        foreach (var c in _connections)
        {
            CloseSocket(c);
        }

        if (_closeOnExit)
        {
            EpollNative.Close(_eventFd);
            EpollNative.Close(_epfd);
        }
    }

    // ---------------- request state machine ----------------
    private void Start(EpollConnection conn)
    {
        _startDepth++;
        try
        {
            if (conn.Slot < 0)
            {
                conn.Slot = _connections.Count;
                _connections.Add(conn);
            }

            if (_hardStopped)
            {
                CloseSocket(conn);
                Abandon(conn);
                return;
            }

            if (conn.BuildError is { } error)
            {
                Record(conn, 0, ErrorCategory.Other, error);
                return;
            }

            conn.Deadline = Stopwatch.GetTimestamp() + _owner.TimeoutTicks;
            conn.Retried = false;
            Begin(conn);
        }
        finally
        {
            _startDepth--;
        }
    }

    private void Begin(EpollConnection conn)
    {
        conn.Reused = conn.Fd >= 0;
        conn.Parser.Reset(conn.Encoder!.IsHead, conn.Template!.ExpectBody is not null);
        conn.Sent = 0;
        if (!conn.Reused)
        {
            if (!Open(conn))
            {
                return;
            }

            if (conn.State == EpollConnection.Phase.Connecting)
            {
                return;
            }
        }

        Send(conn);
    }

    /// <summary>Create a non-blocking socket and start connecting; false when it failed (recorded).</summary>
    private bool Open(EpollConnection conn)
    {
        byte[] addr;
        try
        {
            addr = _owner.SockAddr();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var (category, message) = RequestExecutor.Classify(ex);
            Record(conn, 0, category, message);
            return false;
        }

        var family = addr.Length == 16 ? AF_INET : AF_INET6;
        var fd = EpollNative.Socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            FailErrno(conn, Marshal.GetLastPInvokeError());
            return false;
        }

        var one = 1;
        _ = SetSockOpt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(int));
        conn.Fd = fd;
        conn.Generation++;
        conn.Start = conn.End = 0;
        int rc;
        fixed (byte* a = addr)
        {
            rc = EpollNative.Connect(fd, a, addr.Length);
        }

        var errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
        if (rc < 0 && errno != EINPROGRESS)
        {
            FailErrno(conn, errno);
            return false;
        }

        conn.WantOut = rc < 0;
        if (Control(_epfd, EPOLL_CTL_ADD, fd, conn.WantOut ? EPOLLOUT : EPOLLIN, Token(conn)) < 0)
        {
            FailErrno(conn, Marshal.GetLastPInvokeError());
            return false;
        }

        conn.State = rc < 0 ? EpollConnection.Phase.Connecting : EpollConnection.Phase.Sending;
        return true;
    }

    private void Send(EpollConnection conn)
    {
        conn.State = EpollConnection.Phase.Sending;
        while (conn.Sent < conn.RequestLength)
        {
            nint n;
            fixed (byte* p = conn.Request)
            {
                n = EpollNative.Send(conn.Fd, p + conn.Sent, conn.RequestLength - conn.Sent, MSG_NOSIGNAL);
            }

            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR)
                {
                    continue;
                }

                if (errno == EAGAIN)
                {
                    SetWantOut(conn, true);
                    return;
                }

                LostOrFail(conn, errno);
                return;
            }

            conn.Sent += (int)n;
        }

        SetWantOut(conn, false);
        conn.State = EpollConnection.Phase.Receiving;
        if (conn.End > conn.Start)
        {
            Parse(conn); // bytes that arrived while the connection was idle
        }
    }

    private void OnEvent(EpollConnection conn, int mask)
    {
        switch (conn.State)
        {
            case EpollConnection.Phase.Connecting:
                if ((mask & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0)
                {
                    var error = 0;
                    var length = sizeof(int);
                    if (GetSockOpt(conn.Fd, SOL_SOCKET, SO_ERROR, &error, &length) < 0)
                    {
                        error = Marshal.GetLastPInvokeError();
                    }

                    if (error != 0)
                    {
                        FailErrno(conn, error);
                        return;
                    }

                    Send(conn);
                }

                break;
            case EpollConnection.Phase.Sending:
                if ((mask & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0)
                {
                    Send(conn);
                }

                break;
            case EpollConnection.Phase.Receiving:
                Receive(conn);
                break;
            default:
                ReadWhileIdle(conn);
                break;
        }
    }

    private void Receive(EpollConnection conn)
    {
        if (!MakeRoom(conn))
        {
            return;
        }

        nint n;
        fixed (byte* p = conn.Receive)
        {
            n = Recv(conn.Fd, p + conn.End, conn.Receive.Length - conn.End, 0);
        }

        if (n < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is EAGAIN or EINTR)
            {
                return;
            }

            LostOrFail(conn, errno);
            return;
        }

        if (n == 0)
        {
            var result = conn.Parser.Finish();
            CloseSocket(conn);
            Finalize(conn, result);
            return;
        }

        conn.End += (int)n;
        Parse(conn);
    }

    private void Parse(EpollConnection conn)
    {
        var result = conn.Parser.Parse(conn.Receive.AsSpan(conn.Start, conn.End - conn.Start), out var used);
        conn.Start += used;
        if (conn.Start == conn.End)
        {
            conn.Start = conn.End = 0;
        }

        if (result != ParseStatus.NeedMore)
        {
            Finalize(conn, result);
        }
    }

    /// <summary>Compact or grow the receive buffer; as in the lean transport only a response head or chunk line accumulates.</summary>
    private static bool MakeRoom(EpollConnection conn)
    {
        if (conn.Start == conn.End)
        {
            conn.Start = conn.End = 0;
        }
        else if (conn.End == conn.Receive.Length)
        {
            if (conn.Start > 0)
            {
                conn.Receive.AsSpan(conn.Start, conn.End - conn.Start).CopyTo(conn.Receive);
                conn.End -= conn.Start;
                conn.Start = 0;
            }
            else
            {
                Array.Resize(ref conn.Receive, conn.Receive.Length * 2);
            }
        }

        return true;
    }

    /// <summary>Bytes or EOF on a connection with no request: keep bytes for the next response (the parser judges them), close on EOF or error.</summary>
    private static void ReadWhileIdle(EpollConnection conn)
    {
        if (conn.End == conn.Receive.Length)
        {
            CloseSocket(conn);
            return;
        }

        nint n;
        fixed (byte* p = conn.Receive)
        {
            n = Recv(conn.Fd, p + conn.End, conn.Receive.Length - conn.End, 0);
        }

        if (n > 0)
        {
            conn.End += (int)n;
        }
        else if (n == 0 || Marshal.GetLastPInvokeError() is not (EAGAIN or EINTR))
        {
            CloseSocket(conn);
        }
    }

    private void Finalize(EpollConnection conn, ParseStatus result)
    {
        var parser = conn.Parser;
        if (result == ParseStatus.Complete)
        {
            var status = parser.Status;
            if (conn.End > conn.Start)
            {
                CloseSocket(conn);
                Record(conn, status, ErrorCategory.Protocol, "unexpected bytes after a complete response");
                return;
            }

            if (!parser.KeepAlive)
            {
                CloseSocket(conn);
            }

            var (category, message) = _owner.CheckResponse(conn, status);
            Record(conn, status, category, message);
            return;
        }

        CloseSocket(conn);
        if (parser.ErrorKind == ParseErrorKind.Truncated)
        {
            if (parser.WireBytes == 0 && conn.Reused && !conn.Retried)
            {
                conn.Retried = true; // the server closed an idle keep-alive connection: retry once on a new one
                Begin(conn);
                return;
            }

            Record(conn, 0, ErrorCategory.ConnectionReset, parser.Error);
            return;
        }

        Record(conn, 0, ErrorCategory.Protocol, parser.Error);
    }

    /// <summary>A send/recv error: retried once when a reused connection was lost before any response byte.</summary>
    private void LostOrFail(EpollConnection conn, int errno)
    {
        var error = ToSocketError(errno);
        if (conn.Reused && !conn.Retried && conn.Parser.WireBytes == 0
            && error is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.NotConnected)
        {
            CloseSocket(conn);
            conn.Retried = true;
            Begin(conn);
            return;
        }

        FailErrno(conn, errno);
    }

    private void FailErrno(EpollConnection conn, int errno)
    {
        CloseSocket(conn);
        var (category, message) = RequestExecutor.Classify(new SocketException((int)ToSocketError(errno)));
        Record(conn, 0, category, message);
    }

    private void Record(EpollConnection conn, int status, ErrorCategory category, string? message)
    {
        var now = Stopwatch.GetTimestamp();
        var micros = (long)Stopwatch.GetElapsedTime(conn.Intended, now).TotalMicroseconds;
        _owner.Recorder.Current.Record(conn.Endpoint, micros, status, category, conn.RequestLength, conn.Parser.BodyBytes, message, now, status > 0 ? conn.Parser.ServerTiming : null);
        Complete(conn, abandoned: false);
    }

    private void Abandon(EpollConnection conn) => Complete(conn, abandoned: true);

    /// <summary>The hard stop ended an in-flight request: record it at its age (never dropped), then stop its user.</summary>
    private void RecordUnfinished(EpollConnection conn)
    {
        var now = Stopwatch.GetTimestamp();
        var micros = (long)Stopwatch.GetElapsedTime(conn.Intended, now).TotalMicroseconds;
        _owner.Recorder.Current.Record(conn.Endpoint, micros, 0, ErrorCategory.Unfinished, conn.RequestLength, conn.Parser.BodyBytes, Unfinished.Message, now);
        Complete(conn, abandoned: true);
    }

    private void Complete(EpollConnection conn, bool abandoned)
    {
        conn.State = EpollConnection.Phase.Idle;
        conn.Deadline = 0;
        conn.Abandoned = abandoned;
        if (_startDepth > 0)
        {
            _deferred.Enqueue(conn); // completing now would run the next request inside this one
        }
        else
        {
            conn.SetResult(!abandoned); // runs the user's continuation (usually its next request) on this thread
        }
    }

    private void ExpireTimeouts(long now)
    {
        for (var i = 0; i < _connections.Count; i++)
        {
            var c = _connections[i];
            if (c.State != EpollConnection.Phase.Idle && c.Deadline > 0 && now >= c.Deadline)
            {
                CloseSocket(c);
                Record(c, 0, ErrorCategory.Timeout, _owner.TimeoutMessage);
            }
        }
    }

    private void AbandonInFlight()
    {
        for (var i = 0; i < _connections.Count; i++)
        {
            var c = _connections[i];
            if (c.State != EpollConnection.Phase.Idle)
            {
                CloseSocket(c);
                RecordUnfinished(c);
            }
        }
    }

    private void SetWantOut(EpollConnection conn, bool want)
    {
        if (conn.WantOut != want)
        {
            conn.WantOut = want;
            _ = Control(_epfd, EPOLL_CTL_MOD, conn.Fd, want ? EPOLLOUT : EPOLLIN, Token(conn));
        }
    }

    private static ulong Token(EpollConnection conn) => ((ulong)conn.Generation << 32) | (uint)conn.Slot;

    private static void CloseSocket(EpollConnection conn)
    {
        if (conn.Fd >= 0)
        {
            _ = EpollNative.Close(conn.Fd); // closing the only descriptor also removes it from the epoll set
            conn.Fd = -1;
        }

        conn.Generation++;
        conn.WantOut = false;
        conn.Start = conn.End = 0;
    }
}
