using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Loadlens.Core.Results;
using Loadlens.Engine.Feeders;
using Loadlens.Engine.Http;
using Loadlens.Engine.Recording;

namespace Loadlens.Engine.Transport;

/// <summary>
/// HTTP/1.1 over raw sockets (and SslStream for https): each virtual user owns one keep-alive
/// connection; requests are pre-encoded per endpoint (<see cref="Http1RequestEncoder"/>);
/// responses are parsed strictly by <see cref="Http1ResponseParser"/>; a request on a reused
/// connection that the server closed before answering is retried once on a new connection (the
/// keep-alive race, as SocketsHttpHandler does); every other failure is recorded and the
/// connection is re-established for the next request. The steady-state request/response cycle,
/// recording included, allocates nothing (bench/Loadlens.Benchmarks proves it).
/// </summary>
internal sealed class LeanHttp1Transport : IRequestTransport
{
    public const string TransportName = "lean-http1";

    private readonly RequestTemplate[] _templates;
    private readonly Http1RequestEncoder[] _encoders;
    private readonly TraceContextWriter? _trace;
    private readonly string?[][] _statusMessages;
    private readonly FeederSet _feeders;
    private readonly RunRecorder _recorder;
    private readonly TimeSpan _timeout;
    private readonly long _timeoutTicks;
    private readonly long _maxBodyBytes;
    private readonly CancellationToken _hardStop;
    private readonly Uri _baseUri;
    private readonly SslClientAuthenticationOptions? _ssl;
    private readonly List<LeanConnection> _connections = [];
    private readonly Timer _watchdog;
    private readonly CancellationTokenRegistration _hardStopRegistration;
    private IPEndPoint? _endPoint;

