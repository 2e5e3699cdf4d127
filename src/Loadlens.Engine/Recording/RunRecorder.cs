using System.Diagnostics;
using HdrHistogram;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Core.Statistics;

namespace Loadlens.Engine.Recording;

/// <summary>
/// Owns every thread's <see cref="WorkerRecorder"/> and, on the collector's schedule, merges them
/// into one <see cref="TimeSeriesInterval"/> per interval and into the measured-period totals.
/// Only the collector calls <see cref="CollectInterval"/> and <see cref="BuildTotals"/>.
/// </summary>
internal sealed class RunRecorder : IDisposable
{
    private readonly ThreadLocal<WorkerRecorder> _local;
    private readonly string[] _names;
    private readonly string[] _methods;
    private readonly long _startTimestamp;
    private readonly List<TimeSeriesInterval> _intervals = [];
    private readonly LongHistogram[] _intervalHistograms;
    private readonly LongHistogram _intervalTotal = LatencyHistograms.Create();
    private readonly long[] _intervalFailures;
    private readonly long[] _intervalUnfinished;
    private readonly long[] _intervalBytes;
    private readonly LongHistogram[] _totalHistograms;
    private readonly long[] _totalFailures;
    private readonly long[] _windowRequests;
    private readonly long[] _totalBytesSent;
    private readonly long[] _totalBytesReceived;
    private readonly long[] _totalStatus;
    private readonly long[] _totalCategories;
    private readonly Dictionary<ErrorKey, ErrorAccumulator> _totalErrors = [];
    private readonly ServerTimingNames[] _timingNames;
    private readonly LongHistogram?[] _totalTimingHistograms;
    private readonly long[] _totalTimingCounts;
    private readonly double[] _totalTimingSums;
    private readonly long[] _totalTimingResponses;
    private readonly long[] _totalTimingDropped;
    private readonly long[] _totalTimingUnparsable;
    private double _lastBoundarySeconds;
    private long _allRequests;
    private long _allFailures;
    private long _lastIntended;
    private long _lastLate;
    private long _lastDropped;

    public RunRecorder(IReadOnlyList<(string Name, string Method)> endpoints, long startTimestamp)
    {
        var n = endpoints.Count;
        _names = endpoints.Select(e => e.Name).ToArray();
        _methods = endpoints.Select(e => e.Method).ToArray();
        _startTimestamp = startTimestamp;
        _timingNames = Enumerable.Range(0, n).Select(_ => new ServerTimingNames()).ToArray();
        _local = new ThreadLocal<WorkerRecorder>(() => new WorkerRecorder(n, _timingNames), trackAllValues: true);
        _totalTimingHistograms = new LongHistogram?[n * RecordingBuffer.TimingSlots];
        _totalTimingCounts = new long[n * RecordingBuffer.TimingSlots];
        _totalTimingSums = new double[n * RecordingBuffer.TimingSlots];
        _totalTimingResponses = new long[n];
        _totalTimingDropped = new long[n];
        _totalTimingUnparsable = new long[n];
        _intervalHistograms = Enumerable.Range(0, n).Select(_ => LatencyHistograms.Create()).ToArray();
        _totalHistograms = Enumerable.Range(0, n).Select(_ => LatencyHistograms.Create()).ToArray();
        _intervalFailures = new long[n];
        _intervalUnfinished = new long[n];
        _intervalBytes = new long[n];
        _totalFailures = new long[n];
        _windowRequests = new long[n];
        _totalBytesSent = new long[n];
        _totalBytesReceived = new long[n];
        _totalStatus = new long[n * RecordingBuffer.StatusSlots];
        _totalCategories = new long[n * RecordingBuffer.CategorySlots];
    }

    /// <summary>The calling thread's recorder.</summary>
    public WorkerRecorder Current => _local.Value!;

    public IReadOnlyList<TimeSeriesInterval> Intervals => _intervals;

    public long AllRequests => _allRequests;

    /// <summary>Actual end of the last warm-up interval (seconds since start); 0 without warm-up.</summary>
    public double WarmupEndSeconds { get; private set; }

