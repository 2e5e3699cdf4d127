using Loadlens.Core.Results;

namespace Loadlens.Analysis.Compare;

/// <summary>
/// The server-process metrics of a comparison, read from the <see cref="ProcessWatch"/> section (<c>--target-pid</c>) on the
/// overall row only (the processes serve every endpoint): CPU per request (ms of server CPU per completed request) and
/// memory (mean RSS over the intervals, MB). Per-interval values come from the samples aligned with the compared intervals,
/// so the rank test and the block bootstrap work on them like on latency; a run without the section has neither.
/// </summary>
internal static class ProcessMetrics
{
    /// <summary>The samples of <paramref name="intervals"/> (by index), or null without a section, on a per-endpoint row, or with no sample.</summary>
    private static List<ProcessSample>? Samples(RunResult run, EndpointResult endpoint, IReadOnlyList<TimeSeriesInterval> intervals)
    {
        if (!endpoint.IsAggregate || !run.TryGetSection<ProcessWatch>(ProcessWatch.SectionName, out var watch))
        {
            return null;
        }

        var byIndex = watch.Samples.GroupBy(s => s.IntervalIndex).ToDictionary(g => g.Key, g => g.First());
        var samples = intervals.Select(i => byIndex.GetValueOrDefault(i.Index)).OfType<ProcessSample>().Where(s => s.Processes > 0).ToList();
        return samples.Count > 0 ? samples : null;
    }

    /// <summary>Server CPU per completed request (<c>cpu-per-request</c>, ms, lower is better).</summary>
    internal sealed class CpuPerRequest : IComparisonMetric
    {
        public string Id => "cpu-per-request";

        public string Unit => "ms";

        public bool HigherIsBetter => false;

        /// <summary>1 µs of CPU per request.</summary>
        public double AbsoluteFloor => 0.001;

        public MetricSeries? Measure(RunResult run, EndpointResult endpoint, IReadOnlyList<TimeSeriesInterval> intervals)
        {
            if (Samples(run, endpoint, intervals) is not { } samples)
            {
                return null;
            }

            var cpuMs = samples.Select(s => s.CpuPercent * s.DurationSeconds * 10).ToList(); // % of one core × s → ms
            var requests = samples.Select(s => (double)s.CompletedRequests).ToList();
            var total = requests.Sum();
            if (total <= 0)
            {
                return null;
            }

            var perInterval = samples.Select((_, i) => requests[i] > 0 ? cpuMs[i] / requests[i] : double.NaN).ToList();
            return new MetricSeries(cpuMs.Sum() / total, perInterval, positions => Ratio(positions, cpuMs, requests), (long)total);
        }
    }

    /// <summary>Resident memory of the server processes (<c>memory</c>, mean RSS over the intervals, MB, lower is better).</summary>
    internal sealed class Memory : IComparisonMetric
    {
        public string Id => "memory";

        public string Unit => "MB";

        public bool HigherIsBetter => false;

        /// <summary>0.1 MB: page-level noise.</summary>
        public double AbsoluteFloor => 0.1;

        public MetricSeries? Measure(RunResult run, EndpointResult endpoint, IReadOnlyList<TimeSeriesInterval> intervals)
        {
            if (Samples(run, endpoint, intervals) is not { } samples)
            {
                return null;
            }

            var mb = samples.Select(s => s.RssBytes / 1e6).ToList();
            return new MetricSeries(mb.Average(), mb, positions => positions.Count == 0 ? double.NaN : positions.Average(i => mb[i]), samples.Sum(s => s.CompletedRequests));
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
}
