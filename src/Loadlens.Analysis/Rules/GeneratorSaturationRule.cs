using Loadlens.Analysis.Statistics;
using Loadlens.Core.Findings;
using Loadlens.Core.Statistics;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>generator-saturation</c>: the load generator could not produce the intended load, so every other
/// figure is suspect (research §2.2 and §7 #12). Three independent signals:
/// <list type="bullet">
/// <item>the generator reported itself saturated (<see cref="Core.Results.GeneratorStats.Saturated"/>): warning;</item>
/// <item>open model: dropped arrivals, or an achieved rate below 95 % of the intended rate (critical below
/// 80 %), or more than 1 % of arrivals sent late;</item>
/// <item>closed model, Loadlens runs only (imported results do not record think time): Little's law
/// N_eff = X·(R + Z) over the steady intervals is below 90 % of the active users (critical below 70 %),
/// i.e. users spent time neither waiting for a completed response nor thinking, and the generator's own counters
/// agree (it reported itself saturated, or its peak CPU use reached 80 % of its cores). Without them the users were
/// waiting in a queue still filling or on requests that never finished, which <c>no-steady-state</c> reports.</item>
/// </list>
/// </summary>
internal sealed class GeneratorSaturationRule : IRule
{
    internal const double MinAchievedShare = 0.95;
    internal const double CriticalAchievedShare = 0.8;
    internal const double MaxLateShare = 0.10;
    internal const double MinLittleRatio = 0.9;
    internal const double CriticalLittleRatio = 0.7;

    /// <summary>The Little's-law signal counts only when the generator's own peak CPU use reached this share of its cores.</summary>
    internal const double MinBusyCpu = 0.8;

    public string Id => RuleIds.GeneratorSaturation;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        var run = view.Run;
        if (run.Generator is { Saturated: true } g)
        {
            yield return new Finding(
                Id,
                FindingSeverity.Warning,
                null,
                "The load generator was saturated: " + (string.IsNullOrWhiteSpace(g.SaturationReason) ? "it ran out of CPU" : g.SaturationReason.Trim().TrimEnd('.')),
                [Ev("cpuUtilization", g.CpuUtilization * 100, "%"), Ev("peakCpuUtilization", g.PeakCpuUtilization * 100, "%"), Ev("cpuPerRequest", g.CpuMicrosPerRequest, "µs")],
                new Recommendation(
                    RecommendationTier.Immediate,
                    "Rerun with the generator on its own machine (or with fewer users per generator): a saturated generator measures itself, and latency figures from this run are inflated."));
        }

        if (run.Arrivals is { Intended: > 0 } a)
        {
            var achievedShare = a.IntendedRate > 0 ? a.AchievedRate / a.IntendedRate : 1;
            var lateShare = a.Sent > 0 ? (double)a.Late / a.Sent : 0;
            if (a.Dropped > 0 || achievedShare < MinAchievedShare || lateShare > MaxLateShare)
            {
                var critical = achievedShare < CriticalAchievedShare;
                yield return new Finding(
                    Id,
                    critical ? FindingSeverity.Critical : FindingSeverity.Warning,
                    null,
                    $"The open-model schedule fell behind: {Rate(a.AchievedRate)} sent of {Rate(a.IntendedRate)} intended, {a.Dropped} dropped, {a.Late} late",
                    [
                        Ev("intendedRate", a.IntendedRate, "req/s"),
                        Ev("achievedRate", a.AchievedRate, "req/s"),
                        Ev("achievedShare", achievedShare * 100, "%", MinAchievedShare * 100),
                        Ev("dropped", a.Dropped, "count"),
                        Ev("lateShare", lateShare * 100, "%", MaxLateShare * 100),
                        Ev("maxSendLag", a.MaxSendLagMs, "ms"),
                    ],
                    new Recommendation(
                        RecommendationTier.Immediate,
                        a.Dropped > 0
                            ? $"Raise --max-in-flight (arrivals were dropped at the cap) or lower the rate: {a.Dropped} arrivals never went out, so the tail latency understates what users would see."
                            : "Give the generator more CPU or lower the rate: arrivals left late, so the latency figures understate what users would see."));
            }
        }

        // Little's law alone cannot tell an idle generator from users waiting in a queue that is still filling
        // (no-steady-state) or on requests that never finished: blame the generator only when its own counters agree.
        if (run.Settings.Model == "closed" && string.Equals(run.Source.Tool, "loadlens", StringComparison.OrdinalIgnoreCase)
            && run.Generator is { } own && (own.Saturated || own.PeakCpuUtilization >= MinBusyCpu))
        {
            var thinkMs = (run.Settings.ThinkTimeMinMs + run.Settings.ThinkTimeMaxMs) / 2;
            var ratios = new List<double>();
            var users = new List<double>();
            foreach (var i in view.Steady)
            {
                if (i.ActiveUsers <= 0 || i.Total.Requests == 0 || i.DurationSeconds <= 0)
                {
                    continue;
                }

                var x = RequestRates.PerSecond(i.Total.Requests, i.DurationSeconds);
                var nEff = LittlesLaw.Concurrency(x, i.Total.Latency.Mean, thinkMs);
                ratios.Add(nEff / i.ActiveUsers);
                users.Add(i.ActiveUsers);
            }

            if (ratios.Count >= 3)
            {
                var ratio = Robust.Median(ratios);
                var n = Robust.Median(users);
                if (ratio < MinLittleRatio && n * (1 - ratio) >= 1)
                {
                    yield return new Finding(
                        Id,
                        ratio < CriticalLittleRatio ? FindingSeverity.Critical : FindingSeverity.Warning,
                        null,
                        $"Only ≈ {Num(n * ratio, "0.#")} of {Num(n, "0")} users were busy (Little's law): the generator could not keep them all going",
                        [
                            Ev("users", n, "count"),
                            Ev("effectiveUsers", n * ratio, "count"),
                            Ev("littleRatio", ratio, "ratio", MinLittleRatio),
                            Ev("thinkTime", thinkMs, "ms"),
                        ],
                        new Recommendation(
                            RecommendationTier.Immediate,
                            "Give the generator more CPU (its own machine, fewer users per generator) and check client-side limits (connection pool, ports): users spent time neither waiting for responses nor thinking, so throughput and latency are understated."));
                }
            }
        }
    }
}
