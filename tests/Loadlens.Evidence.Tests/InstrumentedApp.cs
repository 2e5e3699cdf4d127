using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Loadlens.Evidence.Tests;

/// <summary>
/// A real ASP.NET Core app on 127.0.0.1 instrumented with the OpenTelemetry .NET SDK (ASP.NET Core instrumentation,
/// OTLP/HTTP protobuf exporter) over a real SQLite file. Its DB calls are client spans with <c>db.system</c> and
/// <c>db.statement</c>, as OpenTelemetry's database instrumentations record them.
/// <c>/api/chefs</c> is an N+1: one query for 10 chefs, then one bookings query per chef;
/// <c>/api/chefs/{id}</c> is one primary-key query; <c>/worker/job</c> waits for the app's one worker (a semaphore)
/// before its server span starts, as a request waits in a WSGI server's accept queue for a sync worker, then works 5 ms.
/// Every response carries the app's own <c>Server-Timing: db;dur=…, app;dur=…</c> (its SQLite time and its handler
/// time, measured with <see cref="Stopwatch"/>), as many stacks emit it.
/// </summary>
internal sealed class InstrumentedApp : IAsyncDisposable
{
    private static readonly ActivitySource Db = new("InstrumentedApp.Db");
    private static readonly ActivitySource Worker = new("InstrumentedApp.Worker");
    private static readonly AsyncLocal<System.Runtime.CompilerServices.StrongBox<long>?> DbTicks = new();
    private readonly SemaphoreSlim _oneWorker = new(1, 1);
    private readonly WebApplication _app;
    private readonly string _dir;

    private InstrumentedApp(WebApplication app, string dir)
    {
        _app = app;
        _dir = dir;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The app's SQLite file (for <c>--db</c>).</summary>
    public string DatabasePath => Path.Combine(_dir, "app.db");

    /// <summary>A free loopback port (for the receiver the app exports to).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task<InstrumentedApp> StartAsync(int otlpPort)
    {
        var dir = Directory.CreateTempSubdirectory("loadlens-otel-app-").FullName;
        var db = Path.Combine(dir, "app.db");
        await using (var setup = new SqliteConnection($"Data Source={db}"))
        {
            await setup.OpenAsync();
            await using var cmd = setup.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE chefs (id INTEGER PRIMARY KEY, name TEXT NOT NULL, cuisine_type TEXT NOT NULL);
                CREATE TABLE bookings (id INTEGER PRIMARY KEY, chef_id INTEGER NOT NULL, guests INTEGER NOT NULL);
                CREATE INDEX ix_bookings_guests ON bookings (guests);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
                INSERT INTO chefs (id, name, cuisine_type) SELECT i, 'chef ' || i, 'cuisine ' || (i % 3) FROM n;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
                INSERT INTO bookings (chef_id, guests) SELECT 1 + (i % 10), i % 7 FROM n;
                """;
            await cmd.ExecuteNonQueryAsync();
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("chefs-api"))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/worker", StringComparison.Ordinal))
                .AddSource(Db.Name, Worker.Name)
                .AddOtlpExporter(o =>
                {
                    o.Endpoint = new Uri($"http://127.0.0.1:{otlpPort}/v1/traces");
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                    o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 200;
                    o.BatchExportProcessorOptions.MaxQueueSize = 65536;
                    o.BatchExportProcessorOptions.MaxExportBatchSize = 2048;
                }));
        var app = builder.Build();
        app.Use(async (c, next) =>
        {
            var start = Stopwatch.GetTimestamp();
            var dbTime = DbTicks.Value = new System.Runtime.CompilerServices.StrongBox<long>();
            c.Response.OnStarting(() =>
            {
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                var dbMs = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref dbTime.Value)).TotalMilliseconds;
                c.Response.Headers["Server-Timing"] = string.Create(inv, $"db;dur={dbMs:0.###};desc=\"sqlite\", app;dur={Stopwatch.GetElapsedTime(start).TotalMilliseconds:0.###}");
                return Task.CompletedTask;
            });
            await next(c);
        });
        var connection = $"Data Source={db};Pooling=True";
        InstrumentedApp? self = null;
        app.MapGet("/worker/job", async (Microsoft.AspNetCore.Http.HttpContext c) =>
        {
            await self!._oneWorker.WaitAsync();
            try
            {
                var parent = ActivityContext.TryParse(c.Request.Headers["traceparent"].ToString(), null, out var p) ? p : default;
                using var span = Worker.StartActivity("GET /worker/job", ActivityKind.Server, parent);
                span?.SetTag("http.route", "/worker/job");
                Thread.Sleep(5);
                return "done";
            }
            finally
            {
                self._oneWorker.Release();
            }
        });
        app.MapGet("/api/chefs", async () =>
        {
            await using var c = new SqliteConnection(connection);
            await c.OpenAsync();
            var chefs = new List<(long Id, string Name)>();
            await foreach (var row in QueryAsync(c, "SELECT id, name FROM chefs ORDER BY id LIMIT 10", []))
            {
                chefs.Add(((long)row[0], (string)row[1]));
            }

            var result = new List<object>();
            foreach (var (id, name) in chefs)
            {
                // the N+1: one bookings query per chef, literals inlined by the "ORM"
                await foreach (var row in QueryAsync(c, $"SELECT count(*) FROM bookings WHERE chef_id = {id}", []))
                {
                    result.Add(new { id, name, bookings = (long)row[0] });
                }
            }

            return result;
        });
        app.MapGet("/api/chefs/{id:int}", async (int id) =>
        {
            await using var c = new SqliteConnection(connection);
            await c.OpenAsync();
            await foreach (var row in QueryAsync(c, "SELECT id, name FROM chefs WHERE id = $id", [("$id", id)]))
            {
                return (object)new { id = (long)row[0], name = (string)row[1] };
            }

            return new { id = 0L, name = string.Empty };
        });
        app.MapGet("/api/bookings/by-guests/{guests:int}", async (int guests) =>
        {
            // an indexed filter (ix_bookings_guests): no index to advise
            await using var c = new SqliteConnection(connection);
            await c.OpenAsync();
            await foreach (var row in QueryAsync(c, "SELECT count(*) FROM bookings WHERE guests = $g", [("$g", guests)]))
            {
                return (long)row[0];
            }

            return 0L;
        });
        app.MapGet("/api/report", async () =>
        {
            // a genuinely slow statement (hundreds of ms of SQLite work): slow-query
            await using var c = new SqliteConnection(connection);
            await c.OpenAsync();
            await foreach (var row in QueryAsync(c, "WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM cnt LIMIT 1500000) SELECT count(*) FROM cnt", []))
            {
                return (long)row[0];
            }

            return 0L;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new InstrumentedApp(app, dir) { BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/") };
        return self;
    }

    private static async IAsyncEnumerable<object[]> QueryAsync(SqliteConnection c, string sql, (string Name, object Value)[] parameters)
    {
        using var span = Db.StartActivity("SELECT " + "app.db", ActivityKind.Client);
        span?.SetTag("db.system", "sqlite");
        span?.SetTag("db.statement", sql);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        var start = Stopwatch.GetTimestamp();
        var rows = new List<object[]>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var row = new object[reader.FieldCount];
                reader.GetValues(row);
                rows.Add(row);
            }
        }

        if (DbTicks.Value is { } total)
        {
            Interlocked.Add(ref total.Value, Stopwatch.GetTimestamp() - start);
        }

        foreach (var row in rows)
        {
            yield return row;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync(); // flushes the exporter
        _oneWorker.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
