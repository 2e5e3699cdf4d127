using Loadlens.Core.Findings;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>serialized-resource</c>: requests to one endpoint queue behind a single resource (a lock, a single
/// writer, one connection, a single-threaded stage).
/// <para>
/// Heuristic (docs/analysis.md, research §1.6 and §2.1). Let X be the endpoint's throughput, R its mean
/// latency and W its fastest request (an upper bound of the work time). By Little's law the endpoint holds
/// N = X·R requests on average. Served in parallel, latency would stay near the work time whatever N is;
/// served one at a time by a resource with service time S, X ≤ 1/S (utilisation law), every request takes
/// at least S, and once the resource is saturated X ≈ 1/S and the rest of R is waiting: R ≈ N·S. The
/// rule needs N ≥ 3 (a real queue), X·W ≥ 0.6 (no request was much faster than 1/X, as none can be behind
/// one server) and a flat per-interval throughput at steady load (robust CV = 1.4826·MAD/median ≤ 0.25, so one stalled
/// interval does not hide the plateau), and then one of:
/// </para>
/// <list type="bullet">
/// <item>A, one server confirmed: X·W ≤ 1.25 (the fastest request ≈ 1/X: a single server whose service
/// time is the work time is fully busy) and R ≥ 2.5·W (latency far above the work time);</item>
/// <item>B, saturated, the fastest request already waited (X·W &gt; 1.25, typical when the queue never
/// empties): R ≥ 2·W, and across ≥ 5 steady intervals the in-flight count N_i = X_i·R_i varies (90th/10th
/// percentile ≥ 1.3) while the throughput does not follow it (elasticity d ln X_i / d ln N_i ≤ 0.5; a
/// parallel endpoint has ≈ 1). Not in an open model whose server completed ≥ 95 % of what was sent: there the
/// arrival rate pins X, and N rising at a steady X is service time growing (<c>latency-degradation</c>), not a queue.</item>
/// <item>C, constant users on a saturated server (closed model; the queue never empties, so every measured
/// request waited and neither A nor B can see the work time): the fastest request of the whole run, warm-up
/// included, is the low-load latency L (the first request met an empty queue). When X·L ≤ 3 (the first request also
/// pays connecting and the app's first-request costs) and R ≥ 2.5·L, one
/// server with S ≈ 1/X explains it, and Little's law predicts R = N/X − Z for N users and think time Z: the
/// evidence gives that expected latency next to the measured one.</item>
/// </list>
/// The service time reported is S ≈ 1/X for one server (c/X for a pool of c, which case B cannot rule out).
/// </summary>
internal sealed class SerializedResourceRule : IRule
{
    internal const double MinInFlight = 3;
    internal const double MinQueueFactor = 2.5;
    internal const double MinQueueFactorSaturated = 2;
    internal const double MinUtilization = 0.6;
    internal const double MinInFlightSpread = 1.3;
    internal const double MaxElasticity = 0.5;
    internal const double MaxUtilization = 1.25;
    internal const double MaxThroughputCv = 0.25;

    /// <summary>Case C: X·L bound; looser than case A because the run's first request also pays connecting and the app's first-request costs.</summary>
    internal const double MaxUtilizationLowLoad = 3;

    public string Id => RuleIds.SerializedResource;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        var openBelowCapacity = view.Run.Settings.Model == "open" && view.Run.Arrivals is { AchievedRate: > 0 } arrivals
            && view.Run.RateOf(view.Run.Total) >= 0.95 * arrivals.AchievedRate;
        foreach (var e in view.Endpoints)
        {
            var successes = e.Requests - e.Failures;
            if (e.Requests < options.MinRequests || successes < e.Requests / 2 || e.Latency.Min <= 0 || e.Latency.Mean <= 0)
            {
                continue;
            }

            var x = view.Run.RateOf(e);
            var r = e.Latency.Mean;
            var w = e.Latency.Min;
            var inFlight = LittlesLaw.Concurrency(x, r);
            var queueFactor = r / w;
            var utilization = x * w / 1000;
            if (inFlight < MinInFlight || utilization < MinUtilization)
            {
                continue;
            }

            var points = RunView.Series(view.Steady, e.Name)
                .Where(p => p.Figures.Requests > 0 && p.Figures.Latency.Mean > 0)
                .Select(p => (X: p.Figures.Requests / p.Interval.DurationSeconds, N: p.Figures.Requests / p.Interval.DurationSeconds * p.Figures.Latency.Mean / 1000))
                .ToList();
            var rates = points.Select(p => p.X).ToList();
            var cv = rates.Count >= 3 ? Statistics.Robust.ScaledMad(rates) / Statistics.Robust.Median(rates) : 0;
            if (cv > MaxThroughputCv)
            {
                continue;
            }

            var singleServer = utilization <= MaxUtilization;
            double? spread = null;
            double? elasticity = null;
            if (points.Count >= 5)
            {
                var sortedN = points.Select(p => p.N).Order().ToList();
                spread = Quantile(sortedN, 0.9) / Math.Max(1e-9, Quantile(sortedN, 0.1));
                elasticity = Elasticity(points);
            }

            // In an open model the arrival rate, not the server, sets the throughput: a flat X while N grows is only a
            // capped server when the server completes less than was sent (a leak at a steady rate is not a queue).
            var confirmed = singleServer
                ? queueFactor >= MinQueueFactor
                : !openBelowCapacity && queueFactor >= MinQueueFactorSaturated && spread >= MinInFlightSpread && elasticity <= MaxElasticity;

            // C: constant users, queue never empty: the low-load latency from the start of the run is the work time.
            double? lowLoad = null;
            if (!confirmed && view.Run.Settings.Model == "closed" && view.LowLoadLatency(e.Name) is { } low && low < w)
            {
                var lowUtilization = x * low / 1000;
                if (lowUtilization is >= MinUtilization and <= MaxUtilizationLowLoad && r / low >= MinQueueFactor)
                {
                    confirmed = true;
                    singleServer = true;
                    lowLoad = low;
                    utilization = lowUtilization;
                    queueFactor = r / low;
                }
            }

            if (!confirmed)
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
                Ev("latencyOverWork", queueFactor, "ratio", singleServer ? MinQueueFactor : MinQueueFactorSaturated),
                Ev("utilization", utilization, "ratio", MinUtilization),
            };
            if (rates.Count >= 3)
            {
                evidence.Add(Ev("throughputCv", cv, "ratio", MaxThroughputCv));
            }

            if (elasticity is { } el && spread is { } sp && lowLoad is null)
            {
                evidence.Add(Ev("inFlightSpread", sp, "ratio", MinInFlightSpread));
                evidence.Add(Ev("throughputElasticity", el, "ratio", MaxElasticity));
            }

            if (lowLoad is { } l)
            {
                var users = view.Run.Settings.Users ?? 0;
                var thinkMs = (view.Run.Settings.ThinkTimeMinMs + view.Run.Settings.ThinkTimeMaxMs) / 2;
                evidence.Add(Ev("lowLoadLatency", l, "ms"));
                evidence.Add(Ev("users", users, "count"));
                evidence.Add(Ev("expectedLatency", Math.Max(0, (1000.0 * users / x) - thinkMs), "ms"));
            }

            yield return new Finding(
                Id,
                severity,
                e.Name,
                singleServer
                    ? $"Requests queue behind one serialized resource (service time ≈ {Ms(serviceMs)}, capacity ≈ {Rate(x)})"
                    : $"Requests queue behind a saturated serialized resource (throughput pinned at ≈ {Rate(x)}: service time ≈ {Ms(serviceMs)} if it is one server)",
                evidence,
                new Recommendation(
                    RecommendationTier.ShortTerm,
                    $"Find the lock, single writer, single connection, single worker process or single-threaded stage behind {e.Name}: about {Ms(serviceMs)} of exclusive work per request caps it at ≈ {Rate(x)}, and the other {Num(Math.Max(0, inFlight - 1), "0.#")} requests in flight wait (mean {Ms(r)} against {Ms(lowLoad ?? w)} of work{(lowLoad is null ? " (the fastest request)" : " at low load")}). Shrink or split the critical section, or partition the resource; more users, threads or instances will not raise its throughput."));
        }
    }

    private static double Quantile(List<double> sorted, double q)
    {
        var pos = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(sorted.Count - 1, lo + 1);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (pos - lo));
    }

    /// <summary>OLS slope of ln X on ln N: ≈ 1 when throughput follows concurrency, ≈ 0 when it is capped.</summary>
    private static double Elasticity(List<(double X, double N)> points)
    {
        var lx = points.Select(p => Math.Log(p.N)).ToList();
        var ly = points.Select(p => Math.Log(p.X)).ToList();
        var mx = lx.Average();
        var my = ly.Average();
        var sxx = lx.Sum(v => (v - mx) * (v - mx));
        if (sxx <= 0)
        {
            return 1;
        }

        return lx.Zip(ly, (a, b) => (a - mx) * (b - my)).Sum() / sxx;
    }
}
