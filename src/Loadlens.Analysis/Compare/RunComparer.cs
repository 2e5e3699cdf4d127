using System.Globalization;
using Loadlens.Analysis.Statistics;
using Loadlens.Core.Results;

namespace Loadlens.Analysis.Compare;

/// <summary>
/// Compares two runs the way docs/compare.md describes: per matched endpoint and overall, each metric's per-interval
/// values (warm-up excluded) go through a Mann–Whitney U test, a moving-block bootstrap of the interval histograms gives
/// the confidence interval of the relative change, and an effect-size threshold turns "significant" into a verdict
/// (faster, slower, same or inconclusive). Deterministic for given options (seeded bootstrap).
/// </summary>
public static class RunComparer
{
    /// <summary>Compare <paramref name="candidate"/> against <paramref name="baseline"/>.</summary>
    /// <param name="baseline">The reference run.</param>
    /// <param name="candidate">The run being judged.</param>
    /// <param name="options">Thresholds, metrics, gate; null: <see cref="ComparisonOptions.Default"/>.</param>
    /// <param name="baselineLabel">How the user named the baseline (path, <c>@last:main</c>); default its run name.</param>
    /// <param name="candidateLabel">How the user named the candidate.</param>
    public static ComparisonReport Compare(RunResult baseline, RunResult candidate, ComparisonOptions? options = null, string? baselineLabel = null, string? candidateLabel = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        return Compare([baseline], [candidate], options, baselineLabel, candidateLabel);
    }

    /// <summary>
    /// Compare replicate runs: <paramref name="baselines"/> (e.g. the last five runs of main from the history) against
    /// <paramref name="candidates"/> (one or more runs of the change). Each side's figure is the mean of its runs' figures;
    /// the spread between the runs of a side (pooled over both sides, on a log scale) is the run-to-run noise, and the
    /// confidence interval carries it (a Student-t term per side, docs/compare.md "Run-to-run noise"). With one run on each
    /// side only <see cref="ComparisonOptions.RunNoise"/> (when given) stands for it.
    /// </summary>
    /// <param name="baselines">The reference runs (the first one names the endpoints and the settings).</param>
    /// <param name="candidates">The runs being judged.</param>
    /// <param name="options">Thresholds, metrics, gate; null: <see cref="ComparisonOptions.Default"/>.</param>
    /// <param name="baselineLabel">How the user named the baseline.</param>
    /// <param name="candidateLabel">How the user named the candidate.</param>
    public static ComparisonReport Compare(IReadOnlyList<RunResult> baselines, IReadOnlyList<RunResult> candidates, ComparisonOptions? options = null, string? baselineLabel = null, string? candidateLabel = null)
    {
        ArgumentNullException.ThrowIfNull(baselines);
        ArgumentNullException.ThrowIfNull(candidates);
        if (baselines.Count == 0 || candidates.Count == 0)
        {
            throw new ArgumentException("each side needs at least one run");
        }

        options ??= ComparisonOptions.Default;
        Validate(options);

        var baseline = baselines[0];
        var candidate = candidates[0];
        var a = new Side(baselines, 1);
        var b = new Side(candidates, 2);
        var (pairs, unmatchedA, unmatchedB) = Match(baseline.Endpoints, candidate.Endpoints);
        var overall = CompareRow(baseline.Total, candidate.Total, a, b, options);
        var rows = pairs.Select(p => CompareRow(p.Baseline, p.Candidate, a, b, options)).ToList();

        var gated = rows.Prepend(overall)
            .SelectMany(r => r.Metrics.Where(m => options.GatedMetrics.Contains(m.Metric, StringComparer.OrdinalIgnoreCase)).Select(m => (Row: r, Metric: m)))
            .ToList();
        var regressions = gated
            .Where(g => g.Metric.Verdict == ComparisonVerdict.Slower && g.Metric.Baseline is { } && g.Metric.Candidate is { }
                && (g.Metric.RelativeChange is not { } rel || Math.Abs(rel) >= options.RegressionThreshold))
            .Select(g => new Regression(g.Row.Name, g.Metric.Metric, g.Metric.Baseline!.Value, g.Metric.Candidate!.Value, g.Metric.RelativeChange ?? double.PositiveInfinity, options.RegressionThreshold))
            .ToList();
        var verdicts = gated.Select(g => g.Metric.Verdict).ToList();
        var verdict = verdicts.Contains(ComparisonVerdict.Slower) ? ComparisonVerdict.Slower
            : verdicts.Contains(ComparisonVerdict.Faster) ? ComparisonVerdict.Faster
            : verdicts.Count > 0 && verdicts.All(v => v == ComparisonVerdict.Same) ? ComparisonVerdict.Same
            : ComparisonVerdict.Inconclusive;

        string? notComparable = null;
        if (baseline.Total.Requests == 0 || candidate.Total.Requests == 0)
        {
            notComparable = $"the {(baseline.Total.Requests == 0 ? "baseline" : "candidate")} measured no request after its warm-up";
        }
        else if (pairs.Count == 0 && baseline.Endpoints.Count > 0 && candidate.Endpoints.Count > 0)
        {
            notComparable = $"no endpoint matches: the baseline has {List(baseline.Endpoints)}, the candidate {List(candidate.Endpoints)}";
        }

        return new ComparisonReport
        {
            Baseline = a.Describe(baselineLabel),
            Candidate = b.Describe(candidateLabel),
            Overall = overall,
            Endpoints = rows,
            UnmatchedBaseline = unmatchedA,
            UnmatchedCandidate = unmatchedB,
            Warnings = Warnings(baseline, candidate, a, b, options),
            RunNoise = RunNoiseNote(a, b, options),
            Regressions = regressions,
            Verdict = verdict,
            NotComparableReason = notComparable,
            Options = options,
        };
    }

