using Loadlens.Core.Findings;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>serialized-resource</c>: requests to one endpoint queue behind a single resource (a lock, a single
/// writer, one connection, a single-threaded stage).
/// <para>
/// Heuristic (docs/analysis.md, research §1.6 and §2.1). Let X be the endpoint's throughput, R its mean
/// latency and W its fastest request (the best available estimate of the work time, i.e. the time with no
/// queue). By Little's law the endpoint holds N = X·R requests on average. If they were served in parallel,
/// latency would stay near W whatever N is. If they are served one at a time by a resource with service
/// time S, then (utilisation law) X ≤ 1/S, every request takes at least S (so W ≈ S), and once the
/// resource is saturated X ≈ 1/S and the rest of R is waiting: R ≈ N·S. So the rule fires when
/// </para>
/// <list type="bullet">
/// <item>N = X·R ≥ 3: several requests are in flight on average (a real queue, not one slow request);</item>
/// <item>R ≥ 3·W: latency is far above the work time;</item>
/// <item>0.6 ≤ X·W ≤ 1.25: one server whose service time is the work time is (nearly) fully busy: the
/// throughput is pinned at 1/W, which a parallel endpoint would have no reason to be;</item>
/// <item>per-interval throughput at steady load is flat (coefficient of variation ≤ 0.25).</item>
/// </list>
/// The service-time estimate reported is S ≈ 1/X (one server), cross-checked against W.
/// </summary>
internal sealed class SerializedResourceRule : IRule
{
    internal const double MinInFlight = 3;
    internal const double MinQueueFactor = 3;
    internal const double MinUtilization = 0.6;
    internal const double MaxUtilization = 1.25;
    internal const double MaxThroughputCv = 0.25;

    public string Id => RuleIds.SerializedResource;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        foreach (var e in view.Endpoints)
        {
            var successes = e.Requests - e.Failures;
            if (e.Requests < options.MinRequests || successes < e.Requests / 2 || e.Latency.Min <= 0 || e.Latency.Mean <= 0)
            {
                continue;
            }

            var x = view.Rate(e);
            var r = e.Latency.Mean;
            var w = e.Latency.Min;
            var inFlight = x * r / 1000;
            var queueFactor = r / w;
            var utilization = x * w / 1000;
            if (inFlight < MinInFlight || queueFactor < MinQueueFactor || utilization < MinUtilization || utilization > MaxUtilization)
            {
                continue;
            }

            var perInterval = RunView.Series(view.Steady, e.Name)
                .Where(p => p.Figures.Requests > 0)
                .Select(p => p.Figures.Requests / p.Interval.DurationSeconds)
                .ToList();
            var cv = perInterval.Count >= 3 ? Statistics.Robust.CoefficientOfVariation(perInterval) : 0;
            if (cv > MaxThroughputCv)
            {
                continue;
            }

            var serviceMs = 1000 / x;
            var severity = r > options.TailLatencyWarningMs ? FindingSeverity.Critical : FindingSeverity.Warning;
            var evidence = new List<Evidence>
            {
                Ev("serviceTime", serviceMs, "ms"),
                Ev("throughput", x, "req/s"),
                Ev("meanLatency", r, "ms"),
                Ev("workTime", w, "ms"),
                Ev("inFlight", inFlight, "count", MinInFlight),
                Ev("latencyOverWork", queueFactor, "ratio", MinQueueFactor),
                Ev("utilization", utilization, "ratio", MinUtilization),
            };
            if (perInterval.Count >= 3)
            {
                evidence.Add(Ev("throughputCv", cv, "ratio", MaxThroughputCv));
            }

            yield return new Finding(
                Id,
                severity,
                e.Name,
                $"Requests queue behind one serialized resource (service time ≈ {Ms(serviceMs)}, capacity ≈ {Rate(x)})",
                evidence,
                new Recommendation(
                    RecommendationTier.ShortTerm,
                    $"Find the lock, single writer, single connection or single-threaded stage behind {e.Name}: about {Ms(serviceMs)} of exclusive work per request caps it at ≈ {Rate(x)}, and the other {Num(Math.Max(0, inFlight - 1), "0.#")} requests in flight wait (mean {Ms(r)} against {Ms(w)} of work). Shrink or split the critical section, or partition the resource; more users, threads or instances will not raise its throughput."));
        }
    }
}
