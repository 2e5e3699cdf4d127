using Loadlens.Analysis.Statistics;
using Loadlens.Core.Results;

namespace Loadlens.Pipeline.Processes;

/// <summary>
/// Turns the sampler's snapshots into the <see cref="ProcessWatch"/> section of one run: one <see cref="ProcessSample"/>
/// per load interval of <see cref="RunResult.Intervals"/> (same index, start, length, warm-up and drain flags, and the
/// interval's completed requests), then the <see cref="ProcessWatchSummary"/> over the measured intervals.
/// Counters (CPU ticks, context switches) are cumulative per process and read at the interval's start and end by linear
/// interpolation between the snapshots around them; gauges (RSS, threads, descriptors) come from the snapshot nearest the
/// interval's end. A process first seen after the first snapshot started after the one before it, so its counters
/// run from 0 there; a process that exited keeps its last reading.
/// </summary>
internal static class ProcessWatchBuilder
{
    /// <param name="result">The run the processes were sampled during.</param>
    /// <param name="snapshots">The snapshots in time order.</param>
    /// <param name="processes">Every process seen.</param>
    /// <param name="notes">The sampler's notes.</param>
    /// <param name="startedTimestamp">Timestamp of the sampler's start (same clock as the snapshots).</param>
    /// <param name="startedWall">Wall clock read at <paramref name="startedTimestamp"/>.</param>
    /// <param name="timestampFrequency">Timestamp ticks per second.</param>
    /// <param name="clockTicksPerSecond">CPU clock ticks per second (CLK_TCK).</param>
    /// <param name="machineCores">Logical cores.</param>
    /// <param name="cpuLimitCores">The cores the processes may use, when limited.</param>
    public static ProcessWatch Build(
        RunResult result, IReadOnlyList<ProcSnapshot> snapshots, IReadOnlyList<SeenProcess> processes, IReadOnlyList<string> notes,
        long startedTimestamp, DateTimeOffset startedWall, double timestampFrequency, double clockTicksPerSecond, int machineCores, double? cpuLimitCores)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(snapshots);

        // Snapshot times in seconds since the run started (the engine's StartedAt, read a moment after the sampler's start).
        var offset = (result.StartedAt - startedWall).TotalSeconds;
        var times = snapshots.Select(s => ((s.Timestamp - startedTimestamp) / timestampFrequency) - offset).ToArray();
        var series = processes.ToDictionary(p => p.Key, p => new Series(p, times, snapshots));