    /// <summary>Throws <see cref="ArgumentException"/> for options no comparison can use (the pipeline reports them as bad usage).</summary>
    public static void Validate(ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.MinEffect >= 0 && options.MinEffect < 10))
        {
            throw new ArgumentException("the effect threshold (--min-effect) must be between 0 and 1000 %");
        }

        if (options.FailOnRegression is { } fail && !(fail >= 0 && fail < 10))
        {
            throw new ArgumentException("--fail-on-regression must be between 0 and 1000 %");
        }

        if (!(options.Alpha > 0 && options.Alpha < 1) || !(options.Confidence > 0 && options.Confidence < 1) || options.Resamples < 100 || options.MinIntervals < 2)
        {
            throw new ArgumentException("alpha and confidence are between 0 and 1, at least 100 resamples and 2 intervals");
        }

        if (options.GatedMetrics.FirstOrDefault(g => ComparisonMetrics.Find(options.Metrics, g) is null) is { } unknown)
        {
            throw new ArgumentException($"unknown metric '{unknown}' (metrics: {string.Join(", ", options.Metrics.Select(m => m.Id))})");
        }
    }

    /// <summary>Pair endpoints: same name first, then the same method + normalised path, then the same path when a method is unknown.</summary>
    internal static (List<(EndpointResult Baseline, EndpointResult Candidate)> Pairs, List<string> UnmatchedBaseline, List<string> UnmatchedCandidate) Match(
        IReadOnlyList<EndpointResult> baseline, IReadOnlyList<EndpointResult> candidate)
    {
        var left = candidate.Where(e => !e.IsAggregate).ToList();
        var pairs = new List<(EndpointResult, EndpointResult)>();
        var unmatched = new List<string>();
        var rest = new List<EndpointResult>();
        foreach (var e in baseline.Where(e => !e.IsAggregate))
        {
            if (left.FirstOrDefault(c => string.Equals(c.Name, e.Name, StringComparison.Ordinal) && string.Equals(c.Method, e.Method, StringComparison.OrdinalIgnoreCase)) is { } same)
            {
                pairs.Add((e, same));
                left.Remove(same);
            }
            else
            {
                rest.Add(e);
            }
        }

        foreach (var e in rest)
        {
            var key = EndpointKeys.Key(e);
            var match = left.FirstOrDefault(c => string.Equals(EndpointKeys.Key(c), key, StringComparison.Ordinal));
            if (match is null)
            {
                var path = EndpointKeys.PathOf(key);
                var byPath = left.Where(c => string.Equals(EndpointKeys.PathOf(EndpointKeys.Key(c)), path, StringComparison.Ordinal)
                    && (e.Method.Length == 0 || c.Method.Length == 0)).ToList();
                match = byPath.Count == 1 ? byPath[0] : null;
            }

            if (match is null)
            {
                unmatched.Add(e.Name);
            }
            else
            {
                pairs.Add((e, match));
                left.Remove(match);
            }
        }

        var order = baseline.Select((e, i) => (e, i)).ToDictionary(x => x.e, x => x.i);
        pairs.Sort((x, y) => order[x.Item1].CompareTo(order[y.Item1]));
        return (pairs, unmatched, left.Select(e => e.Name).ToList());
    }

    private static EndpointComparison CompareRow(EndpointResult baseline, EndpointResult candidate, Side a, Side b, ComparisonOptions options)
    {
        var metrics = new List<MetricComparison>();
        foreach (var metric in options.Metrics)
        {
            var sa = a.Measure(metric, baseline);
            var sb = b.Measure(metric, candidate);
            if (sa.Count == 0 && sb.Count == 0)
            {
                continue;
            }

            metrics.Add(Decide(metric, sa, sb, a, b, options));
        }

        return new EndpointComparison(baseline.Name, EndpointKeys.Key(baseline), candidate.Name, metrics);
    }

    /// <summary>The verdict rule of docs/compare.md for one metric.</summary>
    internal static MetricComparison Decide(IComparisonMetric metric, IReadOnlyList<MetricSeries> runsA, IReadOnlyList<MetricSeries> runsB, Side sideA, Side sideB, ComparisonOptions options)
    {
        var a = Combine(runsA);
        var b = Combine(runsB);
        var noise = RunNoise.Estimate(runsA, runsB, options.RunNoise);
        MetricComparison Result(ComparisonVerdict verdict, string reason, double? ciLow = null, double? ciHigh = null, double? p = null)
        {
            double? change = a is not null && b is not null ? b.Value - a.Value : null;
            double? relative = change is { } c && a!.Value != 0 ? c / Math.Abs(a.Value) : null;
            return new MetricComparison(metric.Id, metric.Unit, metric.HigherIsBetter, a?.Value, b?.Value, change, relative, ciLow, ciHigh, p, verdict, reason)
            {
                RunNoise = noise.Sigma > 0 ? Math.Round(noise.Sigma, 4) : null,
            };
        }

        if (a is null || b is null)
        {
            return Result(ComparisonVerdict.Inconclusive, $"not measured in the {(a is null ? "baseline" : "candidate")}");
        }

        var va = a.PerInterval.Where(double.IsFinite).ToList();
        var vb = b.PerInterval.Where(double.IsFinite).ToList();
        if (va.Count == 0 || vb.Count == 0)
        {
            return Result(ComparisonVerdict.Inconclusive, $"no per-interval data in the {(va.Count == 0 ? "baseline" : "candidate")} (a summary without a time series cannot be tested)");
        }

        if (va.Count < options.MinIntervals || vb.Count < options.MinIntervals)
        {
            return Result(ComparisonVerdict.Inconclusive, $"too few intervals: {va.Count} and {vb.Count}, need {options.MinIntervals} in each run");
        }

        if (a.TailShare > 0 && Math.Min(a.SampleCount, b.SampleCount) * a.TailShare < options.MinTailSamples)
        {
            var needed = (long)Math.Ceiling(options.MinTailSamples / a.TailShare);
            var few = string.Create(CultureInfo.InvariantCulture, $"too few requests for {metric.Id}: {Math.Min(a.SampleCount, b.SampleCount)}, need {needed} in each run ({options.MinTailSamples} beyond the percentile)");
            if (runsA.Count == 1 && runsB.Count == 1 && a.Ranked is { } ra && b.Ranked is { } rb
                && OrderStatisticBounds(metric, a.TailShare, ra, rb, options, noise.Sigma) is { } bounds)
            {
                return Result(bounds.Verdict, $"{few} for the bootstrap; {bounds.Reason}", bounds.Low, bounds.High);
            }

            return Result(ComparisonVerdict.Inconclusive, few);
        }

        var change = b.Value - a.Value;
        var floor = metric.AbsoluteFloor;
        var theta = a.Value != 0 ? Math.Max(options.MinEffect, floor / Math.Abs(a.Value)) : options.MinEffect;
        var p = MannWhitney.Test(va, vb).PValue;
        if (Math.Abs(change) <= floor && floor > 0)
        {
            return Result(ComparisonVerdict.Same, string.Create(CultureInfo.InvariantCulture, $"change within {floor:0.###} {metric.Unit}"), p: p);
        }

        double? ciLow = null, ciHigh = null, decideLow = null, decideHigh = null;
        if (a.Value != 0 && runsA.All(r => r.Resample is not null) && runsB.All(r => r.Resample is not null))
        {
            var resamples = options.Resamples;
            var noiseA = noise.Draws(runsA.Count, resamples, new Random(unchecked((options.Seed * 17) + 101) & int.MaxValue));
            var noiseB = noise.Draws(runsB.Count, resamples, new Random(unchecked((options.Seed * 17) + 202) & int.MaxValue));
            var ratios = new List<double>(resamples);
            for (var i = 0; i < resamples; i++)
            {
                var x = sideA.Statistic(runsA, i, options) * noiseA[i];
                var y = sideB.Statistic(runsB, i, options) * noiseB[i];
                if (double.IsFinite(x) && double.IsFinite(y) && x != 0)
                {
                    ratios.Add((y / x) - 1);
                }
            }

            if (ratios.Count >= resamples * 9 / 10)
            {
                var sorted = ratios.Order().ToArray();
                var tail = (1 - options.Confidence) / 2;
                ciLow = BlockBootstrap.Quantile(sorted, tail);
                ciHigh = BlockBootstrap.Quantile(sorted, 1 - tail);

                // The decision is at the test's level α: the (1 − α) interval must exclude no change too, so a verdict is
                // as strict as the rank test (the reported interval stays at the chosen confidence).
                decideLow = BlockBootstrap.Quantile(sorted, options.Alpha / 2);
                decideHigh = BlockBootstrap.Quantile(sorted, 1 - (options.Alpha / 2));
            }
        }

        var rel = a.Value != 0 ? change / Math.Abs(a.Value) : (double?)null;
        var worse = metric.HigherIsBetter ? change < 0 : change > 0;
        var direction = worse ? ComparisonVerdict.Slower : ComparisonVerdict.Faster;
        var thetaText = Pct(theta);
        var ciText = (ciLow is { } lo && ciHigh is { } hi ? $"{Pct(lo, true)} … {Pct(hi, true)}" : "n/a") + noise.Describe();
        var pText = p.ToString("0.####", CultureInfo.InvariantCulture);

        if (ciLow is { } l && ciHigh is { } h && l >= -theta && h <= theta)
        {
            return Result(ComparisonVerdict.Same, $"CI {ciText} within ±{thetaText}", ciLow, ciHigh, p);
        }

        var significant = p < options.Alpha;
        var ciAgrees = decideLow is not { } low || decideHigh is not { } high || (change > 0 ? low > 0 : high < 0);
        var bigEnough = rel is { } r ? Math.Abs(r) >= theta : Math.Abs(change) > floor;
        if (significant && bigEnough && ciAgrees)
        {
            return Result(direction, $"p = {pText} < {options.Alpha.ToString("0.###", CultureInfo.InvariantCulture)}, change ≥ {thetaText}, CI {ciText}", ciLow, ciHigh, p);
        }

        if (significant && !bigEnough)
        {
            // "Same" claims the change is within ±θ: without an interval the rank test's small effect says so; with one
            // that reaches beyond ±θ (e.g. widened by the run-to-run noise) the data cannot tell.
            return ciLow is null || ciHigh is null
                ? Result(ComparisonVerdict.Same, $"significant (p = {pText}) but smaller than {thetaText}", ciLow, ciHigh, p)
                : Result(ComparisonVerdict.Inconclusive, $"the change is below {thetaText} but the CI {ciText} reaches beyond ±{thetaText}", ciLow, ciHigh, p);
        }

        return Result(
            ComparisonVerdict.Inconclusive,
            significant ? $"p = {pText} but the {Pct(1 - options.Alpha)} interval ({Pct(decideLow ?? double.NaN, true)} … {Pct(decideHigh ?? double.NaN, true)}) includes no change (CI {ciText})" : $"not significant (p = {pText}) and the CI {ciText} is wider than ±{thetaText}",
            ciLow,
            ciHigh,
            p);
    }

    /// <summary>
    /// A tail percentile with too few samples beyond it for the bootstrap, decided by exact order-statistic bounds
    /// (<see cref="OrderStatistics"/>): the candidate is faster when its percentile's upper bound lies below the baseline's
    /// lower bound by more than the effect threshold (and slower the other way round), each bound one-sided at α/2, so the
    /// claim holds at level α whatever the shape of the latency distribution. Run-to-run noise (σ) widens each bound by
    /// e^{2σ}. Anything else stays inconclusive (null). The interval reported is the change between the bounds: from the
    /// candidate's lower over the baseline's upper to the candidate's upper over the baseline's lower.
    /// </summary>
    private static (ComparisonVerdict Verdict, string Reason, double? Low, double? High)? OrderStatisticBounds(
        IComparisonMetric metric, double tailShare, RankedSample a, RankedSample b, ComparisonOptions options, double sigma)
    {
        var q = 1 - tailShare;
        var level = options.Alpha / 2;
        var (aLow, aHigh) = OrderStatistics.QuantileRanks(a.Count, q, level);
        var (bLow, bHigh) = OrderStatistics.QuantileRanks(b.Count, q, level);
        var widen = Math.Exp(2 * sigma);
        double? Bound(RankedSample s, long? rank, bool upper) => rank is { } k && s.ValueAt(k) is var v && v > 0 ? (upper ? v * widen : v / widen) : null;
        var aLo = Bound(a, aLow, upper: false);
        var aHi = Bound(a, aHigh, upper: true);
        var bLo = Bound(b, bLow, upper: false);
        var bHi = Bound(b, bHigh, upper: true);
        double? low = bLo is { } x && aHi is { } y ? (x / y) - 1 : null;
        double? high = bHi is { } z && aLo is { } w ? (z / w) - 1 : null;
        var theta = options.MinEffect;
        string Ms(double? v) => v is { } m ? m.ToString("0.##", CultureInfo.InvariantCulture) + " " + metric.Unit : "unbounded";
        var conf = (1 - level).ToString("0.#%", CultureInfo.InvariantCulture);
        ComparisonVerdict Direction(bool lower) => lower == metric.HigherIsBetter ? ComparisonVerdict.Slower : ComparisonVerdict.Faster;
        if (high is { } h && h <= -theta)
        {
            return (Direction(lower: true), $"exact order-statistic bounds ({conf} each): the candidate's {metric.Id} ≤ {Ms(bHi)} against the baseline's ≥ {Ms(aLo)}, a change of at most {Pct(h, true)}", low, high);
        }

        if (low is { } l && l >= theta)
        {
            return (Direction(lower: false), $"exact order-statistic bounds ({conf} each): the candidate's {metric.Id} ≥ {Ms(bLo)} against the baseline's ≤ {Ms(aHi)}, a change of at least {Pct(l, true)}", low, high);
        }

        return null;
    }

    private static List<ComparabilityWarning> Warnings(RunResult a, RunResult b, Side sa, Side sb, ComparisonOptions options)
    {
        var warnings = new List<ComparabilityWarning>();
        void Add(string code, string message) => warnings.Add(new ComparabilityWarning(code, message));
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        var closed = a.Settings.Model == "closed" && b.Settings.Model == "closed";
        if (!string.Equals(a.Settings.Model, b.Settings.Model, StringComparison.OrdinalIgnoreCase))
        {
            Add("load-model", $"different load models: the baseline is {a.Settings.Model}, the candidate {b.Settings.Model}; latency under a closed and an open model are not the same quantity");
        }
        else if (closed && a.Settings.Users != b.Settings.Users && a.Settings.Users is not null && b.Settings.Users is not null)
        {
            Add("load-level", $"different load: {a.Settings.Users} users in the baseline, {b.Settings.Users} in the candidate");
        }
        else if (!closed && a.Settings.Rate is { } ra && b.Settings.Rate is { } rb && Math.Abs(ra - rb) > 0.01 * Math.Max(ra, rb))
        {
            Add("load-level", $"different arrival rates: {F(ra)} req/s in the baseline, {F(rb)} req/s in the candidate");
        }

        var xa = a.RateOf(a.Total);
        var xb = b.RateOf(b.Total);
        if (xa > 0 && xb > 0 && Math.Abs((xb / xa) - 1) > options.MaxRateDifference)
        {
            var message = $"the achieved rate differs by {Pct((xb / xa) - 1, true)} ({F(xa)} → {F(xb)} req/s)";
            Add("achieved-rate", closed
                ? message + "; in a closed model latency moves with load, so compare at a fixed arrival rate (--rate) to separate the two"
                : message + "; the runs did not carry the same load");
        }

        var wa = a.WarmupSeconds;
        var wb = b.WarmupSeconds;
        if (Math.Abs(wa - wb) > Math.Max(0.5, 0.1 * Math.Max(wa, wb)))
        {
            Add("warm-up", $"different warm-up: {F(wa)} s in the baseline, {F(wb)} s in the candidate");
        }

        foreach (var (run, which) in new[] { (a, "baseline"), (b, "candidate") })
        {
            if (run.Generator is { Saturated: true } g)
            {
                Add("generator-saturated", $"the load generator was saturated in the {which} run ({g.SaturationReason}): it measured itself, not the server");
            }

            if (!run.Outcome.Completed)
            {
                Add("incomplete", $"the {which} run did not complete ({run.Outcome.StopReason})");
            }
        }

        if (Math.Abs(a.Settings.IntervalSeconds - b.Settings.IntervalSeconds) > 1e-9)
        {
            Add("interval", $"different interval lengths: {F(a.Settings.IntervalSeconds)} s and {F(b.Settings.IntervalSeconds)} s");
        }

        if (!string.Equals(a.Source.Tool, b.Source.Tool, StringComparison.OrdinalIgnoreCase))
        {
            Add("tool", $"measured by different tools: {a.Source.Tool} and {b.Source.Tool} (their latency definitions may differ)");
        }

        foreach (var (side, which) in new[] { (sa, "baseline"), (sb, "candidate") })
        {
            if (side.Intervals.Count == 0)
            {
                Add("no-intervals", $"the {which} has no per-interval data ({side.Run.Source.Format}): its verdicts are inconclusive");
            }
        }

        return warnings;
    }

    private static string List(IReadOnlyList<EndpointResult> endpoints)
    {
        var names = endpoints.Where(e => !e.IsAggregate).Select(e => $"'{e.Name}'").ToList();
        return names.Count <= 5 ? string.Join(", ", names) : string.Join(", ", names.Take(5)) + $" and {names.Count - 5} more";
    }

    internal static string Pct(double fraction, bool signed = false)
    {
        var text = (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture);
        return signed && fraction > 0 ? $"+{text} %" : $"{text} %";
    }

    /// <summary>
    /// One side of a comparison: its runs (replicates; the first names the endpoints and settings), the intervals each
    /// run contributes and their cached bootstrap positions.
    /// </summary>
    internal sealed class Side
    {
        private readonly Dictionary<(int Run, int N), int[][]> _positions = [];
        private readonly int _id;

        public Side(IReadOnlyList<RunResult> runs, int id)
        {
            Runs = runs;
            _id = id;
            IntervalsOfRun = [.. runs.Select(MeasuredIntervals)];
        }

        public IReadOnlyList<RunResult> Runs { get; }

        /// <summary>The first run: its endpoints are matched, its settings checked for comparability.</summary>
        public RunResult Run => Runs[0];

        /// <summary>The first run's measured intervals.</summary>
        public IReadOnlyList<TimeSeriesInterval> Intervals => IntervalsOfRun[0];

        public IReadOnlyList<IReadOnlyList<TimeSeriesInterval>> IntervalsOfRun { get; }

        /// <summary>Measured intervals (not warm-up) at least half as long as the interval length (a short trailing interval is left out).</summary>
        private static IReadOnlyList<TimeSeriesInterval> MeasuredIntervals(RunResult run) =>
            [.. run.Intervals.Where(i => !i.Warmup && i.DurationSeconds >= 0.5 * (run.Settings.IntervalSeconds > 0 ? run.Settings.IntervalSeconds : 1))];

        /// <summary>The metric in every run of this side that has <paramref name="endpoint"/> (of the first run), by name, else by key.</summary>
        public IReadOnlyList<MetricSeries> Measure(IComparisonMetric metric, EndpointResult endpoint)
        {
            var series = new List<MetricSeries>(Runs.Count);
            for (var i = 0; i < Runs.Count; i++)
            {
                var run = Runs[i];
                var e = i == 0 ? endpoint
                    : endpoint.IsAggregate ? run.Total
                    : run.Endpoints.FirstOrDefault(x => !x.IsAggregate && string.Equals(x.Name, endpoint.Name, StringComparison.Ordinal))
                      ?? run.Endpoints.FirstOrDefault(x => !x.IsAggregate && string.Equals(EndpointKeys.Key(x), EndpointKeys.Key(endpoint), StringComparison.Ordinal));
                if (e is not null && metric.Measure(run, e, IntervalsOfRun[i]) is { } m)
                {
                    series.Add(m);
                }
            }

            return series;
        }

        /// <summary>Bootstrap resample <paramref name="b"/> of the side's figure: the mean over its runs of each run's resampled statistic.</summary>
        public double Statistic(IReadOnlyList<MetricSeries> runs, int b, ComparisonOptions options)
        {
            var sum = 0.0;
            for (var r = 0; r < runs.Count; r++)
            {
                sum += runs[r].Resample!(Positions(r, runs[r].PerInterval.Count, options)[b]);
            }

            return sum / runs.Count;
        }

        public int[][] Positions(int run, int n, ComparisonOptions options)
        {
            if (!_positions.TryGetValue((run, n), out var positions))
            {
                positions = BlockBootstrap.Positions(n, options.Resamples, new Random(unchecked((options.Seed * 31) + (_id * 1_000_003) + (run * 7919) + n) & int.MaxValue));
                _positions[(run, n)] = positions;
            }

            return positions;
        }

        public ComparedRun Describe(string? label) => new(
            label ?? Run.Name,
            Run.Name,
            Run.Source.Tool,
            Run.StartedAt,
            IntervalsOfRun.Sum(list => list.Count(i => i.Total.Requests > 0)),
            Runs.Sum(r => r.Total.Requests))
        {
            Runs = Runs.Count,
        };
    }

    /// <summary>One side's runs as one series: the mean of the runs' figures, their intervals pooled (for the rank test).</summary>
    private static MetricSeries? Combine(IReadOnlyList<MetricSeries> runs) => runs.Count switch
    {
        0 => null,
        1 => runs[0],
        _ => new MetricSeries(
            runs.Average(r => r.Value),
            [.. runs.SelectMany(r => r.PerInterval)],
            null,
            runs.Min(r => r.SampleCount),
            runs[0].TailShare),
    };

    /// <summary>The report's one line on run-to-run noise: where it comes from, or that it is not in the intervals.</summary>
    private static string RunNoiseNote(Side a, Side b, ComparisonOptions options)
    {
        var runs = $"{a.Runs.Count} baseline run{(a.Runs.Count == 1 ? string.Empty : "s")}, {b.Runs.Count} candidate run{(b.Runs.Count == 1 ? string.Empty : "s")}";
        if (a.Runs.Count + b.Runs.Count > 2)
        {
            return $"{runs}: the run-to-run noise is estimated from the spread between runs of a side and is in every confidence interval" +
                (options.RunNoise is { } given ? $" (at least the given ±{Pct(given)})" : string.Empty);
        }

        return options.RunNoise is { } sigma
            ? $"{runs}: a run-to-run noise of ±{Pct(sigma)} (--run-noise) is in every confidence interval"
            : $"{runs}: the intervals hold the variation within each run only; two runs of the same build also differ from run to run, so compare against several baseline runs (--baseline @last:main --baseline-runs 8, or several files) or give --run-noise for a verdict that includes it";
    }
}
