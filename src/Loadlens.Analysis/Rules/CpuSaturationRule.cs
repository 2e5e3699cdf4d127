using Loadlens.Analysis.Statistics;
using Loadlens.Core.Findings;
using Loadlens.Core.Results;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>cpu-saturation</c>: the watched server processes (<c>--target-pid</c>, a <see cref="ProcessWatch"/> section) want the
/// CPU they may use while latency rises. In at least half of the measured intervals either the busiest single process
/// wants a whole core (its CPU plus the time its main thread waited for a core, <c>/proc/PID/schedstat</c>: a single-threaded worker's, ≥ <see cref="OneCorePercent"/>
/// % of one core) while using no more than one (≤ <see cref="OneCoreMaxCpuPercent"/> %), or all watched processes together want ≥ <see cref="AllCoresShare"/> of the cores they may use
/// (<see cref="ProcessWatch.CpuLimitCores"/> or the machine's). "While latency rises": the run's mean latency is at least
/// <see cref="MinQueueingRatio"/> × the CPU each request costs (requests wait for the CPU longer than they use it), or
/// latency trends up over the intervals (Mann–Kendall). One busy process while more cores exist: more worker processes
/// would help; all cores busy: more cores or instances. An I/O-bound server (a sleeping worker) does not want the CPU.
/// </summary>
internal sealed class CpuSaturationRule : IRule
{
    internal const double OneCorePercent = 85;

    /// <summary>Above this CPU (% of one core) the busiest process runs on more than one core: it is not pinned to one.</summary>
    internal const double OneCoreMaxCpuPercent = 110;
    internal const double AllCoresShare = 0.85;
    internal const double MinSaturatedShare = 0.5;
    internal const double MinQueueingRatio = 2;
    internal const double MaxTrendPValue = 0.05;

    public string Id => RuleIds.CpuSaturation;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        if (!view.Run.TryGetSection<ProcessWatch>(ProcessWatch.SectionName, out var watch))
        {
            yield break;
        }

        var measured = watch.Samples.Where(s => !s.Warmup && !s.Drain && s.Processes > 0 && s.DurationSeconds > 0).ToList();
        if (measured.Count < 2)
        {
            yield break;
        }

        var cores = watch.CpuLimitCores ?? watch.MachineCores;
        static double BusiestDemand(ProcessSample s) => s.BusiestProcessCpuPercent + s.BusiestProcessMainThreadWaitPercent;
        static double TotalDemand(ProcessSample s) => s.CpuPercent + s.CpuWaitPercent;
        var allCores = measured.Count(s => TotalDemand(s) >= AllCoresShare * cores * 100);
        // Pinned to one core: it wants a whole core but never uses more than about one (a single-threaded worker, a
        // GIL); a multi-threaded process at 145 % of one core is not held to one core.
        var oneCore = measured.Count(s => BusiestDemand(s) >= OneCorePercent && s.BusiestProcessCpuPercent <= OneCoreMaxCpuPercent);
        var allCoresSaturated = allCores >= MinSaturatedShare * measured.Count;
        var oneCoreSaturated = oneCore >= MinSaturatedShare * measured.Count;
        if (!allCoresSaturated && !oneCoreSaturated)
        {
            yield break;
        }

        var summary = watch.Summary;
        var latency = view.Run.Total.Latency;
        var meanLatency = RunView.TypicalLatency(latency);
        var cpuPerRequest = summary.CpuMsPerRequest ?? 0;
        var queueing = cpuPerRequest > 0 ? meanLatency / cpuPerRequest : 0;
        var series = view.Measured.Where(i => i.Total.Requests > 0).Select(i => RunView.TypicalLatency(i.Total.Latency)).ToList();
        var trend = series.Count >= 3 ? MannKendall.Test(series) : default;
        var rising = series.Count >= 3 && trend.PValue < MaxTrendPValue && trend.SenSlope > 0;
        if (queueing < MinQueueingRatio && !rising)
        {
            yield break;
        }

