using System.Net;
using System.Net.Http.Json;
using static Loadlens.DemoApi.Tests.ApiTestSupport;

namespace Loadlens.DemoApi.Tests;

public class HostLifecycleTests
{
    [Fact]
    public async Task Two_hosts_run_side_by_side_on_different_ports_and_databases()
    {
        await using var a = await DemoApiHost.StartAsync(new DemoApiOptions());
        await using var b = await DemoApiHost.StartAsync(new DemoApiOptions());
        a.BaseAddress.Port.ShouldNotBe(b.BaseAddress.Port);
        a.DatabasePath.ShouldNotBe(b.DatabasePath);

        using var clientA = CreateClient(a);
        using var clientB = CreateClient(b);
        (await clientA.GetAsync("health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await clientB.GetAsync("health")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var created = await clientA.PostAsJsonAsync("api/orders", new { productId = 1, quantity = 1 });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var order = await ReadAsync<Order>(created);
        (await clientA.GetAsync($"api/orders/{order.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await clientB.GetAsync($"api/orders/{order.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Dispose_stops_the_server_and_deletes_the_temporary_database()
    {
        var host = await DemoApiHost.StartAsync(new DemoApiOptions());
        var path = host.DatabasePath;
        using var client = CreateClient(host);
        (await client.GetAsync("health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        File.Exists(path).ShouldBeTrue();

        await host.DisposeAsync();
        await host.DisposeAsync(); // idempotent

        File.Exists(path).ShouldBeFalse();
        await Should.ThrowAsync<HttpRequestException>(() => client.GetAsync("health"));
    }

    [Fact]
    public async Task Given_database_is_kept_and_reused_without_reseeding()
    {
        var path = TempDbPath();
        try
        {
            await using (var first = await DemoApiHost.StartAsync(new DemoApiOptions { DatabasePath = path }))
            {
                first.DatabasePath.ShouldBe(Path.GetFullPath(path));
                using var client = CreateClient(first);
                (await client.PostAsJsonAsync("api/orders", new { productId = 2, quantity = 4 })).StatusCode.ShouldBe(HttpStatusCode.Created);
            }

            File.Exists(path).ShouldBeTrue();
            QueryScalar(path, "SELECT COUNT(*) FROM orders").ShouldBe(1);

            await using (var second = await DemoApiHost.StartAsync(new DemoApiOptions { DatabasePath = path }))
            {
                using var client = CreateClient(second);
                var page = await ReadAsync<PagedResult<Product>>(await client.GetAsync("api/products"));
                page.TotalCount.ShouldBe(500);
                (await client.GetAsync("api/orders/1")).StatusCode.ShouldBe(HttpStatusCode.OK);
            }
        }
        finally
        {
            DeleteDb(path);
        }
    }

    [Fact]
    public async Task Write_ahead_log_can_be_switched_on()
    {
        await using var host = await DemoApiHost.StartAsync(new DemoApiOptions { UseWriteAheadLog = true });
        using var client = CreateClient(host);
        (await client.PostAsJsonAsync("api/orders", new { productId = 1, quantity = 1 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        File.Exists(host.DatabasePath + "-wal").ShouldBeTrue();
    }

    [Fact]
    public async Task Default_journal_mode_is_rollback_not_wal()
    {
        await using var host = await DemoApiHost.StartAsync(new DemoApiOptions());
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={host.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        (command.ExecuteScalar() as string).ShouldBe("delete");
    }

    [Fact]
    public async Task Port_in_use_fails_start()
    {
        await using var first = await DemoApiHost.StartAsync(new DemoApiOptions());
        await Should.ThrowAsync<IOException>(() => DemoApiHost.StartAsync(new DemoApiOptions { Port = first.BaseAddress.Port }));
    }

    [Fact]
    public async Task Failed_start_keeps_a_given_database_file()
    {
        await using var first = await DemoApiHost.StartAsync(new DemoApiOptions());
        var path = TempDbPath();
        try
        {
            await Should.ThrowAsync<IOException>(() =>
                DemoApiHost.StartAsync(new DemoApiOptions { DatabasePath = path, Port = first.BaseAddress.Port }));
            File.Exists(path).ShouldBeTrue();
        }
        finally
        {
            DeleteDb(path);
        }
    }
}
