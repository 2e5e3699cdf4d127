using System.Net;
using Loadlens.Analysis;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;
using Loadlens.Pipeline;

namespace Loadlens.Node.Tests;

/// <summary>
/// Server-side evidence on a non-.NET stack: a real Express + pg app on real PostgreSQL, traced by the official
/// OpenTelemetry JS SDK (tracing.js), loaded through <see cref="LoadlensPipeline.RunAsync"/> with the
/// <see cref="ServerEvidenceHook"/> (what <c>--otlp</c> does). Each rule fires on the endpoint built to show it and stays
/// silent on the clean one.
/// </summary>
[Collection("node")]
public sealed class NodeEvidenceTests(NodeDatabase database) : IDisposable
{
    private const string PerChef = "SELECT count(*) AS bookings FROM bookings WHERE chef_id = ?";
    private const string ByPrimaryKey = "SELECT id, name, cuisine_type, city FROM chefs WHERE id = ?";
    private const string ByCity = "SELECT count(*) AS bookings, sum(guests) AS guests FROM bookings WHERE city = ?";
    private const string ByCuisine = "SELECT count(*) AS bookings, sum(guests) AS guests FROM bookings WHERE cuisine_type = ?";
    private readonly string _dir = Directory.CreateTempSubdirectory("loadlens-node-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [SkippableTheory]
    [InlineData("http/protobuf")]
    [InlineData("http/json")]
    public async Task The_N_plus_one_list_and_the_unindexed_filter_are_found_and_the_primary_key_and_indexed_endpoints_stay_clean(string protocol)
    {
        var app = await database.AppAsync(protocol);
        var port = app.OtlpPort;
        var hook = new ServerEvidenceHook(new IPEndPoint(IPAddress.Loopback, port)) { Database = database.Url }; // --db
        var outDir = Path.Combine(_dir, "list");

        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(app.BaseAddress, "/api/chefs?page=2").ToString(), new ScenarioOverrides { Users = 4, Iterations = 400 }) with
            {
                MoreUrls =
                [
                    new Uri(app.BaseAddress, "/api/chefs/3").ToString(),
                    new Uri(app.BaseAddress, "/api/bookings/by-city/city-7").ToString(),
                    new Uri(app.BaseAddress, "/api/bookings/by-cuisine/cuisine-5").ToString(),
                ],
            },
            OutputDirectory = outDir,
            Hooks = [hook],
        });

        done.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", done.Messages) + app.Log);
        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        result.Total.Failures.ShouldBe(0);
        result.TryGetSection<ServerEvidence>(ServerEvidence.SectionName, out var evidence).ShouldBeTrue();
        evidence.TracesJoined.ShouldBe(result.Total.Requests); // every request joined to the app's server span
        evidence.TracesDropped.ShouldBe(0);
        evidence.SpansRejected.ShouldBe(0);
        var byName = evidence.Endpoints.ToDictionary(e => e.Endpoint);
        var (listName, chefName, cityName, cuisineName) = (result.Endpoints[0].Name, result.Endpoints[1].Name, result.Endpoints[2].Name, result.Endpoints[3].Name);
        var list = byName[listName];
        var chef = byName[chefName];
        list.Requests.ShouldBe(result.Endpoints[0].Requests);
        list.Route.ShouldBe("/api/chefs"); // Express' route, recorded by the http + express instrumentations
        chef.Route.ShouldBe("/api/chefs/:id(\\d+)");

        // The list page: one query for the page, then one per chef on it (20).
        list.DbStatementsMean.ShouldBe(21);
        list.DbStatementsMax.ShouldBe(21);
        list.Statements.Single(s => s.Statement == "SELECT id, name, cuisine_type FROM chefs ORDER BY id LIMIT ? OFFSET ?").PerRequestMean.ShouldBe(1);
        var perChef = list.Statements.Single(s => s.Statement == PerChef);
        perChef.System.ShouldBe("postgresql");
        perChef.PerRequestMean.ShouldBe(20);
        perChef.PerRequestMax.ShouldBe(20);
        perChef.RepeatedRequests.ShouldBe(list.Requests);
        perChef.ExemplarTraceId.ShouldNotBeNull().Length.ShouldBe(32);
        list.ServerTime.Mean.ShouldBeGreaterThan(0);
        list.ServerTime.Mean.ShouldBeLessThan(result.Endpoints[0].Latency.Mean); // the app's time is inside the client's
        list.DbShare.ShouldBeInRange(0.05, 1);

        chef.DbStatementsMean.ShouldBe(1);
        chef.Statements.ShouldHaveSingleItem().Statement.ShouldBe(ByPrimaryKey);
        byName[cityName].Statements.ShouldHaveSingleItem().Statement.ShouldBe(ByCity);
        byName[cuisineName].Statements.ShouldHaveSingleItem().Statement.ShouldBe(ByCuisine);

        // --db: PostgreSQL's own plan. The cuisine filter reads all 24,000 bookings (no index on cuisine_type); the
        // city filter, the per-chef count and the primary-key lookup use their indexes and get no advice.
        var db = evidence.Database.ShouldNotBeNull();
        db.System.ShouldBe("postgresql");
        db.Target.ShouldNotContain("loadlens@"); // the password never reaches result.json
        var advice = db.IndexAdvice.ShouldHaveSingleItem();
        advice.CreateIndex.ShouldBe("CREATE INDEX idx_bookings_cuisine_type ON bookings (cuisine_type)");
        advice.Statement.ShouldBe(ByCuisine);
        advice.Endpoints.ShouldBe([cuisineName]);
        advice.RowsScanned.ShouldBe(24000);
        advice.PlanLine.ShouldContain("Seq Scan");
        db.Plans.ShouldContain(p => p.Statement == ByCity && p.Error == null && p.Lines.Any(l => l.Contains("bookings_city", StringComparison.Ordinal)));
        db.Plans.ShouldContain(p => p.Statement == PerChef && p.Error == null && p.Lines.Any(l => l.Contains("bookings_chef_id", StringComparison.Ordinal)));

        var findings = done.Analysis!.Findings;
        var nPlusOne = findings.Where(f => f.RuleId == RuleIds.NPlusOne).ShouldHaveSingleItem(); // the list only
        nPlusOne.Endpoint.ShouldBe(listName);
        nPlusOne.Title.ShouldContain(PerChef);
        nPlusOne.Evidence.Single(e => e.Name == "repeatsPerRequest").Value.ShouldBe(20);
        nPlusOne.Evidence.Single(e => e.Name == "requestsAffected").Value.ShouldBe(100);
        nPlusOne.Recommendation!.Text.ShouldContain(perChef.ExemplarTraceId!);
        // Node serves these concurrently on its event loop: nothing waits before the app.
        findings.ShouldNotContain(f => f.RuleId == RuleIds.QueuedBeforeApp);
        var missing = findings.Where(f => f.RuleId == RuleIds.MissingIndex).ShouldHaveSingleItem(); // the cuisine filter only
        missing.Endpoint.ShouldBe(cuisineName);
        missing.Recommendation!.Text.ShouldContain("CREATE INDEX idx_bookings_cuisine_type ON bookings (cuisine_type)");
        missing.Evidence.Single(e => e.Name == "rowsScanned").Value.ShouldBe(24000);
        findings.ShouldNotContain(f => f.RuleId == RuleIds.SlowQuery); // every statement here takes milliseconds
        // 21 round trips make the list database-bound; the analysis says the N+1 is why (no advice of its own).
        var dbBound = findings.Where(f => f.RuleId == RuleIds.DbBound && f.Endpoint == listName).ShouldHaveSingleItem();
        dbBound.Evidence.Single(e => e.Name == "dbShare").Value.ShouldBeGreaterThanOrEqualTo(70);
        dbBound.Title.ShouldContain($"mostly the N+1, see {RuleIds.NPlusOne}");
        dbBound.Recommendation.ShouldBeNull();

        var summary = await File.ReadAllTextAsync(Path.Combine(outDir, "summary.md"));
        summary.ShouldContain("## Server side (OpenTelemetry)");
        summary.ShouldContain($"`{PerChef}`");
        summary.ShouldContain("CREATE INDEX idx_bookings_cuisine_type ON bookings (cuisine_type)");
        foreach (var file in Directory.GetFiles(outDir))
        {
            (await File.ReadAllTextAsync(file)).ShouldNotContain("postgres:loadlens@", customMessage: file); // no --db password in any output
        }
    }

    [SkippableFact]
    public async Task A_slow_statement_is_named_by_slow_query_and_makes_its_endpoint_db_bound()
    {
        var app = await database.AppAsync("http/protobuf");
        var port = app.OtlpPort;

        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(app.BaseAddress, "/api/chefs/5/availability").ToString(), new ScenarioOverrides { Users = 2, Iterations = 40 }),
            OutputDirectory = Path.Combine(_dir, "slow"),
            Hooks = [new ServerEvidenceHook(new IPEndPoint(IPAddress.Loopback, port)) { Database = database.Url }],
        });

        done.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", done.Messages) + app.Log);
        done.Run!.TryGetSection<ServerEvidence>(ServerEvidence.SectionName, out var evidence).ShouldBeTrue();
        var slow = evidence.Endpoints.ShouldHaveSingleItem();
        slow.Requests.ShouldBe(40);
        var statement = slow.Statements.ShouldHaveSingleItem();
        statement.Statement.ShouldBe("SELECT pg_sleep(?), count(*) AS booked FROM bookings WHERE chef_id = ?");
        statement.MeanMs.ShouldBeGreaterThanOrEqualTo(120); // pg_sleep(0.12) in the database
        slow.DbShare.ShouldBeGreaterThan(0.75); // 120 ms of a ≈ 125 ms request (0.89 seen at load average 14)

        var findings = done.Analysis!.Findings;
        var dbBound = findings.Where(f => f.RuleId == RuleIds.DbBound).ShouldHaveSingleItem();
        dbBound.Endpoint.ShouldBe(done.Run.Endpoints[0].Name);
        dbBound.Evidence.Single(e => e.Name == "dbShare").Value.ShouldBe(Math.Round(slow.DbShare * 100, 1), 0.5);
        dbBound.Recommendation!.Text.ShouldContain(statement.Statement);
        var slowQuery = findings.Where(f => f.RuleId == RuleIds.SlowQuery).ShouldHaveSingleItem();
        slowQuery.Endpoint.ShouldBe(done.Run.Endpoints[0].Name);
        slowQuery.Title.ShouldContain(statement.Statement);
        slowQuery.Evidence.Single(e => e.Name == "statementP95").Value.ShouldBeGreaterThan(100);
        slowQuery.Evidence.Single(e => e.Name == "executions").Value.ShouldBe(40);
        // Its plan uses bookings_chef_id: slow, but not for want of an index.
        evidence.Database.ShouldNotBeNull().IndexAdvice.ShouldBeEmpty();
        slowQuery.Recommendation!.Text.ShouldContain("its plan uses an index");
        findings.ShouldNotContain(f => f.RuleId == RuleIds.MissingIndex);
        findings.ShouldNotContain(f => f.RuleId == RuleIds.NPlusOne || f.RuleId == RuleIds.QueuedBeforeApp);
    }

    [SkippableFact]
    public async Task Synchronous_CPU_work_on_the_event_loop_queues_requests_before_the_app_and_is_not_db_bound()
    {
        var app = await database.AppAsync("http/json");
        var port = app.OtlpPort;

        // 6 users, ≈ 20 ms of synchronous work per request on one event loop: each request waits for the others'
        // work before Node reads it and its server span starts.
        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(app.BaseAddress, "/api/report").ToString(), new ScenarioOverrides { Users = 6, Iterations = 150 }),
            OutputDirectory = Path.Combine(_dir, "cpu"),
            Hooks = [new ServerEvidenceHook(new IPEndPoint(IPAddress.Loopback, port))],
            Analysis = AnalysisOptions.Default with { MaxErrorRate = null },
        });

        done.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", done.Messages) + app.Log);
        done.Run!.TryGetSection<ServerEvidence>(ServerEvidence.SectionName, out var evidence).ShouldBeTrue();
        var report = evidence.Endpoints.ShouldHaveSingleItem();
        report.Requests.ShouldBe(150);
        report.Route.ShouldBe("/api/report");
        report.Statements.ShouldBeEmpty();
        report.ServerTime.P50.ShouldBeInRange(19, 30); // the work itself: ≈ 20 ms (span starts are whole milliseconds in JS)
        report.DbShare.ShouldBe(0); // the app's own work, not the database
        report.BeforeApp.Mean.ShouldBeGreaterThan(2 * report.ServerTime.P50); // the wait for the event loop

        var findings = done.Analysis!.Findings;
        var queued = findings.Where(f => f.RuleId == RuleIds.QueuedBeforeApp).ShouldHaveSingleItem();
        queued.Endpoint.ShouldBe(done.Run.Endpoints[0].Name);
        queued.Evidence.Single(e => e.Name == "beforeAppShare").Value.ShouldBeGreaterThan(50);
        queued.Evidence.Single(e => e.Name == "serverP50").Value.ShouldBe(report.ServerTime.P50);
        findings.ShouldNotContain(f => f.RuleId == RuleIds.DbBound || f.RuleId == RuleIds.NPlusOne);
    }
}
