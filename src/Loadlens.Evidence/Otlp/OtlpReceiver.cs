using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Loadlens.Evidence.Otlp;

/// <summary>
/// An OTLP/HTTP trace receiver: <c>POST /v1/traces</c> with a protobuf (<c>application/x-protobuf</c>) or OTLP/JSON
/// (<c>application/json</c>) <c>ExportTraceServiceRequest</c>, optionally gzip-compressed. It answers 200 with an
/// empty <c>ExportTraceServiceResponse</c> in the request's encoding, 400 for a body it cannot parse, 413 above
/// <see cref="MaxBodyBytes"/>, 415 for another content type, and hands every decoded batch to the sink. It listens on
/// loopback only unless remote addresses are allowed explicitly.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    /// <summary>Largest request body accepted (after decompression), 16 MiB.</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    private readonly WebApplication _app;
    private long _spans;
    private long _rejected;
    private long _badRequests;

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The address it listens on (port resolved when 0 was asked).</summary>
    public IPEndPoint EndPoint { get; private set; } = null!;

    /// <summary>Spans decoded so far.</summary>
    public long Spans => Interlocked.Read(ref _spans);

    /// <summary>Spans left out for invalid ids so far.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Requests refused as unparseable, too large or of another content type.</summary>
    public long BadRequests => Interlocked.Read(ref _badRequests);

    /// <summary>Start listening on <paramref name="endPoint"/> (port 0 picks a free one).</summary>
    /// <param name="endPoint">Where to listen.</param>
    /// <param name="sink">Receives each decoded batch (called concurrently; must be thread-safe).</param>
    /// <param name="allowRemote">Allow a non-loopback address.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<OtlpReceiver> StartAsync(IPEndPoint endPoint, Action<IReadOnlyList<OtlpSpan>> sink, bool allowRemote = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(sink);
        if (!allowRemote && !IPAddress.IsLoopback(endPoint.Address))
        {
            throw new ArgumentException($"the OTLP receiver listens on loopback addresses only ({endPoint.Address} is not one); use --allow-remote to listen elsewhere");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            k.Listen(endPoint);
        });
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", (HttpContext context) => receiver.HandleAsync(context, sink));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"cannot listen for OTLP on {endPoint}: {ex.Message}", ex);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.EndPoint = new IPEndPoint(endPoint.Address, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context, Action<IReadOnlyList<OtlpSpan>> sink)
    {
        var type = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var json = type == "application/json";
        if (!json && type is not ("application/x-protobuf" or "application/protobuf"))
        {
            Interlocked.Increment(ref _badRequests);
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        byte[] body;
        try
        {
            body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            await FailAsync(context, StatusCodes.Status400BadRequest, json, "the gzip body is corrupt").ConfigureAwait(false);
            return;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await FailAsync(context, StatusCodes.Status413PayloadTooLarge, json, "the body is too large").ConfigureAwait(false);
            return;
        }
        catch (TooLargeException)
        {
            await FailAsync(context, StatusCodes.Status413PayloadTooLarge, json, "the body is too large").ConfigureAwait(false);
            return;
        }

        List<OtlpSpan> spans;
        int rejected;
        try
        {
            spans = json ? OtlpTraceDecoder.DecodeJson(body, out rejected) : OtlpTraceDecoder.DecodeProtobuf(body, out rejected);
        }
        catch (FormatException ex)
        {
            await FailAsync(context, StatusCodes.Status400BadRequest, json, ex.Message).ConfigureAwait(false);
            return;
        }

        Interlocked.Add(ref _spans, spans.Count);
        Interlocked.Add(ref _rejected, rejected);
        if (spans.Count > 0)
        {
            sink(spans);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        if (json)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{}", context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength = 0; // an empty ExportTraceServiceResponse
        }
    }

    private async Task FailAsync(HttpContext context, int status, bool json, string message)
    {
        Interlocked.Increment(ref _badRequests);
        context.Response.StatusCode = status;
        if (json)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new { message }), context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var gzip = request.Headers.ContentEncoding.Any(e => string.Equals(e?.Trim(), "gzip", StringComparison.OrdinalIgnoreCase));
        await using var source = gzip ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true) : request.Body;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new TooLargeException();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private sealed class TooLargeException : Exception;
}
