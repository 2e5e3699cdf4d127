using Loadlens.Core.Findings;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>shared-bottleneck</c>: every endpoint waits in one queue (one worker process, one global lock, one
/// connection), so each endpoint's latency is its own work plus the same queueing delay.
/// <para>
/// Model (docs/analysis.md): one FIFO server shared by all endpoints. With aggregate throughput X and endpoint
/// shares p_e = X_e/X, the utilisation law at saturation gives the mean service demand S̄ = 1/X; FIFO makes the
/// wait Q the same for every request, so R_e = Q + S_e, R̄ = Σ p_e·R_e = Q + S̄, hence Q = R̄ − 1/X and
/// S_e = R_e − Q. The rule needs ≥ 2 endpoints that mostly succeed with ≥ <see cref="AnalysisOptions.MinRequests"/>
/// requests together, and all of:
/// </para>
/// <list type="bullet">
/// <item>a queue: N = X·R̄ ≥ 3 in flight and R̄ ≥ 2.5·S̄;</item>
/// <item>a flat aggregate throughput at steady load (robust CV ≤ 0.25);</item>
/// <item>the same wait for all: every endpoint's R_e ≥ 0.85·Q (an endpoint that does not queue, or queues
/// elsewhere, breaks it: per-endpoint locks give cheap endpoints far less latency than the common wait);</item>
/// <item>evidence that the latency is waiting, not work: the run's fastest request L (warm-up included: the first
/// requests met an empty queue) belongs to an endpoint whose mean latency is ≥ 2.5·L. A parallel server keeps
/// latency at the work time, however many users.</item>
/// </list>
/// S̄ = 1/X assumes one server; with a pool of c it is c/X, which a constant-load run cannot tell apart.
/// </summary>
internal sealed class SharedBottleneckRule : IRule
{
    internal const double MinQueueFactor = 2.5;
    internal const double MinCommonWaitShare = 0.85;
    internal const string WorkEvidencePrefix = "work: ";

    public string Id => RuleIds.SharedBottleneck;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        if (Detect(view, options) is { } d)
        {
            yield return d;
        }
    }

    private Finding? Detect(RunView view, AnalysisOptions options)
    {
        var run = view.Run;
        var endpoints = view.Endpoints
            .Where(e => e.Requests > 0 && e.Latency.Mean > 0 && e.Requests - e.Failures >= e.Requests / 2.0 && run.RateOf(e) > 0)
            .ToList();
        if (endpoints.Count < 2 || endpoints.Count != view.Endpoints.Count || endpoints.Sum(e => e.Requests) < options.MinRequests)
        {
            return null;
        }

        var x = endpoints.Sum(run.RateOf);
        var shares = endpoints.Select(e => run.RateOf(e) / x).ToList();
        var meanLatency = endpoints.Select((e, i) => shares[i] * e.Latency.Mean).Sum();
        var demand = 1000 / x;
        var inFlight = LittlesLaw.Concurrency(x, meanLatency);
        var queue = meanLatency - demand;
        if (inFlight < SerializedResourceRule.MinInFlight || meanLatency < MinQueueFactor * demand)
        {
            return null;
        }

        var rates = view.Steady.Where(i => i.Total.Requests > 0).Select(i => i.Total.Requests / i.DurationSeconds).ToList();
        var cv = rates.Count >= 3 ? Statistics.Robust.ScaledMad(rates) / Statistics.Robust.Median(rates) : 0;
        if (cv > SerializedResourceRule.MaxThroughputCv || endpoints.Any(e => e.Latency.Mean < MinCommonWaitShare * queue))
        {
            return null;
        }

        var lows = endpoints.Select(e => (Endpoint: e, Low: view.LowLoadLatency(e.Name) ?? 0)).Where(p => p.Low > 0).ToList();
        if (lows.Count == 0)
        {
            return null;
        }

        var lowLoad = lows.MinBy(p => p.Low);
        if (lowLoad.Endpoint.Latency.Mean < MinQueueFactor * lowLoad.Low)
        {
            return null;
        }

        // Each endpoint's own work S_e = R_e − Q, and the share of the server's time it takes, p_e·S_e / S̄.
        var work = endpoints.Select((e, i) => (e.Name, Work: Math.Max(0, e.Latency.Mean - queue), Share: shares[i] * Math.Max(0, e.Latency.Mean - queue) / demand))
            .OrderByDescending(w => w.Share)
            .ToList();
        var evidence = new List<Evidence>
        {
            Ev("capacity", x, "req/s"),
            Ev("serviceDemand", demand, "ms"),
            Ev("queueingDelay", queue, "ms"),
            Ev("meanLatency", meanLatency, "ms"),
            Ev("inFlight", inFlight, "count", SerializedResourceRule.MinInFlight),
            Ev("lowLoadLatency", lowLoad.Low, "ms"),
            Ev("endpoints", endpoints.Count, "count"),
        };
        if (rates.Count >= 3)
        {
            evidence.Add(Ev("throughputCv", cv, "ratio", SerializedResourceRule.MaxThroughputCv));
        }

        evidence.AddRange(work.Select(w => Ev(WorkEvidencePrefix + w.Name, w.Work, "ms")));
        var list = string.Join(", ", work.Select(w => $"{w.Name} {Ms(w.Work)} ({Percent(Math.Min(1, w.Share))} of the time)"));
        return new Finding(
            Id,
            meanLatency > options.TailLatencyWarningMs ? FindingSeverity.Critical : FindingSeverity.Warning,
            null,
            $"All {endpoints.Count} endpoints wait in one queue: ≈ {Rate(x)} in total, ≈ {Ms(queue)} of waiting per request on top of its own work",
            evidence,
            new Recommendation(
                RecommendationTier.ShortTerm,
                $"One resource serves every endpoint one request at a time (a single worker process or thread, a global lock, one database connection): together they reach ≈ {Rate(x)}, ≈ {Ms(demand)} of work per request, and each request waits ≈ {Ms(queue)} for the others. Add worker processes (e.g. gunicorn -w N, more replicas) or remove the shared lock; per-endpoint tuning will not help. Work per request, most time first: {list}."));
    }
}
