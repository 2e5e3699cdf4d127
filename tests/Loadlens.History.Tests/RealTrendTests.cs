using System.Text.Json;
using Loadlens.Analysis.Trends;
using Loadlens.Pipeline;
using Loadlens.TestUtils;

namespace Loadlens.History.Tests;

/// <summary>Real runs against a real Kestrel server that is made slower halfway: the saved trend shows the change where it happened.</summary>
[Collection(HeavyTests.Name)]
public sealed class RealTrendTests
{
    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task Runs_saved_before_and_after_the_server_got_slower_show_one_regression_at_the_first_slow_run(string backend)
    {
        await using var target = await TestTarget.StartAsync();
        await using var t = TestStore.Create(backend);
        var ids = new List<string>();
        var folder = Path.Combine(Path.GetTempPath(), "loadlens-history-trend-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        for (var i = 0; i < 12; i++)
        {
            // One endpoint, "GET /api/orders"; the "deployment" of run 7 makes every request 35 ms slower (/delay/5 → /delay/40).
            var scenario = Path.Combine(folder, "tunable.yaml");
            await File.WriteAllTextAsync(scenario, $"""
                name: tunable
                baseUrl: {target.BaseAddress.ToString().TrimEnd('/')}
                endpoints:
                  - name: GET /api/orders
                    path: /delay/{(i < 6 ? 5 : 40)}
                load:
                  users: 2
                  iterations: 60
                """);
            var done = await LoadlensPipeline.RunAsync(new RunOptions
            {
                Scenario = ScenarioRequest.ForFile(scenario),
                OutputDirectory = Path.Combine(folder, "run" + i),
                Save = new HistoryOptions { Connection = t.Connection, Git = new GitInfo($"{i:x2}{new string('a', 38)}", "main") },
            });
            done.ExitCode.ShouldBe(0, string.Join("\n", done.Messages));
            ids.Add(done.SavedId.ShouldNotBeNull());
        }

        // The median is robust to a loaded test machine (a p95 of 60 requests moves with every stall of the machine).
        var endpoint = (await LoadlensPipeline.TrendAsync(new TrendOptions { Scenario = "tunable", Metric = TrendMetric.P50, History = new HistoryOptions { Connection = t.Connection } })).Trend!;
        var series = string.Join(", ", endpoint.Points.Select(p => p.Value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)));
        endpoint.Points.Select(p => p.RunId).ShouldBe(ids);
        var change = endpoint.ChangePoints.ShouldHaveSingleItem(series);
        change.Index.ShouldBe(6);
        change.RunId.ShouldBe(ids[6]);
        change.Commit.ShouldBe("06" + new string('a', 38));
        change.Regression.ShouldBeTrue();
        // Bounds wide enough for a loaded machine (the server's 5 ms can measure 20 ms), never overlapping.
        change.BeforeMedian.ShouldBeInRange(5, 38, series);
        change.AfterMedian.ShouldBeInRange(40, 200, series);
        change.Text.ShouldStartWith("p50 of Aggregated rose ");
        change.Text.ShouldContain("at run 7 (commit 06aaaaa, ");

        // The same through the CLI, per endpoint, as JSON.
        using var cli = new CliRunner();
        (await cli.RunAsync("history", "trend", "tunable", "--endpoint", "GET /api/orders", "--metric", "median", "--format", "json", "--history", t.Connection)).ShouldBe(0, cli.Error.ToString());
        using var json = JsonDocument.Parse(cli.Out.ToString());
        json.RootElement.GetProperty("kind").GetString().ShouldBe("trend");
        json.RootElement.GetProperty("metric").GetString().ShouldBe("p50");
        json.RootElement.GetProperty("points").GetArrayLength().ShouldBe(12);
        var cp = json.RootElement.GetProperty("changePoints").EnumerateArray().ShouldHaveSingleItem(string.Join(", ", json.RootElement.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble())));
        cp.GetProperty("index").GetInt32().ShouldBe(6);
        cp.GetProperty("runId").GetString().ShouldBe(ids[6]);
        cp.GetProperty("commit").GetString().ShouldBe("06" + new string('a', 38));
        cp.GetProperty("pValue").GetDouble().ShouldBeLessThanOrEqualTo(0.01);
        cp.GetProperty("afterMedian").GetDouble().ShouldBeGreaterThan(cp.GetProperty("beforeMedian").GetDouble() + 20);
        cp.GetProperty("direction").GetString().ShouldBe("rose");
        cp.GetProperty("regression").GetBoolean().ShouldBeTrue();
        cp.GetProperty("text").GetString()!.ShouldStartWith("p50 of GET /api/orders rose ");
        Directory.Delete(folder, recursive: true);
    }
}