    public long AllFailures => _allFailures;

    /// <summary>Open model counters, written by the dispatcher only (cumulative).</summary>
    public long Intended;

    /// <summary>Open model: late arrivals (cumulative).</summary>
    public long Late;

    /// <summary>Open model: dropped arrivals (cumulative).</summary>
    public long Dropped;

    public double SecondsSinceStart(long timestamp) => Stopwatch.GetElapsedTime(_startTimestamp, timestamp).TotalSeconds;

    /// <summary>
    /// Close the current interval at <paramref name="nowTimestamp"/> and fold it into the totals. A
    /// <paramref name="drain"/> interval (after sending stopped) counts in the totals but not in the rates' window.
    /// </summary>
    public TimeSeriesInterval CollectInterval(long nowTimestamp, int activeUsers, bool warmup, bool drain = false)
    {
        var end = SecondsSinceStart(nowTimestamp);
        var start = _lastBoundarySeconds;
        if (warmup)
        {
            WarmupEndSeconds = end;
        }

        foreach (var h in _intervalHistograms)
        {
            h.Reset();
        }

        Array.Clear(_intervalFailures);
        Array.Clear(_intervalUnfinished);
        Array.Clear(_intervalBytes);

        foreach (var worker in _local.Values)
        {
            worker.Drain(buffer => Fold(buffer, warmup));
        }

        var endpoints = new IntervalEndpoint[_names.Length];
        var total = _intervalTotal; // reused: a fresh 190 KB histogram per interval would churn the large-object heap
        total.Reset();
        long totalFailures = 0, totalBytes = 0, totalUnfinished = 0;
        for (var i = 0; i < _names.Length; i++)
        {
            var h = _intervalHistograms[i];
            total.Add(h);
            totalFailures += _intervalFailures[i];
            totalUnfinished += _intervalUnfinished[i];
            totalBytes += _intervalBytes[i];
            endpoints[i] = new IntervalEndpoint
            {
                Name = _names[i],
                Requests = h.TotalCount,
                Failures = _intervalFailures[i],
                Unfinished = _intervalUnfinished[i],
                BytesReceived = _intervalBytes[i],
                Latency = LatencyHistograms.ToStats(h),
                Histogram = h.TotalCount > 0 ? LatencyHistograms.Encode(h) : null,
            };
            if (!warmup)
            {
                _totalHistograms[i].Add(h);
                if (!drain)
                {
                    _windowRequests[i] += h.TotalCount;
                }
            }
        }

        _allRequests += total.TotalCount;
        _allFailures += totalFailures;
        var intended = Volatile.Read(ref Intended);
        var late = Volatile.Read(ref Late);
        var dropped = Volatile.Read(ref Dropped);
        var interval = new TimeSeriesInterval
        {
            Index = _intervals.Count,
            StartSeconds = Math.Round(start, 6),
            DurationSeconds = Math.Round(end - start, 6),
            Warmup = warmup,
            Drain = drain && !warmup,
            ActiveUsers = activeUsers,
            IntendedRequests = intended - _lastIntended,
            LateRequests = late - _lastLate,
            DroppedRequests = dropped - _lastDropped,
            Endpoints = endpoints,
            Total = new IntervalEndpoint
            {
                Name = EndpointResult.AggregatedName,
                Requests = total.TotalCount,
                Failures = totalFailures,
                Unfinished = totalUnfinished,
                BytesReceived = totalBytes,

                // One endpoint: the aggregate is that endpoint's histogram; do not compute stats and encoding twice.
                Latency = endpoints.Length == 1 ? endpoints[0].Latency : LatencyHistograms.ToStats(total),
                Histogram = endpoints.Length == 1 ? endpoints[0].Histogram : total.TotalCount > 0 ? LatencyHistograms.Encode(total) : null,
            },
        };
        _lastIntended = intended;
        _lastLate = late;
        _lastDropped = dropped;
        _lastBoundarySeconds = end;
        _intervals.Add(interval);
        return interval;
    }

