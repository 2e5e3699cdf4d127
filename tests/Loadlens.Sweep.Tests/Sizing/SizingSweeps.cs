using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Sweep.Tests.Capacity;

namespace Loadlens.Sweep.Tests.Sizing;

/// <summary>
/// Constructed sweeps with known numbers for the sizing arithmetic: one single-worker instance in the open model,
/// service time 40 ms, so it completes at most 25 req/s; offered 5, 10, 15, 20, 30, 40 req/s; p99 within 250 ms up to
/// 15 req/s and beyond it from 20 req/s on. Capacity at SLA is therefore 15 req/s and the plateau's ceiling 25 req/s.
/// </summary>
internal static class SizingSweeps
{
    public static readonly double[] OfferedRates = [5, 10, 15, 20, 30, 40];

    public static SweepResult SingleWorker(IReadOnlyList<SlaTarget>? sla = null)
    {
        var points = OfferedRates.Select(rate =>
        {
            var x = Math.Min(rate, 25);
            var p99 = rate <= 15 ? 60 : rate == 20 ? 300 : 2000;
            return new SyntheticSweep.Point(rate, x, rate <= 15 ? 40 : 200, p99);
        });
        return SyntheticSweep.Build(points, "open", sla ?? [new SlaTarget { Endpoint = "*", P99Ms = 250 }]);
    }

    /// <summary>Every step with a process-watch section: <paramref name="cpuMsPerRequest"/> of CPU per completed request, on a 2-core machine.</summary>
    public static SweepResult WithCpu(SweepResult sweep, double cpuMsPerRequest, double? cpuLimitCores = null)
        => sweep with
        {
            Steps = [.. sweep.Steps.Select(s =>
            {
                var requests = s.Result.Total.Requests;
                var seconds = s.Result.MeasuredSeconds;
                var cpuSeconds = requests * cpuMsPerRequest / 1000;
                var watch = new ProcessWatch
                {
                    MachineCores = 2,
                    CpuLimitCores = cpuLimitCores,
                    Processes = [new WatchedProcess { Pid = 4242, Name = "gunicorn", Root = true, CpuSeconds = cpuSeconds }],
                    Summary = new ProcessWatchSummary
                    {
                        Seconds = seconds,
                        CpuUserSeconds = cpuSeconds * 0.9,
                        CpuSystemSeconds = cpuSeconds * 0.1,
                        MeanCpuPercent = 100 * cpuSeconds / seconds,
                        PeakCpuPercent = 100 * cpuSeconds / seconds,
                        PeakBusiestProcessCpuPercent = 100 * cpuSeconds / seconds,
                        CompletedRequests = requests,
                        CpuMsPerRequest = cpuMsPerRequest,
                    },
                };
                return s with { Result = s.Result.WithSection(ProcessWatch.SectionName, watch) };
            })],
        };

    /// <summary>Every step with server evidence: a server span of <paramref name="serverMs"/>, <paramref name="dbMs"/> of it in the database, and <paramref name="poolWaitAt20"/> ms pool wait at 20 req/s and above.</summary>
    public static SweepResult WithEvidence(SweepResult sweep, double serverMs, double dbMs, double poolWaitAt20)
        => sweep with
        {
            Steps = [.. sweep.Steps.Select(s =>
            {
                var evidence = new ServerEvidence
                {
                    TracesJoined = s.Result.Total.Requests,
                    Endpoints =
                    [
                        new EndpointEvidence
                        {
                            Endpoint = "GET /x",
                            Requests = s.Result.Total.Requests,
                            ServerTime = new LatencyStats { Count = s.Result.Total.Requests, Mean = serverMs, P50 = serverMs },
                            BeforeApp = LatencyStats.Empty,
                            DbTimeMeanMs = dbMs,
                            DbShare = dbMs / serverMs,
                            PoolWaitMeanMs = s.Level >= 20 ? poolWaitAt20 : 0,
                        },
                    ],
                };
                return s with { Result = s.Result.WithSection(ServerEvidence.SectionName, evidence) };
            })],
        };
}
