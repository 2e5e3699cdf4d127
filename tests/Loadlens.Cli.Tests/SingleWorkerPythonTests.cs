using System.Text.Json;
using Loadlens.Core.Serialization;
using Loadlens.TestUtils;

namespace Loadlens.Cli.Tests;

/// <summary>
/// The CLI against a real Flask app behind <c>gunicorn -w 1</c> (one synchronous worker), with the app's own
/// request count as the oracle.
/// </summary>
[Collection("exclusive-load")] // never beside another load-generating class of this assembly: generator-saturation reads this process's CPU
public sealed class SingleWorkerPythonTests
{
    [Fact]
    public async Task Several_urls_against_one_sync_worker_are_counted_exactly_by_the_app()
    {
        await using var app = await GunicornTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "out");

        var exit = await cli.RunAsync("run",
            new Uri(app.BaseAddress, "/health").ToString(),
            new Uri(app.BaseAddress, "/api/chefs?cuisine=Korean").ToString() + "@2",
            "-u", "4", "-n", "120", "--seed", "3", "-o", outDir);

        exit.ShouldBe(0, cli.Error.ToString());
        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        result.Endpoints.Select(e => e.Name).ShouldBe(["GET /health", "GET /api/chefs?cuisine=Korean"]);
        result.Total.Requests.ShouldBe(120);
        result.Total.Failures.ShouldBe(0);
        (await app.ServedAsync()).ShouldBe(120); // every request the app served is in the result, and no more
        result.Endpoints[1].Latency.P50.ShouldBeGreaterThanOrEqualTo(10); // 10 ms of work per chef request
    }

    [Fact]
    public async Task Not_found_on_every_request_fails_the_default_gate()
    {
        await using var app = await GunicornTarget.StartAsync();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("run", new Uri(app.BaseAddress, "/api/chefz").ToString(), "-u", "2", "-n", "30", "-o", Path.Combine(cli.Directory, "g"));

        exit.ShouldBe(1);
        cli.Error.ToString().ShouldContain("gate failed: 100 % of 30 requests failed");
        (await app.ServedAsync()).ShouldBe(30);
    }

    [Fact]
    public async Task Constant_users_on_one_sync_worker_are_diagnosed_as_a_serialized_resource()
    {
        await using var app = await GunicornTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "constant");

        // 6 users, 50 ms of work each, one worker: every measured request waits for the other 5 (≈ 300 ms), so
        // the fastest measured request is no longer the work time; the run's first request (warm-up) still is.
        // 50 ms keeps connect and scheduling noise on that one first request small next to the work.
        var exit = await cli.RunAsync("run", new Uri(app.BaseAddress, "/work?ms=50").ToString(), "-u", "6", "-d", "6s", "-w", "1s", "-o", outDir);

        exit.ShouldBe(0, cli.Error.ToString());
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "analysis.json")));
        var finding = doc.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("ruleId").GetString() == "serialized-resource").ShouldHaveSingleItem(doc.RootElement.GetProperty("findings").ToString());
        double Evidence(string name) => finding.GetProperty("evidence").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name).GetProperty("value").GetDouble();
        Evidence("serviceTime").ShouldBeInRange(48, 75); // ≈ 1/X: 50 ms of work plus the worker's own overhead
        Evidence("lowLoadLatency").ShouldBeInRange(48, 100);
        Evidence("users").ShouldBe(6);
        Evidence("expectedLatency").ShouldBe(Evidence("meanLatency"), Evidence("meanLatency") * 0.25); // R = N/X: Little's law holds
        // Queueing dominates: R ≈ N·S with N = 6 (compared with S = 1/X; the single low-load sample is noisier:
        // on a freshly installed worker its first request took 81 ms).
        Evidence("meanLatency").ShouldBeGreaterThan(4 * Evidence("serviceTime"));
        Evidence("meanLatency").ShouldBeGreaterThan(2.5 * Evidence("lowLoadLatency"));
    }

    [Fact]
    public async Task A_sweep_finds_the_single_workers_ceiling_at_one_over_the_service_time()
    {
        await using var app = await GunicornTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "sweep");

        // 25 ms of work in one worker: at most ≈ 40 req/s however many users wait.
        var exit = await cli.RunAsync("sweep", new Uri(app.BaseAddress, "/work?ms=25").ToString(), "--users", "1,2,4,8", "--step", "2s", "--step-warmup", "0.5s", "-o", outDir);

        exit.ShouldBe(0, cli.Error.ToString());
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "sweep-analysis.json")));
        var steps = doc.RootElement.GetProperty("steps").EnumerateArray().ToList();
        var throughput = steps.Select(s => s.GetProperty("throughput").GetDouble()).ToList();
        throughput[^1].ShouldBeInRange(25, 42, string.Join(", ", throughput)); // ≈ 1 / 25 ms, less the worker's own overhead
        (throughput[^1] / throughput[1]).ShouldBeLessThan(1.25); // 2 → 8 users: no more throughput
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()).ToList();
        findings.ShouldContain(id => id == "serialized-resource" || id == "throughput-plateau", string.Join(", ", findings));
    }

    private static List<JsonElement> Findings(JsonDocument doc) => doc.RootElement.GetProperty("findings").EnumerateArray().ToList();

    private static double Evidence(JsonElement finding, string name) =>
        finding.GetProperty("evidence").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name).GetProperty("value").GetDouble();

    private static async Task<JsonDocument> AnalysisAsync(string outDir) =>
        JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "analysis.json")));

    [Fact]
    public async Task Endpoints_sharing_the_one_worker_get_one_shared_bottleneck_finding_with_each_endpoints_own_work()
    {
        await using var app = await GunicornTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "mixed");

        // Three endpoints of different work behind one sync worker, 12 users: all wait in the same accept queue.
        var exit = await cli.RunAsync("run",
            new Uri(app.BaseAddress, "/health").ToString(),
            new Uri(app.BaseAddress, "/api/chefs?cuisine=Korean").ToString(),
            new Uri(app.BaseAddress, "/work?ms=30").ToString(),
            "-u", "12", "-d", "6s", "-w", "1s", "--seed", "5", "-o", outDir, "--no-gate");

        exit.ShouldBe(0, cli.Error.ToString());
        using var doc = await AnalysisAsync(outDir);
        var findings = Findings(doc);
        var all = string.Join("\n", findings.Select(f => f.GetProperty("ruleId").GetString() + " " + f.GetProperty("endpoint") + ": " + f.GetProperty("title").GetString()));
        var shared = findings.Where(f => f.GetProperty("ruleId").GetString() == "shared-bottleneck").ShouldHaveSingleItem(all);
        shared.GetProperty("endpoint").ValueKind.ShouldBe(JsonValueKind.Null); // one run-level finding
        findings.ShouldNotContain(f => f.GetProperty("ruleId").GetString() == "serialized-resource", all); // no per-endpoint made-up capacity

        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        var capacity = Evidence(shared, "capacity");
        capacity.ShouldBe(result.Total.RequestsPerSecond, 0.01);
        Evidence(shared, "serviceDemand").ShouldBe(1000 / capacity, 0.01); // the utilisation law: S̄ = 1/X
        var work = Evidence(shared, "work: GET /work?ms=30");
        var chefs = Evidence(shared, "work: GET /api/chefs?cuisine=Korean");
        var health = Evidence(shared, "work: GET /health");
        work.ShouldBeInRange(25, 50, all); // 30 ms of work, not the ≈ 12 × 14 ms the queue makes it wait
        chefs.ShouldBeInRange(5, 25, all);
        health.ShouldBeLessThan(chefs);
        Evidence(shared, "queueingDelay").ShouldBeGreaterThan(3 * work); // 11 others ahead of each request
        // The endpoints are listed by the work each adds: the 30 ms one first.
        shared.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("name").GetString()).Where(n => n!.StartsWith("work: ", StringComparison.Ordinal))
            .First().ShouldBe("work: GET /work?ms=30");
        // Any per-endpoint tail finding speaks of its own work and points at the shared queue, with no advice of its own.
        foreach (var tail in findings.Where(f => f.GetProperty("ruleId").GetString() == "tail-latency"))
        {
            tail.GetProperty("title").GetString()!.ShouldContain("shared queue");
            tail.GetProperty("recommendation").ValueKind.ShouldBe(JsonValueKind.Null);
        }

        (await app.ServedAsync()).ShouldBe(result.Total.Requests + result.Intervals.Where(i => i.Warmup).Sum(i => i.Total.Requests));
    }

    [Fact]
    public async Task Many_users_on_one_worker_is_a_queue_still_filling_not_degradation_nor_the_generator()
    {
        await using var app = await GunicornTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "filling");

        // 200 users on ≈ 45 req/s: every user passes the queue once only after ≈ 4.4 s; the run stops at 3 s.
        var exit = await cli.RunAsync("run", new Uri(app.BaseAddress, "/work?ms=20").ToString(), "-u", "200", "-d", "3s", "-o", outDir, "--no-gate");

        exit.ShouldBe(0, cli.Error.ToString());
        using var doc = await AnalysisAsync(outDir);
        var findings = Findings(doc);
        var all = string.Join("\n", findings.Select(f => f.GetProperty("ruleId").GetString() + ": " + f.GetProperty("title").GetString()));
        var filling = findings.Where(f => f.GetProperty("ruleId").GetString() == "no-steady-state").ShouldHaveSingleItem(all);
        // generator-saturation is not asserted absent here: beside the other test assemblies on a 2-core CI machine the
        // generator can really fall behind 200 users (its constructed cases are in Loadlens.Analysis.Tests).
        findings.ShouldNotContain(f => f.GetProperty("ruleId").GetString() == "latency-degradation", all);
        Evidence(filling, "users").ShouldBe(200);
        var x = Evidence(filling, "throughput");
        Evidence(filling, "expectedLatency").ShouldBe(200_000 / x, 1); // Little's law at steady state: N/X
        Evidence(filling, "meanLatency").ShouldBeLessThan(0.8 * Evidence(filling, "expectedLatency"));
        Evidence(filling, "fillTime").ShouldBeGreaterThan(Evidence(filling, "runTime"));
        filling.GetProperty("recommendation").GetProperty("text").GetString()!.ShouldContain("above capacity");

        // Every request is accounted for: the app served every completed one, and at most the unfinished ones besides
        // (those it still took from its backlog after the run gave up on them; /stats queues behind that backlog).
        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        var served = await app.ServedAsync();
        served.ShouldBeGreaterThanOrEqualTo(result.Total.Requests - result.Total.Unfinished);
        served.ShouldBeLessThanOrEqualTo(result.Total.Requests);
    }

    [Fact]
    public async Task An_open_model_above_the_workers_capacity_says_what_was_offered_and_what_was_completed()
    {
        await using var app = await GunicornTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "open");

        // 80 arrivals/s against ≈ 38 req/s of capacity (25 ms of work in one worker).
        var exit = await cli.RunAsync("run", new Uri(app.BaseAddress, "/work?ms=25").ToString(), "--rate", "80/s", "-d", "3s", "-o", outDir, "--no-gate");

        exit.ShouldBe(0, cli.Error.ToString());
        using var doc = await AnalysisAsync(outDir);
        var findings = Findings(doc);
        var all = string.Join("\n", findings.Select(f => f.GetProperty("ruleId").GetString() + ": " + f.GetProperty("title").GetString()));
        var overload = findings.Where(f => f.GetProperty("ruleId").GetString() == "no-steady-state").ShouldHaveSingleItem(all);
        Evidence(overload, "offeredRate").ShouldBe(80, 4);
        Evidence(overload, "completedRate").ShouldBeInRange(5, 42); // ≈ 38 req/s on a quiet machine; the point is: well under 80
        Evidence(overload, "completedRate").ShouldBeLessThan(0.9 * Evidence(overload, "offeredRate"));
        overload.GetProperty("title").GetString().ShouldStartWith("Offered 80 req/s, the server completed");
    }

    [Fact]
    public async Task The_cache_ttl_advice_does_not_grow_with_the_queue()
    {
        await using var app = await GunicornTarget.StartAsync();
        using var cli = new CliHarness();
        var url = new Uri(app.BaseAddress, "/work?ms=30").ToString();

        async Task<(double Ttl, double Service)> TtlAsync(string users, string dir)
        {
            var outDir = Path.Combine(cli.Directory, dir);
            var exit = await cli.RunAsync("run", url, "-u", users, "-d", "6s", "-w", "1s", "-o", outDir, "--no-gate");
            exit.ShouldBe(0, cli.Error.ToString());
            using var doc = await AnalysisAsync(outDir);
            var advice = doc.RootElement.GetProperty("cacheTtl").EnumerateArray().Single();
            return (advice.GetProperty("ttlSeconds").GetDouble(), advice.GetProperty("meanLatencyMs").GetDouble());
        }

        var alone = await TtlAsync("1", "one");
        var queued = await TtlAsync("16", "sixteen"); // mean latency ≈ 16 × 31 ms: mostly waiting
        queued.Ttl.ShouldBe(alone.Ttl);
        queued.Service.ShouldBe(alone.Service, alone.Service * 0.35); // the service time, not the queue-inflated latency
    }
}
