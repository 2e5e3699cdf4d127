using Loadlens.Analysis.Statistics;
using Loadlens.Core.Findings;
using Loadlens.Core.Results;
using Loadlens.Core.Statistics;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// The server-side runtime sections the runtime rules read (<see cref="DotnetCounters"/>, <see cref="ProcessWatch"/>),
/// each sample paired with the measured run interval it belongs to.
/// </summary>
internal static class RuntimeSections
{
    private static readonly System.Globalization.CultureInfo Invariant = System.Globalization.CultureInfo.InvariantCulture;

    public static DotnetCounters? Counters(RunView view) =>
        view.Run.TryGetSection<DotnetCounters>(DotnetCounters.SectionName, out var c) ? c : null;

    public static ProcessWatch? Watch(RunView view) =>
        view.Run.TryGetSection<ProcessWatch>(ProcessWatch.SectionName, out var w) ? w : null;

    /// <summary>The samples of the run's measured intervals, in time order, each with its interval.</summary>
    public static List<(T Sample, TimeSeriesInterval Interval)> Measured<T>(RunView view, IReadOnlyList<T> samples)
        where T : IntervalSample
    {
        var byIndex = view.Measured.ToDictionary(i => i.Index);
        return samples.Where(s => byIndex.ContainsKey(s.IntervalIndex)).Select(s => (s, byIndex[s.IntervalIndex])).OrderBy(p => p.Item2.StartSeconds).ToList();
    }

    /// <summary>The process a finding is about, for its title, when the run watched several.</summary>
    public static string Of(DotnetCounters counters, DotnetProcessCounters process) =>
        counters.Processes.Count > 1 ? $" in process {process.Pid} ({process.Name})" : "";

    /// <summary>A size for prose: "512 KB", "3.4 MB", "1.2 GB" (decimal units, 3 significant digits).</summary>
    public static string Bytes(double bytes)
    {
        var abs = Math.Abs(bytes);
        var (value, unit) = abs >= 1e9 ? (bytes / 1e9, "GB") : abs >= 1e6 ? (bytes / 1e6, "MB") : abs >= 1e3 ? (bytes / 1e3, "KB") : (bytes, "B");
        return Numbers.Significant(value, 3).ToString("0.##", Invariant) + " " + unit;
    }

    /// <summary>
    /// Whether the CPU, not the runtime, was the limit over the measured window: the watched processes used or waited for
    /// a core (schedstat) ≥ <paramref name="share"/> of the cores they may use, or, the load generator being on the same
    /// machine (loopback), server and generator together used ≥ that share of the machine's cores. Work queued in the
    /// thread pool is then waiting for a core, not for a thread (hill climbing adds none while the CPU is busy).
    /// </summary>
    public static bool CpuBound(RunView view, double share)
    {
        if (Watch(view) is not { Samples.Count: > 0 } w)
        {
            return false;
        }

        var measured = Measured(view, w.Samples);
        if (measured.Count == 0)
        {
            return false;
        }

        var cores = w.CpuLimitCores ?? w.MachineCores;
        if (measured.Average(p => p.Sample.CpuPercent + p.Sample.CpuWaitPercent) >= share * cores * 100)
        {
            return true;
        }

        return view.Run.Generator is { CpuUtilization: > 0, Cores: > 0 } g && w.MachineCores > 0
            && (measured.Average(p => p.Sample.CpuPercent) / 100) + (g.CpuUtilization * g.Cores) >= share * w.MachineCores;
    }

    /// <summary>CPU of the watched processes against what they may use: (mean % of one core, usable cores), or null without a process watch.</summary>
    public static (double MeanCpuPercent, double Cores)? Cpu(RunView view) =>
        Watch(view) is { Samples.Count: > 0 } w ? (w.Summary.MeanCpuPercent, w.CpuLimitCores ?? w.MachineCores) : null;
}