        var samples = new List<ProcessSample>(result.Intervals.Count);
        var perProcessCpu = processes.ToDictionary(p => p.Key, _ => 0.0);
        foreach (var interval in result.Intervals)
        {
            var from = interval.StartSeconds;
            var to = interval.StartSeconds + interval.DurationSeconds;
            double user = 0, system = 0, busiest = -1, busiestWaitNs = 0, waitNs = 0, voluntary = 0, involuntary = 0;
            foreach (var (key, s) in series)
            {
                var u = s.At(to, static r => r.UserTicks) - s.At(from, static r => r.UserTicks);
                var k = s.At(to, static r => r.SystemTicks) - s.At(from, static r => r.SystemTicks);
                user += u;
                system += k;
                // Sums over live threads: one that exited takes its counts with it, so a fall is no negative work.
                var w = Math.Max(0, s.At(to, static r => r.RunDelayNs) - s.At(from, static r => r.RunDelayNs));
                waitNs += w;
                if (u + k > busiest)
                {
                    busiest = u + k;
                    busiestWaitNs = Math.Max(0, s.At(to, static r => r.MainThreadRunDelayNs) - s.At(from, static r => r.MainThreadRunDelayNs));
                }

                voluntary += Math.Max(0, s.At(to, static r => r.VoluntarySwitches) - s.At(from, static r => r.VoluntarySwitches));
                involuntary += Math.Max(0, s.At(to, static r => r.InvoluntarySwitches) - s.At(from, static r => r.InvoluntarySwitches));
                if (!interval.Warmup && !interval.Drain)
                {
                    perProcessCpu[key] += (u + k) / clockTicksPerSecond;
                }
            }

            var nearest = Nearest(times, to);
            var alive = nearest < 0 ? [] : snapshots[nearest].Processes;
            var percent = interval.DurationSeconds > 0 ? 100 / (clockTicksPerSecond * interval.DurationSeconds) : 0;
            samples.Add(new ProcessSample
            {
                IntervalIndex = interval.Index,
                StartSeconds = interval.StartSeconds,
                DurationSeconds = interval.DurationSeconds,
                Warmup = interval.Warmup,
                Drain = interval.Drain,
                Processes = alive.Length,
                CpuUserPercent = user * percent,
                CpuSystemPercent = system * percent,
                BusiestProcessCpuPercent = Math.Max(0, busiest) * percent,
                BusiestProcessMainThreadWaitPercent = interval.DurationSeconds > 0 ? busiestWaitNs / 1e7 / interval.DurationSeconds : 0,
                CpuWaitPercent = interval.DurationSeconds > 0 ? waitNs / 1e7 / interval.DurationSeconds : 0,
                RssBytes = alive.Sum(r => r.RssBytes),
                Threads = alive.Sum(r => r.Threads),
                OpenFileDescriptors = alive.Sum(r => Math.Max(0, r.OpenFileDescriptors)),
                VoluntaryContextSwitches = (long)Math.Round(voluntary),
                InvoluntaryContextSwitches = (long)Math.Round(involuntary),
                CompletedRequests = interval.Total.Requests,
            });
        }

        var last = snapshots.Count - 1;
        var watched = processes.Select(p =>
        {
            var s = series[p.Key];
            var lastSeen = s.LastSnapshot;
            return new WatchedProcess
            {
                Pid = p.Key.Pid,
                ParentPid = p.ParentPid,
                Name = p.Name,
                Root = p.Root,
                Dotnet = p.Dotnet,
                FirstSeenSeconds = Math.Max(0, times[p.FirstSnapshot]),
                ExitedSeconds = lastSeen < last ? Math.Max(0, times[lastSeen]) : null,
                CpuSeconds = perProcessCpu[p.Key],
                PeakRssBytes = s.PeakRss,
            };
        }).ToList();

