using Loadlens.Analysis;
using Loadlens.Core.Findings;
using Loadlens.Core.Results;
using static Loadlens.Analysis.Tests.Synthetic;

namespace Loadlens.Analysis.Tests;

public sealed class RuleTests
{
    private static IReadOnlyList<Finding> Of(RunResult run, string ruleId, AnalysisOptions? options = null)
        => Analyzer.Findings(run, options).Where(f => f.RuleId == ruleId).ToList();

    [Fact]
    public void Healthy_run_gets_no_findings_at_all()
    {
        var report = Analyzer.Analyze(Healthy());
        report.Findings.ShouldBeEmpty();
        report.Recommendations.ShouldBeEmpty();
        report.Summary.Count.ShouldBeInRange(3, 5);
        report.Summary[1].ShouldContain("No bottleneck");
    }

    [Fact]
    public void Tail_latency_thresholds_warning_critical_and_configurable()
    {
        RunResult WithP99(double p99) => Run([Endpoint("GET /a", 1000, 10, Stats(100, 20, 90, p99, p99 * 1.1))], []);
        Of(WithP99(250), RuleIds.TailLatency).ShouldBeEmpty();
        Of(WithP99(350), RuleIds.TailLatency).Single().Severity.ShouldBe(FindingSeverity.Warning);
        var critical = Of(WithP99(600), RuleIds.TailLatency).Single();
        critical.Severity.ShouldBe(FindingSeverity.Critical);
        critical.Evidence.Single(e => e.Name == "p99").Threshold.ShouldBe(500);
        critical.Recommendation!.Tier.ShouldBe(RecommendationTier.ShortTerm);
        Of(WithP99(250), RuleIds.TailLatency, new AnalysisOptions { TailLatencyWarningMs = 200 }).Single().Severity.ShouldBe(FindingSeverity.Warning);
    }

    [Fact]
    public void Error_rate_names_the_dominant_error_and_status_classes()
    {
        var errors = new List<ErrorSummary>
        {
            new() { Endpoint = "GET /s", Method = "GET", Category = "Http5xx", StatusCode = 500, Count = 28, Message = "Internal Server Error", FirstSeenSeconds = 1.5 },
            new() { Endpoint = "GET /s", Method = "GET", Category = "Http5xx", StatusCode = 503, Count = 2, Message = "Unavailable" },
        };
        var run = Run([Endpoint("GET /s", 1000, 10, Stats(30), failures: 30, status: new Dictionary<string, long> { ["200"] = 970, ["500"] = 28, ["503"] = 2 })], [], errors: errors);
        var f = Of(run, RuleIds.ErrorRate).Single();
        f.Severity.ShouldBe(FindingSeverity.Critical);
        f.Title.ShouldContain("HTTP 500");
        f.Evidence.Single(e => e.Name == "errorRate").Value.ShouldBe(3);
        f.Evidence.Single(e => e.Name == "status5xx").Value.ShouldBe(30);
        f.Evidence.Single(e => e.Name == "dominantErrorShare").Value.ShouldBe(93.333);
        f.Recommendation!.Tier.ShouldBe(RecommendationTier.Immediate);

        RunResult WithFailures(long n) => Run([Endpoint("GET /s", 10000, 10, Stats(30), failures: n)], []);
        Of(WithFailures(50), RuleIds.ErrorRate).Single().Severity.ShouldBe(FindingSeverity.Warning);
        var info = Of(WithFailures(5), RuleIds.ErrorRate).Single();
        info.Severity.ShouldBe(FindingSeverity.Info);
        info.Recommendation.ShouldBeNull();
    }

    [Fact]
    public void High_variance_needs_both_a_wide_ratio_and_latency_that_matters()
    {
        RunResult With(double p50, double p99, double max) => Run([Endpoint("GET /v", 1000, 10, Stats(p50 * 1.2, p50 / 2, p50, p99, max))], []);
        Of(With(1, 7, 13), RuleIds.HighVariance).ShouldBeEmpty(); // fast endpoint: ratio 7 but nothing to act on
        Of(With(20, 250, 300), RuleIds.HighVariance).Single().Severity.ShouldBe(FindingSeverity.Warning);
        var outliers = Of(With(40, 120, 3000), RuleIds.HighVariance).Single();
        outliers.Severity.ShouldBe(FindingSeverity.Warning);
        outliers.Title.ShouldContain("slowest request");
        Of(With(40, 120, 700), RuleIds.HighVariance).Single().Severity.ShouldBe(FindingSeverity.Info);
        Of(With(40, 120, 200), RuleIds.HighVariance).ShouldBeEmpty();
    }