/// <summary>
/// <c>gc-pauses</c>: the run's tail latency rises in the intervals where the runtime paused for GC. Over the measured
/// intervals: at least two "pause intervals" (pause ≥ 10 ms and ≥ half the largest interval pause) whose median p99 is
/// ≥ 1.5 × (and ≥ 5 ms above) the other intervals', and the alignment significant: Spearman's ρ between the interval's
/// pause time and its p99 ≥ 0.5 (one-sided p &lt; 0.05) or the pause intervals' p99s above the others' (Mann–Whitney,
/// one-sided p &lt; 0.05); when every interval is a pause interval, ρ ≥ 0.6. Needs ≥ 6 intervals with traffic. With
/// the runtime's GC events a pause counts in the interval it ended in (where the requests it held complete).
/// </summary>
internal sealed class GcPausesRule : IRule
{
    internal const int MinIntervals = 6;
    internal const double MinRho = 0.5;
    internal const double MaxPValue = 0.05;
    internal const double MinPauseMs = 10;
    internal const double MinTailRatio = 1.5;

    public string Id => RuleIds.GcPauses;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        if (RuntimeSections.Counters(view) is not { } counters)
        {
            yield break;
        }

        foreach (var process in counters.Processes)
        {
            var points = RuntimeSections.Measured(view, process.Samples).Where(p => p.Interval.Total.Requests > 0).ToList();
            if (points.Count < MinIntervals)
            {
                continue;
            }

            var pauses = points.Select(p => p.Sample.GcPauseMs).ToList();
            var tails = points.Select(p => RunView.TailLatency(p.Interval.Total.Latency)).ToList();
            var correlation = RankCorrelation.Spearman(pauses, tails);
            var maxPause = pauses.Max();
            var high = points.Where(p => p.Sample.GcPauseMs >= MinPauseMs && p.Sample.GcPauseMs >= 0.5 * maxPause).ToList();
            var rest = points.Except(high).ToList();
            if (high.Count < 2)
            {
                continue;
            }

            var highTail = Robust.Median(high.Select(p => RunView.TailLatency(p.Interval.Total.Latency)).ToList());
            var restTail = rest.Count == 0 ? double.NaN : Robust.Median(rest.Select(p => RunView.TailLatency(p.Interval.Total.Latency)).ToList());
            if (rest.Count == 0 ? correlation.Rho < 0.6 : highTail < MinTailRatio * restTail || highTail - restTail < 5)
            {
                continue;
            }

            // Aligned, not a coincidence: the p99 ranks follow the pause ranks (Spearman), or the pause intervals' p99s
            // rank above the others' (Mann–Whitney, one-sided).
            var split = rest.Count == 0 ? default : MannWhitney.Test(
                high.Select(p => RunView.TailLatency(p.Interval.Total.Latency)).ToList(), rest.Select(p => RunView.TailLatency(p.Interval.Total.Latency)).ToList());
            var splitP = rest.Count == 0 || split.CliffsDelta <= 0 ? 1 : split.PValue / 2;
            if ((correlation.Rho < MinRho || correlation.PValue >= MaxPValue) && splitP >= MaxPValue)
            {
                continue;
            }

            var seconds = points.Sum(p => p.Interval.DurationSeconds);
            var totalPause = pauses.Sum();
            var share = seconds > 0 ? totalPause / (seconds * 1000) : 0;
            var highPause = Robust.Median(high.Select(p => p.Sample.GcPauseMs).ToList());
            var gen2 = points.Sum(p => p.Sample.Gen2Collections);
            var perRequest = process.Summary.AllocatedBytesPerRequest;
            var where = RuntimeSections.Of(counters, process);
            var title = rest.Count == 0
                ? $"Tail latency follows the GC pauses{where}: p99 and pause time rise together (ρ = {Num(correlation.Rho)}), {Percent(share)} of the time paused"
                : $"Tail latency rises when the GC pauses{where}: p99 {Ms(highTail)} in the {high.Count} intervals with ≈ {Ms(highPause)} of GC pause against {Ms(restTail)} in the others";
            yield return new Finding(
                Id,
                share >= 0.05 ? FindingSeverity.Critical : FindingSeverity.Warning,
                null,
                title,
                [
                    Ev("gcPauseMs", totalPause, "ms"),
                    Ev("gcPauseShare", share, "ratio"),
                    Ev("pauseIntervalP99", highTail, "ms"),
                    Ev("otherIntervalP99", double.IsFinite(restTail) ? restTail : 0, "ms"),
                    Ev("pauseIntervals", high.Count, "count"),
                    Ev("intervals", points.Count, "count"),
                    Ev("spearmanRho", correlation.Rho, "ratio", MinRho),
                    Ev("pValue", correlation.PValue, "p", MaxPValue),
                    Ev("splitPValue", splitP, "p", MaxPValue),
                    Ev("gen0Collections", points.Sum(p => p.Sample.Gen0Collections), "count"),
                    Ev("gen1Collections", points.Sum(p => p.Sample.Gen1Collections), "count"),
                    Ev("gen2Collections", gen2, "count"),
                    Ev("allocatedBytesPerRequest", perRequest ?? 0, "bytes"),
                ],
                new Recommendation(
                    RecommendationTier.ShortTerm,
                    $"Cut what the GC has to do: {(perRequest is { } b ? $"each request allocates ≈ {RuntimeSections.Bytes(b)} (counter alloc-rate); " : "")}pool buffers (ArrayPool, RecyclableMemoryStream), avoid per-request arrays ≥ 85 KB (large object heap), remove explicit GC.Collect() calls{(gen2 > 0 ? $" ({gen2} gen 2 collections in the measured window)" : "")}, and keep background GC on (<ConcurrentGarbageCollection>true</ConcurrentGarbageCollection>; Server GC for many cores). Counters: total-pause-time-by-gc, gen-0/1/2-gc-count, alloc-rate."));
        }
    }
}

