using System.Net;
using System.Text.Json;
using static Loadlens.DemoApi.Tests.ApiTestSupport;

namespace Loadlens.DemoApi.Tests;

public class ReadEndpointTests(DemoApiFixture fixture) : IClassFixture<DemoApiFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public void Host_binds_loopback_with_a_real_port()
    {
        fixture.Host.BaseAddress.Host.ShouldBe("127.0.0.1");
        fixture.Host.BaseAddress.Port.ShouldBeGreaterThan(0);
        fixture.Host.BaseAddress.AbsolutePath.ShouldBe("/");
        File.Exists(fixture.Host.DatabasePath).ShouldBeTrue();
    }

    [Fact]
    public async Task Health_returns_ok()
    {
        using var response = await _client.GetAsync("health");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        doc.RootElement.GetProperty("status").GetString().ShouldBe("ok");
    }

    [Fact]
    public async Task Products_default_page_is_first_20_of_500()
    {
        using var response = await _client.GetAsync("api/products");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await ReadAsync<PagedResult<Product>>(response);
        page.Page.ShouldBe(1);
        page.PageSize.ShouldBe(20);
        page.TotalCount.ShouldBe(500);
        page.TotalPages.ShouldBe(25);
        page.Items.Select(p => p.Id).ShouldBe(Enumerable.Range(1, 20).Select(i => (long)i));
        page.Items.ShouldAllBe(p => p.Name.Length > 0 && p.Category.Length > 0 && p.Price > 0 && p.Stock >= 0);
    }

    [Fact]
    public async Task Products_pages_are_consecutive_and_the_last_is_partial()
    {
        var second = await ReadAsync<PagedResult<Product>>(await _client.GetAsync("api/products?page=2&pageSize=30"));
        second.Items.Select(p => p.Id).ShouldBe(Enumerable.Range(31, 30).Select(i => (long)i));

        var last = await ReadAsync<PagedResult<Product>>(await _client.GetAsync("api/products?page=17&pageSize=30"));
        last.TotalPages.ShouldBe(17);
        last.Items.Count.ShouldBe(20);
        last.Items[^1].Id.ShouldBe(500);

        var beyond = await ReadAsync<PagedResult<Product>>(await _client.GetAsync("api/products?page=18&pageSize=30"));
        beyond.Items.ShouldBeEmpty();
        beyond.TotalCount.ShouldBe(500);
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("page=-1")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=101")]
    [InlineData("page=abc")]
    public async Task Products_with_invalid_paging_is_400(string query)
    {
        using var response = await _client.GetAsync($"api/products?{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Product_by_id_returns_it()
    {
        using var response = await _client.GetAsync("api/products/42");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var product = await ReadAsync<Product>(response);
        product.Id.ShouldBe(42);
        product.Name.ShouldEndWith(" 42");
        product.Price.ShouldBeGreaterThan(0m);
    }

    [Theory]
    [InlineData("api/products/0")]
    [InlineData("api/products/501")]
    [InlineData("api/products/999999")]
    [InlineData("api/products/abc")]
    [InlineData("api/products/501/reviews")]
    [InlineData("api/orders/999999")]
    public async Task Unknown_resources_are_404(string path)
    {
        using var response = await _client.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Reviews_belong_to_the_product()
    {
        using var response = await _client.GetAsync("api/products/7/reviews");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var reviews = await ReadAsync<List<Review>>(response);
        reviews.ShouldNotBeEmpty();
        reviews.ShouldAllBe(r => r.ProductId == 7 && r.Rating >= 1 && r.Rating <= 5 && r.Author.Length > 0 && r.Body.Length > 0);
        reviews.Select(r => r.Id).ShouldBeUnique();
    }

    [Fact]
    public void Database_is_seeded_with_products_and_reviews()
    {
        QueryScalar(fixture.Host.DatabasePath, "SELECT COUNT(*) FROM products").ShouldBe(500);
        QueryScalar(fixture.Host.DatabasePath, "SELECT COUNT(DISTINCT product_id) FROM reviews").ShouldBe(500);
        QueryScalar(fixture.Host.DatabasePath, "SELECT COUNT(*) FROM reviews").ShouldBeGreaterThanOrEqualTo(1000);
    }
}
