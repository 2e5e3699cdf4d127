using System.Net;
using System.Text.Json;

namespace Loadlens.DemoApi.Tests;

/// <summary>The demo runs the Loadlens profiler, behind its key, through the profiled SQLite connection.</summary>
public class ProfilerTests
{
    [Fact]
    public async Task The_demo_records_its_requests_and_statements_and_serves_them_only_with_the_key()
    {
        var path = ApiTestSupport.TempDbPath();
        try
        {
            await using (var host = await DemoApiHost.StartAsync(new DemoApiOptions { DatabasePath = path }))
            {
                using var http = ApiTestSupport.CreateClient(host);
                using (var product = await http.GetAsync("api/chefs/1"))
                {
                    product.EnsureSuccessStatusCode();
                    product.Headers.GetValues("Server-Timing").ShouldHaveSingleItem().ShouldStartWith("db;dur=");
                }

                (await http.GetAsync("_loadlens/profile")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
                host.ProfilerKey.Length.ShouldBe(32); // a random key per start
                using var request = new HttpRequestMessage(HttpMethod.Get, "_loadlens/profile");
                request.Headers.Add("X-Loadlens-Key", host.ProfilerKey);
                using var response = await http.SendAsync(request);
                response.StatusCode.ShouldBe(HttpStatusCode.OK);
                using var profile = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var route = profile.RootElement.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("route").GetString() == "/api/chefs/{id:long}");
                route.GetProperty("requests").GetInt64().ShouldBe(1);
                route.GetProperty("dbCommandsPerRequest").GetDouble().ShouldBeGreaterThanOrEqualTo(1);
                route.GetProperty("statements").EnumerateArray().ShouldContain(s => s.GetProperty("statement").GetString()!.Contains("WHERE c.id = ?", StringComparison.Ordinal));
            }
        }
        finally
        {
            ApiTestSupport.DeleteDb(path);
        }
    }
}