/// <summary>
/// <c>threadpool-starvation</c>: work waits in the .NET thread pool's queue while the pool adds threads slowly (hill
/// climbing injects ≈ 1–2 per second once the minimum is in use) and the CPU is not the limit: the sign of threads
/// blocked in sync-over-async waits. Over the measured intervals: the queue is non-empty in ≥ a third of them and peaks
/// at ≥ 10 items, the pool grows by ≥ 3 threads at ≤ 10 threads/s, the latency of the queued intervals is ≥ 2 × the
/// run's fastest request, and the watched CPU (when <c>--target-pid</c> sampled it) is below 80 % of the usable cores,
/// counting the time it waited for a core, and with the load generator's CPU below 80 % of the machine's.
/// </summary>
internal sealed class ThreadPoolStarvationRule : IRule
{
    internal const int MinIntervals = 4;
    internal const long MinPeakQueue = 10;
    internal const int MinThreadGrowth = 3;
    internal const double MaxThreadsPerSecond = 10;
    internal const double MaxCpuShare = 0.8;
    internal const int MinEpisodeIntervals = 2;

    public string Id => RuleIds.ThreadPoolStarvation;

    /// <summary>The most consecutive intervals with work waiting in the queue.</summary>
    internal static int LongestQueuedStreak(IEnumerable<long> queueLengths)
    {
        int longest = 0, current = 0;
        foreach (var length in queueLengths)
        {
            current = length > 0 ? current + 1 : 0;
            longest = Math.Max(longest, current);
        }

        return longest;
    }

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        if (RuntimeSections.Counters(view) is not { } counters)
        {
            yield break;
        }

        var cpu = RuntimeSections.Cpu(view);
        if ((cpu is { } c && c.MeanCpuPercent >= MaxCpuShare * c.Cores * 100) || RuntimeSections.CpuBound(view, MaxCpuShare))
        {
            yield break; // the CPU is the limit (cpu-saturation; or the generator beside the server took the rest), not the pool
        }

