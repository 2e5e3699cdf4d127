using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using Loadlens.Core.Results;
using Loadlens.Engine.Feeders;
using Loadlens.Engine.Recording;

namespace Loadlens.Engine.Http;

/// <summary>
/// The SocketsHttpHandler transport: sends one request of a template through
/// <see cref="HttpMessageInvoker"/> and records its outcome on the calling thread's recorder.
/// Used for HTTP/2 and whenever the lean transport is not chosen.
/// </summary>
internal sealed class RequestExecutor : Transport.IRequestTransport
{
    public const string TransportName = "sockets-http-handler";
    private const int MaxCheckedBody = 1024 * 1024;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpMessageInvoker _invoker;
    private readonly long _maxBodyBytes;
    private readonly RequestTemplate[] _templates;
    private readonly FeederSet _feeders;
    private readonly RunRecorder _recorder;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _hardStop;

    private readonly TraceContextWriter? _trace;

    public RequestExecutor(RequestTemplate[] templates, FeederSet feeders, RunRecorder recorder, TimeSpan timeout, bool acceptAnyCertificate, long maxBodyBytes, CancellationToken hardStop, TraceContextWriter? trace = null)
    {
        _trace = trace;
        _handler = new SocketsHttpHandler
        {
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionLifetime = System.Threading.Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = int.MaxValue,
            ConnectTimeout = timeout,
            EnableMultipleHttp2Connections = true,
        };
        if (acceptAnyCertificate)
        {
#pragma warning disable CA5359 // explicit user opt-in (--insecure) for self-signed test servers
            _handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        _invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
        _templates = templates;
        _feeders = feeders;
        _recorder = recorder;
        _timeout = timeout;
        _maxBodyBytes = maxBodyBytes;
        _hardStop = hardStop;
    }

    public string Name => TransportName;

    public void Dispose()
    {
        _invoker.Dispose();
        _handler.Dispose();
    }

    ValueTask<bool> Transport.IRequestTransport.ExecuteAsync(UserContext user, int endpoint, long intendedTimestamp) =>
        new(ExecuteAsync(user, endpoint, intendedTimestamp));

    /// <summary>
    /// Send endpoint <paramref name="endpoint"/>; latency runs from <paramref name="intendedTimestamp"/>
    /// (the scheduled send time in the open model, the actual send time in the closed model) to the
    /// last body byte. Returns false when the request was abandoned by the hard stop (not recorded).
    /// </summary>
    public async Task<bool> ExecuteAsync(UserContext user, int endpoint, long intendedTimestamp)
    {
        var template = _templates[endpoint];
        HttpRequestMessage request;
        var dispose = false;
        try
        {
            if (template.IsStatic)
            {
                request = user.StaticRequests[endpoint] ??= template.Create(user.FeederValues);
            }
            else
            {
                foreach (var f in template.UsedFeeders)
                {
                    user.FeederValues[f] = _feeders.Next(f, user.Random);
                }

                request = template.Create(user.FeederValues);
                dispose = true;
            }

            if (_trace is not null && !template.HasTraceParent)
            {
                request.Headers.Remove("traceparent");
                request.Headers.TryAddWithoutValidation("traceparent", _trace.TraceParent(endpoint, user.Random));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // e.g. a feeder value that makes the URL or a header invalid: a failed request, never a crashed run
            var at = Stopwatch.GetTimestamp();
            _recorder.Current.Record(endpoint, 1, 0, ErrorCategory.Other, 0, 0, "cannot build the request: " + ex.Message, at);
            await Task.Yield(); // keep a user that only ever fails from monopolising a thread-pool thread
            return true;
        }

        var status = 0;
        var category = ErrorCategory.None;
        string? message = null;
        long received = 0;
        Transport.ServerTimingCapture? timing = null;
        var token = user.Arm(_timeout);
        try
        {
            using var response = await _invoker.SendAsync(request, token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            timing = user.ServerTiming ??= new Transport.ServerTimingCapture();
            timing.Clear();
            AddServerTiming(timing, response.Headers);
            var check = template.ExpectBody is not null;
            if (check)
            {
                user.CheckBuffer ??= new MemoryStream();
                user.CheckBuffer.SetLength(0);
            }

            var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(user.ReadBuffer, token).ConfigureAwait(false)) > 0)
                {
                    received += read;
                    if (received > _maxBodyBytes)
                    {
                        throw new HttpRequestException(HttpRequestError.ConfigurationLimitExceeded, $"response body larger than the limit of {_maxBodyBytes} bytes");
                    }

                    if (check && user.CheckBuffer!.Length < MaxCheckedBody)
                    {
                        user.CheckBuffer.Write(user.ReadBuffer, 0, (int)Math.Min(read, MaxCheckedBody - user.CheckBuffer.Length));
                    }
                }
            }

            AddServerTiming(timing, response.TrailingHeaders);
            if (!template.IsExpectedStatus(status))
            {
                category = status switch
                {
                    >= 500 => ErrorCategory.Http5xx,
                    >= 400 => ErrorCategory.Http4xx,
                    _ => ErrorCategory.HttpOther,
                };
                message = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
            }
            else if (check && user.CheckBuffer!.GetBuffer().AsSpan(0, (int)user.CheckBuffer.Length).IndexOf(template.ExpectBody) < 0)
            {
                category = ErrorCategory.CheckFailed;
                message = "response body does not contain the expected text";
            }
        }
        catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
        {
            category = ErrorCategory.Unfinished; // ended by the hard stop: recorded at its age, never dropped
            message = Transport.Unfinished.Message;
        }
        catch (OperationCanceledException ex)
        {
            category = ErrorCategory.Timeout;
            message = $"request timed out after {_timeout.TotalSeconds:0.###} s";
            _ = ex;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Any transport failure (HttpRequestException, IOException, NotSupportedException, …) is a
            // recorded, classified failure of this request; the run goes on.
            (category, message) = Classify(ex);
        }
        finally
        {
            user.Disarm();
            if (dispose)
            {
                request.Dispose();
            }
        }

        var now = Stopwatch.GetTimestamp();
        var micros = (long)Stopwatch.GetElapsedTime(intendedTimestamp, now).TotalMicroseconds;
        _recorder.Current.Record(endpoint, micros, status, category, template.EstimatedRequestBytes, received, message, now, status > 0 ? timing : null);
        return category != ErrorCategory.Unfinished;
    }

