using System.Text.Json;
using Loadlens.Core.Serialization;
using Loadlens.TestUtils;

namespace Loadlens.Cli.Tests;

/// <summary>
/// The CLI against a real Flask app behind <c>gunicorn -w 1</c> (one synchronous worker), with the app's own
/// request count as the oracle.
/// </summary>
[Collection("gunicorn")]
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
}
