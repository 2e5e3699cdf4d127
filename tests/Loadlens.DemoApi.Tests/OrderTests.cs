using System.Net;
using System.Net.Http.Json;
using static Loadlens.DemoApi.Tests.ApiTestSupport;

namespace Loadlens.DemoApi.Tests;

public class OrderTests : IAsyncLifetime
{
    private DemoApiHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await DemoApiHost.StartAsync(new DemoApiOptions());
        _client = CreateClient(_host);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<Product> GetProductAsync(long id) =>
        await ReadAsync<Product>(await _client.GetAsync($"api/products/{id}"));

    [Fact]
    public async Task Creating_an_order_returns_201_stores_it_and_decrements_stock()
    {
        var before = await GetProductAsync(3);

        using var response = await _client.PostAsJsonAsync("api/orders", new { productId = 3, quantity = 2 });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var order = await ReadAsync<Order>(response);
        order.Id.ShouldBeGreaterThan(0);
        order.ProductId.ShouldBe(3);
        order.Quantity.ShouldBe(2);
        order.UnitPrice.ShouldBe(before.Price);
        order.Total.ShouldBe(before.Price * 2);
        response.Headers.Location!.ToString().ShouldBe($"/api/orders/{order.Id}");

        var fetched = await ReadAsync<Order>(await _client.GetAsync($"api/orders/{order.Id}"));
        fetched.ShouldBe(order with { CreatedAt = fetched.CreatedAt });
        fetched.CreatedAt.ShouldBe(order.CreatedAt, TimeSpan.FromMilliseconds(1));

        (await GetProductAsync(3)).Stock.ShouldBe(before.Stock - 2);
        QueryScalar(_host.DatabasePath, "SELECT COUNT(*) FROM orders").ShouldBe(1);
    }

    [Theory]
    [InlineData("""{"productId":1,"quantity":0}""")]
    [InlineData("""{"productId":1,"quantity":-3}""")]
    [InlineData("""{"productId":1,"quantity":101}""")]
    [InlineData("""{"productId":0,"quantity":1}""")]
    [InlineData("""{"productId":-5,"quantity":1}""")]
    [InlineData("""{"productId":1}""")]
    [InlineData("""{"productId":"one","quantity":1}""")]
    [InlineData("""{not json""")]
    [InlineData("")]
    [InlineData("null")]
    public async Task Invalid_order_input_is_400_and_changes_nothing(string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("api/orders", content);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        QueryScalar(_host.DatabasePath, "SELECT COUNT(*) FROM orders").ShouldBe(0);
    }

    [Fact]
    public async Task Order_for_unknown_product_is_404()
    {
        using var response = await _client.PostAsJsonAsync("api/orders", new { productId = 12345, quantity = 1 });
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        QueryScalar(_host.DatabasePath, "SELECT COUNT(*) FROM orders").ShouldBe(0);
    }

    [Fact]
    public async Task Order_beyond_stock_is_409_and_stock_never_goes_negative()
    {
        var product = await GetProductAsync(10);
        var remaining = product.Stock;
        while (remaining > 0)
        {
            var quantity = Math.Min(remaining, OrderRequest.MaxQuantity);
            using var ok = await _client.PostAsJsonAsync("api/orders", new { productId = 10, quantity });
            ok.StatusCode.ShouldBe(HttpStatusCode.Created);
            remaining -= quantity;
        }

        (await GetProductAsync(10)).Stock.ShouldBe(0);
        using var response = await _client.PostAsJsonAsync("api/orders", new { productId = 10, quantity = 1 });
        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await GetProductAsync(10)).Stock.ShouldBe(0);
    }

    [Fact]
    public async Task Fifty_concurrent_orders_all_succeed_and_are_all_stored()
    {
        const int count = 50;
        var before = await GetProductAsync(5);
        before.Stock.ShouldBeGreaterThanOrEqualTo(count);

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            using var response = await _client.PostAsJsonAsync("api/orders", new { productId = 5, quantity = 1 });
            var status = response.StatusCode;
            var order = status == HttpStatusCode.Created ? await ReadAsync<Order>(response) : null;
            return (status, order);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(tasks);

        results.Select(r => r.status).ShouldAllBe(s => s == HttpStatusCode.Created);
        results.Select(r => r.order!.Id).ShouldBeUnique();
        QueryScalar(_host.DatabasePath, "SELECT COUNT(*) FROM orders").ShouldBe(count);
        QueryScalar(_host.DatabasePath, "SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE product_id = 5").ShouldBe(count);
        QueryScalar(_host.DatabasePath, "SELECT stock FROM products WHERE id = 5").ShouldBe(before.Stock - count);
    }
}