        foreach (var process in counters.Processes)
        {
            var points = RuntimeSections.Measured(view, process.Samples);
            if (points.Count < MinIntervals)
            {
                continue;
            }

            var queued = points.Where(p => p.Sample.ThreadPoolQueueLength > 0).ToList();
            var peakQueue = points.Max(p => p.Sample.ThreadPoolQueueLength);
            var startThreads = points[0].Sample.ThreadPoolThreads;
            var endThreads = points[^1].Sample.ThreadPoolThreads;
            var peakThreads = points.Max(p => p.Sample.ThreadPoolThreads);
            var seconds = points[^1].Interval.StartSeconds + points[^1].Interval.DurationSeconds - points[0].Interval.StartSeconds;

            // The threads there were when the measured window began: the sample of the interval before it, else its first.
            var before = process.Samples.Where(s => s.StartSeconds < points[0].Interval.StartSeconds).OrderBy(s => s.StartSeconds).LastOrDefault();
            var fromThreads = before?.ThreadPoolThreads > 0 ? before.ThreadPoolThreads : startThreads;
            var growth = Math.Max(endThreads, peakThreads) - fromThreads;
            var perSecond = seconds > 0 ? growth / seconds : double.PositiveInfinity;
            // Queued for a third of the run, or one starvation episode (a deploy, a burst): work queued in at least
            // MinEpisodeIntervals intervals in a row while the pool had to grow to catch up.
            var episode = LongestQueuedStreak(points.Select(p => p.Sample.ThreadPoolQueueLength));
            if ((queued.Count * 3 < points.Count && episode < MinEpisodeIntervals) || peakQueue < MinPeakQueue || growth < MinThreadGrowth || perSecond > MaxThreadsPerSecond)
            {
                continue;
            }

            var low = view.Endpoints.Select(e => view.LowLoadLatency(e.Name)).Where(l => l is > 0).Select(l => l!.Value).DefaultIfEmpty(0).Min();
            var served = queued.Where(p => p.Interval.Total.Requests > p.Interval.Total.Failures).ToList();
            var stalled = queued.Count(p => p.Interval.Total.Requests == 0);
            var queuedLatency = served.Count == 0 ? double.NaN : served.Sum(p => RunView.TypicalLatency(p.Interval.Total.Latency) * p.Interval.Total.Requests) / served.Sum(p => (double)p.Interval.Total.Requests);
            var queuedP99 = served.Count == 0 ? double.NaN : served.Max(p => RunView.TailLatency(p.Interval.Total.Latency));
            if (stalled == 0 && (!(low > 0) || !(queuedLatency >= 2 * low)))
            {
                continue;
            }

            var meanQueue = points.Average(p => (double)p.Sample.ThreadPoolQueueLength);
            var where = RuntimeSections.Of(counters, process);
            var cpuText = cpu is { } k
                ? $"CPU {Num(k.MeanCpuPercent, "0")} % of one core with {Num(k.Cores)} usable"
                : "CPU unknown (watch the process with --target-pid to see it)";
            var latencyText = double.IsFinite(queuedLatency) ? $"latency {Ms(queuedLatency)} mean, p99 {Ms(queuedP99)} (fastest request {Ms(low)})" : "no request completed while work was queued";
            var evidence = new List<Evidence>
            {
                Ev("peakQueueLength", peakQueue, "count", MinPeakQueue),
                Ev("meanQueueLength", meanQueue, "count"),
                Ev("queuedIntervals", queued.Count, "count"),
                Ev("intervals", points.Count, "count"),
                Ev("threadsStart", fromThreads, "count"),
                Ev("threadsEnd", endThreads, "count"),
                Ev("threadGrowthPerSecond", perSecond, "threads/s", MaxThreadsPerSecond),
                Ev("queuedLatency", double.IsFinite(queuedLatency) ? queuedLatency : 0, "ms"),
                Ev("queuedP99", double.IsFinite(queuedP99) ? queuedP99 : 0, "ms"),
                Ev("lowLoadLatency", low, "ms"),
                Ev("stalledIntervals", stalled, "count"),
            };
            if (cpu is { } m)
            {
                evidence.Add(Ev("cpuPercent", m.MeanCpuPercent, "%", MaxCpuShare * m.Cores * 100));
            }

            yield return new Finding(
                Id,
                FindingSeverity.Critical,
                null,
                $"The thread pool is starved{where}: up to {Num(peakQueue, "0")} work items queued while it grew only {fromThreads} → {Math.Max(endThreads, peakThreads)} threads (≈ {Num(perSecond)}/s); {latencyText}; {cpuText}",
                evidence,
                new Recommendation(
                    RecommendationTier.Immediate,
                    "Remove the blocking waits on the request path: sync-over-async (.Result, .Wait(), .GetAwaiter().GetResult() on a Task), Thread.Sleep, synchronous I/O; make the call chain async and await it. A higher ThreadPool.SetMinThreads only hides it. Counters: threadpool-queue-length, threadpool-thread-count (growing ≈ 1–2 threads/s by hill climbing), monitor-lock-contention-count."));
        }
    }
}

