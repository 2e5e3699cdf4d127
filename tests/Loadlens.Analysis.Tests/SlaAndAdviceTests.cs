using Loadlens.Analysis;
using Loadlens.Analysis.Advice;
using Loadlens.Analysis.Sla;
using Loadlens.Core;
using Loadlens.Core.Findings;
using Loadlens.Core.Scenarios;
using Loadlens.Pipeline.Scenarios;
using static Loadlens.Analysis.Tests.Synthetic;

namespace Loadlens.Analysis.Tests;

public sealed class SlaAndAdviceTests
{
    private static readonly Core.Results.RunResult Shop = Run(
        [
            Endpoint("/api/orders", 1748, 29, Stats(144, 15.8, 140, 270, 296)),
            Endpoint("/api/search", 1110, 29, Stats(32, 21.7, 32, 46, 61), failures: 35),
            Endpoint("/health", 595, 29, Stats(1.5, 0.58, 1, 7, 13.4)),
        ],
        [],
        tool: "locust");

    [Fact]
    public void Sla_checks_every_matching_endpoint_and_fails_unmatched_patterns()
    {
        var targets = new List<SlaTarget>
        {
            new() { Endpoint = "*", P99Ms = 100, MaxErrorRate = 0.01 },
            new() { Endpoint = "GET /api/orders", MinThroughput = 50, P50Ms = 100 },
            new() { Endpoint = "/api/ordrs", P95Ms = 10 },
        };
        var checks = SlaEvaluator.Evaluate(Shop, targets);
        checks.Count.ShouldBe(6 + 2 + 1);
        checks.Single(c => c.Endpoint == "/api/orders" && c.Metric == "p99").Passed.ShouldBeFalse();
        checks.Single(c => c.Endpoint == "/health" && c.Metric == "p99").Passed.ShouldBeTrue();
        var search = checks.Single(c => c.Endpoint == "/api/search" && c.Metric == "errorRate");
        search.Passed.ShouldBeFalse();
        search.Actual.ShouldBe(3.153);
        search.Limit.ShouldBe(1);
        checks.Single(c => c.Metric == "minThroughput").Passed.ShouldBeTrue(); // "GET /api/orders" matches method + name
        checks.Single(c => c.Metric == "p50").Passed.ShouldBeFalse();
        var unmatched = checks.Single(c => c.Metric == "endpoint");
        unmatched.Passed.ShouldBeFalse();
        unmatched.Note!.ShouldContain("matches no endpoint");

        var report = Analyzer.Analyze(Shop, new AnalysisOptions { Sla = targets });
        report.SlaPassed.ShouldBeFalse();
        Analyzer.Analyze(Shop, new AnalysisOptions { Sla = [new SlaTarget { Endpoint = "/health", P99Ms = 50 }] }).SlaPassed.ShouldBeTrue();
    }

    [Fact]
    public void Sla_from_the_run_is_used_when_no_file_is_given()
    {
        var run = Shop with { Sla = [new SlaTarget { Endpoint = "/api/*", P99Ms = 100 }] };
        var report = Analyzer.Analyze(run);
        report.Sla.Count.ShouldBe(2);
        report.SlaPassed.ShouldBeFalse();
    }

    [Fact]
    public void Sla_file_parses_a_list_or_an_sla_key()
    {
        var targets = SlaFile.Parse("sla:\n  - endpoint: \"*\"\n    p95: 300ms\n    errorRate: 1%\n  - endpoint: /api/orders\n    minThroughput: 50/s\n", "sla.yaml");
        targets.Count.ShouldBe(2);
        targets[0].P95Ms.ShouldBe(300);
        targets[0].MaxErrorRate.ShouldBe(0.01);
        targets[1].MinThroughput.ShouldBe(50);
        SlaFile.Parse("- endpoint: /x\n  p99: 1s\n", "list.yaml").Single().P99Ms.ShouldBe(1000);
    }

