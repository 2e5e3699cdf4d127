using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Loadlens.AspNetCore.Export;
using Loadlens.AspNetCore.Profiling;
using Microsoft.Extensions.DependencyInjection;

namespace Loadlens.AspNetCore.Tests;

/// <summary>Recording on a real app over a real SQLite file: routes, durations, commands (raw ADO.NET and EF Core), Server-Timing.</summary>
public sealed class ProfilerTests
{
    internal static async Task<JsonDocument> ProfileAsync(HttpClient http, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "_loadlens/profile");
        if (key is not null)
        {
            request.Headers.Add("X-Loadlens-Key", key);
        }

        using var response = await http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    internal static JsonElement Route(JsonDocument profile, string route, string method = "GET") =>
        profile.RootElement.GetProperty("routes").EnumerateArray()
            .Single(r => r.GetProperty("route").GetString() == route && r.GetProperty("method").GetString() == method);

    internal static JsonElement Statement(JsonElement route, string startsWith) =>
        route.GetProperty("statements").EnumerateArray().Single(s => s.GetProperty("statement").GetString()!.StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public async Task Raw_ADO_NET_requests_are_recorded_per_route_template_with_their_normalised_statements()
    {
        await using var app = await ProfiledApp.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        for (var i = 0; i < 3; i++)
        {
            (await http.GetAsync("api/chefs")).EnsureSuccessStatusCode();
        }

        for (var id = 1; id <= 4; id++)
        {
            (await http.GetAsync($"api/chefs/{id}")).EnsureSuccessStatusCode();
        }

        (await http.GetAsync("api/chefs/999")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.GetAsync("plain")).EnsureSuccessStatusCode();
        (await http.GetAsync("no/such/path")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var profile = await ProfileAsync(http);
        var list = Route(profile, "/api/chefs");
        list.GetProperty("requests").GetInt64().ShouldBe(3);
        list.GetProperty("dbCommandsPerRequest").GetDouble().ShouldBe(1 + ProfiledApp.ChefsPerList);
        list.GetProperty("dbCommandsMax").GetInt64().ShouldBe(1 + ProfiledApp.ChefsPerList);
        list.GetProperty("dbTimePerRequestMs").GetDouble().ShouldBeGreaterThan(0);
        list.GetProperty("dbShare").GetDouble().ShouldBeInRange(0.01, 1);
        list.GetProperty("durationMs").GetProperty("mean").GetDouble().ShouldBeGreaterThanOrEqualTo(list.GetProperty("dbTimePerRequestMs").GetDouble());
        var perChef = Statement(list, "SELECT count(*) FROM bookings");
        perChef.GetProperty("statement").GetString().ShouldBe("SELECT count(*) FROM bookings WHERE chef_id = ?");
        perChef.GetProperty("system").GetString().ShouldBe("sqlite");
        perChef.GetProperty("calls").GetInt64().ShouldBe(3 * ProfiledApp.ChefsPerList);
        perChef.GetProperty("perRequestMean").GetDouble().ShouldBe(ProfiledApp.ChefsPerList);
        perChef.GetProperty("perRequestMax").GetInt32().ShouldBe(ProfiledApp.ChefsPerList);
        perChef.GetProperty("repeatedRequests").GetInt64().ShouldBe(3);
        perChef.GetProperty("maxMs").GetDouble().ShouldBeGreaterThanOrEqualTo(perChef.GetProperty("meanMs").GetDouble());
        // the inlined LIMIT literal is normalised too
        Statement(list, "SELECT id, name FROM chefs").GetProperty("statement").GetString().ShouldBe("SELECT id, name FROM chefs ORDER BY id LIMIT ?");

        var one = Route(profile, "/api/chefs/{id:int}");
        one.GetProperty("requests").GetInt64().ShouldBe(5);
        one.GetProperty("status").GetProperty("200").GetInt64().ShouldBe(4);
        one.GetProperty("status").GetProperty("404").GetInt64().ShouldBe(1);
        one.GetProperty("dbCommandsPerRequest").GetDouble().ShouldBe(1);
        var pk = one.GetProperty("statements").EnumerateArray().ShouldHaveSingleItem();
        pk.GetProperty("statement").GetString().ShouldBe("SELECT id, name FROM chefs WHERE id = ?");
        pk.GetProperty("repeatedRequests").GetInt64().ShouldBe(0);

        var plain = Route(profile, "/plain");
        plain.GetProperty("dbCommandsPerRequest").GetDouble().ShouldBe(0);
        plain.GetProperty("statements").GetArrayLength().ShouldBe(0);
        Route(profile, "(unmatched)").GetProperty("status").GetProperty("404").GetInt64().ShouldBe(1);
        // the profiler's own endpoints are not profiled
        profile.RootElement.GetProperty("routes").EnumerateArray().ShouldNotContain(r => r.GetProperty("route").GetString()!.Contains("_loadlens", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EF_Core_on_the_profiled_connection_is_recorded_the_same_way_queries_and_a_transaction()
    {
        await using var app = await ProfiledApp.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        (await http.GetAsync("ef/chefs")).EnsureSuccessStatusCode();
        (await http.GetAsync("ef/chefs")).EnsureSuccessStatusCode();
        (await http.GetAsync("ef/chefs/7")).EnsureSuccessStatusCode();
        (await http.PostAsync("ef/bookings?email=someone%40example.org", null)).EnsureSuccessStatusCode();

        using var profile = await ProfileAsync(http);
        var list = Route(profile, "/ef/chefs");
        list.GetProperty("dbCommandsPerRequest").GetDouble().ShouldBe(1 + ProfiledApp.ChefsPerList);
        var count = list.GetProperty("statements").EnumerateArray().Single(s => s.GetProperty("calls").GetInt64() == 2 * ProfiledApp.ChefsPerList);
        count.GetProperty("statement").GetString().ShouldStartWith("SELECT COUNT(*) FROM \"bookings\"");
        count.GetProperty("statement").GetString().ShouldEndWith("= ?");
        count.GetProperty("perRequestMax").GetInt32().ShouldBe(ProfiledApp.ChefsPerList);
        var one = Route(profile, "/ef/chefs/{id:int}");
        one.GetProperty("dbCommandsPerRequest").GetDouble().ShouldBe(1);
        one.GetProperty("statements")[0].GetProperty("statement").GetString()!.ShouldContain("WHERE \"c\".\"id\" = ?");
        var insert = Route(profile, "/ef/bookings", "POST");
        insert.GetProperty("statements").EnumerateArray().ShouldContain(s => s.GetProperty("statement").GetString()!.StartsWith("INSERT INTO \"bookings\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_Timing_gives_the_database_time_the_query_count_and_the_app_time()
    {
        await using var app = await ProfiledApp.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var response = await http.GetAsync("api/chefs");
        var header = response.Headers.GetValues("Server-Timing").ShouldHaveSingleItem();
        var m = System.Text.RegularExpressions.Regex.Match(header, "^db;dur=([0-9.]+);desc=\"([0-9]+) queries\", app;dur=([0-9.]+)$");
        m.Success.ShouldBeTrue(header);
        int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(1 + ProfiledApp.ChefsPerList);
        var db = double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var total = double.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
        db.ShouldBeGreaterThan(0);
        total.ShouldBeGreaterThanOrEqualTo(db);

        using var plain = await http.GetAsync("plain");
        plain.Headers.GetValues("Server-Timing").ShouldHaveSingleItem().ShouldStartWith("db;dur=0;desc=\"0 queries\", app;dur=");
    }

    [Fact]
    public async Task A_command_outside_any_request_is_run_but_not_recorded()
    {
        await using var app = await ProfiledApp.StartAsync();
        await using var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:").WithLoadlensProfiling();
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT 40 + 2";
        (await cmd.ExecuteScalarAsync()).ShouldBe(42L);
        RequestProfile.Current.ShouldBeNull();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var profile = await ProfileAsync(http);
        profile.RootElement.GetProperty("routes").GetArrayLength().ShouldBe(0);
    }
}