/// <summary>
/// <c>memory-growth</c>: the server's memory rises steadily with the requests it serves. Two sources, each judged with
/// the Mann–Kendall test the latency rules use (p &lt; 0.01, positive Sen slope): the GC heap (<see cref="DotnetCounters"/>,
/// ≥ 6 measured intervals) whose growth survived collections (between the first and the last interval with a collection,
/// at least half a run apart, the heap rose by ≥ half the rise, so the gen 0 sawtooth does not pose as a leak), and the resident set size (<see cref="ProcessWatch"/>, ≥ 8 measured intervals). The rise over the window must
/// be ≥ 4 MB (heap) or 8 MB (RSS) and ≥ 10 % of the start, and the least-squares slope against requests served ≥ 1 KB per
/// 1,000 requests. Reports the bytes per 1,000 requests and the projection per million requests.
/// </summary>
internal sealed class MemoryGrowthRule : IRule
{
    internal const int MinHeapPoints = 6;
    internal const int MinRssPoints = 8;
    internal const double MaxPValue = 0.01;
    internal const double MinHeapRiseBytes = 4e6;
    internal const double MinRssRiseBytes = 8e6;
    internal const double MinRelativeRise = 0.1;
    internal const double MinBytesPer1k = 1000;

    public string Id => RuleIds.MemoryGrowth;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        var found = new List<Finding>();
        if (RuntimeSections.Counters(view) is { } counters)
        {
            foreach (var process in counters.Processes)
            {
                var all = RuntimeSections.Measured(view, process.Samples).Where(p => p.Sample.HeapBytes > 0).ToList();
                var served = Served(all.Select(p => p.Interval.Total.Requests).ToList());
                var collected = all.Select((p, i) => (p.Sample, Index: i)).Where(p => p.Sample.Gen0Collections + p.Sample.Gen1Collections + p.Sample.Gen2Collections > 0).ToList();
                var heap = all.Count >= MinHeapPoints && collected.Count >= 2
                    ? Judge(all.Select((p, i) => ((double)served[i], (double)p.Sample.HeapBytes)).ToList(), MinHeapRiseBytes)
                    : null;

                // The growth must survive collections: the heap after the last interval with a collection is up by at
                // least half the rise on the first one (a gen 0 sawtooth falls back to where it started).
                if (heap is not null && collected[^1].Sample.HeapBytes - collected[0].Sample.HeapBytes >= 0.5 * heap.Rise
                    && collected[^1].Index - collected[0].Index >= all.Count / 2)
                {
                    found.Add(Make(view, heap, "GC heap", RuntimeSections.Of(counters, process), "counters gc-heap-size, gen-0/1/2-gc-count",
                        "Find what the requests keep: take two heap dumps a few thousand requests apart (dotnet-gcdump collect -p PID) and compare the types that grew; the usual causes are static lists or dictionaries, caches without a size limit or expiry, event handlers never removed, and IDisposable objects never disposed."));
                }
            }
        }

