using System.Net;
using System.Net.Http.Headers;
using Loadlens.DemoApi.Data;
using static Loadlens.DemoApi.Tests.ApiTestSupport;

namespace Loadlens.DemoApi.Tests;

/// <summary>
/// Each flaw toggles on its own and changes what it claims to change (statements per request, the index, the journal mode,
/// the cache, the pool, the response), while the answers stay the same. Detection under load is tested in
/// Loadlens.Cli.Tests (DemoFlawDetectionTests).
/// </summary>
public class FlawToggleTests
{
    [Theory]
    [InlineData(DemoFlaws.NPlusOne)]
    [InlineData(DemoFlaws.None)]
    public async Task N_plus_one_runs_one_rating_query_per_chef_only_when_on(DemoFlaws flaws)
    {
        await using var host = await DemoApiHost.StartAsync(new DemoApiOptions { Flaws = flaws });
        using var http = CreateClient(host);
        var page = await ReadAsync<PagedResult<ChefSummary>>(await http.GetAsync("api/chefs?page=3&pageSize=20"));
        page.Items.Count.ShouldBe(20);
        page.Items[5].Reviews.ShouldBe((int)Count(host.DatabasePath, $"SELECT COUNT(*) FROM reviews WHERE chef_id = {page.Items[5].Id}"));

        var route = await ProfileOfRouteAsync(host, http, "/api/chefs/");
        var statements = route.GetProperty("dbCommandsPerRequest").GetDouble();
        if (flaws == DemoFlaws.NPlusOne)
        {
            statements.ShouldBe(22); // the page, 20 ratings, the count
        }
        else
        {
            statements.ShouldBe(3); // the page, one grouped rating query, the count
        }
    }

    [Fact]
    public async Task Unindexed_filter_drops_the_date_index_and_the_fix_creates_it()
    {
        var path = TempDbPath();
        try
        {
            await using (await DemoApiHost.StartAsync(new DemoApiOptions { DatabasePath = path, Flaws = DemoFlaws.UnindexedFilter }))
            {
                Count(path, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = '{DemoDatabase.DateIndex}'").ShouldBe(0);
            }

            await using (await DemoApiHost.StartAsync(new DemoApiOptions { DatabasePath = path }))
            {
                Count(path, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = '{DemoDatabase.DateIndex}'").ShouldBe(1);
            }
        }
        finally
        {
            DeleteDb(path);
        }
    }

    [Fact]
    public async Task Single_writer_is_the_rollback_journal_and_the_fix_is_wal()
    {
        var path = TempDbPath();
        try
        {
            await using (await DemoApiHost.StartAsync(new DemoApiOptions { DatabasePath = path, Flaws = DemoFlaws.SingleWriter }))
            {
                QueryScalar(path, "PRAGMA journal_mode").ShouldBe("delete");
            }

            await using (await DemoApiHost.StartAsync(new DemoApiOptions { DatabasePath = path }))
            {
                QueryScalar(path, "PRAGMA journal_mode").ShouldBe("wal");
            }
        }
        finally
        {
            DeleteDb(path);
        }
    }

    [Theory]
    [InlineData(DemoFlaws.UncachedAggregate, 3)]
    [InlineData(DemoFlaws.None, 1)]
    public async Task Uncached_aggregate_recomputes_per_request_and_the_fix_serves_it_from_the_cache(DemoFlaws flaws, int computed)
    {
        await using var host = await DemoApiHost.StartAsync(new DemoApiOptions { Flaws = flaws });
        using var http = CreateClient(host);
        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await http.GetStringAsync("api/stats/cuisines"));
        }

        answers.Distinct().Count().ShouldBe(1);
        var route = await ProfileOfRouteAsync(host, http, "/api/stats/cuisines");
        route.GetProperty("requests").GetInt64().ShouldBe(3);
        (route.GetProperty("dbCommandsPerRequest").GetDouble() * 3).ShouldBe(computed * 2, 0.01); // two aggregate statements per computation
    }

    [Fact]
    public async Task Small_pool_makes_concurrent_requests_wait_for_a_connection()
    {
        await using var host = await DemoApiHost.StartAsync(new DemoApiOptions { Flaws = DemoFlaws.SmallPool, SmallPoolSize = 1 });
        var db = host.Database;
        db.Pool.ShouldNotBeNull();
        db.Pool.CurrentCount.ShouldBe(1);

        await using var held = await db.OpenAsync(CancellationToken.None);
        db.Pool.CurrentCount.ShouldBe(0);
        using var http = CreateClient(host);
        var request = http.GetAsync("api/chefs/1");
        (await Task.WhenAny(request, Task.Delay(500))).ShouldNotBe(request); // waits for the held connection
        await held.DisposeAsync();
        (await request).StatusCode.ShouldBe(HttpStatusCode.OK);
        db.Pool.CurrentCount.ShouldBe(1); // given back
    }

    [Theory]
    [InlineData(DemoFlaws.BloatedResponse)]
    [InlineData(DemoFlaws.None)]
    public async Task Bloated_response_is_every_review_uncompressed_and_the_fix_is_a_lean_gzip_page(DemoFlaws flaws)
    {
        await using var host = await DemoApiHost.StartAsync(new DemoApiOptions { Flaws = flaws });
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/chefs/5/reviews");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
        var reviews = Count(host.DatabasePath, "SELECT COUNT(*) FROM reviews WHERE chef_id = 5");
        if (flaws == DemoFlaws.BloatedResponse)
        {
            response.Content.Headers.ContentEncoding.ShouldBeEmpty();
            bytes.ShouldBeGreaterThan(32 * 1024);
            (await ReadAsync<List<ReviewFull>>(response)).Count.ShouldBe((int)reviews);
        }
        else
        {
            response.Content.Headers.ContentEncoding.ShouldBe(["gzip"]);
            bytes.ShouldBeLessThan(4 * 1024);
        }
    }

    [Theory]
    [InlineData(DemoFlaws.SyncOverAsync)]
    [InlineData(DemoFlaws.None)]
    public async Task Sync_over_async_blocks_but_answers_the_same(DemoFlaws flaws)
    {
        await using var host = await DemoApiHost.StartAsync(new DemoApiOptions { Flaws = flaws });
        using var http = CreateClient(host);
        var chef = await ReadAsync<ChefDetail>(await http.GetAsync("api/chefs/12"));
        chef.Id.ShouldBe(12);
        chef.Reviews.ShouldBe((int)Count(host.DatabasePath, "SELECT COUNT(*) FROM reviews WHERE chef_id = 12"));
        (await http.GetAsync("api/chefs/99999")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
