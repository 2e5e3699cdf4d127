using System.Data.Common;
using System.Globalization;
using Loadlens.DemoApi.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;

namespace Loadlens.DemoApi;

/// <summary>
/// Route handlers of the booking API. Each request opens its own connection. Where a flaw of <see cref="DemoFlaws"/> is
/// on, the handler takes the flawed path; otherwise the fixed one (samples/Loadlens.DemoApi/README.md).
/// </summary>
internal static class Endpoints
{
    internal const int DefaultPageSize = 20;
    internal const int MaxPageSize = 100;
    internal const int BookingsPerDay = 50;
    internal const int LeanReviews = 20;
    internal const int ExcerptLength = 120;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new HealthStatus("ok")));

        var chefs = app.MapGroup("/api/chefs");
        chefs.MapGet("/", ListChefsAsync);
        chefs.MapGet("/{id:long}", GetChef);
        chefs.MapGet("/{id:long}/reviews", GetReviewsAsync);

        var bookings = app.MapGroup("/api/bookings");
        bookings.MapGet("/", BookingsOfDayAsync);
        bookings.MapPost("/", CreateBookingAsync);

        app.MapGet("/api/stats/cuisines", CuisineStatsAsync);
    }

    internal sealed record HealthStatus(string Status);

    /// <summary>1 N+1: the page of chefs, then (flawed) one rating query per chef, or (fixed) one grouped query for the page.</summary>
    private static async Task<Results<Ok<PagedResult<ChefSummary>>, ValidationProblem>> ListChefsAsync(
        DemoDatabase db, CancellationToken ct, int page = 1, int pageSize = DefaultPageSize)
    {
        if (page < 1 || pageSize is < 1 or > MaxPageSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["page"] = [$"page must be at least 1 and pageSize between 1 and {MaxPageSize}."],
            });
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = new List<(long Id, string Name, string Cuisine, string City, long Rate)>(pageSize);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, name, cuisine, city, rate_cents FROM chefs ORDER BY id LIMIT $limit OFFSET $offset;";
            Add(command, "$limit", pageSize);
            Add(command, "$offset", (long)(page - 1) * pageSize);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4)));
            }
        }

        var ratings = new Dictionary<long, (double Rating, int Count)>();
        if (db.Flaws.HasFlag(DemoFlaws.NPlusOne))
        {
            foreach (var row in rows)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*), COALESCE(AVG(rating), 0) FROM reviews WHERE chef_id = $id;";
                Add(command, "$id", row.Id);
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                ratings[row.Id] = (reader.GetDouble(1), reader.GetInt32(0));
            }
        }
        else if (rows.Count > 0)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT chef_id, COUNT(*), AVG(rating) FROM reviews WHERE chef_id BETWEEN $first AND $last GROUP BY chef_id;";
            Add(command, "$first", rows[0].Id);
            Add(command, "$last", rows[^1].Id);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ratings[reader.GetInt64(0)] = (reader.GetDouble(2), reader.GetInt32(1));
            }
        }

        int total;
        await using (var count = connection.CreateCommand())
        {
            count.CommandText = "SELECT COUNT(*) FROM chefs;";
            total = Convert.ToInt32(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        var items = rows.Select(r =>
        {
            var (rating, reviews) = ratings.GetValueOrDefault(r.Id);
            return new ChefSummary(r.Id, r.Name, r.Cuisine, r.City, r.Rate / 100m, Math.Round(rating, 2), reviews);
        }).ToList();
        return TypedResults.Ok(new PagedResult<ChefSummary>(items, page, pageSize, total, (total + pageSize - 1) / pageSize));
    }

    /// <summary>
    /// 6 sync-over-async: the chef's page also asks the (simulated, 2 ms) availability service. Flawed, the handler is
    /// synchronous and blocks its thread-pool thread until the async work is done, through a wait the pool is not told
    /// about (as a synchronous SDK wrapper or a <c>SemaphoreSlim.Wait()</c> does): the pool then adds threads only by its
    /// starvation detector, about 2 a second, while the async work's own continuation waits for a thread. (A bare
    /// <c>.Result</c> is reported to the pool, which compensates within a second for the demo's few users, the way it
    /// cannot for production's hundreds.) Fixed, it awaits.
    /// </summary>
    private static Task<Results<Ok<ChefDetail>, NotFound>> GetChef(long id, DemoDatabase db, CancellationToken ct)
    {
        if (db.Flaws.HasFlag(DemoFlaws.SyncOverAsync))
        {
            return Task.FromResult(BlockOn(LoadChefAsync(id, db, ct)));
        }

        return LoadChefAsync(id, db, ct);
    }

    /// <summary>The flaw on purpose: blocks the calling thread until <paramref name="task"/> completes.</summary>
    private static T BlockOn<T>(Task<T> task)
    {
        using var done = new SemaphoreSlim(0, 1);
        _ = task.ContinueWith(static (_, state) => ((SemaphoreSlim)state!).Release(), done, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
#pragma warning disable CA1849, VSTHRD002 // the flaw on purpose: a synchronous wait on async work
        done.Wait();
        return task.GetAwaiter().GetResult();
#pragma warning restore CA1849, VSTHRD002
    }

    private static async Task<Results<Ok<ChefDetail>, NotFound>> LoadChefAsync(long id, DemoDatabase db, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(2), ct); // the availability service call
        await using var connection = await db.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.id, c.name, c.cuisine, c.city, c.bio, c.rate_cents,
                   (SELECT COUNT(*) FROM reviews r WHERE r.chef_id = c.id),
                   (SELECT COALESCE(AVG(r.rating), 0) FROM reviews r WHERE r.chef_id = c.id),
                   (SELECT COUNT(*) FROM bookings b WHERE b.chef_id = c.id)
            FROM chefs c WHERE c.id = $id;
            """;
        Add(command, "$id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new ChefDetail(
            reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetInt64(5) / 100m, Math.Round(reader.GetDouble(7), 2), reader.GetInt32(6), reader.GetInt32(8)));
    }

    /// <summary>7 bloated response: flawed, every review with its full text and the chef repeated in each; fixed, the newest 20 as excerpts (and gzip, in the app).</summary>
    private static async Task<Results<Ok<List<ReviewFull>>, Ok<ReviewPage>, NotFound>> GetReviewsAsync(long id, DemoDatabase db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var bloated = db.Flaws.HasFlag(DemoFlaws.BloatedResponse);
        command.CommandText = bloated
            ? """
              SELECT r.id, r.chef_id, c.name, c.cuisine, c.bio, r.author, r.rating, r.title, r.body, r.created_at
              FROM reviews r JOIN chefs c ON c.id = r.chef_id WHERE r.chef_id = $id ORDER BY r.id;
              """
            : """
              SELECT r.id, r.author, r.rating, r.title, substr(r.body, 1, $excerpt), r.created_at,
                     (SELECT COUNT(*) FROM reviews t WHERE t.chef_id = $id)
              FROM reviews r WHERE r.chef_id = $id ORDER BY r.id DESC LIMIT $limit;
              """;
        Add(command, "$id", id);
        if (!bloated)
        {
            Add(command, "$excerpt", ExcerptLength);
            Add(command, "$limit", LeanReviews);
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        if (bloated)
        {
            var all = new List<ReviewFull>();
            while (await reader.ReadAsync(ct))
            {
                all.Add(new ReviewFull(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetInt32(6), reader.GetString(7), reader.GetString(8), DemoDatabase.ParseTimestamp(reader.GetString(9))));
            }

            return all.Count == 0 && !await ChefExistsAsync(connection, id, ct) ? TypedResults.NotFound() : TypedResults.Ok(all);
        }

        var items = new List<ReviewSummary>(LeanReviews);
        var total = 0;
        while (await reader.ReadAsync(ct))
        {
            items.Add(new ReviewSummary(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), DemoDatabase.ParseTimestamp(reader.GetString(5))));
            total = reader.GetInt32(6);
        }

        return items.Count == 0 && !await ChefExistsAsync(connection, id, ct) ? TypedResults.NotFound() : TypedResults.Ok(new ReviewPage(items, total));
    }

    /// <summary>2 unindexed filter: the day's confirmed bookings; without the index on <c>date</c> every query reads the whole table.</summary>
    private static async Task<Results<Ok<List<Booking>>, ValidationProblem>> BookingsOfDayAsync(DemoDatabase db, CancellationToken ct, string? date = null)
    {
        if (!TryDate(date, out var day))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["date"] = ["date must be a day as YYYY-MM-DD."] });
        }

        await using var connection = await db.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, chef_id, customer, date, hour, guests, status FROM bookings
            WHERE date = $date AND status = 'confirmed' ORDER BY hour, id LIMIT $limit;
            """;
        Add(command, "$date", DemoDatabase.FormatDate(day));
        Add(command, "$limit", BookingsPerDay);
        var list = new List<Booking>(BookingsPerDay);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(ReadBooking(reader));
        }

        return TypedResults.Ok(list);
    }

    /// <summary>
    /// 4 single writer: a booking in one write transaction (<c>BEGIN IMMEDIATE</c> takes SQLite's write lock). With the flaw
    /// the database is in rollback-journal mode and has no busy timeout: a writer that finds the lock taken polls every 150 ms.
    /// </summary>
    private static async Task<Results<Created<Booking>, ValidationProblem, NotFound>> CreateBookingAsync(BookingRequest? request, DemoDatabase db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        DateOnly day = default;
        if (request is null)
        {
            errors["body"] = ["A JSON body {\"chefId\":..,\"customer\":..,\"date\":\"YYYY-MM-DD\",\"hour\":..,\"guests\":..} is required."];
        }
        else
        {
            if (request.ChefId < 1)
            {
                errors["chefId"] = ["chefId must be a positive chef id."];
            }

            if (string.IsNullOrWhiteSpace(request.Customer) || request.Customer.Length > 80)
            {
                errors["customer"] = ["customer must have 1 to 80 characters."];
            }

            if (!TryDate(request.Date, out day))
            {
                errors["date"] = ["date must be a day as YYYY-MM-DD."];
            }

            if (request.Hour is < 12 or > 21)
            {
                errors["hour"] = ["hour must be between 12 and 21."];
            }

            if (request.Guests is < 1 or > 20)
            {
                errors["guests"] = ["guests must be between 1 and 20."];
            }
        }

        if (request is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await db.OpenAsync(ct);
        await ExecuteAsync(connection, "BEGIN IMMEDIATE;", ct);
        var committed = false;
        try
        {
            if (!await ChefExistsAsync(connection, request.ChefId, ct))
            {
                return TypedResults.NotFound();
            }

            long id;
            await using (var insert = connection.CreateCommand())
            {
                insert.CommandText = """
                    INSERT INTO bookings (chef_id, customer, date, hour, guests, status, notes, created_at)
                    VALUES ($chef, $customer, $date, $hour, $guests, 'pending', '', $created) RETURNING id;
                    """;
                Add(insert, "$chef", request.ChefId);
                Add(insert, "$customer", request.Customer!);
                Add(insert, "$date", DemoDatabase.FormatDate(day));
                Add(insert, "$hour", request.Hour);
                Add(insert, "$guests", request.Guests);
                Add(insert, "$created", DemoDatabase.FormatTimestamp(DateTimeOffset.UtcNow));
                id = Convert.ToInt64(await insert.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            }

            await ExecuteAsync(connection, "COMMIT;", ct);
            committed = true;
            return TypedResults.Created($"/api/bookings/{id}", new Booking(id, request.ChefId, request.Customer!, DemoDatabase.FormatDate(day), request.Hour, request.Guests, "pending"));
        }
        finally
        {
            if (!committed)
            {
                await ExecuteAsync(connection, "ROLLBACK;", CancellationToken.None);
            }
        }
    }

    /// <summary>3 uncached aggregate: per cuisine over every review and booking; fixed, the result is kept for the TTL.</summary>
    private static async Task<Ok<IReadOnlyList<CuisineStats>>> CuisineStatsAsync(DemoDatabase db, StatsCache cache, CancellationToken ct)
    {
        if (!db.Flaws.HasFlag(DemoFlaws.UncachedAggregate) && cache.TryGet(out var cached))
        {
            return TypedResults.Ok(cached);
        }

        await using var connection = await db.OpenAsync(ct);
        var reviews = new Dictionary<string, (int Chefs, int Reviews, double Rating)>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT c.cuisine, COUNT(DISTINCT c.id), COUNT(r.id), AVG(r.rating)
                FROM chefs c JOIN reviews r ON r.chef_id = c.id GROUP BY c.cuisine ORDER BY c.cuisine;
                """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                reviews[reader.GetString(0)] = (reader.GetInt32(1), reader.GetInt32(2), reader.GetDouble(3));
            }
        }

        var stats = new List<CuisineStats>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT c.cuisine, COUNT(b.id), SUM(b.guests)
                FROM chefs c JOIN bookings b ON b.chef_id = c.id GROUP BY c.cuisine ORDER BY c.cuisine;
                """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var cuisine = reader.GetString(0);
                var (chefs, count, rating) = reviews.GetValueOrDefault(cuisine);
                stats.Add(new CuisineStats(cuisine, chefs, count, Math.Round(rating, 3), reader.GetInt32(1), reader.GetInt64(2)));
            }
        }

        cache.Set(stats);
        return TypedResults.Ok<IReadOnlyList<CuisineStats>>(stats);
    }

    private static async Task<bool> ChefExistsAsync(DbConnection connection, long id, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM chefs WHERE id = $id;";
        Add(command, "$id", id);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static bool TryDate(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    private static Booking ReadBooking(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetString(6));

    /// <summary>A parameter for any provider's command (the connection is the profiler's wrapper, a plain <see cref="DbConnection"/>).</summary>
    private static void Add(DbCommand command, string name, object value) => command.Parameters.Add(new SqliteParameter(name, value));
}

/// <summary>The cuisine statistics kept for a TTL (the fix of <see cref="DemoFlaws.UncachedAggregate"/>).</summary>
internal sealed class StatsCache(TimeProvider time, TimeSpan ttl)
{
    private readonly Lock _lock = new();
    private IReadOnlyList<CuisineStats>? _value;
    private DateTimeOffset _expires;

    public bool TryGet(out IReadOnlyList<CuisineStats> value)
    {
        lock (_lock)
        {
            value = _value ?? [];
            return _value is not null && time.GetUtcNow() < _expires;
        }
    }

    public void Set(IReadOnlyList<CuisineStats> value)
    {
        lock (_lock)
        {
            _value = value;
            _expires = time.GetUtcNow() + ttl;
        }
    }
}
