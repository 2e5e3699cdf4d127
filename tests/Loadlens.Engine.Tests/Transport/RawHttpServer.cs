using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Loadlens.Engine.Tests.Transport;

/// <summary>
/// A real TCP server on 127.0.0.1 that answers each request (GET, no body) with whatever the test
/// scripts — including broken HTTP that Kestrel would never send. The handler gets the number of
/// the request on its connection (0-based) and returns the bytes to send and whether to close.
/// </summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<int, (byte[] Response, bool Close)> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private int _connections;
    private int _requests;

    public RawHttpServer(Func<int, (byte[] Response, bool Close)> handler)
    {
        _handler = handler;
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accept = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    public int Connections => Volatile.Read(ref _connections);

    public int Requests => Volatile.Read(ref _requests);

    public static (byte[], bool) Text(string response, bool close = false) => (Encoding.ASCII.GetBytes(response), close);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            var buffer = new byte[64 * 1024];
            var filled = 0;
            var index = 0;
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    int end;
                    while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                    {
                        var n = await client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stop.Token);
                        if (n == 0)
                        {
                            return;
                        }

                        filled += n;
                    }

                    buffer.AsSpan(end + 4, filled - end - 4).CopyTo(buffer);
                    filled -= end + 4;
                    Interlocked.Increment(ref _requests);
                    var (response, close) = _handler(index++);
                    await client.SendAsync(response, SocketFlags.None, _stop.Token);
                    if (close)
                    {
                        client.Shutdown(SocketShutdown.Both);
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
