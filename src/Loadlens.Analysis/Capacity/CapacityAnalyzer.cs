using System.Globalization;
using Loadlens.Analysis.Advice;
using Loadlens.Core.Findings;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;

namespace Loadlens.Analysis.Capacity;

/// <summary>
/// Turns a <see cref="SweepResult"/> into a <see cref="CapacityReport"/>: Little's-law check per step,
/// capacity at SLA, throughput plateau and service-time estimate, USL fit (with the κ = 0 comparison),
/// Kneedle knees, and findings (<c>generator-saturation</c>, <c>serialized-resource</c>,
/// <c>throughput-plateau</c>, <c>pool-exhaustion</c>, <c>retrograde-throughput</c>, <c>contention</c>).
/// </summary>
public static class CapacityAnalyzer
{
    /// <summary>Throughput counts as flat when it grows by less than this share of what linear scaling would add.</summary>
    public const double FlatScalingShare = 0.15;

    /// <summary>Step-to-step throughput noise tolerated by the plateau test (relative).</summary>
    public const double NoiseAllowance = 0.05;

    /// <summary>Relative tolerance of the "latency slope ≈ 1/X" test.</summary>
    public const double SlopeTolerance = 0.15;

    /// <summary>Closed model: a step whose Little's-law ratio X·(R+Z)/N is below this was not driven as configured.</summary>
    public const double LittleRatioFloor = 0.9;

    /// <summary>Analyse a sweep.</summary>
    public static CapacityReport Analyze(SweepResult sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var closed = !string.Equals(sweep.Model, "open", StringComparison.OrdinalIgnoreCase);
        var notes = new List<string>();
        var steps = sweep.Steps
            .Where(s => s.Result.Total.Requests > 0)
            .OrderBy(s => s.Level)
            .ThenBy(s => s.Index)
            .Select(s => Figures(s, sweep, closed))
            .ToList();
        if (steps.Count < sweep.Steps.Count)
        {
            notes.Add($"{sweep.Steps.Count - steps.Count} step(s) completed no request and are left out");
        }

        var findings = new List<Finding>();
        var capacity = CapacityAtSla(steps, sweep);
        if (steps.Count == 0)
        {
            notes.Add("no step completed any request: nothing to analyse");
            return new CapacityReport { Model = closed ? "closed" : "open", Steps = steps, Capacity = capacity, Findings = findings, Notes = notes };
        }

        GeneratorFinding(steps, closed, findings);

        // Plateau and USL use the steps within the error limit that the generator drove properly:
        // failing steps are judged by the pool-exhaustion rule, generator-limited ones measure the generator.
        UslFit? usl = null;
        var usable = steps.Where(s => s.ErrorRate <= sweep.MaxErrorRate && !s.GeneratorLimited && s.Goodput > 0).ToList();
        if (usable.Count < steps.Count)
        {
            notes.Add($"the plateau test and the USL fit leave out {steps.Count - usable.Count} step(s) above the error limit or limited by the generator");
        }

        var plateau = closed ? ClosedPlateau(usable, steps) : OpenPlateau(usable, steps);

        var points = usable.Select(s => new UslPoint(closed ? s.Level : s.LittleConcurrency, s.Goodput)).Where(p => p.Concurrency > 0).ToList();
        if (points.Select(p => p.Concurrency).Distinct().Count() >= 3)
        {
            usl = UslFitter.Fit(points);
        }
        else
        {
            notes.Add("a USL fit needs at least 3 usable load levels (6 or more recommended)");
        }

        // Knees (levels deduplicated by averaging repeats).
        var byLevel = steps.GroupBy(s => s.Level).OrderBy(g => g.Key).ToList();
        int? throughputKnee = null, latencyKnee = null;
        if (byLevel.Count >= 4)
        {
            var x = byLevel.Select(g => g.Key).ToList();
            var kx = Kneedle.FindKnee(x, byLevel.Select(g => g.Average(s => s.Goodput)).ToList(), CurveShape.Concave);
            var ky = Kneedle.FindKnee(x, byLevel.Select(g => g.Average(s => s.P99Ms)).ToList(), CurveShape.Convex);
            throughputKnee = kx is { } a ? steps.FindIndex(s => s.Level == x[a]) : null;
            latencyKnee = ky is { } b ? steps.FindIndex(s => s.Level == x[b]) : null;
            if (byLevel.Count < 6)
            {
                notes.Add("knees from fewer than 6 levels are indicative only");
            }
        }
        else
        {
            notes.Add("knee detection needs at least 4 load levels");
        }

        int? doubled = null;
        var baseP99 = steps[0].P99Ms;
        for (var i = 1; i < steps.Count; i++)
        {
            if (baseP99 > 0 && steps[i].P99Ms >= 2 * baseP99)
            {
                doubled = i;
                break;
            }
        }

        if (plateau is not null)
        {
            findings.Add(PlateauFinding(plateau, steps, closed, sweep.Environment.ProcessorCount));
        }

        PoolExhaustion(steps, plateau, findings);
        if (usl is not null)
        {
            UslFindings(usl, usable, plateau, closed, findings);
        }

        var ordered = Ordered(findings);
        return new CapacityReport
        {
            Model = closed ? "closed" : "open",
            Steps = steps,
            Usl = usl,
            ConcurrencyMeaning = closed ? "virtual users" : "Little's-law concurrency X·R (open model)",
            ThroughputKnee = throughputKnee,
            LatencyKnee = latencyKnee,
            LatencyDoubledAt = doubled,
            Capacity = capacity,
            Plateau = plateau,
            Findings = ordered,
            Recommendations = RecommendationBuilder.Build(ordered),
            Notes = notes,
        };
    }

