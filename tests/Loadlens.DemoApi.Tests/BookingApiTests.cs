using System.Net;
using System.Net.Http.Json;
using Loadlens.DemoApi.Data;
using static Loadlens.DemoApi.Tests.ApiTestSupport;

namespace Loadlens.DemoApi.Tests;

/// <summary>The booking API on its seeded SQLite file: the data, the endpoints, validation and the host's lifecycle.</summary>
public class BookingApiTests
{
    [Fact]
    public async Task A_new_database_is_a_copy_of_the_cached_seed_with_the_full_data_set()
    {
        var path = TempDbPath();
        try
        {
            await using (var host = await DemoApiHost.StartAsync(new DemoApiOptions { DatabasePath = path }))
            {
                host.DatabasePath.ShouldBe(Path.GetFullPath(path));
            }

            Count(path, "SELECT COUNT(*) FROM chefs").ShouldBe(DemoDatabase.ChefCount);
            Count(path, "SELECT COUNT(*) FROM reviews").ShouldBe(DemoDatabase.ReviewCount);
            Count(path, "SELECT COUNT(*) FROM bookings").ShouldBe(DemoDatabase.BookingCount);
            Count(path, "SELECT COUNT(DISTINCT chef_id) FROM reviews").ShouldBe(DemoDatabase.ChefCount); // every chef has reviews
            Count(path, "PRAGMA user_version").ShouldBe(DemoDatabase.SeedVersion);
            File.Exists(DemoDatabase.SeedFile()).ShouldBeTrue();

            // Deterministic: the seed is the same everywhere (no Random).
            QueryScalar(path, "SELECT name || '|' || cuisine || '|' || city FROM chefs WHERE id = 7").ShouldBe(QueryScalar(DemoDatabase.SeedFile(), "SELECT name || '|' || cuisine || '|' || city FROM chefs WHERE id = 7"));
        }
        finally
        {
            DeleteDb(path);
        }
    }

