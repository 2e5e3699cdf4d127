using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Loadlens.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Loadlens.AspNetCore.Profiling;

/// <summary>
/// Records each request (route template, status, duration, the commands of its profiled connections), adds
/// <c>Server-Timing</c>, keeps the incoming <c>traceparent</c>'s trace id, and serves <c>{prefix}/profile</c> and
/// <c>{prefix}/metrics</c> (with the key when one is configured).
/// </summary>
internal sealed class ProfilerMiddleware(RequestDelegate next, LoadlensProfiler profiler)
{
    public const string KeyHeader = "X-Loadlens-Key";
    private const string Unmatched = "(unmatched)";
    private readonly byte[]? _keyHash = string.IsNullOrEmpty(profiler.Options.Key) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(profiler.Options.Key));
    private readonly PathString _prefix = new(profiler.Options.PathPrefix.TrimEnd('/'));

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(_prefix, out var rest))
        {
            await ServeAsync(context, rest).ConfigureAwait(false);
            return;
        }

        var profile = new RequestProfile(profiler.Options.MaxCommandsPerRequest, Stopwatch.GetTimestamp(), profiler.Time.GetUtcNow())
        {
            Method = context.Request.Method,
        };
        if (profiler.Exporter is not null)
        {
            // Trace context only matters for the export: keep the caller's trace id (Loadlens' traceparent), so the
            // receiver joins this request's spans to the request it sent.
            if (ActivityContext.TryParse(context.Request.Headers.TraceParent.ToString(), null, out var incoming) && incoming.TraceId != default)
            {
                profile.TraceId = incoming.TraceId.ToHexString();
                profile.ParentSpanId = incoming.SpanId.ToHexString();
            }
            else
            {
                profile.TraceId = ActivityTraceId.CreateRandom().ToHexString();
            }

            profile.SpanId = ActivitySpanId.CreateRandom().ToHexString();
        }

        if (profiler.Options.ServerTimingHeader)
        {
            // A response without a body starts after this middleware has returned, so the callback holds the context itself.
            context.Response.OnStarting(static state =>
            {
                var (ctx, p) = ((HttpContext, RequestProfile))state;
                ctx.Response.Headers.Append("Server-Timing", ServerTiming(p));
                return Task.CompletedTask;
            }, (context, profile));
        }

        RequestProfile.SetCurrent(profile);
        var failed = false;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            // (the AsyncLocal set above is undone for the caller when this async method returns)
            profile.DurationTicks = Stopwatch.GetTimestamp() - profile.StartTimestamp;
            profile.StatusCode = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            profile.Route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } template
                ? (template.StartsWith('/') ? template : "/" + template)
                : Unmatched;
            profiler.Aggregator.Add(profile);
            profiler.Exporter?.Enqueue(profile);
        }
    }

    /// <summary><c>db;dur=12.3;desc="4 queries", app;dur=47.1</c>: database time and the app's time so far (ms).</summary>
    internal static string ServerTiming(RequestProfile p)
    {
        var app = (Stopwatch.GetTimestamp() - p.StartTimestamp) * 1000.0 / Stopwatch.Frequency;
        var db = p.CommandTicks * 1000.0 / Stopwatch.Frequency;
        var n = p.CommandCount;
        Span<char> buffer = stackalloc char[96];
        return buffer.TryWrite(CultureInfo.InvariantCulture, $"db;dur={db:0.###};desc=\"{n} {(n == 1 ? "query" : "queries")}\", app;dur={app:0.###}", out var written)
            ? new string(buffer[..written])
            : string.Create(CultureInfo.InvariantCulture, $"db;dur={db:0.###};desc=\"{n} {(n == 1 ? "query" : "queries")}\", app;dur={app:0.###}");
    }

    private async Task ServeAsync(HttpContext context, PathString rest)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (!Authorized(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        context.Response.Headers.CacheControl = "no-store";
        var export = profiler.Exporter?.Stats;
        if (rest == "/profile")
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
            await using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                ProfileJson.Write(w, profiler.Aggregator.Since, profiler.Time.GetUtcNow(), profiler.Aggregator.Snapshot(), export);
            }

            await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
        else if (rest == "/metrics")
        {
            context.Response.ContentType = PrometheusText.ContentType;
            await context.Response.WriteAsync(PrometheusText.Write(profiler.Aggregator.Snapshot(), export), context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    /// <summary>No key configured (Development): open. Else the header or <c>?key=</c> must match, compared in constant time.</summary>
    private bool Authorized(HttpRequest request)
    {
        if (_keyHash is null)
        {
            return true;
        }

        var given = request.Headers[KeyHeader].ToString();
        if (given.Length == 0)
        {
            given = request.Query["key"].ToString();
        }

        return given.Length > 0 && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _keyHash);
    }
}
