using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Loadlens.Engine.Transport;

/// <summary>
/// The few libc calls the epoll transport needs (Linux only). Every signature is blittable
/// (ints, pointers), so <see cref="LibraryImportAttribute"/> generates no marshalling code and a
/// call allocates nothing.
/// </summary>
internal static unsafe partial class EpollNative
{
    public const int EPOLLIN = 0x001;
    public const int EPOLLOUT = 0x004;
    public const int EPOLLERR = 0x008;
    public const int EPOLLHUP = 0x010;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;
    public const int EPOLL_CLOEXEC = 0x80000;
    public const int SOCK_STREAM = 1;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int IPPROTO_TCP = 6;
    public const int TCP_NODELAY = 1;
    public const int SOL_SOCKET = 1;
    public const int SO_ERROR = 4;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EINPROGRESS = 115;

    /// <summary>Bytes per <c>struct epoll_event</c>: packed (12) on x86-64, naturally aligned (16) elsewhere.</summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Offset of <c>epoll_event.data</c>.</summary>
    public static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private const string Libc = "libc";

    [LibraryImport(Libc, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport(Libc, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport(Libc, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport(Libc, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initval, int flags);

    [LibraryImport(Libc, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Libc, EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, byte* addr, int addrlen);

    [LibraryImport(Libc, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, int* value, int length);

    [LibraryImport(Libc, EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int fd, int level, int name, int* value, int* length);

    [LibraryImport(Libc, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(Libc, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint length);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint length);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>Register or modify <paramref name="fd"/> with the given event mask; data = <paramref name="token"/>.</summary>
    public static int Control(int epfd, int op, int fd, int events, ulong token)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = (uint)events;
        *(ulong*)(ev + DataOffset) = token;
        return EpollCtl(epfd, op, fd, ev);
    }

    /// <summary>Encode an IPv4 or IPv6 endpoint as a <c>sockaddr_in</c>/<c>sockaddr_in6</c>.</summary>
    public static byte[] ToSockAddr(IPEndPoint endPoint)
    {
        var port = (ushort)endPoint.Port;
        if (endPoint.AddressFamily == AddressFamily.InterNetwork)
        {
            var a = new byte[16];
            BitConverter.TryWriteBytes(a.AsSpan(0, 2), (ushort)AF_INET);
            a[2] = (byte)(port >> 8);
            a[3] = (byte)port;
            endPoint.Address.TryWriteBytes(a.AsSpan(4, 4), out _);
            return a;
        }

        var b = new byte[28];
        BitConverter.TryWriteBytes(b.AsSpan(0, 2), (ushort)AF_INET6);
        b[2] = (byte)(port >> 8);
        b[3] = (byte)port;
        endPoint.Address.TryWriteBytes(b.AsSpan(8, 16), out _);
        BitConverter.TryWriteBytes(b.AsSpan(24, 4), (uint)endPoint.Address.ScopeId);
        return b;
    }

    /// <summary>Map a Linux errno to the <see cref="SocketError"/> the other transports report for it.</summary>
    public static SocketError ToSocketError(int errno) => errno switch
    {
        111 => SocketError.ConnectionRefused,
        104 => SocketError.ConnectionReset,
        103 => SocketError.ConnectionAborted,
        32 => SocketError.Shutdown,
        107 => SocketError.NotConnected,
        110 => SocketError.TimedOut,
        113 => SocketError.HostUnreachable,
        101 => SocketError.NetworkUnreachable,
        99 => SocketError.AddressNotAvailable,
        24 or 23 => SocketError.TooManyOpenSockets,
        105 => SocketError.NoBufferSpaceAvailable,
        _ => SocketError.SocketError,
    };
}
