using Loadlens.Analysis.Compare;
using Loadlens.Analysis.Statistics;
using Loadlens.Core.Results;

namespace Loadlens.Analysis.Tests.Compare;

/// <summary>The verdict method on runs with known differences (real histograms, seeded samples).</summary>
public sealed class RunComparerTests
{
    private static readonly ComparisonOptions Fast = ComparisonOptions.Default with { Resamples = 500 };

    [Fact]
    public void ThirtyPercentSlower_IsSlowerOnEveryLatencyMetric_AndARegressionBeyondTenPercent()
    {
        var report = RunComparer.Compare(Runs.Make(10, seed: 1), Runs.Make(13, seed: 2), Fast with { FailOnRegression = 0.10 });

        foreach (var id in new[] { "mean", "p50", "p95", "p99" })
        {
            var m = report.Overall.Metric(id)!;
            m.Verdict.ShouldBe(ComparisonVerdict.Slower, $"{id}: {m.Reason}");
            m.RelativeChange!.Value.ShouldBeInRange(0.22, 0.38, id);
            m.CiLow!.Value.ShouldBeGreaterThan(0.1, id);
            m.CiHigh!.Value.ShouldBeLessThan(0.5, id);
            m.CiLow!.Value.ShouldBeLessThanOrEqualTo(m.RelativeChange!.Value + 0.02, id);
        }

        report.Verdict.ShouldBe(ComparisonVerdict.Slower);
        report.GateFailed.ShouldBeTrue();
        report.Regressions.Select(r => (r.Endpoint, r.Metric)).ShouldBe([("Aggregated", "p95"), ("GET /api/orders", "p95")], ignoreOrder: true);
        report.Endpoints.ShouldHaveSingleItem().Metric("throughput")!.Verdict.ShouldBe(ComparisonVerdict.Same); // same counts per interval
    }

    [Fact]
    public void ThirtyPercentFaster_IsFaster_NoRegression()
    {
        var report = RunComparer.Compare(Runs.Make(13, seed: 3), Runs.Make(10, seed: 4), Fast with { FailOnRegression = 0.10 });

        report.Overall.Metric("p95")!.Verdict.ShouldBe(ComparisonVerdict.Faster);
        report.Overall.Metric("p95")!.RelativeChange!.Value.ShouldBeInRange(-0.3, -0.16);
        report.Verdict.ShouldBe(ComparisonVerdict.Faster);
        report.Regressions.ShouldBeEmpty();
        report.GateFailed.ShouldBeFalse();
    }

    [Fact]
    public void ThreePercentChange_IsSame_AtTheDefaultThreshold()
    {
        var report = RunComparer.Compare(Runs.Make(10, seed: 5, perInterval: 2000), Runs.Make(10.3, seed: 6, perInterval: 2000), Fast);

        foreach (var id in new[] { "mean", "p50", "p95" })
        {
            var m = report.Overall.Metric(id)!;
            m.Verdict.ShouldBe(ComparisonVerdict.Same, $"{id}: {m.Reason}");
            m.RelativeChange!.Value.ShouldBeInRange(0.0, 0.06, id);
        }

        // With a 1 % threshold the same 3 % is a real slowdown.
        RunComparer.Compare(Runs.Make(10, seed: 5, perInterval: 2000), Runs.Make(10.3, seed: 6, perInterval: 2000), Fast with { MinEffect = 0.01 })
            .Overall.Metric("p50")!.Verdict.ShouldBe(ComparisonVerdict.Slower);
    }

    [Fact]
    public void SameServerTwice_IsSame()
    {
        var report = RunComparer.Compare(Runs.Make(10, seed: 7), Runs.Make(10, seed: 8), Fast);

        report.Verdict.ShouldBe(ComparisonVerdict.Same);
        report.Overall.Metrics.ShouldAllBe(m => m.Verdict != ComparisonVerdict.Slower && m.Verdict != ComparisonVerdict.Faster);
    }

