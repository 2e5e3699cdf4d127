using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Loadlens.Benchmarks;

/// <summary>
/// A minimal, allocation-free HTTP/1.1 server on 127.0.0.1 (one blocking thread per connection):
/// it answers every request with the same pre-encoded response, after an optional fixed delay.
/// Used in-process by the allocation benchmark (it must not allocate, because BenchmarkDotNet
/// counts every allocation of the process) and as the fixed-delay target of the latency-accuracy
/// run of bench/generators/run.sh.
/// </summary>
internal sealed class FixedResponseServer : IDisposable
{
    private readonly Socket _listener;
    private readonly byte[] _response;
    private readonly int _delayMs;
    private volatile bool _stopped;

    public FixedResponseServer(int port = 0, int delayMs = 0, string body = "hello, world\n")
    {
        _delayMs = delayMs;
        _response = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.ASCII.GetByteCount(body)}\r\n\r\n{body}");
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _listener.Listen(1024);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        new Thread(AcceptLoop) { IsBackground = true, Name = "fixed-server-accept" }.Start();
    }

    public int Port { get; }

    public void Dispose()
    {
        _stopped = true;
        _listener.Dispose();
    }

    private void AcceptLoop()
    {
        while (!_stopped)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception) when (_stopped)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            client.NoDelay = true;
            new Thread(() => Serve(client)) { IsBackground = true, Name = "fixed-server-conn" }.Start();
        }
    }

    private void Serve(Socket client)
    {
        using (client)
        {
            var buffer = new byte[16 * 1024];
            var filled = 0;
            try
            {
                while (!_stopped)
                {
                    var n = client.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
                    if (n == 0)
                    {
                        return;
                    }

                    filled += n;
                    int end;
                    while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) >= 0)
                    {
                        if (_delayMs > 0)
                        {
                            Thread.Sleep(_delayMs);
                        }

                        client.Send(_response);
                        var rest = filled - (end + 4);
                        buffer.AsSpan(end + 4, rest).CopyTo(buffer);
                        filled = rest;
                    }

                    if (filled == buffer.Length)
                    {
                        return; // not HTTP this server understands
                    }
                }
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
