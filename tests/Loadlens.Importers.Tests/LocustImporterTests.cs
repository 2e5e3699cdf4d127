using Loadlens.Core;
using Loadlens.Core.Results;

namespace Loadlens.Importers.Tests;

public sealed class LocustImporterTests
{
    private static Task<RunResult> ImportShop() => ResultImporter.ImportAsync(Fixture.ShopPrefix);

    [Fact]
    public async Task Shop_fixture_endpoints_match_the_stats_file_exactly()
    {
        var run = await ImportShop();

        run.Source.ShouldBe(new RunSource("locust", "locust-csv", Fixture.ShopPrefix));
        run.Name.ShouldBe("shop");
        run.Endpoints.Select(e => e.Name).ShouldBe(["/api/orders", "/api/products", "/api/search", "/health"]);
        run.Endpoints.ShouldAllBe(e => e.Method == "GET");

        var orders = run.Endpoints[0];
        orders.Requests.ShouldBe(1748);
        orders.Failures.ShouldBe(0);
        orders.RequestsPerSecond.ShouldBe(60.173456471459936);
        orders.BytesReceived.ShouldBe(1748 * 900);
        orders.Latency.Count.ShouldBe(1748);
        orders.Latency.Mean.ShouldBe(144.04308816247215);
        orders.Latency.Min.ShouldBe(15.785617000005914);
        orders.Latency.Max.ShouldBe(296.57856599999377);
        orders.Latency.P50.ShouldBe(140.0);
        orders.Latency.P66.ShouldBe(170);
        orders.Latency.P75.ShouldBe(180);
        orders.Latency.P80.ShouldBe(190);
        orders.Latency.P90.ShouldBe(220);
        orders.Latency.P95.ShouldBe(240);
        orders.Latency.P98.ShouldBe(260);
        orders.Latency.P99.ShouldBe(270);
        // 99.9 % and 99.99 % are Locust's bucket value 300, above the exact max: clamped to Max.
        orders.Latency.P999.ShouldBe(296.57856599999377);
        orders.Latency.P9999.ShouldBe(296.57856599999377);

        var search = run.Endpoints[2];
        search.Requests.ShouldBe(1110);
        search.Failures.ShouldBe(35);
        search.FailureRate.ShouldBe(35.0 / 1110);
        search.Latency.P50.ShouldBe(32);
        search.Latency.P99.ShouldBe(46);
        search.Latency.Max.ShouldBe(61.356744000022445);
        search.StatusCodes.ShouldBe(new Dictionary<string, long> { ["500"] = 35 });
        search.ErrorCategories.ShouldBe(new Dictionary<string, long> { ["Http5xx"] = 35 });
        search.BytesReceived.ShouldBe((long)Math.Round(5036.477477477478 * 1110));

        var health = run.Endpoints[3];
        health.Latency.Min.ShouldBe(0.5822449999186574);
        health.Latency.P50.ShouldBe(1);
        health.Latency.P75.ShouldBe(2);
        health.Latency.P99.ShouldBe(7);
        health.StatusCodes.ShouldBeEmpty();
    }