    /// <summary>Feed every Server-Timing field of <paramref name="headers"/> to the same parser the raw transports use.</summary>
    internal static void AddServerTiming(Transport.ServerTimingCapture capture, System.Net.Http.Headers.HttpHeaders headers)
    {
        if (!headers.NonValidated.TryGetValues("Server-Timing", out var values))
        {
            return;
        }

        Span<byte> stack = stackalloc byte[512];
        foreach (var value in values)
        {
            var bytes = value.Length <= stack.Length ? stack[..value.Length] : new byte[value.Length];
            for (var i = 0; i < value.Length; i++)
            {
                bytes[i] = value[i] <= 0xFF ? (byte)value[i] : (byte)'?';
            }

            capture.Add(bytes);
        }
    }

    /// <summary>Map a transport exception to a category and a one-line message.</summary>
    internal static (ErrorCategory Category, string Message) Classify(Exception ex)
    {
        var socket = FindInner<SocketException>(ex);
        if (socket is not null)
        {
            var cat = socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => ErrorCategory.ConnectionRefused,
                SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.NotConnected => ErrorCategory.ConnectionReset,
                SocketError.TimedOut => ErrorCategory.Timeout,
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => ErrorCategory.Dns,
                _ => ErrorCategory.Other,
            };
            return (cat, $"{socket.SocketErrorCode}: {socket.Message}");
        }

        if (FindInner<AuthenticationException>(ex) is { } auth)
        {
            return (ErrorCategory.Tls, auth.Message);
        }

        if (ex is HttpRequestException http)
        {
            var cat = http.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => ErrorCategory.Dns,
                HttpRequestError.SecureConnectionError => ErrorCategory.Tls,
                HttpRequestError.ConnectionError => ErrorCategory.ConnectionRefused,
                HttpRequestError.ResponseEnded => ErrorCategory.ConnectionReset,
                HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError or HttpRequestError.VersionNegotiationError
                    or HttpRequestError.ConfigurationLimitExceeded => ErrorCategory.Protocol,
                _ => ErrorCategory.Other,
            };
            return (cat, http.Message);
        }

        if (FindInner<IOException>(ex) is { } io)
        {
            return (ErrorCategory.ConnectionReset, io.Message);
        }

        return (ErrorCategory.Other, ex.Message);
    }

    private static T? FindInner<T>(Exception? ex)
        where T : Exception
    {
        while (ex is not null)
        {
            if (ex is T t)
            {
                return t;
            }

            ex = ex.InnerException;
        }

        return null;
    }
}
