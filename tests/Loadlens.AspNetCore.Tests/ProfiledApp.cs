using System.Data.Common;
using System.Net;
using Loadlens.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Loadlens.AspNetCore.Tests;

/// <summary>Which database the app runs on.</summary>
public enum AppDatabase
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A real ASP.NET Core app on 127.0.0.1:0 with the Loadlens profiler, over a real database (a SQLite file in a temp
/// folder, or a fresh schema of the PostgreSQL server of LOADLENS_TEST_PG), reached through the profiled connection
/// by raw ADO.NET and by EF Core:
/// <list type="bullet">
/// <item><c>/api/chefs</c>, <c>/ef/chefs</c>: N+1 — the first 6 chefs, then one bookings count per chef (bookings has
/// 60,000 rows and no index on chef_id, so each count scans it: database-bound);</item>
/// <item><c>/api/chefs/{id:int}</c>, <c>/ef/chefs/{id:int}</c>: clean — one primary-key query, then the app's own
/// work (it signs the response: <see cref="Sign"/>), so the database is a minor part of its time;</item>
/// <item><c>/api/bookings?email=</c>: an unindexed filter on the 60,000-row table, the email bound as a parameter;</item>
/// <item><c>/plain</c>: no database.</item>
/// </list>
/// </summary>
internal sealed class ProfiledApp : IAsyncDisposable
{
    public const int Chefs = 50;
    public const int Bookings = 60_000;
    public const int ChefsPerList = 6;

    private readonly WebApplication _app;
    private readonly string _dir;
    private readonly Func<Task>? _drop;

    private ProfiledApp(WebApplication app, string dir, Func<Task>? drop)
    {
        _app = app;
        _dir = dir;
        _drop = drop;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public static async Task<ProfiledApp> StartAsync(Action<LoadlensProfilerOptions>? configure = null, string environment = "Development", AppDatabase database = AppDatabase.Sqlite)
    {
        var dir = Directory.CreateTempSubdirectory("loadlens-profiled-app-").FullName;
        Func<DbConnection> open;
        Action<DbContextOptionsBuilder, DbConnection> ef;
        Func<Task>? drop = null;
        if (database == AppDatabase.Sqlite)
        {
            var file = Path.Combine(dir, "app.db");
            await SeedSqliteAsync(file);
            var cs = $"Data Source={file};Pooling=True";
            open = () => new SqliteConnection(cs).WithLoadlensProfiling();
            ef = (b, c) => b.UseSqlite(c);
        }
        else
        {
            var (cs, admin, schema) = await SeedPostgresAsync();
            open = () => new NpgsqlConnection(cs).WithLoadlensProfiling();
            ef = (b, c) => b.UseNpgsql(c);
            drop = async () =>
            {
                NpgsqlConnection.ClearAllPools();
                await using var c = new NpgsqlConnection(admin);
                await c.OpenAsync();
                await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", c);
                await cmd.ExecuteNonQueryAsync();
            };
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment, ApplicationName = "profiled-app" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLoadlensProfiler(configure);
        var app = builder.Build();
        app.UseLoadlensProfiler();

        app.MapGet("/plain", () => "ok");
        app.MapGet("/api/chefs", async () =>
        {
            await using var c = open();
            await c.OpenAsync();
            var chefs = new List<(long Id, string Name)>();
            await using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = $"SELECT id, name FROM chefs ORDER BY id LIMIT {ChefsPerList}";
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync())
                {
                    chefs.Add((Convert.ToInt64(r.GetValue(0)), r.GetString(1)));
                }
            }

            var result = new List<object>();
            foreach (var (id, name) in chefs)
            {
                await using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT count(*) FROM bookings WHERE chef_id = @id";
                Parameter(cmd, "@id", id);
                result.Add(new { id, name, bookings = Convert.ToInt64(await cmd.ExecuteScalarAsync()) });
            }

            return result;
        });
        app.MapGet("/api/chefs/{id:int}", async (int id) =>
        {
            await using var c = open();
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT id, name FROM chefs WHERE id = @id";
            Parameter(cmd, "@id", (long)id);
            string? name = null;
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                if (await r.ReadAsync())
                {
                    name = r.GetString(1);
                }
            }

            return name is null ? Results.NotFound() : Results.Ok(new { id, name, signature = Sign(name) });
        });
        app.MapGet("/api/bookings", async (string email) =>
        {
            await using var c = open();
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT id, guests FROM bookings WHERE email = @email";
            Parameter(cmd, "@email", email);
            var n = 0;
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                n++;
            }

            return new { email_matches = n };
        });
        app.MapGet("/ef/chefs", async () =>
        {
            await using var c = open();
            await using var db = Context(ef, c);
            var chefs = await db.Chefs.OrderBy(x => x.Id).Take(ChefsPerList).ToListAsync();
            var result = new List<object>();
            foreach (var chef in chefs)
            {
                result.Add(new { chef.Id, chef.Name, bookings = await db.Bookings.CountAsync(b => b.ChefId == chef.Id) });
            }

            return result;
        });
        app.MapGet("/ef/chefs/{id:int}", async (int id) =>
        {
            await using var c = open();
            await using var db = Context(ef, c);
            return await db.Chefs.Where(x => x.Id == id).Select(x => new { x.Id, x.Name }).FirstOrDefaultAsync() is { } chef ? Results.Ok(new { chef.Id, chef.Name, signature = Sign(chef.Name) }) : Results.NotFound();
        });
        app.MapPost("/ef/bookings", async (HttpRequest request) =>
        {
            await using var c = open();
            await using var db = Context(ef, c);
            await using var tx = await db.Database.BeginTransactionAsync();
            var email = request.Query["email"].ToString();
            db.Bookings.Add(new Booking { Id = Bookings + 1 + Random.Shared.Next(1_000_000), ChefId = 1, Guests = 2, Email = email });
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            return Results.Ok(new { saved = true });
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ProfiledApp(app, dir, drop) { BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/") };
    }

    /// <summary>The clean endpoints' own work, a few ms of CPU: an iterated SHA-256 of the name (a stand-in for rendering or signing).</summary>
    internal static string Sign(string value)
    {
        var hash = System.Text.Encoding.UTF8.GetBytes(value);
        for (var i = 0; i < 5_000; i++)
        {
            hash = System.Security.Cryptography.SHA256.HashData(hash);
        }

        return Convert.ToHexString(hash, 0, 8);
    }

    private static AppDb Context(Action<DbContextOptionsBuilder, DbConnection> ef, DbConnection connection)
    {
        var b = new DbContextOptionsBuilder<AppDb>();
        ef(b, connection);
        return new AppDb(b.Options);
    }

    private static void Parameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private const string Schema = """
        CREATE TABLE chefs (id integer PRIMARY KEY, name text NOT NULL);
        CREATE TABLE bookings (id integer PRIMARY KEY, chef_id integer NOT NULL, guests integer NOT NULL, email text NOT NULL);
        """;

    private static async Task SeedSqliteAsync(string file)
    {
        await using var c = new SqliteConnection($"Data Source={file};Pooling=False");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = Schema + $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Chefs})
            INSERT INTO chefs (id, name) SELECT i, 'chef ' || i FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Bookings})
            INSERT INTO bookings (id, chef_id, guests, email) SELECT i, 1 + (i % {Chefs}), 1 + i % 7, 'guest' || i || '@example.com' FROM n;
            """;
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>A fresh schema on LOADLENS_TEST_PG (skips outside CI when unset, fails in CI).</summary>
    private static async Task<(string ConnectionString, string Admin, string Schema)> SeedPostgresAsync()
    {
        var url = PostgresUrl();
        var uri = new Uri(url);
        var user = uri.UserInfo.Split(':', 2);
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = uri.AbsolutePath.Trim('/'),
            Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
        };
        var admin = b.ConnectionString;
        var schema = "profiler_" + Guid.NewGuid().ToString("N")[..12];
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"""
                CREATE SCHEMA {schema};
                SET search_path TO {schema};
                {Schema}
                INSERT INTO chefs SELECT i, 'chef ' || i FROM generate_series(1, {Chefs}) AS i;
                INSERT INTO bookings SELECT i, 1 + i % {Chefs}, 1 + i % 7, 'guest' || i || '@example.com' FROM generate_series(1, {Bookings}) AS i;
                ANALYZE chefs; ANALYZE bookings;
                """, c);
            await cmd.ExecuteNonQueryAsync();
        }

        b.SearchPath = schema;
        return (b.ConnectionString, admin, schema);
    }

    public static string PostgresUrl()
    {
        var url = Environment.GetEnvironmentVariable("LOADLENS_TEST_PG");
        if (string.IsNullOrWhiteSpace(url))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("CI=true but LOADLENS_TEST_PG is unset: .ci/run must start PostgreSQL (tests/history/ensure-postgres.sh)");
            }

            Skip.If(true, "LOADLENS_TEST_PG is unset (export LOADLENS_TEST_PG=\"$(bash tests/history/ensure-postgres.sh)\")");
        }

        return url!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_drop is not null)
        {
            await _drop();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed class AppDb(DbContextOptions<AppDb> options) : DbContext(options)
{
    public DbSet<Chef> Chefs => Set<Chef>();

    public DbSet<Booking> Bookings => Set<Booking>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Chef>(e =>
        {
            e.ToTable("chefs");
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.Name).HasColumnName("name");
        });
        b.Entity<Booking>(e =>
        {
            e.ToTable("bookings");
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.ChefId).HasColumnName("chef_id");
            e.Property(x => x.Guests).HasColumnName("guests");
            e.Property(x => x.Email).HasColumnName("email");
        });
    }
}

internal sealed class Chef
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;
}

internal sealed class Booking
{
    public int Id { get; set; }

    public int ChefId { get; set; }

    public int Guests { get; set; }

    public string Email { get; set; } = string.Empty;
}