    /// <summary>
    /// Build the measured-period per-endpoint totals, the aggregate and the error groups. Rates are the requests
    /// completed in the measured window (after the warm-up, before the drain) over <paramref name="measuredSeconds"/>.
    /// </summary>
    public (IReadOnlyList<EndpointResult> Endpoints, EndpointResult Total, IReadOnlyList<ErrorSummary> Errors) BuildTotals(double measuredSeconds)
    {
        long windowTotal = 0;
        var endpoints = new List<EndpointResult>(_names.Length);
        var all = LatencyHistograms.Create();
        var allStatus = new Dictionary<string, long>();
        var allCategories = new Dictionary<string, long>();
        long allFailures = 0, allSent = 0, allReceived = 0;
        for (var i = 0; i < _names.Length; i++)
        {
            var h = _totalHistograms[i];
            all.Add(h);
            var status = new SortedDictionary<string, long>(StringComparer.Ordinal);
            for (var s = 0; s < RecordingBuffer.StatusSlots; s++)
            {
                var c = _totalStatus[(i * RecordingBuffer.StatusSlots) + s];
                if (c > 0)
                {
                    var key = s == 0 ? "none" : s.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    status[key] = c;
                    allStatus[key] = allStatus.GetValueOrDefault(key) + c;
                }
            }

            var categories = new SortedDictionary<string, long>(StringComparer.Ordinal);
            for (var c = 1; c < RecordingBuffer.CategorySlots; c++)
            {
                var n = _totalCategories[(i * RecordingBuffer.CategorySlots) + c];
                if (n > 0)
                {
                    var key = ((ErrorCategory)c).ToString();
                    categories[key] = n;
                    allCategories[key] = allCategories.GetValueOrDefault(key) + n;
                }
            }

            allFailures += _totalFailures[i];
            windowTotal += _windowRequests[i];
            allSent += _totalBytesSent[i];
            allReceived += _totalBytesReceived[i];
            endpoints.Add(new EndpointResult
            {
                Name = _names[i],
                Method = _methods[i],
                Requests = h.TotalCount,
                Failures = _totalFailures[i],
                Latency = LatencyHistograms.ToStats(h),
                RequestsPerSecond = RequestRates.Stored(_windowRequests[i], measuredSeconds),
                BytesSent = _totalBytesSent[i],
                BytesReceived = _totalBytesReceived[i],
                StatusCodes = status,
                ErrorCategories = categories,
                Histogram = LatencyHistograms.Encode(h),
                ServerTiming = BuildServerTiming(i),
            });
        }

        var total = new EndpointResult
        {
            Name = EndpointResult.AggregatedName,
            Method = string.Empty,
            Requests = all.TotalCount,
            Failures = allFailures,
            Latency = LatencyHistograms.ToStats(all),
            RequestsPerSecond = RequestRates.Stored(windowTotal, measuredSeconds),
            BytesSent = allSent,
            BytesReceived = allReceived,
            StatusCodes = new SortedDictionary<string, long>(allStatus, StringComparer.Ordinal),
            ErrorCategories = new SortedDictionary<string, long>(allCategories, StringComparer.Ordinal),
            Histogram = LatencyHistograms.Encode(all),
        };

        var errors = _totalErrors
            .OrderByDescending(e => e.Value.Count)
            .ThenBy(e => e.Key.Endpoint)
            .Select(e => new ErrorSummary
            {
                Endpoint = _names[e.Key.Endpoint],
                Method = _methods[e.Key.Endpoint],
                Category = e.Key.Category.ToString(),
                StatusCode = e.Key.Status > 0 ? e.Key.Status : null,
                Count = e.Value.Count,
                Message = e.Value.FirstMessage,
                FirstSeenSeconds = Math.Round(SecondsSinceStart(e.Value.FirstTimestamp), 3),
            })
            .ToList();
        return (endpoints, total, errors);
    }

    public void Dispose() => _local.Dispose();

