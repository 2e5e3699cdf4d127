using System.Globalization;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Core.Statistics;

namespace Loadlens.Importers.Common;

/// <summary>
/// Turns a stream of per-request samples (JMeter rows, k6 points) into per-endpoint and per-second
/// HdrHistograms without keeping the samples. Memory is bounded by the number of endpoints (capped at
/// <see cref="MaxEndpoints"/>) and the number of seconds: a second's histograms are encoded and released
/// once samples are <see cref="ReorderSeconds"/> s past it (a later straggler reopens it).
/// Samples are placed in the second in which they completed; seconds are aligned to the wall clock.
/// </summary>
internal sealed class SampleAggregator
{
    /// <summary>Distinct endpoints kept; further names are counted under <see cref="OverflowName"/>.</summary>
    public const int MaxEndpoints = 200;

    /// <summary>Name of the endpoint that collects names beyond <see cref="MaxEndpoints"/>.</summary>
    public const string OverflowName = "(other endpoints)";

    /// <summary>Largest time span accepted (7 days of 1-second intervals).</summary>
    public const long MaxSpanMs = 7L * 24 * 3600 * 1000;

    /// <summary>How far (in seconds) samples may arrive out of order before their second is finalised.</summary>
    public const int ReorderSeconds = 10;

    private static readonly int CategoryCount = Enum.GetValues<ErrorCategory>().Length;

    private readonly Dictionary<string, int> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<EndpointAcc> _endpoints = [];
    private readonly Dictionary<long, OpenInterval> _open = [];
    private readonly Dictionary<long, ClosedInterval> _closed = [];
    private readonly Stack<CompactHistogram> _pool = new();
    private readonly Dictionary<(int Endpoint, ErrorCategory Category, int Status), ErrorAcc> _errors = [];
    private readonly Dictionary<long, int> _usersBySecond = [];
    private char[] _scratch = new char[256];
    private int _overflow = -1;
    private long _minStartMs = long.MaxValue;
    private long _maxEndMs = long.MinValue;
    private long _maxSecond = long.MinValue;
    private long _bytesReceivedExtra;
    private long _bytesSentExtra;

