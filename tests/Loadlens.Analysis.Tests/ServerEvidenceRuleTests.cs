using Loadlens.Core.Findings;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;

namespace Loadlens.Analysis.Tests;

/// <summary>slow-query and missing-index on constructed evidence: thresholds, severities and one recommendation per cause.</summary>
public sealed class ServerEvidenceRuleTests
{
    private static LatencyStats Stats(double mean) => new() { Count = 200, Min = mean / 2, Mean = mean, P50 = mean, P90 = mean * 1.2, P95 = mean * 1.3, P99 = mean * 1.5, Max = mean * 2 };

    private static StatementEvidence Statement(string text, double p95, long calls, string endpoint, double share) => new()
    {
        Statement = text,
        System = "sqlite",
        Calls = calls,
        PerRequestMean = 1,
        PerRequestMax = 1,
        MeanMs = p95 * 0.7,
        P50Ms = p95 * 0.6,
        P95Ms = p95,
        MaxMs = p95 * 1.4,
        TotalMs = p95 * 0.7 * calls,
        ShareOfDbTime = share,
        Endpoints = [endpoint],
    };

    private static RunResult With(ServerEvidence evidence)
    {
        var run = Synthetic.Healthy();
        return run.WithSection(ServerEvidence.SectionName, evidence);
    }

    private static EndpointEvidence Endpoint(string name, double serverMs, double dbShare, params StatementEvidence[] statements) => new()
    {
        Statements = [.. statements.Select(s => s with { Endpoints = [] })],
        Endpoint = name,
        Requests = 200,
        ServerTime = Stats(serverMs),
        BeforeApp = Stats(0.2),
        DbTimeMeanMs = serverMs * dbShare,
        DbShare = dbShare,
        DbStatementsMean = 1,
        DbStatementsMax = 1,
    };

    [Theory]
    [InlineData(150, 100, FindingSeverity.Warning)]
    [InlineData(600, 100, FindingSeverity.Critical)]
    [InlineData(150, 200, null)]
    [InlineData(90, 100, null)]
    public void Slow_query_fires_above_the_threshold_with_its_percentiles(double p95, double threshold, FindingSeverity? expected)
    {
        var run = With(new ServerEvidence
        {
            Endpoints = [Endpoint("GET /api/products", 200, 0.5)],
            Statements = [Statement("SELECT * FROM products WHERE name LIKE ?", p95, 200, "GET /api/products", 1)],
        });

        var findings = Analyzer.Analyze(run, AnalysisOptions.Default with { SlowQueryMs = threshold }).Findings.Where(f => f.RuleId == RuleIds.SlowQuery).ToList();
        if (expected is null)
        {
            findings.ShouldBeEmpty();
            return;
        }

        var f = findings.ShouldHaveSingleItem();
        f.Severity.ShouldBe(expected.Value);
        f.Endpoint.ShouldBe("GET /api/products");
        f.Evidence.Single(e => e.Name == "statementP95").Value.ShouldBe(p95, 0.01);
        f.Evidence.Single(e => e.Name == "statementP95").Threshold.ShouldBe(threshold);
        f.Evidence.Single(e => e.Name == "statementP50").Value.ShouldBe(p95 * 0.6, 0.01);
        f.Recommendation!.Text.ShouldContain("--db"); // no database given: it says how to get the plan
    }

    [Fact]
    public void Slow_query_needs_enough_executions()
    {
        var run = With(new ServerEvidence { Statements = [Statement("SELECT pg_sleep(?)", 900, 4, "GET /x", 1)] });
        Analyzer.Analyze(run).Findings.ShouldNotContain(f => f.RuleId == RuleIds.SlowQuery);
    }

    [Fact]
    public void A_missing_index_is_the_one_recommendation_for_its_scan_its_slow_statement_and_its_db_bound_endpoint()
    {
        const string scan = "SELECT id, name FROM chefs WHERE cuisine_type = ?";
        var run = With(new ServerEvidence
        {
            Endpoints =
            [
                Endpoint("GET /api/products", 200, 0.9, Statement(scan, 180, 200, "GET /api/products", 1)),
                Endpoint("GET /api/items/{id}", 20, 0.9, Statement("SELECT * FROM items WHERE id = ?", 15, 200, "GET /api/items/{id}", 1)),
            ],
            Statements = [Statement(scan, 180, 200, "GET /api/products", 0.8), Statement("SELECT * FROM items WHERE id = ?", 15, 200, "GET /api/items/{id}", 0.2)],
            Database = new DatabaseEvidence
            {
                Target = "app.db",
                System = "sqlite",
                IndexAdvice =
                [
                    new IndexRecommendation
                    {
                        CreateIndex = "CREATE INDEX idx_chefs_cuisine_type ON chefs (cuisine_type)",
                        Table = "chefs",
                        Columns = ["cuisine_type"],
                        Statement = scan,
                        Endpoints = ["GET /api/products"],
                        RowsScanned = 50_000,
                        RowsFrom = "count(*)",
                        PlanLine = "SCAN chefs",
                        Method = "EXPLAIN QUERY PLAN",
                        Reason = "SCAN chefs reads all 50,000 rows of chefs to find rows by cuisine_type",
                        ShareOfDbTime = 0.8,
                    },
                ],
            },
        });

        var findings = Analyzer.Analyze(run).Findings;
        var missing = findings.Single(f => f.RuleId == RuleIds.MissingIndex);
        missing.Severity.ShouldBe(FindingSeverity.Critical); // 80 % of the DB time
        missing.Endpoint.ShouldBe("GET /api/products");
        missing.Title.ShouldContain("50000 rows of chefs");
        missing.Title.ShouldContain("SCAN chefs");
        missing.Evidence.Single(e => e.Name == "rowsScanned").Value.ShouldBe(50_000);
        missing.Recommendation!.Text.ShouldStartWith("Add the index: `CREATE INDEX idx_chefs_cuisine_type ON chefs (cuisine_type)`");

        var slow = findings.Single(f => f.RuleId == RuleIds.SlowQuery);
        slow.Title.ShouldContain("see missing-index");
        slow.Recommendation.ShouldBeNull();

        var dbBound = findings.Where(f => f.RuleId == RuleIds.DbBound).ToDictionary(f => f.Endpoint!);
        dbBound["GET /api/products"].Recommendation.ShouldBeNull(); // the index is the advice
        dbBound["GET /api/products"].Title.ShouldContain("see missing-index");
        dbBound["GET /api/items/{id}"].Recommendation!.Text.ShouldContain("its plan uses an index"); // planned, no advice: not "check --db"
    }
}