    [Fact]
    public void High_variance_shared_by_every_endpoint_is_one_run_level_finding()
    {
        var run = Run(
            [
                Endpoint("GET /health", 500, 10, Stats(8, 0.3, 6, 110, 150)),
                Endpoint("GET /a", 1000, 10, Stats(10, 2, 7, 128, 160)),
                Endpoint("GET /b", 1000, 10, Stats(9, 2, 6, 118, 140)),
                Endpoint("GET /c", 1000, 10, Stats(20, 5, 15, 60, 90)),
            ],
            []);
        var f = Of(run, RuleIds.HighVariance).Single();
        f.Endpoint.ShouldBeNull();
        f.Severity.ShouldBe(FindingSeverity.Warning);
        f.Evidence.Single(e => e.Name == "endpointsAffected").Value.ShouldBe(4);

        // An endpoint with a much longer tail than the shared one is still judged on its own.
        var outlier = run with { Endpoints = [.. run.Endpoints, Endpoint("POST /slow", 1000, 10, Stats(40, 5, 25, 600, 650))] };
        var findings = Of(outlier, RuleIds.HighVariance);
        findings.Count.ShouldBe(2);
        findings.ShouldContain(x => x.Endpoint == "POST /slow");
    }

    [Fact]
    public void Endpoints_too_small_for_the_shape_rules_are_named_not_silently_skipped()
    {
        var run = Run(
            [
                Endpoint("GET /a", 1000, 10, Stats(10, 2, 7, 128, 160)),
                Endpoint("GET /b", 1000, 10, Stats(9, 2, 6, 118, 140)),
                Endpoint("GET /c", 1000, 10, Stats(8, 0.3, 6, 110, 150)),
                Endpoint("GET /x", 12, 10, Stats(9, 2, 6, 118, 140)),
                Endpoint("GET /y", 30, 10, Stats(9, 2, 6, 118, 140)),
                Endpoint("GET /z", 49, 10, Stats(9, 2, 6, 118, 140)),
            ],
            []);
        var report = Analyzer.Analyze(run);
        var shared = report.Findings.Single(f => f.RuleId == RuleIds.HighVariance);
        shared.Title.ShouldStartWith("3 of 3 endpoints with ≥ 50 requests (3 others had fewer) share the same wide tail");
        report.Notes.ShouldHaveSingleItem().ShouldBe("3 of 6 endpoints had fewer than the 50 requests the variance, queueing and trend rules need, so only their errors and p99 were judged: GET /x (12), GET /y (30), GET /z (49).");
        Analyzer.Analyze(run with { Endpoints = run.Endpoints.Take(3).ToList() }).Notes.ShouldBeEmpty();
    }

    [Fact]
    public void Tail_latency_without_a_cause_shares_one_recommendation_and_with_a_cause_has_none()
    {
        var run = Run(
            [
                Endpoint("GET /a", 1000, 10, Stats(100, 20, 90, 350, 385)),
                Endpoint("GET /b", 1000, 10, Stats(100, 20, 90, 600, 660)),
            ],
            []);
        var report = Analyzer.Analyze(run);
        report.Findings.Count(f => f.RuleId == RuleIds.TailLatency).ShouldBe(2);
        var item = report.Recommendations.ShouldHaveSingleItem(); // one cause unknown, one piece of advice
        item.MotivatedBy.Count.ShouldBe(2);
        item.Text.ShouldContain("GET /a (p99 350 ms against a median of 90 ms), GET /b (p99 600 ms against a median of 90 ms)");
    }

    /// <summary>One server with a 15 ms service time, saturated: X = 64 req/s, in-flight varying with the queue.</summary>
    private static RunResult Serialized(double workMinMs)
    {
        var intervals = new List<TimeSeriesInterval>();
        for (var i = 0; i < 20; i++)
        {
            var queue = 6 + ((i * 5) % 7); // 6..12 in flight
            intervals.Add(Interval(i, 40, Iv("GET /orders", 64 + ((i % 3) - 1), queue * 15.6), Iv("GET /fast", 100, 5)));
        }

        return Run(
            [Endpoint("GET /orders", 1280, 20, Stats(140, workMinMs, 140, 250, 280)), Endpoint("GET /fast", 2000, 20, Stats(5, 3, 5, 9, 12))],
            intervals,
            users: 40,
            thinkMs: 125);
    }

    [Fact]
    public void Serialized_resource_single_server_with_service_time_estimate()
    {
        var f = Of(Serialized(15.2), RuleIds.SerializedResource).Single();
        f.Endpoint.ShouldBe("GET /orders");
        f.Severity.ShouldBe(FindingSeverity.Warning);
        f.Evidence.Single(e => e.Name == "serviceTime").Value.ShouldBe(15.625);
        f.Evidence.Single(e => e.Name == "inFlight").Value.ShouldBe(8.96);
        f.Title.ShouldContain("one serialized resource");
        f.Recommendation!.Text.ShouldContain("GET /orders");
    }