    /// <summary>Most severe first, then in <see cref="RuleIds.Capacity"/> order (stable: emission order within a rule).</summary>
    private static List<Finding> Ordered(List<Finding> findings)
        => findings.OrderByDescending(f => f.Severity).ThenBy(f => IndexOf(RuleIds.Capacity, f.RuleId)).ToList();

    private static int IndexOf(IReadOnlyList<string> ids, string id)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] == id)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static StepFigures Figures(SweepStep step, SweepResult sweep, bool closed)
    {
        var r = step.Result;
        var total = r.Total;
        var x = r.RateOf(total);
        var goodput = x * (1 - total.FailureRate);
        var think = closed ? (r.Settings.ThinkTimeMinMs + r.Settings.ThinkTimeMaxMs) / 2 : 0;
        var little = LittlesLaw.Concurrency(x, total.Latency.Mean, think);
        double? ratio = closed && step.Level > 0 ? little / step.Level : null;
        string? reason = null;
        if (r.Generator is { Saturated: true } g)
        {
            reason = g.SaturationReason ?? "the load generator reported saturation";
        }
        else if (ratio is { } q && q < LittleRatioFloor)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"Little's law: X·(R+Z) = {little:0.##} busy users of {step.Level:0.##} configured ({q:P0})");
        }
        else if (!closed && r.Arrivals is { Intended: > 0 } a && (double)(a.Sent + a.Dropped) / a.Intended < 0.95)
        {
            // Dropped arrivals hit the in-flight cap (the target is slow); unsent ones are the generator's.
            reason = string.Create(CultureInfo.InvariantCulture, $"only {(double)(a.Sent + a.Dropped) / a.Intended:P0} of the intended arrivals were dispatched");
        }
        else if (!closed && r.Arrivals is { Sent: > 0 } b && (double)b.Late / b.Sent > 0.5)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"{(double)b.Late / b.Sent:P0} of arrivals were sent more than {b.LateThresholdMs:0.#} ms late");
        }

        var timeouts = total.ErrorCategories.TryGetValue(nameof(ErrorCategory.Timeout), out var t) ? t : 0;
        return new StepFigures
        {
            Index = step.Index,
            Level = step.Level,
            Throughput = x,
            Goodput = goodput,
            Requests = total.Requests,
            MeanMs = total.Latency.Mean,
            P50Ms = total.Latency.P50,
            P95Ms = total.Latency.P95,
            P99Ms = total.Latency.P99,
            ErrorRate = total.FailureRate,
            TimeoutShare = total.Failures > 0 ? (double)timeouts / total.Failures : 0,
            ThinkMs = think,
            LittleConcurrency = little,
            LittleRatio = ratio,
            GeneratorLimited = reason is not null,
            GeneratorReason = reason,
            Violations = StepSla.Violations(r, sweep.Sla, sweep.MaxErrorRate),
        };
    }

    private static SlaCapacity CapacityAtSla(List<StepFigures> steps, SweepResult sweep)
    {
        var criteria = new List<string>();
        foreach (var t in sweep.Sla)
        {
            var scope = t.Endpoint == "*" ? string.Empty : $"{t.Endpoint}: ";
            if (t.P50Ms is { } p50)
            {
                criteria.Add(string.Create(CultureInfo.InvariantCulture, $"{scope}p50 ≤ {p50:0.##} ms"));
            }

            if (t.P95Ms is { } p95)
            {
                criteria.Add(string.Create(CultureInfo.InvariantCulture, $"{scope}p95 ≤ {p95:0.##} ms"));
            }

            if (t.P99Ms is { } p99)
            {
                criteria.Add(string.Create(CultureInfo.InvariantCulture, $"{scope}p99 ≤ {p99:0.##} ms"));
            }

            if (t.MaxErrorRate is { } e)
            {
                criteria.Add(string.Create(CultureInfo.InvariantCulture, $"{scope}errors ≤ {e:0.##%}"));
            }
        }

        criteria.Add(string.Create(CultureInfo.InvariantCulture, $"errors ≤ {sweep.MaxErrorRate:0.##%}"));
        var text = string.Join(", ", criteria.Distinct(StringComparer.Ordinal));
        var best = steps.Select((s, i) => (s, i)).Where(p => p.s.MeetsSla).OrderByDescending(p => p.s.Goodput).FirstOrDefault();
        var failing = steps.FirstOrDefault(s => !s.MeetsSla);
        return best.s is null
            ? new SlaCapacity(null, null, null, null, text, failing?.Level, failing?.Violations[0])
            : new SlaCapacity(best.i, best.s.Goodput, best.s.Level, best.s.P99Ms, text, failing?.Level, failing?.Violations[0]);
    }

    private static void GeneratorFinding(List<StepFigures> steps, bool closed, List<Finding> findings)
    {
        var limited = steps.Where(s => s.GeneratorLimited).ToList();
        if (limited.Count == 0)
        {
            return;
        }

        var first = limited[0];
        var evidence = new List<Evidence> { new("first affected level", first.Level, closed ? "users" : "req/s"), new("affected steps", limited.Count, "count") };
        if (first.LittleRatio is { } ratio)
        {
            evidence.Add(new Evidence("busy users / configured", ratio, "ratio", LittleRatioFloor));
        }

        findings.Add(new Finding(
            RuleIds.GeneratorSaturation,
            FindingSeverity.Warning,
            null,
            string.Create(CultureInfo.InvariantCulture, $"The load generator could not drive {limited.Count} step(s) as configured, from {first.Level:0.##} {(closed ? "users" : "req/s")}: {first.GeneratorReason}"),
            evidence,
            new Recommendation(RecommendationTier.Immediate,
                "Numbers from these steps describe the generator, not the target: run the generator on another machine or with fewer users per generator, and treat findings at these levels as unreliable.")));
    }

    private static Plateau? ClosedPlateau(List<StepFigures> usable, List<StepFigures> steps)
    {
        var start = FlatSuffixStart(usable);
        if (start is not { } p)
        {
            return null;
        }

        var plateau = usable.Skip(p).ToList();
        var ceiling = plateau.Max(s => s.Goodput);

        // On the plateau R = N/X − Z: latency grows by 1/X per user. The reference is the plateau's
        // mean throughput, so step-to-step noise in X (a busy machine) does not break the test.
        var expected = 1000 / plateau.Average(s => s.Goodput);
        var slope = OlsSlope(plateau.Select(s => s.Level).ToList(), plateau.Select(s => s.MeanMs).ToList());
        var linear = slope is { } sl && Math.Abs((sl / expected) - 1) <= SlopeTolerance;

        // Parallelism of the saturated resource: c ≈ X_max · R at low load (Little's law at the
        // resource, assuming it is held for the whole request). R is the lowest step's median, which
        // a few stalled requests cannot move. Unknown when even the lowest step is saturated with
        // more than one user.
        double? c = null;
        var low = usable[0];
        if (p > 0 || low.Level <= 1)
        {
            c = Math.Max(1, ceiling * LowLoadMs(low) / 1000);
        }

        var rounded = c is { } cc ? Math.Max(1, Math.Round(cc)) : 1;
        return new Plateau
        {
            FirstStep = steps.IndexOf(plateau[0]),
            Ceiling = ceiling,
            LatencySlopeMsPerUser = slope,
            ExpectedSlopeMsPerUser = expected,
            LinearLatency = linear,
            EstimatedParallelism = c,
            ServiceTimeMs = 1000 * rounded / ceiling,
        };
    }

    private static Plateau? OpenPlateau(List<StepFigures> usable, List<StepFigures> steps)
    {
        // Open model: from some offered rate on, completions fall clearly behind (< 90 % of the offered
        // rate) and stop growing (within 25 % of each other): at least two such levels, to the end.
        var p = usable.Count;
        while (p > 0 && usable[p - 1].Goodput < 0.9 * usable[p - 1].Level)
        {
            p--;
        }

        var saturated = usable.Skip(p).ToList();
        if (saturated.Select(s => s.Level).Distinct().Count() < 2 || saturated.Max(s => s.Goodput) > 1.25 * saturated.Min(s => s.Goodput))
        {
            return null;
        }

        var ceiling = saturated.Max(s => s.Goodput);
        return new Plateau
        {
            FirstStep = steps.IndexOf(saturated[0]),
            Ceiling = ceiling,
            ExpectedSlopeMsPerUser = 1000 / ceiling,
            LinearLatency = false,
            ServiceTimeMs = 1000 / ceiling,
        };
    }

    /// <summary>
    /// The first step p from which throughput stays flat to the end: every later step j adds less
    /// than <see cref="FlatScalingShare"/> of what linear scaling from p would add
    /// (X_j / X_p − 1 &lt; 0.15 · (N_j / N_p − 1) + 0.05 noise), over at least three levels. Comparing with the
    /// plateau's first step, not with the previous one, keeps one noisy step from splitting a plateau.
    /// </summary>
    private static int? FlatSuffixStart(List<StepFigures> steps)
    {
        for (var p = 0; p < steps.Count; p++)
        {
            var a = steps[p];
            var later = steps.Skip(p + 1).Where(s => s.Level > a.Level).ToList();
            if (!(a.Goodput > 0) || later.Select(s => s.Level).Distinct().Count() < 2)
            {
                continue;
            }

            if (later.All(b => (b.Goodput / a.Goodput) - 1 < (FlatScalingShare * ((b.Level / a.Level) - 1)) + NoiseAllowance))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>Response time at low load, minus think time: the median (robust to stalls) when known, else the mean.</summary>
    private static double LowLoadMs(StepFigures step) => step.P50Ms > 0 ? step.P50Ms : step.MeanMs;

    private static double? OlsSlope(List<double> x, List<double> y) => Statistics.LeastSquares.Slope(x, y);

    private static Finding PlateauFinding(Plateau plateau, List<StepFigures> steps, bool closed, int processors)
    {
        var from = steps[plateau.FirstStep];
        var unit = closed ? "users" : "req/s";
        var evidence = new List<Evidence>
        {
            new("ceiling", plateau.Ceiling, "req/s"),
            new("plateau from", from.Level, unit),
            new("service time at the bottleneck", plateau.ServiceTimeMs, "ms"),
        };
        if (plateau.LatencySlopeMsPerUser is { } slope)
        {
            evidence.Add(new Evidence("latency slope", slope, "ms/user", plateau.ExpectedSlopeMsPerUser));
        }

        if (plateau.EstimatedParallelism is { } c)
        {
            evidence.Add(new Evidence("estimated parallelism c", c, "count"));
        }

        var serialized = closed && plateau.LinearLatency && plateau.EstimatedParallelism is { } p && Math.Round(p) <= 1;
        if (serialized)
        {
            return new Finding(
                RuleIds.SerializedResource,
                FindingSeverity.Warning,
                null,
                string.Create(CultureInfo.InvariantCulture, $"Throughput is capped at {plateau.Ceiling:0.#} req/s by one serialized resource holding each request ≈ {plateau.ServiceTimeMs:0.##} ms"),
                evidence,
                new Recommendation(RecommendationTier.ShortTerm, string.Create(CultureInfo.InvariantCulture,
                    $"From {from.Level:0.##} users on, throughput stays flat while latency grows {plateau.LatencySlopeMsPerUser:0.##} ms per added user (≈ 1/X on the plateau = {plateau.ExpectedSlopeMsPerUser:0.##} ms): requests run one at a time for ≈ {plateau.ServiceTimeMs:0.##} ms each. Find the lock, single connection or single-threaded stage and shorten the time it is held, or let requests run in parallel; more users only add queueing.")));
        }

        string text;
        if (!closed)
        {
            text = string.Create(CultureInfo.InvariantCulture,
                $"From {from.Level:0.##} req/s offered, the target completes at most {plateau.Ceiling:0.#} req/s; the rest queues or is dropped. Each unit of parallelism at the bottleneck spends ≈ {plateau.ServiceTimeMs:0.##} ms per request.");
        }
        else if (plateau.LinearLatency && plateau.EstimatedParallelism is { } cc)
        {
            var cpu = cc >= processors * 0.5 && cc <= processors * 2.5
                ? string.Create(CultureInfo.InvariantCulture, $" c is close to the {processors} cores of the load-generating machine: if the target runs there too and its CPU is near 100 %, this is CPU saturation (make each request cheaper or add cores).")
                : string.Empty;
            text = string.Create(CultureInfo.InvariantCulture,
                $"Latency grows linearly ({plateau.LatencySlopeMsPerUser:0.###} ms per user ≈ 1/X) on the plateau: one saturated resource with ≈ {Math.Max(1, Math.Round(cc)):0} parallel units (pool slots, worker threads or cores), each busy ≈ {plateau.ServiceTimeMs:0.##} ms per request (c/X_max). Raise the pool size or shorten the time each request holds a unit.{cpu}");
        }
        else if (plateau.LinearLatency)
        {
            text = string.Create(CultureInfo.InvariantCulture,
                $"Latency grows linearly ({plateau.LatencySlopeMsPerUser:0.##} ms per user ≈ 1/X): one saturated resource with c/X_max = c × {plateau.ServiceTimeMs:0.##} ms of service time per request; the lowest step is already saturated, so its parallelism c is unknown (add a step at 1 user).");
        }
        else
        {
            text = string.Create(CultureInfo.InvariantCulture,
                $"Throughput stops growing but latency does not rise like a single queue (slope {plateau.LatencySlopeMsPerUser:0.##} ms/user vs. 1/X = {plateau.ExpectedSlopeMsPerUser:0.##} ms/user): look for CPU saturation, several bottlenecks or a rate limiter.");
        }

        return new Finding(
            RuleIds.ThroughputPlateau,
            FindingSeverity.Warning,
            null,
            string.Create(CultureInfo.InvariantCulture, $"Throughput plateaus at {plateau.Ceiling:0.#} req/s from {from.Level:0.##} {unit}"),
            evidence,
            new Recommendation(RecommendationTier.ShortTerm, text));
    }

    private static void PoolExhaustion(List<StepFigures> steps, Plateau? plateau, List<Finding> findings)
    {
        for (var e = 1; e < steps.Count; e++)
        {
            if (steps[e].ErrorRate <= 0.01)
            {
                continue;
            }

            var onsetRate = steps[e].ErrorRate;
            if (steps.Take(e).Any(s => s.ErrorRate > onsetRate / 10))
            {
                return; // errors were already there at lower load: not a threshold
            }

            var prev = steps[e - 1];
            var onset = steps[e];
            var bestBefore = steps.Take(e).Max(s => s.Goodput);
            if (onset.Goodput > 1.05 * bestBefore)
            {
                return; // throughput still growing: errors of another kind
            }

            var ceiling = steps.Max(s => s.Goodput);
            var pool = plateau?.EstimatedParallelism ?? Math.Max(1, ceiling * LowLoadMs(steps[0]) / 1000);
            var evidence = new List<Evidence>
            {
                new("errors begin above", prev.Level, "users"),
                new("errors begin at", onset.Level, "users"),
                new("error rate at onset", onset.ErrorRate * 100, "%", 1),
                new("timeouts among errors", onset.TimeoutShare * 100, "%"),
                new("throughput ceiling", ceiling, "req/s"),
                new("estimated pool size", Math.Round(pool), "count"),
            };
            findings.Add(new Finding(
                RuleIds.PoolExhaustion,
                FindingSeverity.Critical,
                null,
                string.Create(CultureInfo.InvariantCulture, $"Errors start abruptly between {prev.Level:0.##} and {onset.Level:0.##} users while throughput stops growing at {ceiling:0.#} req/s: a pool of ≈ {Math.Round(pool):0} is exhausted"),
                evidence,
                new Recommendation(RecommendationTier.Immediate, string.Create(CultureInfo.InvariantCulture,
                    $"Below {prev.Level:0.##} users there are no errors; at {onset.Level:0.##} users {onset.ErrorRate:P1} fail{(onset.TimeoutShare > 0.5 ? ", mostly by timeout" : string.Empty)}. A connection or worker pool of ≈ {Math.Round(pool):0} (X_max × low-load latency) runs out: raise its size or its wait timeout, and shorten how long each request holds a slot."))));
            return;
        }
    }

    private static void UslFindings(UslFit usl, List<StepFigures> usable, Plateau? plateau, bool closed, List<Finding> findings)
    {
        var unit = closed ? "users" : "concurrent requests";
        if (usl.CoherencySignificant && usable.Count >= 3)
        {
            var peakIndex = usable.Select((s, i) => (s, i)).MaxBy(p => p.s.Goodput).i;
            var last = usable[^1];
            if (peakIndex < usable.Count - 1 && last.Goodput <= 0.9 * usable[peakIndex].Goodput)
            {
                var peak = usable[peakIndex];
                findings.Add(new Finding(
                    RuleIds.RetrogradeThroughput,
                    FindingSeverity.Warning,
                    null,
                    string.Create(CultureInfo.InvariantCulture, $"Throughput falls as load grows: peak {peak.Goodput:0.#} req/s at {peak.Level:0.##} {unit}, {last.Goodput:0.#} req/s at {last.Level:0.##}"),
                    [
                        new Evidence("κ (coherency)", usl.Kappa, "ratio"),
                        new Evidence("σ (contention)", usl.Sigma, "ratio"),
                        new Evidence("N* (fitted peak)", usl.PeakConcurrency ?? double.NaN, unit),
                        new Evidence("fitted peak throughput", usl.PeakThroughput ?? double.NaN, "req/s"),
                        new Evidence("F-test p vs κ = 0", usl.Amdahl.PValue, "ratio", 0.05),
                    ],
                    new Recommendation(RecommendationTier.LongTerm, string.Create(CultureInfo.InvariantCulture,
                        $"Adding load beyond ≈ {usl.PeakConcurrency:0} {unit} reduces throughput (κ = {usl.Kappa:0.###e0}): a cost grows with every pair of concurrent requests (lock convoys, cache-line or cache-invalidation traffic, retries, GC pressure). Cap concurrency near N* (admission control, pool limits) and remove the shared mutable state."))));
                return;
            }
        }

        if (plateau is not null || findings.Any(f => f.RuleId == RuleIds.PoolExhaustion) || !(usl.Sigma > 0.01))
        {
            return;
        }

        var maxN = usable[^1].Level;
        var efficiency = usable[^1].Goodput / (usl.Lambda * (closed ? maxN : usable[^1].LittleConcurrency));
        if (efficiency >= 0.8)
        {
            return;
        }

        var ceiling = usl.Sigma > 0 ? usl.Lambda / usl.Sigma : double.PositiveInfinity;
        findings.Add(new Finding(
            RuleIds.Contention,
            efficiency < 0.5 ? FindingSeverity.Warning : FindingSeverity.Info,
            null,
            string.Create(CultureInfo.InvariantCulture, $"Contention limits scaling: σ = {usl.Sigma:0.###}, {efficiency:P0} efficiency at {maxN:0.##} {(closed ? "users" : "req/s")}, ceiling ≈ {ceiling:0.#} req/s"),
            [
                new Evidence("σ (contention)", usl.Sigma, "ratio"),
                new Evidence("σ standard error", usl.SigmaStdError, "ratio"),
                new Evidence("scaling efficiency at max load", efficiency * 100, "%", 80),
                new Evidence("asymptotic ceiling λ/σ", ceiling, "req/s"),
            ],
            new Recommendation(RecommendationTier.ShortTerm, string.Create(CultureInfo.InvariantCulture,
                $"About {usl.Sigma:P1} of each request's work queues for something shared (a lock, a single writer, a small pool): throughput bends toward λ/σ ≈ {ceiling:0} req/s. Shrink what runs under the shared resource or partition it."))));
    }
}