    public SampleAggregator()
    {
        _lookup = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Samples recorded.</summary>
    public long Samples { get; private set; }

    /// <summary>Samples that arrived after their second had been finalised (and reopened it).</summary>
    public long Stragglers { get; private set; }

    /// <summary>True when more than <see cref="MaxEndpoints"/> names were seen.</summary>
    public bool EndpointsCapped => _overflow >= 0;

    /// <summary>Base URL (scheme://host:port) of the first absolute request URL seen; empty when none.</summary>
    public string Target { get; private set; } = string.Empty;

    /// <summary>Offer a request URL; the first absolute http(s) one sets <see cref="Target"/>.</summary>
    public void OfferUrl(ReadOnlySpan<char> url)
    {
        if (Target.Length > 0 || url.Length == 0 || !(url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        if (Uri.TryCreate(url.ToString(), UriKind.Absolute, out var uri))
        {
            Target = uri.GetLeftPart(UriPartial.Authority);
        }
    }

    /// <summary>Highest active-user count reported.</summary>
    public int PeakUsers { get; private set; }

    /// <summary>Index of the endpoint with this method and name, registering it on first sight.</summary>
    public int Endpoint(ReadOnlySpan<char> method, ReadOnlySpan<char> name)
    {
        // Few endpoints (the usual case): a vectorised linear scan beats hashing the name.
        if (_endpoints.Count <= 16 && _overflow < 0)
        {
            for (var i = 0; i < _endpoints.Count; i++)
            {
                var e = _endpoints[i];
                if (name.SequenceEqual(e.Name) && method.SequenceEqual(e.Method))
                {
                    return i;
                }
            }
        }

        var length = method.Length + 1 + name.Length;
        if (_scratch.Length < length)
        {
            _scratch = new char[Math.Max(length, _scratch.Length * 2)];
        }

        method.CopyTo(_scratch);
        _scratch[method.Length] = '\u0001';
        name.CopyTo(_scratch.AsSpan(method.Length + 1));
        var key = _scratch.AsSpan(0, length);
        if (_lookup.TryGetValue(key, out var index))
        {
            return index;
        }

        if (_endpoints.Count >= MaxEndpoints)
        {
            if (_overflow < 0)
            {
                _overflow = _endpoints.Count;
                _endpoints.Add(new EndpointAcc(OverflowName, string.Empty));
            }

            return _overflow;
        }

        index = _endpoints.Count;
        _endpoints.Add(new EndpointAcc(name.ToString(), method.ToString()));
        _keys[key.ToString()] = index;
        return index;
    }

    /// <summary>True when <paramref name="timeMs"/> keeps the run within <see cref="MaxSpanMs"/>.</summary>
    public bool WithinSpan(long timeMs)
    {
        if (_minStartMs == long.MaxValue)
        {
            return true;
        }

        var lo = Math.Min(_minStartMs, timeMs);
        var hi = Math.Max(_maxEndMs, timeMs);
        return hi - lo <= MaxSpanMs;
    }

    /// <summary>Record one request that completed at <paramref name="endMs"/> (epoch ms) after <paramref name="latencyMs"/>.</summary>
    public void Record(int endpoint, long endMs, double latencyMs, bool failed, int status, long bytesReceived, long bytesSent, ErrorCategory category, ReadOnlySpan<char> message)
    {
        var micros = (long)Math.Round(latencyMs * 1000);
        var startMs = endMs - (long)latencyMs;
        _minStartMs = Math.Min(_minStartMs, startMs);
        _maxEndMs = Math.Max(_maxEndMs, endMs);
        Samples++;

        var e = _endpoints[endpoint];
        e.Histogram.Record(micros);
        e.Requests++;
        e.Sum += latencyMs;
        e.Min = Math.Min(e.Min, latencyMs);
        e.Max = Math.Max(e.Max, latencyMs);
        e.BytesReceived += bytesReceived;
        e.BytesSent += bytesSent;
        e.Status[status] = e.Status.GetValueOrDefault(status) + 1;
        if (failed)
        {
            e.Failures++;
            e.Categories[(int)category]++;
            var key = (endpoint, category, status);
            if (_errors.TryGetValue(key, out var acc))
            {
                acc.Count++;
                if (endMs < acc.FirstMs)
                {
                    acc.FirstMs = endMs;
                    acc.Message = Message(message);
                }
            }
            else
            {
                _errors[key] = new ErrorAcc { Count = 1, FirstMs = endMs, Message = Message(message) };
            }
        }

        var second = Math.DivRem(endMs, 1000, out var rem) - (rem < 0 ? 1 : 0);
        var interval = OpenFor(second);
        var slot = interval.Slot(endpoint, this);
        slot.Histogram.Record(micros);
        slot.Requests++;
        slot.Sum += latencyMs;
        slot.Min = Math.Min(slot.Min, latencyMs);
        slot.Max = Math.Max(slot.Max, latencyMs);
        slot.BytesReceived += bytesReceived;
        if (failed)
        {
            slot.Failures++;
        }

        if (second > _maxSecond)
        {
            _maxSecond = second;
            CloseOlderThan(second - ReorderSeconds);
        }
    }

    /// <summary>Report the number of active users (threads, VUs) at a moment.</summary>
    public void Users(long timeMs, long users)
    {
        var u = (int)Math.Clamp(users, 0, int.MaxValue);
        PeakUsers = Math.Max(PeakUsers, u);
        var second = Math.DivRem(timeMs, 1000, out var rem) - (rem < 0 ? 1 : 0);
        _usersBySecond[second] = Math.Max(_usersBySecond.GetValueOrDefault(second), u);
    }

    /// <summary>Bytes known only for the whole run (k6 data_received / data_sent).</summary>
    public void AddRunBytes(long received, long sent)
    {
        _bytesReceivedExtra += received;
        _bytesSentExtra += sent;
    }

    /// <summary>Finalise everything into RunResult parts. Null when no sample was recorded.</summary>
    public Aggregate? Build()
    {
        if (Samples == 0)
        {
            return null;
        }

        CloseOlderThan(long.MaxValue);
        var names = FinalNames();
        var firstSecond = Math.DivRem(_minStartMs, 1000, out var rem) - (rem < 0 ? 1 : 0);
        var lastSecond = Math.Max(firstSecond, _closed.Keys.Max());
        var startMs = firstSecond * 1000;
        var duration = Math.Max(0.001, (_maxEndMs - startMs) / 1000.0);

        var emptyEndpoints = names.Select(n => new IntervalEndpoint { Name = n, Requests = 0, Failures = 0, Latency = LatencyStats.Empty }).ToList();
        var emptyTotal = new IntervalEndpoint { Name = EndpointResult.AggregatedName, Requests = 0, Failures = 0, Latency = LatencyStats.Empty };
        var intervals = new List<TimeSeriesInterval>((int)(lastSecond - firstSecond + 1));
        for (var s = firstSecond; s <= lastSecond; s++)
        {
            var index = (int)(s - firstSecond);
            var users = _usersBySecond.GetValueOrDefault(s);
            if (_closed.TryGetValue(s, out var closed))
            {
                var list = new List<IntervalEndpoint>(names.Count);
                for (var i = 0; i < names.Count; i++)
                {
                    list.Add(i < closed.Endpoints.Length && closed.Endpoints[i] is { } ep ? ep with { Name = names[i] } : emptyEndpoints[i]);
                }

                intervals.Add(new TimeSeriesInterval
                {
                    Index = index,
                    StartSeconds = index,
                    DurationSeconds = 1,
                    ActiveUsers = users,
                    Endpoints = list,
                    Total = closed.Total,
                });
            }
            else
            {
                intervals.Add(new TimeSeriesInterval
                {
                    Index = index,
                    StartSeconds = index,
                    DurationSeconds = 1,
                    ActiveUsers = users,
                    Endpoints = emptyEndpoints,
                    Total = emptyTotal,
                });
            }
        }

        var endpoints = new List<EndpointResult>(_endpoints.Count);
        var all = new CompactHistogram();
        double sum = 0, min = double.MaxValue, max = double.MinValue;
        var allStatus = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var allCategories = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < _endpoints.Count; i++)
        {
            var e = _endpoints[i];
            all.Add(e.Histogram);
            sum += e.Sum;
            if (e.Requests > 0)
            {
                min = Math.Min(min, e.Min);
                max = Math.Max(max, e.Max);
            }

            var status = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var (code, count) in e.Status)
            {
                var key = code == 0 ? "none" : code.ToString(CultureInfo.InvariantCulture);
                status[key] = count;
                allStatus[key] = allStatus.GetValueOrDefault(key) + count;
            }

            var categories = new SortedDictionary<string, long>(StringComparer.Ordinal);
            for (var c = 1; c < CategoryCount; c++)
            {
                if (e.Categories[c] > 0)
                {
                    var key = ((ErrorCategory)c).ToString();
                    categories[key] = e.Categories[c];
                    allCategories[key] = allCategories.GetValueOrDefault(key) + e.Categories[c];
                }
            }

            endpoints.Add(new EndpointResult
            {
                Name = names[i],
                Method = e.Method,
                Requests = e.Requests,
                Failures = e.Failures,
                Latency = Stats(e.Histogram, e.Requests, e.Sum, e.Min, e.Max),
                RequestsPerSecond = RequestRates.Stored(e.Requests, duration),
                BytesSent = e.BytesSent,
                BytesReceived = e.BytesReceived,
                StatusCodes = status,
                ErrorCategories = categories,
                Histogram = e.Histogram.Encode(),
            });
        }

        var total = new EndpointResult
        {
            Name = EndpointResult.AggregatedName,
            Method = string.Empty,
            Requests = Samples,
            Failures = _endpoints.Sum(e => e.Failures),
            Latency = Stats(all, Samples, sum, min, max),
            RequestsPerSecond = RequestRates.Stored(Samples, duration),
            BytesSent = endpoints.Sum(e => e.BytesSent) + _bytesSentExtra,
            BytesReceived = endpoints.Sum(e => e.BytesReceived) + _bytesReceivedExtra,
            StatusCodes = allStatus,
            ErrorCategories = allCategories,
            Histogram = all.Encode(),
        };

        var errors = _errors
            .OrderByDescending(e => e.Value.Count)
            .ThenBy(e => e.Key.Endpoint)
            .Select(e => new ErrorSummary
            {
                Endpoint = names[e.Key.Endpoint],
                Method = _endpoints[e.Key.Endpoint].Method,
                Category = e.Key.Category.ToString(),
                StatusCode = e.Key.Status > 0 ? e.Key.Status : null,
                Count = e.Value.Count,
                Message = e.Value.Message,
                FirstSeenSeconds = Math.Round(Math.Max(0, (e.Value.FirstMs - startMs) / 1000.0), 3),
            })
            .ToList();

        return new Aggregate(endpoints, total, intervals, errors, DateTimeOffset.FromUnixTimeMilliseconds(startMs), Math.Round(duration, 3));
    }

    /// <summary>Latency stats: percentiles from the histogram, exact count/mean/min/max from the samples.</summary>
    private static LatencyStats Stats(CompactHistogram histogram, long count, double sum, double min, double max)
    {
        if (count == 0)
        {
            return LatencyStats.Empty;
        }

        var s = histogram.ToStats();
        double C(double v) => Math.Clamp(v, min, max);
        return s with
        {
            Count = count,
            Min = min,
            Max = max,
            Mean = Math.Round(sum / count, 6),
            P50 = C(s.P50),
            P66 = C(s.P66),
            P75 = C(s.P75),
            P80 = C(s.P80),
            P90 = C(s.P90),
            P95 = C(s.P95),
            P98 = C(s.P98),
            P99 = C(s.P99),
            P999 = C(s.P999),
            P9999 = C(s.P9999),
        };
    }

    private static string Message(ReadOnlySpan<char> message)
        => message.Length > 500 ? string.Concat(message[..500], "…") : message.ToString();

    private List<string> FinalNames()
    {
        var duplicated = _endpoints.GroupBy(e => e.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return _endpoints.Select(e =>
            duplicated.Contains(e.Name) || e.Name == EndpointResult.AggregatedName
                ? $"{(e.Method.Length == 0 ? "(no method)" : e.Method)} {e.Name}"
                : e.Name).ToList();
    }

    private OpenInterval OpenFor(long second)
    {
        if (_open.TryGetValue(second, out var open))
        {
            return open;
        }

        open = new OpenInterval();
        if (_closed.Remove(second, out var closed))
        {
            // A straggler for a finalised second: reopen it from its encoded histograms.
            Stragglers++;
            for (var i = 0; i < closed.Endpoints.Length; i++)
            {
                if (closed.Endpoints[i] is { Requests: > 0 } ep)
                {
                    var slot = open.Slot(i, this);
                    slot.Histogram.AddEncoded(ep.Histogram!);
                    slot.Requests = ep.Requests;
                    slot.Failures = ep.Failures;
                    slot.BytesReceived = ep.BytesReceived;
                    slot.Sum = ep.Latency.Mean * ep.Requests;
                    slot.Min = ep.Latency.Min;
                    slot.Max = ep.Latency.Max;
                }
            }
        }

        _open[second] = open;
        return open;
    }

    private void CloseOlderThan(long limit)
    {
        List<long>? done = null;
        foreach (var key in _open.Keys)
        {
            if (key < limit)
            {
                (done ??= []).Add(key);
            }
        }

        if (done is null)
        {
            return;
        }

        foreach (var key in done)
        {
            _open.Remove(key, out var open);
            _closed[key] = Close(open!);
        }
    }

    private ClosedInterval Close(OpenInterval open)
    {
        var endpoints = new IntervalEndpoint?[open.Slots.Length];
        var total = Rent();
        long requests = 0, failures = 0, bytes = 0;
        double sum = 0, min = double.MaxValue, max = double.MinValue;
        for (var i = 0; i < open.Slots.Length; i++)
        {
            if (open.Slots[i] is not { } slot)
            {
                continue;
            }

            total.Add(slot.Histogram);
            requests += slot.Requests;
            failures += slot.Failures;
            bytes += slot.BytesReceived;
            sum += slot.Sum;
            min = Math.Min(min, slot.Min);
            max = Math.Max(max, slot.Max);
            endpoints[i] = new IntervalEndpoint
            {
                Name = _endpoints[i].Name,
                Requests = slot.Requests,
                Failures = slot.Failures,
                BytesReceived = slot.BytesReceived,
                Latency = Stats(slot.Histogram, slot.Requests, slot.Sum, slot.Min, slot.Max),
                Histogram = slot.Histogram.Encode(),
            };
            Return(slot.Histogram);
        }

        var totalFigures = new IntervalEndpoint
        {
            Name = EndpointResult.AggregatedName,
            Requests = requests,
            Failures = failures,
            BytesReceived = bytes,
            Latency = Stats(total, requests, sum, min, max),
            Histogram = total.Encode(),
        };
        Return(total);
        return new ClosedInterval(endpoints, totalFigures);
    }

    private CompactHistogram Rent() => _pool.Count > 0 ? _pool.Pop() : new CompactHistogram();

    private void Return(CompactHistogram histogram)
    {
        histogram.Reset();
        _pool.Push(histogram);
    }

    /// <summary>The aggregated run.</summary>
    public sealed record Aggregate(
        List<EndpointResult> Endpoints,
        EndpointResult Total,
        List<TimeSeriesInterval> Intervals,
        List<ErrorSummary> Errors,
        DateTimeOffset StartedAt,
        double DurationSeconds);

    private sealed class EndpointAcc(string name, string method)
    {
        public string Name { get; } = name;

        public string Method { get; } = method;

        public CompactHistogram Histogram { get; } = new();

        public long Requests { get; set; }

        public long Failures { get; set; }

        public long BytesReceived { get; set; }

        public long BytesSent { get; set; }

        public double Sum { get; set; }

        public double Min { get; set; } = double.MaxValue;

        public double Max { get; set; } = double.MinValue;

        public Dictionary<int, long> Status { get; } = [];

        public long[] Categories { get; } = new long[CategoryCount];
    }

    private sealed class Slot(CompactHistogram histogram)
    {
        public CompactHistogram Histogram { get; } = histogram;

        public long Requests { get; set; }

        public long Failures { get; set; }

        public long BytesReceived { get; set; }

        public double Sum { get; set; }

        public double Min { get; set; } = double.MaxValue;

        public double Max { get; set; } = double.MinValue;
    }

    private sealed class OpenInterval
    {
        public Slot?[] Slots { get; private set; } = new Slot?[4];

        public Slot Slot(int endpoint, SampleAggregator owner)
        {
            if (endpoint >= Slots.Length)
            {
                var grown = new Slot?[Math.Max(endpoint + 1, Slots.Length * 2)];
                Array.Copy(Slots, grown, Slots.Length);
                Slots = grown;
            }

            return Slots[endpoint] ??= new Slot(owner.Rent());
        }
    }

    private sealed record ClosedInterval(IntervalEndpoint?[] Endpoints, IntervalEndpoint Total);

    private sealed class ErrorAcc
    {
        public long Count { get; set; }

        public long FirstMs { get; set; }

        public string Message { get; set; } = string.Empty;
    }
}
