using Loadlens.Core.Findings;
using Loadlens.Core.Statistics;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>no-steady-state</c>: the offered load is above what the server completes, and the run ended before (or
/// without) a steady state, so its latencies describe a queue that was still filling (docs/analysis.md).
/// <list type="bullet">
/// <item>Closed model, N users with think time Z on a server completing X req/s: once every user has been
/// through the queue, Little's law gives R_ss = N/X − Z. The queue fills in ≈ N/X seconds after the last user
/// started. Fires when R_ss ≥ 2.5/X (a queue of ≥ 2.5 requests), the measured mean latency is below 80 % of R_ss,
/// latency is still rising (the last third of the steady intervals has a median ≥ 1.3 × the first third's), and
/// the requests outstanding when sending stopped (completed in the drain, or unfinished) are ≥ 1.5 × the in-flight
/// count X·R of the completed ones (Loadlens runs record the drain; imports cannot show this).
/// Rising latency here is the queue filling, not <c>latency-degradation</c>, and users waiting in it are not an
/// idle generator.</item>
/// <item>Open model: the server completed under 90 % of the requests sent per second; the backlog grows by the
/// difference every second and latency without bound.</item>
/// </list>
/// </summary>
internal sealed class NoSteadyStateRule : IRule
{
    internal const double MinQueue = 2.5;
    internal const double MaxLittleShare = 0.8;
    internal const double MinRise = 1.3;
    internal const double MaxCompletedShare = 0.9;
    internal const double MinOutstandingFactor = 1.5;

    public string Id => RuleIds.NoSteadyState;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        var run = view.Run;
        var total = run.Total;
        var x = run.RateOf(total);
        if (total.Requests < options.MinRequests || x <= 0 || view.Steady.Count < 3)
        {
            yield break;
        }

        if (run.Settings.Model == "open")
        {
            if (run.Arrivals is { AchievedRate: > 0 } a && x < MaxCompletedShare * a.AchievedRate)
            {
                yield return new Finding(
                    Id,
                    FindingSeverity.Critical,
                    null,
                    $"Offered {Rate(a.AchievedRate)}, the server completed {Rate(x)}: the load is above its capacity and the backlog grows by ≈ {Rate(a.AchievedRate - x)}",
                    [
                        Ev("offeredRate", a.AchievedRate, "req/s"),
                        Ev("completedRate", x, "req/s", MaxCompletedShare * a.AchievedRate),
                        Ev("backlogGrowth", a.AchievedRate - x, "req/s"),
                        Ev("unfinished", total.Unfinished, "count"),
                    ],
                    new Recommendation(
                        RecommendationTier.Immediate,
                        $"The server completes ≈ {Rate(x)}; at {Rate(a.AchievedRate)} its queue and latency grow for as long as the load lasts, so no percentile of this run is a steady-state figure. Test at or below ≈ {Rate(x)} to measure latency, or raise the capacity (more workers or instances) before this rate."));
            }

            yield break;
        }

        if (run.Settings.Model != "closed" || run.Settings.Users is not > 0)
        {
            yield break;
        }

        var users = (double)run.Settings.Users.Value;
        var thinkMs = (run.Settings.ThinkTimeMinMs + run.Settings.ThinkTimeMaxMs) / 2;
        var steadyLatency = (1000 * users / x) - thinkMs;
        // The latency of the requests completed while sending (the drain's completions waited longest: not the window's).
        var window = view.Steady.Where(i => i.Total.Requests > 0).ToList();
        var measured = window.Count == 0 ? 0 : window.Sum(i => i.Total.Latency.Mean * i.Total.Requests) / window.Sum(i => (double)i.Total.Requests);
        var typical = view.Steady.Where(i => i.Total.Requests > 0).Select(i => RunView.TypicalLatency(i.Total.Latency)).ToList();
        if (typical.Count < 3)
        {
            yield break;
        }

        var third = Math.Max(1, typical.Count / 3);
        var first = Statistics.Robust.Median(typical.Take(third).ToList());
        var last = Statistics.Robust.Median(typical.Skip(typical.Count - third).ToList());
        // In flight when sending stopped (completed in the drain or unfinished) against Little's in-flight of the
        // completed requests: a filling queue holds far more than its completions suggest.
        var outstanding = run.Intervals.Where(i => i.Drain).Sum(i => i.Total.Requests);
        var littleInFlight = LittlesLaw.Concurrency(x, measured);
        if (steadyLatency < MinQueue * 1000 / x || measured >= MaxLittleShare * steadyLatency || !(first > 0) || last < MinRise * first
            || outstanding < MinOutstandingFactor * littleInFlight)
        {
            yield break;
        }

        // The queue has filled once every user went through it: ≈ N/X after the last user started.
        var rampEnd = run.Settings.Stages.Count > 0 ? run.Settings.Stages.TakeWhile(s => s.Target < users).Sum(s => s.DurationSeconds) : 0;
        var fillSeconds = rampEnd + (users / x);
        var ranSeconds = run.DurationSeconds - run.DrainSeconds;
        yield return new Finding(
            Id,
            steadyLatency > options.TailLatencyCriticalMs ? FindingSeverity.Critical : FindingSeverity.Warning,
            null,
            $"{Num(users, "0")} users offer more than the server's ≈ {Rate(x)}: the queue was still filling when the run ended (latency {Ms(first)} → {Ms(last)}; steady state ≈ {Ms(steadyLatency)} after ≈ {Seconds(fillSeconds)})",
            [
                Ev("users", users, "count"),
                Ev("throughput", x, "req/s"),
                Ev("meanLatency", measured, "ms"),
                Ev("expectedLatency", steadyLatency, "ms"),
                Ev("startLatency", first, "ms"),
                Ev("endLatency", last, "ms", MinRise * first),
                Ev("fillTime", fillSeconds, "s"),
                Ev("runTime", ranSeconds, "s"),
                Ev("outstanding", outstanding, "count", MinOutstandingFactor * littleInFlight),
                Ev("unfinished", total.Unfinished, "count"),
            ],
            new Recommendation(
                RecommendationTier.Immediate,
                $"Offered load is above capacity: {Num(users, "0")} users against ≈ {Rate(x)} settle, by Little's law, at ≈ {Ms(steadyLatency)} per request once the queue has filled, which takes ≈ {Seconds(fillSeconds)}; this run ({Seconds(ranSeconds)}) measured the filling, so its latencies understate the steady state. To measure it, run ≥ {Seconds(3 * fillSeconds)} with a warm-up of {Seconds(fillSeconds)}; to stay below capacity, offer less than ≈ {Rate(x)} (users ÷ (work + think time) per user)."));
    }

    private static string Seconds(double s) => Numbers.Significant(s, 3).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
