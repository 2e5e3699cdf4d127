using Loadlens.Core.Results;

namespace Loadlens.Diagnostics.Counters;

/// <summary>
/// Lines the counters a session read up with the run's intervals, after the run. Interval <c>i</c> covers
/// [<see cref="RunResult.StartedAt"/> + StartSeconds, + DurationSeconds). An incrementing counter (GC pauses,
/// collections, allocations, contentions, exceptions) counts in the interval holding the middle of its counting window
/// (the runtime stamps it at the window's end); a gauge (heap, queue length, threads) takes its last value published
/// inside the interval, or the one before when none was (a short last interval). Pure: a function of the readings and
/// the run.
/// </summary>
internal static class CounterAlignment
{
    /// <summary>The samples, one per run interval, and the summary over the measured ones.</summary>
    /// <param name="pid">The process id.</param>
    /// <param name="name">The process name.</param>
    /// <param name="runtimeVersion">The runtime version, when known.</param>
    /// <param name="readings">The counters as published.</param>
    /// <param name="pauses">
    /// The GC pauses from the runtime's GC events; when there are any, each interval's <see cref="DotnetCounterSample.GcPauseMs"/>
    /// is the sum of the pauses that ended in it (the requests a pause held complete right after it, in that interval),
    /// instead of the <c>total-pause-time-by-gc</c> counter smeared over its counting window.
    /// </param>
    /// <param name="run">The run the counters were read during.</param>
    public static DotnetProcessCounters Align(int pid, string name, string? runtimeVersion, IReadOnlyList<CounterReading> readings, IReadOnlyList<GcPause> pauses, RunResult run)
    {
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(pauses);
        ArgumentNullException.ThrowIfNull(run);
        var intervals = run.Intervals.OrderBy(i => i.StartSeconds).ToList();
        var acc = new Accumulator[intervals.Count];
        for (var i = 0; i < acc.Length; i++)
        {
            acc[i] = new Accumulator();
        }

        var fromEvents = pauses.Count > 0;
        foreach (var pause in pauses)
        {
            var index = IndexOf(intervals, (pause.RestartedAt - run.StartedAt).TotalSeconds);
            if (index >= 0)
            {
                acc[index].GcPauseMs += pause.PauseMs;
            }
        }

        foreach (var r in readings.OrderBy(r => r.At))
        {
            if (fromEvents && r.Name == RuntimeCounterNames.GcPause)
            {
                continue;
            }

            var end = (r.At - run.StartedAt).TotalSeconds;
            var gauge = IsGauge(r.Name);
            var at = gauge ? end : end - (r.WindowSeconds / 2);
            var index = IndexOf(intervals, at);
            if (index < 0)
            {
                continue;
            }

            var a = acc[index];
            switch (r.Name)
            {
                case RuntimeCounterNames.GcPause: a.GcPauseMs += r.Value; break;
                case RuntimeCounterNames.Gen0: a.Gen0 += (long)Math.Round(r.Value); break;
                case RuntimeCounterNames.Gen1: a.Gen1 += (long)Math.Round(r.Value); break;
                case RuntimeCounterNames.Gen2: a.Gen2 += (long)Math.Round(r.Value); break;
                case RuntimeCounterNames.AllocRate: a.Allocated += r.Value; break;
                case RuntimeCounterNames.LockContention: a.Contentions += (long)Math.Round(r.Value); break;
                case RuntimeCounterNames.Exceptions: a.Exceptions += (long)Math.Round(r.Value); break;
                case RuntimeCounterNames.HeapSize: a.HeapBytes = (long)Math.Round(r.Value * 1_000_000); break;
                case RuntimeCounterNames.QueueLength: a.QueueLength = (long)Math.Round(r.Value); break;
                case RuntimeCounterNames.Threads: a.Threads = (int)Math.Round(r.Value); break;
                default: break;
            }
        }

        var samples = new List<DotnetCounterSample>(intervals.Count);
        long? heap = null, queue = null;
        int? threads = null;
        for (var i = 0; i < intervals.Count; i++)
        {
            var interval = intervals[i];
            var a = acc[i];
            heap = a.HeapBytes ?? heap;
            queue = a.QueueLength ?? queue;
            threads = a.Threads ?? threads;
            samples.Add(new DotnetCounterSample
            {
                IntervalIndex = interval.Index,
                StartSeconds = interval.StartSeconds,
                DurationSeconds = interval.DurationSeconds,
                Warmup = interval.Warmup,
                Drain = interval.Drain,
                GcPauseMs = Math.Round(a.GcPauseMs, 3),
                Gen0Collections = a.Gen0,
                Gen1Collections = a.Gen1,
                Gen2Collections = a.Gen2,
                HeapBytes = heap ?? 0,
                AllocatedBytesPerSecond = interval.DurationSeconds > 0 ? Math.Round(a.Allocated / interval.DurationSeconds, 1) : 0,
                ThreadPoolQueueLength = queue ?? 0,
                ThreadPoolThreads = threads ?? 0,
                LockContentions = a.Contentions,
                Exceptions = a.Exceptions,
                CompletedRequests = interval.Total.Requests,
            });
        }

        return new DotnetProcessCounters { Pid = pid, Name = name, RuntimeVersion = runtimeVersion, Samples = samples, Summary = Summarize(samples) };
    }