    /// <summary>
    /// Runs of the same build that differ from run to run (each run's median drawn around 10 ms with σ = 6 %), the way
    /// the honesty bench saw on a shared machine: within each run the intervals agree, so one run per side mistakes the
    /// run offset for a change; with five baseline replicates the spread between runs is in the interval.
    /// </summary>
    private static List<RunResult> Replicates(double medianMs, int count, int seed, double runSigma = 0.06)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Runs.Make(medianMs * Math.Exp(runSigma * Math.Clamp(z, -2, 2)), seed: seed * 100 + i, sigma: 0.1);
        })];
    }

    [Fact]
    public void A_run_offset_within_the_run_to_run_noise_is_not_a_verdict_once_replicates_show_that_noise()
    {
        var baselines = Replicates(10, 5, seed: 41);
        var candidate = Runs.Make(10 * 1.09, seed: 4200, sigma: 0.1); // the same build in a slow run: +9 %

        // One run per side: the 9 % offset is tight within the runs, so the single-run method calls it slower.
        var single = RunComparer.Compare(baselines[0], candidate, Fast);
        single.Overall.Metric("p50")!.RunNoise.ShouldBeNull();
        single.RunNoise.ShouldNotBeNull().ShouldContain("variation within each run only");

        // Five baseline runs: their spread (≈ 6 %) is in the interval, and 9 % is within it.
        var replicated = RunComparer.Compare(baselines, [candidate], Fast);
        var p50 = replicated.Overall.Metric("p50")!;
        p50.RunNoise.ShouldNotBeNull().ShouldBeInRange(0.02, 0.15);
        p50.Verdict.ShouldBe(ComparisonVerdict.Inconclusive, p50.Reason);
        p50.Reason.ShouldContain("run-to-run noise");
        (p50.CiHigh!.Value - p50.CiLow!.Value).ShouldBeGreaterThan(3 * (single.Overall.Metric("p50")!.CiHigh!.Value - single.Overall.Metric("p50")!.CiLow!.Value));
        p50.Baseline!.Value.ShouldBe(baselines.Average(b => b.Total.Latency.P50), 0.01); // the side's figure is the mean of its runs
        replicated.Baseline.Runs.ShouldBe(5);
        replicated.Candidate.Runs.ShouldBe(1);
        replicated.Baseline.Requests.ShouldBe(baselines.Sum(b => b.Total.Requests));
        replicated.RunNoise.ShouldNotBeNull().ShouldContain("5 baseline runs, 1 candidate run");
    }

    [Fact]
    public void Thirty_percent_slower_is_still_slower_against_noisy_replicates_and_a_given_run_noise()
    {
        var baselines = Replicates(10, 5, seed: 43);
        var slower = Runs.Make(13, seed: 4400, sigma: 0.1);

        var report = RunComparer.Compare(baselines, [slower], Fast with { FailOnRegression = 0.10 });
        report.Overall.Metric("p95")!.Verdict.ShouldBe(ComparisonVerdict.Slower, report.Overall.Metric("p95")!.Reason);
        report.GateFailed.ShouldBeTrue();

        // A given noise (an A/A calibration) widens a one-run comparison the same way.
        var given = RunComparer.Compare(baselines[0], Runs.Make(10 * 1.09, seed: 4500, sigma: 0.1), Fast with { RunNoise = 0.06 });
        given.Overall.Metric("p50")!.Verdict.ShouldNotBe(ComparisonVerdict.Slower, given.Overall.Metric("p50")!.Reason);
        given.Overall.Metric("p50")!.RunNoise!.Value.ShouldBe(Math.Log(1.06), 1e-4);
        given.RunNoise.ShouldNotBeNull().ShouldContain("--run-noise");
        RunComparer.Compare(baselines[0], slower, Fast with { RunNoise = 0.06 }).Overall.Metric("p95")!.Verdict.ShouldBe(ComparisonVerdict.Slower);
    }

    [Fact]
    public void Replicates_of_the_same_build_on_both_sides_are_not_called_different()
    {
        var report = RunComparer.Compare(Replicates(10, 4, seed: 45), Replicates(10, 4, seed: 46), Fast);
        report.Overall.Metrics.ShouldAllBe(m => m.Verdict != ComparisonVerdict.Slower && m.Verdict != ComparisonVerdict.Faster);
    }

    [Fact]
    public void TooFewIntervals_IsInconclusive_EvenForABigChange()
    {
        var report = RunComparer.Compare(Runs.Make(10, seed: 9, intervals: 3), Runs.Make(20, seed: 10, intervals: 3), Fast);

        var p95 = report.Overall.Metric("p95")!;
        p95.Verdict.ShouldBe(ComparisonVerdict.Inconclusive);
        p95.Reason.ShouldBe("too few intervals: 3 and 3, need 5 in each run");
        p95.RelativeChange!.Value.ShouldBeGreaterThan(0.5); // the numbers are still reported
        report.Verdict.ShouldBe(ComparisonVerdict.Inconclusive);
    }

    [Fact]
    public void SummaryWithoutTimeSeries_IsInconclusiveWithAReason_NotAFakeVerdict()
    {
        var locust = Runs.WithoutIntervals(Runs.Make(20, seed: 11, tool: "locust"));
        var report = RunComparer.Compare(Runs.Make(10, seed: 12), locust, Fast);

        report.Overall.Metrics.ShouldAllBe(m => m.Verdict == ComparisonVerdict.Inconclusive);
        report.Overall.Metric("p95")!.Reason.ShouldStartWith("no per-interval data in the candidate");
        report.Warnings.Select(w => w.Code).ShouldContain("no-intervals");
        report.Warnings.Select(w => w.Code).ShouldContain("tool");
    }

    [Fact]
    public void IntervalStatsWithoutHistograms_DecideByTheRankTestAlone()
    {
        var report = RunComparer.Compare(Runs.Make(10, seed: 13, withHistograms: false), Runs.Make(15, seed: 14, withHistograms: false), Fast);

        var p95 = report.Overall.Metric("p95")!;
        p95.Verdict.ShouldBe(ComparisonVerdict.Slower, p95.Reason);
        p95.CiLow.ShouldBeNull();
        p95.PValue!.Value.ShouldBeLessThan(0.001);
    }

    [Fact]
    public void TooFewRequestsForATailPercentile_AreDecidedByExactOrderStatisticBounds_OnlyWhenTheyAreClear()
    {
        // 200 requests each, 10 beyond the p95: too few for the bootstrap. Twice as slow: the exact bounds at 99.5 % each
        // (the baseline's p95 is at most its 199th value, the candidate's at least its 182nd) are far apart.
        var report = RunComparer.Compare(Runs.Make(10, seed: 15, perInterval: 10), Runs.Make(20, seed: 16, perInterval: 10), Fast);

        var p95 = report.Overall.Metric("p95")!;
        p95.Verdict.ShouldBe(ComparisonVerdict.Slower, p95.Reason);
        p95.Reason.ShouldStartWith("too few requests for p95: 200, need 400 in each run (20 beyond the percentile) for the bootstrap; exact order-statistic bounds (99.5% each)");
        p95.CiLow!.Value.ShouldBeGreaterThan(0.05);
        p95.CiHigh!.Value.ShouldBeGreaterThan(p95.CiLow.Value);
        report.Overall.Metric("p50")!.Verdict.ShouldBe(ComparisonVerdict.Slower);

        // The p99 of 200 has no upper bound at 99.5 % (fewer than 2 values beyond it): it stays inconclusive.
        report.Overall.Metric("p99")!.Reason.ShouldBe("too few requests for p99: 200, need 2000 in each run (20 beyond the percentile)");

        // The same server twice, and a 3 % change, with as few requests: never faster or slower.
        for (var seed = 0; seed < 20; seed++)
        {
            foreach (var candidateMs in new[] { 10.0, 10.3 })
            {
                var same = RunComparer.Compare(Runs.Make(10, seed: 100 + seed, perInterval: 10), Runs.Make(candidateMs, seed: 200 + seed, perInterval: 10), Fast);
                var tail = same.Overall.Metric("p95")!;
                tail.Verdict.ShouldBe(ComparisonVerdict.Inconclusive, $"{candidateMs} ms, seed {seed}: {tail.Reason}");
                tail.Reason.ShouldStartWith("too few requests for p95");
            }
        }
    }

    [Fact]
    public void ErrorRate_FromZeroToFivePercent_IsSlower_ThroughputHigher_IsFaster()
    {
        var report = RunComparer.Compare(Runs.Make(10, seed: 17), Runs.Make(10, seed: 18, failureShare: 0.05), Fast with { GatedMetrics = ["error-rate"] });

        var errors = report.Overall.Metric("error-rate")!;
        errors.Baseline.ShouldBe(0);
        errors.Candidate!.Value.ShouldBeInRange(0.04, 0.06);
        errors.RelativeChange.ShouldBeNull();
        errors.Verdict.ShouldBe(ComparisonVerdict.Slower, errors.Reason);
        report.Regressions.ShouldContain(r => r.Metric == "error-rate" && r.Endpoint == "Aggregated");

        var more = RunComparer.Compare(Runs.Make(10, seed: 19, perInterval: 400), Runs.Make(10, seed: 20, perInterval: 600), Fast);
        more.Overall.Metric("throughput")!.Verdict.ShouldBe(ComparisonVerdict.Faster);
        more.Overall.Metric("throughput")!.RelativeChange!.Value.ShouldBe(0.5, 1e-9);
    }

    [Fact]
    public void Endpoints_MatchAcrossTools_ByMethodAndNormalisedPath_UnmatchedListed()
    {
        var loadlens = Runs.Make(10, seed: 21);
        var locust = Runs.Make(10, seed: 22, name: "/api/orders/", method: "GET", tool: "locust");

        var report = RunComparer.Compare(loadlens, locust, Fast);
        var row = report.Endpoints.ShouldHaveSingleItem();
        row.Name.ShouldBe("GET /api/orders");
        row.CandidateName.ShouldBe("/api/orders/");
        row.Key.ShouldBe("GET /api/orders");

        var other = RunComparer.Compare(loadlens, Runs.Make(10, seed: 23, name: "POST /api/orders", method: "POST"), Fast);
        other.Endpoints.ShouldBeEmpty();
        other.UnmatchedBaseline.ShouldBe(["GET /api/orders"]);
        other.UnmatchedCandidate.ShouldBe(["POST /api/orders"]);
        other.NotComparableReason.ShouldBe("no endpoint matches: the baseline has 'GET /api/orders', the candidate 'POST /api/orders'");

        EndpointKeys.Key("GET", "http://127.0.0.1:8089/api/items?page=1").ShouldBe("GET /api/items?page=1");
        EndpointKeys.Key(string.Empty, "POST /login").ShouldBe("POST /login");
        EndpointKeys.Key("GET", "list products").ShouldBe("GET list products");
    }

    [Fact]
    public void Warnings_NameWhatMakesRunsIncomparable()
    {
        var baseline = Runs.Make(10, seed: 24);
        var candidate = Runs.Make(10, seed: 25, warmupIntervals: 5, model: "open", perInterval: 300, saturated: true);

        var codes = RunComparer.Compare(baseline, candidate, Fast).Warnings.Select(w => w.Code).ToList();

        codes.ShouldBe(["load-model", "achieved-rate", "warm-up", "generator-saturated"], ignoreOrder: true);
        RunComparer.Compare(baseline, Runs.Make(10, seed: 26), Fast).Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void SameInputs_GiveTheSameReport()
    {
        var a = Runs.Make(10, seed: 27);
        var b = Runs.Make(11, seed: 28);

        var first = RunComparer.Compare(a, b, Fast);
        var second = RunComparer.Compare(a, b, Fast);

        first.Overall.Metrics.ShouldBe(second.Overall.Metrics);
        RunComparer.Compare(a, b, Fast with { Seed = 99 }).Overall.Metric("p95")!.CiLow.ShouldNotBe(first.Overall.Metric("p95")!.CiLow);
    }

    [Fact]
    public void BadOptions_AreRejectedWithAReason()
    {
        Should.Throw<ArgumentException>(() => RunComparer.Validate(ComparisonOptions.Default with { GatedMetrics = ["p96"] })).Message.ShouldStartWith("unknown metric 'p96'");
        Should.Throw<ArgumentException>(() => RunComparer.Validate(ComparisonOptions.Default with { MinEffect = -0.1 }));
    }

    [Fact]
    public void MannWhitney_MatchesTheNormalApproximationWithTiesAndContinuity()
    {
        // scipy.stats.mannwhitneyu([1,2,3], [4,5,6], method="asymptotic") → U = 0, p = 0.0808556
        var r = MannWhitney.Test([1, 2, 3], [4, 5, 6]);
        r.U.ShouldBe(0);
        r.PValue.ShouldBe(0.0808556, 1e-6);
        r.CliffsDelta.ShouldBe(-1);

        // with ties: [1,2,2,3] vs [2,3,3,4]: mid-ranks 1, 3, 3, 6 → U = 13 − 10 = 3; σ² = 16/12·(9 − 48/56),
        // z = (3 − 8 + 0.5)/σ = −1.3657, p = 0.172034 (by hand with erf)
        var tied = MannWhitney.Test([1, 2, 2, 3], [2, 3, 3, 4]);
        tied.U.ShouldBe(3);
        tied.PValue.ShouldBe(0.172034, 1e-6);
        MannWhitney.Test([5, 5, 5], [5, 5]).PValue.ShouldBe(1);
    }
}