    [Fact]
    public async Task Shop_fixture_total_errors_settings_and_duration()
    {
        var run = await ImportShop();

        run.Total.Name.ShouldBe(EndpointResult.AggregatedName);
        run.Total.IsAggregate.ShouldBeTrue();
        run.Total.Requests.ShouldBe(6259);
        run.Total.Failures.ShouldBe(35);
        run.Total.RequestsPerSecond.ShouldBe(215.46090620987857);
        run.Total.Latency.Mean.ShouldBe(49.88443752612179);
        run.Total.Latency.P50.ShouldBe(10);
        run.Total.Latency.P95.ShouldBe(190);
        run.Total.StatusCodes.ShouldBe(new Dictionary<string, long> { ["500"] = 35 });

        var error = run.Errors.ShouldHaveSingleItem();
        error.Endpoint.ShouldBe("/api/search");
        error.Method.ShouldBe("GET");
        error.StatusCode.ShouldBe(500);
        error.Category.ShouldBe("Http5xx");
        error.Count.ShouldBe(35);
        error.Message.ShouldBe("HTTPError('500 Server Error: Internal Server Error for url: /api/search')");

        // Duration = requests / (Locust's whole-run req/s) = 6259 / 215.46… ≈ 29.049 s (the run was -t 30s).
        run.DurationSeconds.ShouldBe(Math.Round(6259 / 215.46090620987857, 3));
        run.StartedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1795415842));
        run.Settings.Model.ShouldBe("closed");
        run.Settings.Users.ShouldBe(40);
        run.Settings.PlannedDurationSeconds.ShouldBe(run.DurationSeconds);
        run.Outcome.Completed.ShouldBeTrue();
    }

    [Fact]
    public async Task Shop_fixture_intervals_are_per_second_deltas_of_the_history()
    {
        var run = await ImportShop();

        // History: baseline at …842, then one batch per second up to …862 (it stops early: 2.12 does not flush).
        run.Intervals.Count.ShouldBe(20);
        run.Intervals.Select(i => i.Index).ShouldBe(Enumerable.Range(0, 20));
        run.Intervals.ShouldAllBe(i => i.DurationSeconds == 1);
        run.Intervals[0].StartSeconds.ShouldBe(0);
        run.Intervals[19].StartSeconds.ShouldBe(19);
        run.Intervals.Select(i => i.ActiveUsers).Take(5).ShouldBe([10, 20, 30, 40, 40]);
        run.Intervals.Sum(i => i.Total.Requests).ShouldBe(4207);
        run.Intervals.Sum(i => i.Total.Failures).ShouldBe(26);

        var first = run.Intervals[0];
        first.Endpoints.Select(e => e.Name).ShouldBe(["/api/orders", "/api/products", "/api/search", "/health"]);
        first.Endpoints[0].Requests.ShouldBe(21);
        first.Endpoints[0].Latency.Mean.ShouldBe(21.810015761911387, 1e-9);
        // The 10 s window was still empty (all percentiles 0): percentiles fall back to the interval mean.
        first.Endpoints[0].Latency.P99.ShouldBe(21.810015761911387, 1e-9);
        first.Total.Requests.ShouldBe(75);
        first.Total.Failures.ShouldBe(1);

        var second = run.Intervals[1];
        var orders = second.Endpoints[0];
        orders.Requests.ShouldBe(50 - 21);
        orders.Latency.Mean.ShouldBe(((22.45681810000292 * 50) - (21.810015761911387 * 21)) / 29, 1e-9);
        orders.Latency.P50.ShouldBe(19);
        orders.Latency.P90.ShouldBe(38);
        orders.Latency.P99.ShouldBe(51);
        orders.Latency.Max.ShouldBe(51);
        second.Endpoints[2].Failures.ShouldBe(1);

        var last = run.Intervals[^1];
        last.Endpoints[0].Requests.ShouldBe(1175 - 1112);
        last.Endpoints[0].Latency.P50.ShouldBe(140);
        last.Endpoints[0].Latency.P99.ShouldBe(250);
        last.Total.Requests.ShouldBe(4207 - 3988);
    }

    [Fact]
    public async Task Shop_fixture_notes_the_truncated_history()
    {
        var run = await ImportShop();
        run.Notes.ShouldContain(n => n.Contains("shop_stats_history.csv stops after 20 s", StringComparison.Ordinal)
            && n.Contains("4207 of 6259 requests", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("shop_stats.csv")]
    [InlineData("shop_stats_history.csv")]
    [InlineData("shop_failures.csv")]
    [InlineData("shop_exceptions.csv")]
    public async Task Any_of_the_four_files_names_the_run(string file)
    {
        var run = await ResultImporter.ImportAsync(Fixture.File("locust-2.12.1-shop", file));
        run.Source.Path.ShouldBe(Fixture.ShopPrefix);
        run.Total.Requests.ShouldBe(6259);
    }

    [Fact]
    public async Task The_folder_names_the_run_and_format_can_be_forced()
    {
        (await ResultImporter.ImportAsync(Fixture.Dir("locust-2.12.1-shop"))).Total.Requests.ShouldBe(6259);
        (await ResultImporter.ImportAsync(Fixture.ShopPrefix, "locust")).Total.Requests.ShouldBe(6259);
        (await ResultImporter.ImportAsync(Fixture.ShopPrefix, "LOCUST")).Total.Requests.ShouldBe(6259);
    }
}