    [Theory]
    [InlineData("sla:\n  - endpoint: /x\n    p99: fast\n", 3, 10)]
    [InlineData("sla:\n  - endpoint: /x\n    p9: 100ms\n", 3, 5)]
    [InlineData("sla:\n  - endpoint: /x\n", 2, 5)]
    [InlineData("slas: []\n", 1, 1)]
    [InlineData("sla:\n  - endpoint: /x\n    p99: [1\n", 4, 1)]
    public void Sla_file_errors_name_file_line_and_column(string yaml, int line, int column)
    {
        var ex = Should.Throw<InputFormatException>(() => SlaFile.Parse(yaml, "sla.yaml"));
        ex.Source.ShouldBe("sla.yaml");
        ex.Line.ShouldBe(line);
        ex.Column.ShouldBe(column);
        ex.Message.ShouldStartWith($"sla.yaml:{line}:{column}");
    }

    [Fact]
    public void Sla_file_that_does_not_exist_is_an_input_error()
    {
        var ex = Should.Throw<InputFormatException>(() => SlaFile.Load(Path.Combine(Path.GetTempPath(), "no-such-sla-" + Guid.NewGuid() + ".yaml")));
        ex.Problem.ShouldContain("not found");
    }

    [Fact]
    public void Recommendations_are_grouped_by_tier_and_tied_to_findings()
    {
        var findings = new List<Finding>
        {
            new("tail-latency", FindingSeverity.Warning, "/a", "t", [], new Recommendation(RecommendationTier.ShortTerm, "profile")),
            new("error-rate", FindingSeverity.Critical, "/b", "t", [], new Recommendation(RecommendationTier.Immediate, "fix b")),
            new("cold-start", FindingSeverity.Info, "/c", "t", [], null),
            new("tail-latency", FindingSeverity.Critical, "/d", "t", [], new Recommendation(RecommendationTier.ShortTerm, "profile")),
            new("x", FindingSeverity.Warning, null, "t", [], new Recommendation(RecommendationTier.LongTerm, "shard")),
        };
        var items = RecommendationBuilder.Build(findings);
        items.Select(i => i.Tier).ShouldBe([RecommendationTier.Immediate, RecommendationTier.ShortTerm, RecommendationTier.LongTerm]);
        items[1].MotivatedBy.Select(m => m.Endpoint).ShouldBe(["/a", "/d"]);
        items.ShouldAllBe(i => i.MotivatedBy.Count > 0);
        RecommendationBuilder.Build([]).ShouldBeEmpty();
    }

    [Fact]
    public void Cache_ttl_heuristic()
    {
        var run = Run(
            [
                Endpoint("/health", 595, 29, Stats(1.5)),
                Endpoint("/api/products", 2806, 29, Stats(8.45, 5)),
                Endpoint("/api/orders", 1748, 29, Stats(144, 15.8)),
                Endpoint("/api/search", 1110, 29, Stats(32), failures: 35),
                Endpoint("/api/cheap", 1000, 29, Stats(2)),
                Endpoint("/api/rare", 20, 29, Stats(200)),
                Endpoint("/api/slow", 3000, 29, Stats(800)),
                Endpoint("POST /api/orders", 500, 29, Stats(20), method: "POST"),
            ],
            [],
            tool: "locust");
        var advice = CacheTtlAdvisor.Advise(run).ToDictionary(a => a.Endpoint);
        advice.ShouldNotContainKey("POST /api/orders");
        advice["/health"].TtlSeconds.ShouldBeNull();
        advice["/health"].Reason.ShouldContain("health");
        advice["/api/search"].TtlSeconds.ShouldBeNull();
        advice["/api/search"].Reason.ShouldContain("fail");
        advice["/api/cheap"].TtlSeconds.ShouldBeNull();
        advice["/api/rare"].TtlSeconds.ShouldBeNull();
        advice["/api/products"].TtlSeconds.ShouldBe(10);
        advice["/api/orders"].TtlSeconds.ShouldBe(60);
        advice["/api/slow"].TtlSeconds.ShouldBe(120);
        advice["/api/products"].ExpectedHitRatio.ShouldBe(1 - (1 / (2806 / 29.0 * 10)), 0.001);
        advice["/api/orders"].SavedServerMsPerSecond.ShouldBeGreaterThan(8000);
    }
}
