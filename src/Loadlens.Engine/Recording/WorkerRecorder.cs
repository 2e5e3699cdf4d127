using HdrHistogram.Utilities;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Engine.Transport;

namespace Loadlens.Engine.Recording;

/// <summary>
/// Recording state owned by one thread. The writer side (<see cref="Record"/>) touches only this
/// object: no locks and no shared atomics; the only synchronisation is the uncontended
/// writer-reader phaser increment that lets the collector swap buffers at interval boundaries
/// (HdrHistogram's Recorder pattern, extended to counters and error groups).
/// </summary>
internal sealed class WorkerRecorder
{
    private readonly WriterReaderPhaser _phaser = new();
    private RecordingBuffer _active;
    private readonly ServerTimingNames[] _timingNames;
    private RecordingBuffer _inactive;

    public WorkerRecorder(int endpoints, ServerTimingNames[]? timingNames = null)
    {
        _active = new RecordingBuffer(endpoints);
        _inactive = new RecordingBuffer(endpoints);
        _timingNames = timingNames ?? Enumerable.Range(0, endpoints).Select(_ => new ServerTimingNames()).ToArray();
    }

    /// <summary>
    /// Record one completed (or failed) request. Called only from the owning thread. <paramref name="serverTiming"/>:
    /// the response's Server-Timing metrics (null when there was no response).
    /// </summary>
    public void Record(int endpoint, long latencyMicros, int status, ErrorCategory category, long bytesSent, long bytesReceived, string? errorMessage, long timestamp, ServerTimingCapture? serverTiming = null)
    {
        var phase = _phaser.WriterCriticalSectionEnter();
        try
        {
            var buffer = Volatile.Read(ref _active);
            buffer.MarkUsed();
            buffer.Histograms[endpoint].RecordValue(LatencyHistograms.Clamp(latencyMicros));
            buffer.BytesSent[endpoint] += bytesSent;
            buffer.BytesReceived[endpoint] += bytesReceived;
            var slot = status is > 0 and < RecordingBuffer.StatusSlots ? status : 0;
            buffer.StatusCounts[(endpoint * RecordingBuffer.StatusSlots) + slot]++;
            if (category != ErrorCategory.None)
            {
                buffer.Failures[endpoint]++;
                buffer.CategoryCounts[(endpoint * RecordingBuffer.CategorySlots) + (int)category]++;
                RecordError(buffer, endpoint, category, status, errorMessage, timestamp);
            }

            if (serverTiming is { Fields: > 0 })
            {
                RecordServerTiming(buffer, endpoint, serverTiming);
            }
        }
        finally
        {
            _phaser.WriterCriticalSectionExit(phase);
        }
    }

    /// <summary>Swap buffers and hand the filled one to <paramref name="consume"/> (collector thread only).</summary>
    public void Drain(Action<RecordingBuffer> consume)
    {
        lock (_phaser)
        {
            _phaser.ReaderLock();
            try
            {
                var filled = _active;
                Volatile.Write(ref _active, _inactive);
                _inactive = filled;
                _phaser.FlipPhase();
                if (!filled.IsEmpty)
                {
                    consume(filled);
                    filled.Reset();
                }
            }
            finally
            {
                _phaser.ReaderUnlock();
            }
        }
    }

    private void RecordServerTiming(RecordingBuffer buffer, int endpoint, ServerTimingCapture timing)
    {
        buffer.HasTiming = true;
        buffer.TimingResponses[endpoint]++;
        buffer.TimingUnparsable[endpoint] += timing.Unparsable;
        buffer.TimingDropped[endpoint] += timing.Overflow;
        var names = _timingNames[endpoint];
        for (var i = 0; i < timing.Count; i++)
        {
            var slot = names.Intern(timing.Name(i));
            if (slot < 0)
            {
                buffer.TimingDropped[endpoint]++;
                continue;
            }

            var index = (endpoint * RecordingBuffer.TimingSlots) + slot;
            buffer.TimingCounts[index]++;
            var ms = timing.DurationMs(i);
            if (ms >= 0)
            {
                buffer.TimingSumsMs[index] += ms;
                var histogram = buffer.TimingHistograms[index] ??= LatencyHistograms.Create(); // once per name and buffer
                histogram.RecordValue(LatencyHistograms.Clamp((long)Math.Round(ms * 1000)));
            }
        }
    }

    private static void RecordError(RecordingBuffer buffer, int endpoint, ErrorCategory category, int status, string? message, long timestamp)
    {
        buffer.Errors ??= [];
        var key = new ErrorKey(endpoint, category, status);
        if (buffer.Errors.TryGetValue(key, out var acc))
        {
            acc.Count++;
        }
        else
        {
            buffer.Errors[key] = new ErrorAccumulator { Count = 1, FirstMessage = message ?? category.ToString(), FirstTimestamp = timestamp };
        }
    }
}