    [Fact]
    public void Serialized_resource_when_the_fastest_request_already_waited()
    {
        var f = Of(Serialized(60), RuleIds.SerializedResource).Single();
        f.Title.ShouldContain("saturated serialized resource");
        f.Evidence.Single(e => e.Name == "throughputElasticity").Value.ShouldBeLessThan(0.5);
    }

    [Fact]
    public void Parallel_endpoints_are_not_called_serialized()
    {
        // Many in flight and a wide latency spread, but throughput follows the in-flight count: parallel.
        var intervals = new List<TimeSeriesInterval>();
        for (var i = 0; i < 20; i++)
        {
            var x = 200 + (i * 15);
            intervals.Add(Interval(i, 40, Iv("GET /p", x, 40)));
        }

        var parallel = Run([Endpoint("GET /p", intervals.Sum(i => i.Total.Requests), 20, Stats(40, 10, 38, 90, 120))], intervals, users: 40);
        Of(parallel, RuleIds.SerializedResource).ShouldBeEmpty();

        // Requests much faster than 1/X exist: cannot be one server.
        var fastMin = Run([Endpoint("GET /q", 6000, 20, Stats(140, 1, 140, 250, 280))], [], users: 40);
        Of(fastMin, RuleIds.SerializedResource).ShouldBeEmpty();

        // Few in flight (N < 3): no queue to speak of, even at high utilisation.
        Of(Run([Endpoint("GET /r", 800, 20, Stats(30, 20, 30, 45, 50))], []), RuleIds.SerializedResource).ShouldBeEmpty();
    }

    [Fact]
    public void Rate_limited_reports_the_accepted_rate()
    {
        var intervals = Enumerable.Range(0, 10).Select(i => Interval(i, 10, Iv("GET /limited", 150, 5, failures: 50))).ToList();
        var run = Run([Endpoint("GET /limited", 1500, 10, Stats(5), failures: 500, status: new Dictionary<string, long> { ["200"] = 1000, ["429"] = 500 })], intervals);
        var f = Of(run, RuleIds.RateLimited).Single();
        f.Severity.ShouldBe(FindingSeverity.Warning);
        f.Evidence.Single(e => e.Name == "acceptedRate").Value.ShouldBe(100);
        f.Evidence.Single(e => e.Name == "offeredRate").Value.ShouldBe(150);
    }

    [Fact]
    public void Latency_degradation_detects_a_steady_rise_and_ignores_noise()
    {
        RunResult Series(Func<int, double> mean)
        {
            var intervals = Enumerable.Range(0, 30).Select(i => Interval(i, 10, Iv("GET /d", 100, mean(i)))).ToList();
            return Run([Endpoint("GET /d", 3000, 30, Stats(75, 10, 75, 150, 200))], intervals);
        }

        var rising = Of(Series(i => 50 + (2 * i) + ((i * 7) % 5)), RuleIds.LatencyDegradation).Single();
        rising.Severity.ShouldBe(FindingSeverity.Warning);
        rising.Evidence.Single(e => e.Name == "slope").Value.ShouldBeInRange(1.8, 2.2);
        Of(Series(i => 50 + ((i * 7) % 11)), RuleIds.LatencyDegradation).ShouldBeEmpty();
        Of(Series(i => 50 + (0.05 * i)), RuleIds.LatencyDegradation).ShouldBeEmpty(); // significant but tiny
    }

    [Fact]
    public void Periodic_stall_estimates_period_and_length()
    {
        var intervals = new List<TimeSeriesInterval>();
        for (var i = 0; i < 40; i++)
        {
            var stall = i % 5 == 2;
            intervals.Add(Interval(i, 10, Iv("GET /a", 100, stall ? 60 : 10, stall ? 310 : 20), Iv("GET /b", 50, stall ? 80 : 30, stall ? 330 : 40)));
        }

        var run = Run([Endpoint("GET /a", 4000, 40, Stats(15)), Endpoint("GET /b", 2000, 40, Stats(35))], intervals);
        var f = Of(run, RuleIds.PeriodicStall).Single();
        f.Severity.ShouldBe(FindingSeverity.Warning);
        f.Endpoint.ShouldBeNull();
        f.Evidence.Single(e => e.Name == "period").Value.ShouldBe(5);
        f.Evidence.Single(e => e.Name == "stallLength").Value.ShouldBe(290);

        // One endpoint alone spiking is not "everything stalls".
        var single = intervals.Select(i => Interval(i.Index, 10, i.Endpoints[0], Iv("GET /b", 50, 30, 40))).ToList();
        Of(Run([Endpoint("GET /a", 4000, 40, Stats(15)), Endpoint("GET /b", 2000, 40, Stats(35))], single), RuleIds.PeriodicStall).ShouldBeEmpty();
    }

