using System.Net.Http.Headers;
using System.Threading.Channels;
using Loadlens.AspNetCore.Profiling;
using Microsoft.Extensions.Hosting;

namespace Loadlens.AspNetCore.Export;

/// <summary>Counts of the OTLP export.</summary>
/// <param name="Endpoint">Where spans go.</param>
/// <param name="Exported">Requests whose spans the endpoint accepted.</param>
/// <param name="Dropped">Requests dropped: the queue was full or their batch failed.</param>
/// <param name="FailedBatches">Batches the endpoint did not accept (no retry: the profiler must not pile up).</param>
internal readonly record struct OtlpExporterStats(string Endpoint, long Exported, long Dropped, long FailedBatches);

/// <summary>
/// Sends finished requests to an OTLP/HTTP endpoint in protobuf batches from a background loop. The queue is bounded
/// (<see cref="LoadlensProfilerOptions.ExportQueueCapacity"/>): a request that finds it full is dropped and counted,
/// so a slow or absent receiver never slows the app or grows its memory.
/// </summary>
internal sealed class OtlpExporter : BackgroundService
{
    private const int MaxBatch = 512;
    private readonly Channel<RequestProfile> _queue;
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _serviceName;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private long _exported;
    private long _dropped;
    private long _failedBatches;

    public OtlpExporter(LoadlensProfilerOptions options, string serviceName, TimeProvider time)
    {
        _endpoint = options.OtlpEndpoint ?? throw new ArgumentException("no OTLP endpoint", nameof(options));
        _serviceName = serviceName;
        _interval = options.ExportInterval > TimeSpan.Zero ? options.ExportInterval : TimeSpan.FromMilliseconds(200);
        _time = time;
        _queue = Channel.CreateBounded<RequestProfile>(new BoundedChannelOptions(Math.Max(1, options.ExportQueueCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses the item, which is counted
            SingleReader = true,
        });
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    }

    public OtlpExporterStats Stats => new(_endpoint.ToString(), Interlocked.Read(ref _exported), Interlocked.Read(ref _dropped), Interlocked.Read(ref _failedBatches));

    /// <summary>Queue a finished request (never blocks).</summary>
    public void Enqueue(RequestProfile request)
    {
        if (!_queue.Writer.TryWrite(request))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<RequestProfile>(MaxBatch);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(_interval, _time, stoppingToken).ConfigureAwait(false);
                await DrainAsync(batch, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Stopping: send what is queued, bounded by the host's shutdown timeout.
        using var flush = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await DrainAsync(batch, flush.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task DrainAsync(List<RequestProfile> batch, CancellationToken ct)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var r))
            {
                batch.Add(r);
            }

            if (batch.Count == 0)
            {
                return;
            }

            await SendAsync(batch, ct).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(List<RequestProfile> batch, CancellationToken ct)
    {
        try
        {
            using var content = new ByteArrayContent(OtlpTraceEncoder.Encode(batch, _serviceName));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var response = await _http.PostAsync(_endpoint, content, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Add(ref _exported, batch.Count);
                return;
            }
        }
        catch (HttpRequestException)
        {
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // the client's timeout
        }

        Interlocked.Increment(ref _failedBatches);
        Interlocked.Add(ref _dropped, batch.Count);
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