        var busiestCpu = measured.Average(s => s.BusiestProcessCpuPercent);
        var busiestWait = measured.Average(s => s.BusiestProcessMainThreadWaitPercent);
        var totalCpu = measured.Average(s => s.CpuPercent);
        var totalWait = measured.Average(s => s.CpuWaitPercent);
        var share = (double)Math.Max(allCoresSaturated ? allCores : 0, oneCoreSaturated ? oneCore : 0) / measured.Count;
        var busiest = watch.Processes.OrderByDescending(p => p.CpuSeconds).FirstOrDefault();
        var who = busiest is null ? "the busiest server process" : $"the busiest server process ({busiest.Name}, pid {busiest.Pid})";
        var coresText = Num(cores, "0.##") + (cores == 1 ? " core" : " cores");
        var latencyText = $"requests take {Ms(meanLatency)} on average (p95 {Ms(latency.P95)}) for {Ms(cpuPerRequest)} of server CPU each";
        var evidence = new List<Evidence>
        {
            Ev("busiestProcessCpu", busiestCpu, "%", OneCorePercent),
            Ev("busiestProcessCpuWait", busiestWait, "%"),
            Ev("serverCpu", totalCpu, "%", AllCoresShare * cores * 100),
            Ev("serverCpuWait", totalWait, "%"),
            Ev("coresAvailable", cores, "cores"),
            Ev("saturatedIntervals", share * 100, "%", MinSaturatedShare * 100),
            Ev("cpuPerRequest", cpuPerRequest, "ms"),
            Ev("meanLatency", meanLatency, "ms"),
            Ev("p95Latency", latency.P95, "ms"),
            Ev("latencyOverCpu", queueing, "x", MinQueueingRatio),
        };
        var severity = share >= 0.8 && queueing >= 2 * MinQueueingRatio ? FindingSeverity.Critical : FindingSeverity.Warning;
        var perCore = cpuPerRequest > 0 ? $" ≈ {Rate(1000 / cpuPerRequest)} per core at {Ms(cpuPerRequest)} of CPU each" : string.Empty;
        var wait = busiestWait >= 5 ? $" ({Num(busiestCpu, "0")} % on a core + {Num(busiestWait, "0")} % waiting for one: other work on the machine takes it)" : string.Empty;

        // One process at one core while the others are free, or every core the server may use busy.
        var oneOfMany = oneCoreSaturated && !allCoresSaturated && cores >= 1.5;
        if (!oneOfMany)
        {
            yield return new Finding(
                Id,
                severity,
                null,
                $"CPU saturation: the server processes use {Num(totalCpu, "0")} % CPU (+{Num(totalWait, "0")} % waiting for a core) of the {coresText} they may use; {latencyText}",
                evidence,
                new Recommendation(
                    RecommendationTier.ShortTerm,
                    $"The server is CPU-bound on all {coresText} it may use: give it more cores or more instances behind the load balancer{(perCore.Length > 0 ? $" ({perCore.Trim()})" : string.Empty)}, or make each request cheaper ({Ms(cpuPerRequest)} of CPU per request; profile the hot endpoint)."));
            yield break;
        }

        yield return new Finding(
            Id,
            severity,
            null,
            $"CPU saturation on ONE core: {who} wants {Num(busiestCpu + busiestWait, "0")} % of one core{wait} while the machine has {coresText}; {latencyText}",
            evidence,
            new Recommendation(
                RecommendationTier.ShortTerm,
                $"One process does the CPU-bound work and can use only one core while {coresText} exist: run more worker processes (gunicorn `--workers`, uWSGI `processes`, Node cluster, more replicas) up to the cores available,{perCore}, or make each request cheaper ({Ms(cpuPerRequest)} of CPU each). More threads in the same Python process do not help while the GIL holds the CPU."));
    }
}
