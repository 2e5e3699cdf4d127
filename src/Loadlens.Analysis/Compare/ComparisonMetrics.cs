using System.Runtime.CompilerServices;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;

namespace Loadlens.Analysis.Compare;

/// <summary>
/// The built-in metrics: mean, p50, p95, p99 and max latency (ms), throughput (req/s), error rate and unfinished share
/// (ratios). Latency metrics are resampled from the per-interval HdrHistograms; the others from per-interval counts.
/// </summary>
public static class ComparisonMetrics
{
    /// <summary>Mean latency.</summary>
    public static IComparisonMetric Mean { get; } = new LatencyMetric("mean", l => l.Mean, null);

    /// <summary>Median latency.</summary>
    public static IComparisonMetric P50 { get; } = new LatencyMetric("p50", l => l.P50, 50);

    /// <summary>95th percentile latency (the default gated metric).</summary>
    public static IComparisonMetric P95 { get; } = new LatencyMetric("p95", l => l.P95, 95);

    /// <summary>99th percentile latency.</summary>
    public static IComparisonMetric P99 { get; } = new LatencyMetric("p99", l => l.P99, 99);

    /// <summary>Largest latency.</summary>
    public static IComparisonMetric Max { get; } = new LatencyMetric("max", l => l.Max, 100);

    /// <summary>Requests per second over the measured period.</summary>
    public static IComparisonMetric Throughput { get; } = new ThroughputMetric();

    /// <summary>Failures / requests.</summary>
    public static IComparisonMetric ErrorRate { get; } = new ShareMetric("error-rate", e => e.Failures, e => e.Failures);

    /// <summary>Unfinished requests (no response by the end of the grace period) / requests.</summary>
    public static IComparisonMetric UnfinishedShare { get; } = new ShareMetric("unfinished", e => e.Unfinished, e => e.Unfinished);

    /// <summary>Server CPU per completed request, ms (overall row; needs the <c>processWatch</c> section of <c>--target-pid</c> in both runs).</summary>
    public static IComparisonMetric CpuPerRequest { get; } = new ProcessMetrics.CpuPerRequest();

    /// <summary>Mean resident memory of the server processes over the intervals, MB (overall row; needs the <c>processWatch</c> section).</summary>
    public static IComparisonMetric Memory { get; } = new ProcessMetrics.Memory();

    /// <summary>Every built-in metric, in report order.</summary>
    public static IReadOnlyList<IComparisonMetric> Default { get; } = [Mean, P50, P95, P99, Max, Throughput, ErrorRate, UnfinishedShare, CpuPerRequest, Memory];

    /// <summary>The metric with id <paramref name="id"/> among <paramref name="metrics"/> (case-insensitive), or null.</summary>
    public static IComparisonMetric? Find(IEnumerable<IComparisonMetric> metrics, string id) =>
        metrics.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The figures of <paramref name="endpoint"/> in <paramref name="interval"/> (its total for the overall row), or null.</summary>
    internal static IntervalEndpoint? In(TimeSeriesInterval interval, EndpointResult endpoint) =>
        endpoint.IsAggregate ? interval.Total : interval.Endpoints.FirstOrDefault(e => string.Equals(e.Name, endpoint.Name, StringComparison.Ordinal));

    private sealed class LatencyMetric(string id, Func<LatencyStats, double> read, double? percentile) : IComparisonMetric
    {
        public string Id => id;

        public string Unit => "ms";

        public bool HigherIsBetter => false;

        /// <summary>10 µs: below HdrHistogram's resolution at typical latencies.</summary>
        public double AbsoluteFloor => 0.01;

        public MetricSeries? Measure(RunResult run, EndpointResult endpoint, IReadOnlyList<TimeSeriesInterval> intervals)
        {
            if (endpoint.Latency.Count == 0)
            {
                return null;
            }

            var values = new List<double>();
            foreach (var interval in intervals)
            {
                if (In(interval, endpoint) is { Latency.Count: > 0 } e)
                {
                    values.Add(read(e.Latency));
                }
            }

            var set = IntervalHistogramSet.Of(intervals, endpoint);
            Func<IReadOnlyList<int>, double>? resample = set is not null && set.Count == values.Count
                ? positions => set.Statistic(positions, percentile)
                : null;
            var tail = percentile is { } p && p < 100 ? 1 - (p / 100) : 0;
            var ranked = tail > 0 && resample is not null ? set!.Ranked() : null;
            return new MetricSeries(read(endpoint.Latency), values, resample, endpoint.Latency.Count, tail, ranked);
        }
    }

    private sealed class ThroughputMetric : IComparisonMetric
    {
        public string Id => "throughput";

        public string Unit => "req/s";

        public bool HigherIsBetter => true;

        public double AbsoluteFloor => 0;

        public MetricSeries? Measure(RunResult run, EndpointResult endpoint, IReadOnlyList<TimeSeriesInterval> intervals)
        {
            if (endpoint.Requests == 0)
            {
                return null;
            }

            var requests = new List<double>();
            var seconds = new List<double>();
            foreach (var interval in intervals)
            {
                requests.Add(In(interval, endpoint)?.Requests ?? 0);
                seconds.Add(interval.DurationSeconds);
            }

            var rates = requests.Select((r, i) => seconds[i] > 0 ? r / seconds[i] : 0).ToList();
            return new MetricSeries(
                run.RateOf(endpoint),
                rates,
                rates.Count == 0 ? null : positions => Ratio(positions, requests, seconds),
                endpoint.Requests);
        }
    }

    private sealed class ShareMetric(string id, Func<EndpointResult, long> total, Func<IntervalEndpoint, long> perInterval) : IComparisonMetric
    {
        public string Id => id;

        public string Unit => "ratio";

        public bool HigherIsBetter => false;