        var rssAtStart = result.Intervals.FirstOrDefault(i => !i.Warmup && !i.Drain) is { } first && Nearest(times, first.StartSeconds) is >= 0 and var n
            ? snapshots[n].Processes.Sum(r => r.RssBytes) : 0;
        return new ProcessWatch
        {
            MachineCores = machineCores,
            CpuLimitCores = cpuLimitCores,
            Processes = watched,
            Samples = samples,
            Summary = Summarize(samples, rssAtStart),
            Notes = notes,
        };
    }

    /// <summary>The figures over the measured samples (warm-up and drain left out); peaks over all samples.</summary>
    /// <param name="samples">One sample per interval.</param>
    /// <param name="rssAtStartBytes">RSS at the start of the measured window (0: take the first measured sample's).</param>
    internal static ProcessWatchSummary Summarize(IReadOnlyList<ProcessSample> samples, long rssAtStartBytes = 0)
    {
        var measured = samples.Where(s => !s.Warmup && !s.Drain).ToList();
        var seconds = measured.Sum(s => s.DurationSeconds);
        var user = measured.Sum(s => s.CpuUserPercent * s.DurationSeconds / 100);
        var system = measured.Sum(s => s.CpuSystemPercent * s.DurationSeconds / 100);
        var completed = measured.Sum(s => s.CompletedRequests);
        double? PerRequest(double total) => completed > 0 ? total / completed : null;

        // RSS against requests served so far (at each measured interval's end): the slope is bytes per request.
        var served = new List<double>(measured.Count);
        var cumulative = 0L;
        foreach (var s in measured)
        {
            cumulative += s.CompletedRequests;
            served.Add(cumulative);
        }

        var growth = measured.Count >= 3 ? LeastSquares.Slope(served, [.. measured.Select(s => (double)s.RssBytes)]) * 1000 : null;
        return new ProcessWatchSummary
        {
            Seconds = seconds,
            CpuUserSeconds = user,
            CpuSystemSeconds = system,
            MeanCpuPercent = seconds > 0 ? (user + system) / seconds * 100 : 0,
            PeakCpuPercent = measured.Count > 0 ? measured.Max(s => s.CpuPercent) : 0,
            PeakBusiestProcessCpuPercent = measured.Count > 0 ? measured.Max(s => s.BusiestProcessCpuPercent) : 0,
            CompletedRequests = completed,
            CpuMsPerRequest = PerRequest((user + system) * 1000),
            RssStartBytes = rssAtStartBytes > 0 ? rssAtStartBytes : measured.FirstOrDefault()?.RssBytes ?? 0,
            RssEndBytes = measured.LastOrDefault()?.RssBytes ?? 0,
            PeakRssBytes = samples.Count > 0 ? samples.Max(s => s.RssBytes) : 0,
            RssGrowthBytesPer1kRequests = growth,
            PeakThreads = samples.Count > 0 ? samples.Max(s => s.Threads) : 0,
            PeakOpenFileDescriptors = samples.Count > 0 ? samples.Max(s => s.OpenFileDescriptors) : 0,
            VoluntaryContextSwitchesPerRequest = PerRequest(measured.Sum(s => (double)s.VoluntaryContextSwitches)),
            InvoluntaryContextSwitchesPerRequest = PerRequest(measured.Sum(s => (double)s.InvoluntaryContextSwitches)),
        };
    }

    /// <summary>The index of the time nearest <paramref name="t"/>; -1 without times.</summary>
    private static int Nearest(double[] times, double t)
    {
        var best = -1;
        for (var i = 0; i < times.Length; i++)
        {
            if (best < 0 || Math.Abs(times[i] - t) < Math.Abs(times[best] - t))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>One process's readings over time, read at any moment by interpolation.</summary>
    private sealed class Series
    {
        private readonly List<(double Time, ProcReading Reading)> _points = [];
        private readonly double _bornAfter;

        public Series(SeenProcess process, double[] times, IReadOnlyList<ProcSnapshot> snapshots)
        {
            for (var i = process.FirstSnapshot; i < snapshots.Count; i++)
            {
                foreach (var r in snapshots[i].Processes)
                {
                    if (r.Key == process.Key)
                    {
                        _points.Add((times[i], r));
                        LastSnapshot = i;
                    }
                }
            }

            // Not in the first snapshot: it started after the snapshot before the one that found it, from 0.
            _bornAfter = process.FirstSnapshot > 0 ? times[process.FirstSnapshot - 1] : double.NaN;
            PeakRss = _points.Count > 0 ? _points.Max(p => p.Reading.RssBytes) : 0;
        }

        public int LastSnapshot { get; }

        public long PeakRss { get; }

        public double At(double t, Func<ProcReading, long> value)
        {
            if (_points.Count == 0)
            {
                return 0;
            }

            var (t0, r0) = _points[0];
            if (t <= t0)
            {
                if (double.IsNaN(_bornAfter))
                {
                    return value(r0);
                }

                return t <= _bornAfter ? 0 : value(r0) * (t - _bornAfter) / (t0 - _bornAfter);
            }

            for (var i = 1; i < _points.Count; i++)
            {
                var (t1, r1) = _points[i];
                if (t <= t1)
                {
                    var v0 = value(_points[i - 1].Reading);
                    var (tp, _) = _points[i - 1];
                    return t1 > tp ? v0 + ((value(r1) - v0) * (t - tp) / (t1 - tp)) : value(r1);
                }
            }

            return value(_points[^1].Reading);
        }
    }
}