    [Fact]
    public async Task Endpoints_answer_with_the_seeded_data_and_a_booking_is_stored()
    {
        await using var host = await DemoApiHost.StartAsync(new DemoApiOptions());
        using var http = CreateClient(host);

        var page = await ReadAsync<PagedResult<ChefSummary>>(await http.GetAsync("api/chefs?page=2&pageSize=20"));
        page.Items.Count.ShouldBe(20);
        page.Items[0].Id.ShouldBe(21);
        page.TotalCount.ShouldBe(DemoDatabase.ChefCount);
        page.Items.ShouldAllBe(c => c.Reviews > 0 && c.Rating >= 1 && c.Rating <= 5);
        var expected = Count(host.DatabasePath, "SELECT COUNT(*) FROM reviews WHERE chef_id = 21");
        page.Items[0].Reviews.ShouldBe((int)expected);

        var chef = await ReadAsync<ChefDetail>(await http.GetAsync("api/chefs/21"));
        chef.Reviews.ShouldBe((int)expected);
        chef.Bookings.ShouldBe((int)Count(host.DatabasePath, "SELECT COUNT(*) FROM bookings WHERE chef_id = 21"));
        (await http.GetAsync("api/chefs/9999")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var reviews = await ReadAsync<ReviewPage>(await http.GetAsync("api/chefs/21/reviews"));
        reviews.Total.ShouldBe((int)expected);
        reviews.Items.Count.ShouldBe(Math.Min(20, (int)expected));
        reviews.Items.ShouldAllBe(r => r.Excerpt.Length <= 120);

        var day = await ReadAsync<List<Booking>>(await http.GetAsync("api/bookings?date=2025-11-12"));
        day.Count.ShouldBe(50);
        day.ShouldAllBe(b => b.Date == "2025-11-12" && b.Status == "confirmed");
        day.Select(b => (b.Hour, b.Id)).ShouldBeInOrder();
        (await http.GetAsync("api/bookings?date=12.11.2025")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var stats = await ReadAsync<List<CuisineStats>>(await http.GetAsync("api/stats/cuisines"));
        stats.Sum(s => s.Reviews).ShouldBe(DemoDatabase.ReviewCount);
        stats.Sum(s => s.Chefs).ShouldBe(DemoDatabase.ChefCount);
        stats.Sum(s => s.Bookings).ShouldBe(DemoDatabase.BookingCount);

        using var created = await http.PostAsJsonAsync("api/bookings", new { chefId = 21, customer = "Test", date = "2025-12-01", hour = 19, guests = 4 });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var booking = await ReadAsync<Booking>(created);
        Count(host.DatabasePath, $"SELECT COUNT(*) FROM bookings WHERE id = {booking.Id} AND chef_id = 21 AND guests = 4 AND status = 'pending'").ShouldBe(1);
        (await http.PostAsJsonAsync("api/bookings", new { chefId = 21, customer = "Test", date = "2025-12-01", hour = 9, guests = 4 })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.PostAsJsonAsync("api/bookings", new { chefId = 9999, customer = "Test", date = "2025-12-01", hour = 19, guests = 4 })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        Count(host.DatabasePath, "SELECT COUNT(*) FROM bookings").ShouldBe(DemoDatabase.BookingCount + 1); // the 404 rolled back
    }

    [Fact]
    public async Task A_temporary_database_is_deleted_on_dispose_and_a_given_one_is_kept_and_reused()
    {
        var host = await DemoApiHost.StartAsync(new DemoApiOptions());
        var temp = host.DatabasePath;
        File.Exists(temp).ShouldBeTrue();
        await host.DisposeAsync();
        File.Exists(temp).ShouldBeFalse();

        var path = TempDbPath();
        try
        {
            await using (var first = await DemoApiHost.StartAsync(new DemoApiOptions { DatabasePath = path }))
            {
                using var http = CreateClient(first);
                (await http.PostAsJsonAsync("api/bookings", new { chefId = 3, customer = "Kept", date = "2025-12-02", hour = 20, guests = 2 })).StatusCode.ShouldBe(HttpStatusCode.Created);
            }

            await using (var second = await DemoApiHost.StartAsync(new DemoApiOptions { DatabasePath = path, Flaws = DemoFlaws.All }))
            {
                Count(path, "SELECT COUNT(*) FROM bookings WHERE customer = 'Kept'").ShouldBe(1);
            }
        }
        finally
        {
            DeleteDb(path);
        }
    }

    [Fact]
    public async Task A_file_that_is_not_a_demo_database_is_refused_not_overwritten()
    {
        var path = TempDbPath();
        await File.WriteAllTextAsync(path, string.Empty);
        try
        {
            var error = await Should.ThrowAsync<InvalidOperationException>(() => DemoApiHost.StartAsync(new DemoApiOptions { DatabasePath = path }));
            error.Message.ShouldContain("is not a demo database");
            new FileInfo(path).Length.ShouldBe(0);
        }
        finally
        {
            DeleteDb(path);
        }
    }

    [Theory]
    [InlineData("all", DemoFlaws.All)]
    [InlineData("none", DemoFlaws.None)]
    [InlineData("n-plus-one,small-pool", DemoFlaws.NPlusOne | DemoFlaws.SmallPool)]
    [InlineData("SingleWriter, bloated-response", DemoFlaws.SingleWriter | DemoFlaws.BloatedResponse)]
    public void Flaw_names_parse_and_format(string text, DemoFlaws expected)
    {
        DemoFlawNames.TryParse(text, out var flaws, out var error).ShouldBeTrue(error);
        flaws.ShouldBe(expected);
        DemoFlawNames.TryParse(DemoFlawNames.Format(flaws), out var again, out _).ShouldBeTrue();
        again.ShouldBe(expected);
    }

    [Fact]
    public void An_unknown_flaw_name_is_a_one_line_error_naming_the_known_ones()
    {
        DemoFlawNames.TryParse("n-plus-two", out _, out var error).ShouldBeFalse();
        error.ShouldBe("--flaws: unknown flaw 'n-plus-two' (known: all, none, n-plus-one, unindexed-filter, uncached-aggregate, single-writer, small-pool, sync-over-async, bloated-response)");
    }
}