        /// <summary>0.1 percentage point.</summary>
        public double AbsoluteFloor => 0.001;

        public MetricSeries? Measure(RunResult run, EndpointResult endpoint, IReadOnlyList<TimeSeriesInterval> intervals)
        {
            if (endpoint.Requests == 0)
            {
                return null;
            }

            var hits = new List<double>();
            var counts = new List<double>();
            foreach (var interval in intervals)
            {
                if (In(interval, endpoint) is { } e && e.Requests > 0)
                {
                    hits.Add(perInterval(e));
                    counts.Add(e.Requests);
                }
            }

            var shares = hits.Select((h, i) => h / counts[i]).ToList();
            return new MetricSeries(
                (double)total(endpoint) / endpoint.Requests,
                shares,
                shares.Count == 0 ? null : positions => Ratio(positions, hits, counts),
                endpoint.Requests);
        }
    }

    private static double Ratio(IReadOnlyList<int> positions, List<double> numerators, List<double> denominators)
    {
        double n = 0, d = 0;
        foreach (var i in positions)
        {
            n += numerators[i];
            d += denominators[i];
        }

        return d > 0 ? n / d : double.NaN;
    }

    /// <summary>
    /// The per-interval histograms of one endpoint as sparse counts over one shared value index, so a bootstrap
    /// resample merges them by adding counts (the same merge as <see cref="LatencyHistograms.Merge"/>, without
    /// allocating a histogram per resample). Built once per interval list and endpoint.
    /// </summary>
    private sealed class IntervalHistogramSet
    {
        private static readonly ConditionalWeakTable<IReadOnlyList<TimeSeriesInterval>, Dictionary<string, IntervalHistogramSet?>> Cache = [];

        private readonly double[] _valuesMs;
        private readonly int[][] _indices;
        private readonly long[][] _counts;

        private IntervalHistogramSet(double[] valuesMs, int[][] indices, long[][] counts)
        {
            _valuesMs = valuesMs;
            _indices = indices;
            _counts = counts;
        }

        public int Count => _indices.Length;

        public static IntervalHistogramSet? Of(IReadOnlyList<TimeSeriesInterval> intervals, EndpointResult endpoint)
        {
            var byEndpoint = Cache.GetValue(intervals, _ => []);
            lock (byEndpoint)
            {
                if (!byEndpoint.TryGetValue(endpoint.Name, out var set))
                {
                    set = Build(intervals, endpoint);
                    byEndpoint[endpoint.Name] = set;
                }

                return set;
            }
        }

        private static IntervalHistogramSet? Build(IReadOnlyList<TimeSeriesInterval> intervals, EndpointResult endpoint)
        {
            var raw = new List<(long Value, long Count)[]>();
            foreach (var interval in intervals)
            {
                if (In(interval, endpoint) is not { Latency.Count: > 0 } e)
                {
                    continue;
                }

                if (e.Histogram is null)
                {
                    return null;
                }

                var histogram = LatencyHistograms.Decode(e.Histogram);
                raw.Add([.. histogram.RecordedValues().Select(v => (v.ValueIteratedTo, v.CountAtValueIteratedTo))]);
            }

            var distinct = raw.SelectMany(r => r.Select(x => x.Value)).Distinct().Order().ToArray();
            var position = new Dictionary<long, int>(distinct.Length);
            for (var i = 0; i < distinct.Length; i++)
            {
                position[distinct[i]] = i;
            }

            return new IntervalHistogramSet(
                [.. distinct.Select(v => v / 1000.0)],
                [.. raw.Select(r => r.Select(x => position[x.Value]).ToArray())],
                [.. raw.Select(r => r.Select(x => x.Count).ToArray())]);
        }

        /// <summary>Every interval merged, in ascending order: the k-th smallest latency (its histogram bucket's value).</summary>
        public RankedSample? Ranked()
        {
            var merged = new long[_valuesMs.Length];
            for (var p = 0; p < _indices.Length; p++)
            {
                for (var k = 0; k < _indices[p].Length; k++)
                {
                    merged[_indices[p][k]] += _counts[p][k];
                }
            }

            var cumulative = new long[merged.Length];
            long total = 0;
            for (var i = 0; i < merged.Length; i++)
            {
                total += merged[i];
                cumulative[i] = total;
            }

            if (total == 0)
            {
                return null;
            }

            var values = _valuesMs;
            return new RankedSample(total, rank =>
            {
                var at = Array.BinarySearch(cumulative, Math.Clamp(rank, 1, total));
                return values[at >= 0 ? at : ~at];
            });
        }

        /// <summary>The percentile (HdrHistogram's rule; 100 = max) or, when null, the mean of the merged intervals at <paramref name="positions"/>.</summary>
        public double Statistic(IReadOnlyList<int> positions, double? percentile)
        {
            var merged = new long[_valuesMs.Length];
            long total = 0;
            foreach (var p in positions)
            {
                var indices = _indices[p];
                var counts = _counts[p];
                for (var k = 0; k < indices.Length; k++)
                {
                    merged[indices[k]] += counts[k];
                    total += counts[k];
                }
            }

            if (total == 0)
            {
                return double.NaN;
            }

            if (percentile is not { } pct)
            {
                double sum = 0;
                for (var i = 0; i < merged.Length; i++)
                {
                    sum += merged[i] * _valuesMs[i];
                }

                return sum / total;
            }

            var rank = Math.Max(1, (long)((Math.Min(pct, 100) / 100 * total) + 0.5));
            long cumulative = 0;
            for (var i = 0; i < merged.Length; i++)
            {
                cumulative += merged[i];
                if (cumulative >= rank)
                {
                    return _valuesMs[i];
                }
            }

            return _valuesMs[^1];
        }
    }
}
