using System.Net;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;
using Loadlens.Pipeline;

namespace Loadlens.Evidence.Tests;

/// <summary>The whole path on a real instrumented app: traceparent out, OTLP spans in, joined per endpoint into result.json.</summary>
public sealed class ServerEvidenceHookTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loadlens-evidence-").FullName;

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

    [Fact]
    public async Task Spans_of_a_real_OpenTelemetry_app_are_joined_to_each_endpoint_with_server_time_db_statements_and_the_time_before_the_app()
    {
        var port = InstrumentedApp.FreePort();
        await using var app = await InstrumentedApp.StartAsync(port);
        var hook = new ServerEvidenceHook(new IPEndPoint(IPAddress.Loopback, port));
        var outDir = Path.Combine(_dir, "run");

        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(app.BaseAddress, "/api/chefs").ToString(), new ScenarioOverrides { Users = 4, Iterations = 200 }) with
            {
                MoreUrls = [new Uri(app.BaseAddress, "/api/chefs/3").ToString()],
            },
            OutputDirectory = outDir,
            Hooks = [hook],
        });

        done.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", done.Messages));
        hook.Listening.ShouldBeNull(); // the receiver is stopped after the run
        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json")); // the section survives result.json
        result.TryGetSection<ServerEvidence>(ServerEvidence.SectionName, out var evidence).ShouldBeTrue();
        evidence.TracesJoined.ShouldBe(result.Total.Requests); // every request joined to its server span
        evidence.TracesDropped.ShouldBe(0);
        var list = evidence.Endpoints.ToDictionary(e => e.Endpoint);
        var chefs = list[result.Endpoints[0].Name];
        var chef = list[result.Endpoints[1].Name];
        (chefs.Requests + chef.Requests).ShouldBe(200);
        chefs.Requests.ShouldBe(result.Endpoints[0].Requests);
        chefs.Route.ShouldBe("/api/chefs");
        chef.Route.ShouldBe("/api/chefs/{id:int}");
        chefs.DbStatementsMean.ShouldBe(11); // 1 + one per chef
        chefs.DbStatementsMax.ShouldBe(11);
        chef.DbStatementsMean.ShouldBe(1);
        chefs.DbShare.ShouldBeInRange(0.01, 1);
        // Server time is inside the client's latency; what is left is outside the app (connect, queue, transfer).
        chefs.ServerTime.Mean.ShouldBeGreaterThan(0);
        chefs.ServerTime.Mean.ShouldBeLessThan(result.Endpoints[0].Latency.Mean);
        chefs.BeforeApp.Mean.ShouldBeLessThan(result.Endpoints[0].Latency.Mean);
        chefs.BeforeApp.Max.ShouldBeLessThan(result.Endpoints[0].Latency.Max + 5);
        var selectChefs = chefs.Statements.Single(s => s.Statement.StartsWith("SELECT id, name FROM chefs", StringComparison.Ordinal));
        selectChefs.PerRequestMean.ShouldBe(1);
        selectChefs.System.ShouldBe("sqlite");

        // The per-chef query, its literal stripped, is one statement repeated 10 times one after another: an N+1.
        var perChef = chefs.Statements.Single(s => s.Statement == "SELECT count(*) FROM bookings WHERE chef_id = ?");
        perChef.PerRequestMean.ShouldBe(10);
        perChef.PerRequestMax.ShouldBe(10);
        perChef.RepeatedRequests.ShouldBe(chefs.Requests);
        perChef.ExemplarTraceId.ShouldNotBeNull().Length.ShouldBe(32);
        chef.Statements.ShouldHaveSingleItem().Statement.ShouldBe("SELECT id, name FROM chefs WHERE id = ?");

        var findings = done.Analysis!.Findings;
        var nPlusOne = findings.Where(f => f.RuleId == Loadlens.Analysis.RuleIds.NPlusOne).ShouldHaveSingleItem();
        nPlusOne.Endpoint.ShouldBe(result.Endpoints[0].Name);
        nPlusOne.Title.ShouldContain("SELECT count(*) FROM bookings WHERE chef_id = ?");
        nPlusOne.Evidence.Single(e => e.Name == "repeatsPerRequest").Value.ShouldBe(10);
        nPlusOne.Recommendation!.Text.ShouldContain(perChef.ExemplarTraceId!);
        findings.ShouldNotContain(f => f.RuleId == Loadlens.Analysis.RuleIds.NPlusOne && f.Endpoint == result.Endpoints[1].Name); // one query: clean
        findings.ShouldNotContain(f => f.RuleId == Loadlens.Analysis.RuleIds.QueuedBeforeApp);

        // The console-free outputs show it too: summary.md's server-side table.
        var summary = await File.ReadAllTextAsync(Path.Combine(outDir, "summary.md"));
        summary.ShouldContain("## Server side (OpenTelemetry)");
        summary.ShouldContain("`SELECT count(*) FROM bookings WHERE chef_id = ?`");
    }

    [Fact]
    public async Task With_db_the_real_plan_gives_the_exact_index_for_the_scanning_statement_and_slow_statements_are_named()
    {
        var port = InstrumentedApp.FreePort();
        await using var app = await InstrumentedApp.StartAsync(port);
        var hook = new ServerEvidenceHook(new IPEndPoint(IPAddress.Loopback, port)) { Database = app.DatabasePath };
        var outDir = Path.Combine(_dir, "db");

        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(app.BaseAddress, "/api/chefs").ToString(), new ScenarioOverrides { Users = 4, Iterations = 160 }) with
            {
                MoreUrls = [new Uri(app.BaseAddress, "/api/bookings/by-guests/3").ToString(), new Uri(app.BaseAddress, "/api/chefs/3").ToString(), new Uri(app.BaseAddress, "/api/report").ToString()],
            },
            OutputDirectory = outDir,
            Hooks = [hook],
        });

        done.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", done.Messages));
        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        result.TryGetSection<ServerEvidence>(ServerEvidence.SectionName, out var evidence).ShouldBeTrue();
        var (chefs, byGuests, chef, report) = (result.Endpoints[0].Name, result.Endpoints[1].Name, result.Endpoints[2].Name, result.Endpoints[3].Name);

        // Run-wide statements: merged over endpoints, by total time, with percentiles of one execution.
        var scan = evidence.Statements.Single(s => s.Statement == "SELECT count(*) FROM bookings WHERE chef_id = ?");
        scan.Endpoints.ShouldBe([chefs]);
        scan.Calls.ShouldBe(10 * evidence.Endpoints.Single(e => e.Endpoint == chefs).Requests);
        scan.P50Ms.ShouldBeGreaterThan(0);
        scan.P95Ms.ShouldBeGreaterThanOrEqualTo(scan.P50Ms);
        scan.MaxMs.ShouldBeGreaterThanOrEqualTo(scan.P95Ms * 0.99);
        var slow = evidence.Statements.Single(s => s.Statement.StartsWith("WITH RECURSIVE cnt", StringComparison.Ordinal));
        slow.P95Ms.ShouldBeGreaterThan(100, "1.5 M recursive rows take SQLite well over 100 ms");

        // The database's own plan: the per-chef statement scans 20,000 bookings to filter on chef_id; the indexed
        // filter (guests) and the primary-key lookup get no advice.
        var db = evidence.Database.ShouldNotBeNull();
        db.System.ShouldBe("sqlite");
        var advice = db.IndexAdvice.ShouldHaveSingleItem();
        advice.CreateIndex.ShouldBe("CREATE INDEX idx_bookings_chef_id ON bookings (chef_id)");
        advice.Table.ShouldBe("bookings");
        advice.Statement.ShouldBe(scan.Statement);
        advice.Endpoints.ShouldBe([chefs]);
        advice.RowsScanned.ShouldBe(20000);
        advice.PlanLine.ShouldContain("SCAN bookings");
        db.Plans.ShouldContain(p => p.Statement == "SELECT count(*) FROM bookings WHERE guests = ?" && p.Error == null && p.Lines.Any(l => l.Contains("ix_bookings_guests", StringComparison.Ordinal)));

        var findings = done.Analysis!.Findings;
        var missing = findings.Where(f => f.RuleId == Loadlens.Analysis.RuleIds.MissingIndex).ShouldHaveSingleItem();
        missing.Endpoint.ShouldBe(chefs);
        missing.Recommendation!.Text.ShouldContain("CREATE INDEX idx_bookings_chef_id ON bookings (chef_id)");
        missing.Evidence.Single(e => e.Name == "rowsScanned").Value.ShouldBe(20000);
        findings.ShouldNotContain(f => f.RuleId == Loadlens.Analysis.RuleIds.MissingIndex && f.Endpoint != chefs);

        var slowQuery = findings.Where(f => f.RuleId == Loadlens.Analysis.RuleIds.SlowQuery).ShouldHaveSingleItem();
        slowQuery.Endpoint.ShouldBe(report);
        slowQuery.Title.ShouldContain("WITH RECURSIVE cnt");
        slowQuery.Evidence.Single(e => e.Name == "statementP95").Value.ShouldBeGreaterThan(100);
        string[] evidenceRules = [Loadlens.Analysis.RuleIds.MissingIndex, Loadlens.Analysis.RuleIds.SlowQuery, Loadlens.Analysis.RuleIds.NPlusOne];
        findings.ShouldNotContain(f => (f.Endpoint == byGuests || f.Endpoint == chef) && evidenceRules.Contains(f.RuleId), string.Join("\n", findings.Select(f => $"{f.RuleId} {f.Endpoint}: {f.Title}")));

        // Console-free outputs show the statements and the exact index.
        var summary = await File.ReadAllTextAsync(Path.Combine(outDir, "summary.md"));
        summary.ShouldContain("CREATE INDEX idx_bookings_chef_id ON bookings (chef_id)");
        summary.ShouldContain("| Statement | Endpoints | Calls |");
        var analysis = await File.ReadAllTextAsync(Path.Combine(outDir, "analysis.md"));
        analysis.ShouldContain("missing-index");
        analysis.ShouldContain("slow-query");
    }

    [Fact]
    public async Task A_db_that_cannot_be_opened_stops_the_run_before_any_load_with_one_line()
    {
        var port = InstrumentedApp.FreePort();
        var hook = new ServerEvidenceHook(new IPEndPoint(IPAddress.Loopback, port)) { Database = Path.Combine(_dir, "missing.db") };
        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl("http://127.0.0.1:1/x", new ScenarioOverrides { Users = 1, Iterations = 1 }),
            OutputDirectory = Path.Combine(_dir, "nodb"),
            Hooks = [hook],
        });

        done.Verdict.ShouldBe(Verdict.RunFailed);
        var message = done.Messages.ShouldHaveSingleItem();
        message.ShouldContain("--db");
        message.ShouldContain("missing.db");
        message.ShouldNotContain("\n");
        File.Exists(Path.Combine(_dir, "missing.db")).ShouldBeFalse("a read-only planner never creates the file");
    }

    [Fact]
    public async Task Requests_waiting_for_the_apps_one_worker_are_queued_before_the_app_and_the_analysis_says_so()
    {
        var port = InstrumentedApp.FreePort();
        await using var app = await InstrumentedApp.StartAsync(port);
        var outDir = Path.Combine(_dir, "queued");

        // 8 users on one 5 ms worker: each request waits ≈ 7 × 5 ms before its server span starts.
        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(app.BaseAddress, "/worker/job").ToString(), new ScenarioOverrides { Users = 8, Iterations = 240 }),
            OutputDirectory = outDir,
            Hooks = [new ServerEvidenceHook(new IPEndPoint(IPAddress.Loopback, port))],
            Analysis = Loadlens.Analysis.AnalysisOptions.Default with { MaxErrorRate = null },
        });

        done.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", done.Messages));
        var evidence = done.Run!.TryGetSection<ServerEvidence>(ServerEvidence.SectionName, out var ev) ? ev : throw new ShouldAssertException("no evidence");
        var job = evidence.Endpoints.ShouldHaveSingleItem();
        job.Requests.ShouldBe(240);
        job.ServerTime.P50.ShouldBeInRange(4.5, 12); // the work itself stays ≈ 5 ms
        job.BeforeApp.Mean.ShouldBeGreaterThan(3 * job.ServerTime.P50); // the wait for the worker is outside the app
        var finding = done.Analysis!.Findings.Where(f => f.RuleId == Loadlens.Analysis.RuleIds.QueuedBeforeApp).ShouldHaveSingleItem();
        finding.Endpoint.ShouldBe(done.Run.Endpoints[0].Name);
        finding.Evidence.Single(e => e.Name == "beforeAppShare").Value.ShouldBeGreaterThan(50);
        finding.Recommendation!.Text.ShouldContain("Add workers");
        done.Analysis.Findings.ShouldNotContain(f => f.RuleId == Loadlens.Analysis.RuleIds.NPlusOne || f.RuleId == Loadlens.Analysis.RuleIds.DbBound);
    }

    [Fact]
    public async Task A_parallel_endpoint_is_not_called_queued_before_the_app()
    {
        var port = InstrumentedApp.FreePort();
        await using var app = await InstrumentedApp.StartAsync(port);
        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(app.BaseAddress, "/api/chefs/3").ToString(), new ScenarioOverrides { Users = 4, Iterations = 200 }),
            OutputDirectory = Path.Combine(_dir, "parallel"),
            Hooks = [new ServerEvidenceHook(new IPEndPoint(IPAddress.Loopback, port))],
        });

        done.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", done.Messages));
        done.Run!.TryGetSection<ServerEvidence>(ServerEvidence.SectionName, out var ev).ShouldBeTrue();
        ev.TracesJoined.ShouldBe(200);
        done.Analysis!.Findings.ShouldNotContain(f => f.RuleId == Loadlens.Analysis.RuleIds.QueuedBeforeApp || f.RuleId == Loadlens.Analysis.RuleIds.NPlusOne);
    }
}