    [Fact]
    public void Cold_start_is_info_and_recommends_a_warm_up_only_when_measured()
    {
        IReadOnlyList<TimeSeriesInterval> Intervals(bool warm) => Enumerable.Range(0, 10)
            .Select(i => Interval(i, 10, Iv("GET /c", 100, i == 0 ? 200 : 10, i == 0 ? 800 : 20)) with { Warmup = warm && i == 0 })
            .ToList();
        var measured = Of(Run([Endpoint("GET /c", 1000, 10, Stats(12))], Intervals(false)), RuleIds.ColdStart).Single();
        measured.Severity.ShouldBe(FindingSeverity.Info);
        measured.Recommendation!.Tier.ShouldBe(RecommendationTier.Immediate);
        var warm = Of(Run([Endpoint("GET /c", 1000, 10, Stats(12))], Intervals(true), warmup: 1), RuleIds.ColdStart).Single();
        warm.Recommendation.ShouldBeNull();
    }

    [Fact]
    public void Connection_errors_are_classified()
    {
        var run = Run([Endpoint("GET /x", 1000, 10, Stats(10), failures: 50, categories: new Dictionary<string, long> { ["ConnectionRefused"] = 40, ["Timeout"] = 10 })], []);
        var f = Of(run, RuleIds.ConnectionErrors).Single();
        f.Severity.ShouldBe(FindingSeverity.Critical);
        f.Title.ShouldContain("refused");
        f.Evidence.Single(e => e.Name == "connectionRefused").Value.ShouldBe(40);
        f.Evidence.Single(e => e.Name == "timeout").Value.ShouldBe(10);

        var http = Run([Endpoint("GET /x", 1000, 10, Stats(10), failures: 50, categories: new Dictionary<string, long> { ["Http5xx"] = 50 })], []);
        Of(http, RuleIds.ConnectionErrors).ShouldBeEmpty();
    }

    [Fact]
    public void Generator_saturation_from_stats_schedule_and_littles_law()
    {
        var healthy = Healthy();
        Of(healthy, RuleIds.GeneratorSaturation).ShouldBeEmpty();

        var cpu = healthy with { Generator = new GeneratorStats { CpuSeconds = 10, CpuUtilization = 0.97, Saturated = true, SaturationReason = "CPU at 97 %" } };
        Of(cpu, RuleIds.GeneratorSaturation).Single().Title.ShouldContain("CPU at 97 %");

        var open = healthy with
        {
            Settings = healthy.Settings with { Model = "open" },
            Arrivals = new ArrivalAccounting { Intended = 1000, Sent = 700, Late = 0, Dropped = 300, IntendedRate = 100, AchievedRate = 70 },
        };
        Of(open, RuleIds.GeneratorSaturation).Single().Severity.ShouldBe(FindingSeverity.Critical);

        // 20 users, 200 req/s at 8.9 ms and no think time: only ≈ 1.8 users busy. Little's law alone is no proof
        // (users may wait in a filling queue or on unfinished requests): the generator's own CPU must agree.
        var underdriven = healthy with { Settings = healthy.Settings with { ThinkTimeMinMs = 0, ThinkTimeMaxMs = 0 } };
        Of(underdriven, RuleIds.GeneratorSaturation).ShouldBeEmpty();
        Of(underdriven with { Generator = new GeneratorStats { CpuSeconds = 1, CpuUtilization = 0.05, PeakCpuUtilization = 0.1 } }, RuleIds.GeneratorSaturation).ShouldBeEmpty();
        underdriven = underdriven with { Generator = new GeneratorStats { CpuSeconds = 10, CpuUtilization = 0.7, PeakCpuUtilization = 0.92 } };
        var little = Of(underdriven, RuleIds.GeneratorSaturation).Single();
        little.Severity.ShouldBe(FindingSeverity.Critical);
        little.Evidence.Single(e => e.Name == "littleRatio").Value.ShouldBeLessThan(0.7);

        // Imported results do not know the think time: no Little's-law claim.
        Of(underdriven with { Source = new RunSource("locust", "csv") }, RuleIds.GeneratorSaturation).ShouldBeEmpty();
    }

    [Fact]
    public void Findings_are_ordered_most_severe_first()
    {
        var run = Run(
            [
                Endpoint("GET /a", 1000, 10, Stats(100, 20, 90, 350, 385)),
                Endpoint("GET /b", 1000, 10, Stats(100, 20, 90, 600, 660)),
            ],
            []);
        var findings = Analyzer.Findings(run);
        findings.Select(f => f.Severity).ShouldBe(findings.Select(f => f.Severity).OrderByDescending(s => s));
        findings[0].Endpoint.ShouldBe("GET /b");
    }
}