    public LeanHttp1Transport(
        RequestTemplate[] templates, FeederSet feeders, RunRecorder recorder, Uri baseUri, TimeSpan timeout,
        bool acceptAnyCertificate, long maxBodyBytes, CancellationToken hardStop, TraceContextWriter? trace = null)
    {
        _templates = templates;
        _encoders = templates.Select(t => new Http1RequestEncoder(t, trace is not null)).ToArray();
        _trace = trace;
        _statusMessages = templates.Select(_ => new string?[600]).ToArray();
        _feeders = feeders;
        _recorder = recorder;
        _timeout = timeout;
        _timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        _maxBodyBytes = maxBodyBytes;
        _hardStop = hardStop;
        _baseUri = baseUri;
        if (baseUri.Scheme == Uri.UriSchemeHttps)
        {
            _ssl = new SslClientAuthenticationOptions
            {
                TargetHost = baseUri.IdnHost,
                ApplicationProtocols = [SslApplicationProtocol.Http11],
            };
            if (acceptAnyCertificate)
            {
#pragma warning disable CA5359 // explicit user opt-in (--insecure) for self-signed test servers
                _ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
            }
        }

        // Timeout resolution: a tenth of the timeout, between 10 ms and 250 ms.
        var period = TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 10, 10, 250));
        _watchdog = new Timer(static s => ((LeanHttp1Transport)s!).Watch(false), this, period, period);
        _hardStopRegistration = hardStop.Register(static s => ((LeanHttp1Transport)s!).Watch(true), this);
    }

    public string Name => TransportName;

    /// <summary>Only HTTP/1.1 over http:// or https://.</summary>
    public static bool Supports(Uri baseUri, string httpVersion) =>
        httpVersion != "2" && (baseUri.Scheme == Uri.UriSchemeHttp || baseUri.Scheme == Uri.UriSchemeHttps);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ExecuteAsync(UserContext user, int endpoint, long intendedTimestamp)
    {
        var encoder = _encoders[endpoint];
        var template = _templates[endpoint];
        var conn = user.Connection as LeanConnection ?? Connect(user);
        ReadOnlyMemory<byte> request;
        if (encoder.StaticBytes is { } bytes)
        {
            request = bytes;
        }
        else
        {
            try
            {
                foreach (var f in template.UsedFeeders)
                {
                    user.FeederValues[f] = _feeders.Next(f, user.Random);
                }

                request = conn.SendBuffer.AsMemory(0, (_trace is null ? encoder.Render(user.FeederValues, ref conn.SendBuffer) : encoder.Render(user.FeederValues, ref conn.SendBuffer, _trace.Stamp(endpoint, user.Random))));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var at = Stopwatch.GetTimestamp();
                _recorder.Current.Record(endpoint, 1, 0, ErrorCategory.Other, 0, 0, "cannot build the request: " + ex.Message, at);
                await Task.Yield();
                return true;
            }
        }

        var parser = conn.Parser;
        var check = template.ExpectBody is not null;
        var status = 0;
        var category = ErrorCategory.None;
        string? message = null;
        var retried = false;
        conn.Arm(Stopwatch.GetTimestamp() + _timeoutTicks);
        while (true)
        {
            var reused = conn.IsConnected;
            parser.Reset(encoder.IsHead, check);
            try
            {
                if (!reused)
                {
                    await OpenAsync(conn).ConfigureAwait(false);
                }

                var sent = 0;
                while (sent < request.Length)
                {
                    sent += await conn.SendAsync(request[sent..]).ConfigureAwait(false);
                }

                ParseStatus result;
                while (true)
                {
                    if (conn.End > conn.Start)
                    {
                        result = parser.Parse(conn.Pending, out var used);
                        conn.Start += used;
                        if (result != ParseStatus.NeedMore)
                        {
                            break;
                        }
                    }

                    var n = await conn.ReceiveAsync().ConfigureAwait(false);
                    if (n == 0)
                    {
                        result = parser.Finish();
                        conn.Close();
                        break;
                    }

                    conn.End += n;
                }

                if (result == ParseStatus.Complete)
                {
                    status = parser.Status;
                    if (conn.End > conn.Start)
                    {
                        category = ErrorCategory.Protocol;
                        message = "unexpected bytes after a complete response";
                        conn.Close();
                    }
                    else
                    {
                        if (!parser.KeepAlive)
                        {
                            conn.Close();
                        }

                        (category, message) = CheckResponse(template, _statusMessages[endpoint], parser, status);
                    }

                    break;
                }

                conn.Close();
                if (parser.ErrorKind == ParseErrorKind.Truncated)
                {
                    if (parser.WireBytes == 0 && reused && !retried && !conn.IsClaimed)
                    {
                        retried = true; // the server closed an idle keep-alive connection: retry once on a new one
                        continue;
                    }

                    category = ErrorCategory.ConnectionReset;
                }
                else
                {
                    category = ErrorCategory.Protocol;
                }

                message = parser.Error;
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                conn.Close();
                if (_hardStop.IsCancellationRequested)
                {
                    conn.Disarm();
                    category = ErrorCategory.Unfinished; // ended by the hard stop: recorded at its age, never dropped
                    message = Unfinished.Message;
                    break;
                }

                if (conn.IsClaimed)
                {
                    category = ErrorCategory.Timeout;
                    message = $"request timed out after {_timeout.TotalSeconds:0.###} s";
                    break;
                }

                if (reused && !retried && parser.WireBytes == 0 && IsConnectionLoss(ex))
                {
                    retried = true;
                    continue;
                }

                (category, message) = RequestExecutor.Classify(ex);
                break;
            }
        }

        if (conn.Disarm() && category == ErrorCategory.None)
        {
            conn.Close(); // the watchdog fired as the response completed: the socket is gone, the response is not
        }

        var now = Stopwatch.GetTimestamp();
        var micros = (long)Stopwatch.GetElapsedTime(intendedTimestamp, now).TotalMicroseconds;
        _recorder.Current.Record(endpoint, micros, status, category, request.Length, parser.BodyBytes, message, now, status > 0 ? parser.ServerTiming : null);
        return category != ErrorCategory.Unfinished;
    }

    public void Unregister(LeanConnection connection)
    {
        lock (_connections)
        {
            _connections.Remove(connection);
        }
    }

    public void Dispose()
    {
        _hardStopRegistration.Dispose();
        _watchdog.Dispose();
        LeanConnection[] all;
        lock (_connections)
        {
            all = [.. _connections];
        }

        foreach (var c in all)
        {
            c.Close();
        }
    }

    private static bool IsConnectionLoss(Exception ex) =>
        ex is IOException or ObjectDisposedException
        || (ex is SocketException s && s.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.NotConnected or SocketError.OperationAborted);

    /// <summary>Classify a complete response: unexpected status (message cached per status code) or a failed body check.</summary>
    internal static (ErrorCategory Category, string? Message) CheckResponse(RequestTemplate template, string?[] messages, Http1ResponseParser parser, int status)
    {
        if (!template.IsExpectedStatus(status))
        {
            var category = status switch
            {
                >= 500 => ErrorCategory.Http5xx,
                >= 400 => ErrorCategory.Http4xx,
                _ => ErrorCategory.HttpOther,
            };
            var text = messages[status] ??= $"HTTP {status} {Encoding.Latin1.GetString(parser.Reason)}".TrimEnd();
            return (category, text);
        }

        if (template.ExpectBody is { } expected && parser.Captured.AsSpan(0, parser.CapturedLength).IndexOf(expected) < 0)
        {
            return (ErrorCategory.CheckFailed, "response body does not contain the expected text");
        }

        return (ErrorCategory.None, null);
    }

    private LeanConnection Connect(UserContext user)
    {
        var conn = new LeanConnection(this, _maxBodyBytes);
        lock (_connections)
        {
            _connections.Add(conn);
        }

        user.Connection = conn;
        return conn;
    }

    private async ValueTask OpenAsync(LeanConnection conn)
    {
        var endPoint = _endPoint ??= await ResolveAsync().ConfigureAwait(false);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        conn.Attach(socket);
        await socket.ConnectAsync(endPoint).ConfigureAwait(false);
        if (_ssl is not null)
        {
            var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
            conn.Tls = tls;
            await tls.AuthenticateAsClientAsync(_ssl).ConfigureAwait(false);
        }
    }

    private async Task<IPEndPoint> ResolveAsync()
    {
        if (IPAddress.TryParse(_baseUri.DnsSafeHost, out var literal))
        {
            return new IPEndPoint(literal, _baseUri.Port);
        }

        var addresses = await Dns.GetHostAddressesAsync(_baseUri.DnsSafeHost).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        return new IPEndPoint(addresses[0], _baseUri.Port);
    }

    private void Watch(bool all)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_connections)
        {
            foreach (var c in _connections)
            {
                if (c.TryClaim(now, all))
                {
                    c.Abort();
                }
            }
        }
    }
}