    /// <summary>Endpoint <paramref name="endpoint"/>'s Server-Timing over the measured period; null when no response carried one.</summary>
    private ServerTimingSummary? BuildServerTiming(int endpoint)
    {
        if (_totalTimingResponses[endpoint] == 0)
        {
            return null;
        }

        var names = _timingNames[endpoint];
        var metrics = new List<ServerTimingMetric>();
        for (var slot = 0; slot < names.Count; slot++)
        {
            var index = (endpoint * RecordingBuffer.TimingSlots) + slot;
            if (_totalTimingCounts[index] == 0)
            {
                continue; // seen only in the warm-up
            }

            var histogram = _totalTimingHistograms[index];
            var stats = LatencyStats.Empty;
            if (histogram is { TotalCount: > 0 })
            {
                stats = LatencyHistograms.ToStats(histogram) with { Mean = Math.Round(_totalTimingSums[index] / histogram.TotalCount, 6) };
            }

            metrics.Add(new ServerTimingMetric
            {
                Name = names[slot],
                Count = _totalTimingCounts[index],
                Duration = stats,
                Histogram = histogram is { TotalCount: > 0 } ? LatencyHistograms.Encode(histogram) : null,
            });
        }

        return new ServerTimingSummary
        {
            Responses = _totalTimingResponses[endpoint],
            Metrics = metrics,
            DroppedEntries = _totalTimingDropped[endpoint],
            UnparsableEntries = _totalTimingUnparsable[endpoint],
        };
    }

    private void Fold(RecordingBuffer buffer, bool warmup)
    {
        for (var i = 0; i < _names.Length; i++)
        {
            _intervalHistograms[i].Add(buffer.Histograms[i]);
            _intervalFailures[i] += buffer.Failures[i];
            _intervalUnfinished[i] += buffer.CategoryCounts[(i * RecordingBuffer.CategorySlots) + (int)ErrorCategory.Unfinished];
            _intervalBytes[i] += buffer.BytesReceived[i];
        }

        if (warmup)
        {
            return;
        }

        for (var i = 0; i < _names.Length; i++)
        {
            _totalFailures[i] += buffer.Failures[i];
            _totalBytesSent[i] += buffer.BytesSent[i];
            _totalBytesReceived[i] += buffer.BytesReceived[i];
        }

        for (var i = 0; i < _totalStatus.Length; i++)
        {
            _totalStatus[i] += buffer.StatusCounts[i];
        }

        if (buffer.HasTiming)
        {
            for (var i = 0; i < _names.Length; i++)
            {
                _totalTimingResponses[i] += buffer.TimingResponses[i];
                _totalTimingDropped[i] += buffer.TimingDropped[i];
                _totalTimingUnparsable[i] += buffer.TimingUnparsable[i];
            }

            for (var i = 0; i < _totalTimingCounts.Length; i++)
            {
                _totalTimingCounts[i] += buffer.TimingCounts[i];
                _totalTimingSums[i] += buffer.TimingSumsMs[i];
                if (buffer.TimingHistograms[i] is { TotalCount: > 0 } h)
                {
                    (_totalTimingHistograms[i] ??= LatencyHistograms.Create()).Add(h);
                }
            }
        }

        for (var i = 0; i < _totalCategories.Length; i++)
        {
            _totalCategories[i] += buffer.CategoryCounts[i];
        }

        if (buffer.Errors is { Count: > 0 } errors)
        {
            foreach (var (key, acc) in errors)
            {
                if (_totalErrors.TryGetValue(key, out var existing))
                {
                    existing.Count += acc.Count;
                    if (acc.FirstTimestamp < existing.FirstTimestamp)
                    {
                        existing.FirstTimestamp = acc.FirstTimestamp;
                        existing.FirstMessage = acc.FirstMessage;
                    }
                }
                else
                {
                    _totalErrors[key] = new ErrorAccumulator { Count = acc.Count, FirstMessage = acc.FirstMessage, FirstTimestamp = acc.FirstTimestamp };
                }
            }
        }
    }
}
