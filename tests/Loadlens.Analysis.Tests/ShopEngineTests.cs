using Loadlens.Analysis;
using Loadlens.Core.Scenarios;
using Loadlens.Engine;
using Loadlens.TestUtils;

namespace Loadlens.Analysis.Tests;

/// <summary>
/// Done-means case 2: the shop run repeated with Loadlens itself (closed model, 40 users, the Locust file's
/// think time and task weights) against <see cref="ShopTarget"/>, an equivalent real Kestrel server.
/// </summary>
public sealed class ShopEngineTests
{
    internal static ScenarioDefinition ShopScenario(Uri baseUrl) => new()
    {
        Name = "shop",
        BaseUrl = baseUrl,
        Endpoints =
        [
            new EndpointDefinition { Name = "GET /health", Path = "/health", Weight = 1 },
            new EndpointDefinition { Name = "GET /api/products", Path = "/api/products?page=1", Weight = 5 },
            new EndpointDefinition { Name = "GET /api/orders", Path = "/api/orders", Weight = 3 },
            new EndpointDefinition { Name = "GET /api/search", Path = "/api/search?q=chair", Weight = 2 },
        ],
        Load = new LoadProfile
        {
            Users = 40,
            Duration = TimeSpan.FromSeconds(8),
            WarmUp = TimeSpan.FromSeconds(1),
            ThinkTimeMin = TimeSpan.FromMilliseconds(50),
            ThinkTimeMax = TimeSpan.FromMilliseconds(200),
        },
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task Loadlens_run_against_an_equivalent_server_gives_the_same_findings()
    {
        // Server and generator share this process on a shared 2-core machine. A whole-process hiccup
        // (the scheduler parking us for half a second) makes even /health slow, and the analysis then
        // rightly reports tail latency everywhere. Such a run says nothing about the rules, so it is
        // repeated (at most 3 runs); the hiccup check is independent of the analysis under test.
        for (var attempt = 1; ; attempt++)
        {
            await using var target = await ShopTarget.StartAsync();
            var run = await LoadRunner.RunAsync(ShopScenario(target.BaseAddress), new LoadRunnerOptions { Seed = 7 });
            target.MaxOrdersInLock.ShouldBe(1);
            var health = run.Endpoints.Single(e => e.Name == "GET /health");
            if (health.Latency.Max > 100 && attempt < 3)
            {
                Console.WriteLine($"attempt {attempt}: the machine stalled (/health max {health.Latency.Max:F0} ms); running again");
                continue;
            }

            var report = Analyzer.Analyze(run);
            foreach (var f in report.Findings)
            {
                Console.WriteLine($"{f.Severity} {f.RuleId} {f.Endpoint}: {f.Title} [{string.Join(", ", f.Evidence.Select(e => $"{e.Name}={e.Value}{e.Unit}"))}]");
            }

            Console.WriteLine($"true mean lock hold time: {target.MeanOrdersHoldMs:F2} ms");
            ShopExpectations.Assert(report, "GET /api/orders", "GET /api/search", "GET /health", "GET /api/products", target.MeanOrdersHoldMs);
            return;
        }
    }
}