        if (found.Count == 0 && RuntimeSections.Watch(view) is { } watch)
        {
            var all = RuntimeSections.Measured(view, watch.Samples).Where(p => p.Sample.RssBytes > 0).ToList();
            var served = Served(all.Select(p => p.Interval.Total.Requests).ToList());
            if (all.Count >= MinRssPoints && Judge(all.Select((p, i) => ((double)served[i], (double)p.Sample.RssBytes)).ToList(), MinRssRiseBytes) is { } rss)
            {
                found.Add(Make(view, rss, "resident memory (RSS)", watch.Processes.Count(p => p.Root) > 1 ? " of the watched processes" : "", "/proc RSS per interval",
                    "Find what the server keeps per request: profile its heap (a heap snapshot or dump taken a few thousand requests apart) and look for caches without a bound, growing module-level lists or maps, connections or file handles never closed; a worker that recycles after N requests (gunicorn --max-requests) only caps the damage."));
            }
        }

        return found;
    }

    private static List<long> Served(List<long> perInterval)
    {
        var served = new List<long>(perInterval.Count);
        long total = 0;
        foreach (var n in perInterval)
        {
            total += n;
            served.Add(total);
        }

        return served;
    }

    private sealed record Growth(double Start, double End, double Rise, double BytesPer1k, TrendResult Trend, int Points, double Requests);

    /// <summary>The growth of (requests served so far, bytes) points when it passes the trend test and the minimum slope, else null.</summary>
    private static Growth? Judge(List<(double Served, double Bytes)> points, double minRise)
    {
        var trend = MannKendall.Test(points.Select(p => p.Bytes).ToList());
        var third = Math.Max(2, points.Count / 3);
        var start = Robust.Median(points.Take(third).Select(p => p.Bytes).ToList());
        var end = Robust.Median(points.Skip(points.Count - third).Select(p => p.Bytes).ToList());
        var rise = trend.SenSlope * (points.Count - 1);
        var meanX = points.Average(p => p.Served);
        var meanY = points.Average(p => p.Bytes);
        var sxx = points.Sum(p => (p.Served - meanX) * (p.Served - meanX));
        var perK = sxx > 0 ? points.Sum(p => (p.Served - meanX) * (p.Bytes - meanY)) / sxx * 1000 : 0;
        if (trend.PValue >= MaxPValue || trend.SenSlope <= 0 || rise < minRise || rise < MinRelativeRise * start || end <= start || perK < MinBytesPer1k)
        {
            return null;
        }

        return new Growth(start, end, rise, perK, trend, points.Count, points[^1].Served - points[0].Served);
    }

    private Finding Make(RunView view, Growth g, string what, string where, string counter, string advice)
    {
        var perMillion = g.BytesPer1k * 1000;
        return new Finding(
            Id,
            FindingSeverity.Warning,
            null,
            $"The {what}{where} grows with every request served: ≈ {RuntimeSections.Bytes(g.BytesPer1k)} per 1,000 requests ({RuntimeSections.Bytes(g.Start)} → {RuntimeSections.Bytes(g.End)}), +{RuntimeSections.Bytes(perMillion)} per million requests",
            [
                Ev("bytesPer1kRequests", g.BytesPer1k, "bytes", MinBytesPer1k),
                Ev("bytesPerMillionRequests", perMillion, "bytes"),
                Ev("startBytes", g.Start, "bytes"),
                Ev("endBytes", g.End, "bytes"),
                Ev("riseBytes", g.Rise, "bytes"),
                Ev("pValue", g.Trend.PValue, "p", MaxPValue),
                Ev("kendallTau", g.Trend.Tau, "ratio"),
                Ev("intervals", g.Points, "count"),
                Ev("requests", g.Requests, "count"),
                Ev("p99", view.Run.Total.Latency.P99, "ms"),
            ],
            new Recommendation(RecommendationTier.ShortTerm, $"{advice} At this rate {RuntimeSections.Bytes(perMillion)} more per million requests ({counter})."));
    }
}