    /// <summary>The figures over the measured samples (warm-up and drain left out; the peaks over all samples).</summary>
    public static DotnetCounterSummary Summarize(IReadOnlyList<DotnetCounterSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var measured = samples.Where(s => !s.Warmup && !s.Drain).ToList();
        var seconds = measured.Sum(s => s.DurationSeconds);
        var allocated = measured.Sum(s => s.AllocatedBytesPerSecond * s.DurationSeconds);
        var requests = measured.Sum(s => s.CompletedRequests);
        return new DotnetCounterSummary
        {
            GcPauseMs = Math.Round(measured.Sum(s => s.GcPauseMs), 3),
            Gen0Collections = measured.Sum(s => s.Gen0Collections),
            Gen1Collections = measured.Sum(s => s.Gen1Collections),
            Gen2Collections = measured.Sum(s => s.Gen2Collections),
            PeakHeapBytes = samples.Count == 0 ? 0 : samples.Max(s => s.HeapBytes),
            HeapGrowthBytesPer1kRequests = GrowthPer1kRequests(measured.Select(s => ((double)s.CompletedRequests, (double)s.HeapBytes)).ToList()),
            MeanAllocatedBytesPerSecond = seconds > 0 ? Math.Round(allocated / seconds, 1) : 0,
            AllocatedBytesPerRequest = requests > 0 ? Math.Round(allocated / requests, 1) : null,
            PeakThreadPoolQueueLength = samples.Count == 0 ? 0 : samples.Max(s => s.ThreadPoolQueueLength),
            ThreadPoolThreadsStart = measured.Count == 0 ? 0 : measured[0].ThreadPoolThreads,
            PeakThreadPoolThreads = samples.Count == 0 ? 0 : samples.Max(s => s.ThreadPoolThreads),
            LockContentions = measured.Sum(s => s.LockContentions),
            Exceptions = measured.Sum(s => s.Exceptions),
        };
    }

    /// <summary>
    /// The least-squares slope of a size against the requests served so far (the cumulative sum of the first item, taken at
    /// each interval's end), in bytes per 1,000 requests; null with fewer than 3 points or no requests.
    /// </summary>
    public static double? GrowthPer1kRequests(IReadOnlyList<(double Requests, double Bytes)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 3)
        {
            return null;
        }

        var x = new double[points.Count];
        double served = 0;
        for (var i = 0; i < points.Count; i++)
        {
            served += points[i].Requests;
            x[i] = served;
        }

        var meanX = x.Average();
        var meanY = points.Average(p => p.Bytes);
        double sxy = 0, sxx = 0;
        for (var i = 0; i < points.Count; i++)
        {
            sxy += (x[i] - meanX) * (points[i].Bytes - meanY);
            sxx += (x[i] - meanX) * (x[i] - meanX);
        }

        return sxx > 0 ? Math.Round(sxy / sxx * 1000, 1) : null;
    }

    private static bool IsGauge(string name) => name is RuntimeCounterNames.HeapSize or RuntimeCounterNames.QueueLength or RuntimeCounterNames.Threads;

    private static int IndexOf(List<TimeSeriesInterval> intervals, double seconds)
    {
        for (var i = 0; i < intervals.Count; i++)
        {
            var start = intervals[i].StartSeconds;
            if (seconds >= start && seconds < start + intervals[i].DurationSeconds)
            {
                return i;
            }
        }

        return -1;
    }

    private sealed class Accumulator
    {
        public double GcPauseMs;
        public long Gen0, Gen1, Gen2, Contentions, Exceptions;
        public double Allocated;
        public long? HeapBytes, QueueLength;
        public int? Threads;
    }
}
