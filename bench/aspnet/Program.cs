// Cost of the Loadlens ASP.NET Core profiler (docs/server-evidence.md, "ASP.NET Core profiler"): the same cheap
// endpoints served by two real Kestrel apps in this process, one without the profiler and one with it (middleware,
// Server-Timing, aggregation, and the profiled SQLite connection), loaded alternately by Loadlens' own engine
// (closed model, loopback). Rounds alternate which app goes first, so a drift of the machine favours neither.
// Prints requests/s per round and the median ratio profiled / plain per endpoint.
// Usage: dotnet run -c Release --project bench/aspnet -- [--rounds 3] [--seconds 3] [--users 8]
using System.Data.Common;
using System.Globalization;
using System.Net;
using Loadlens.AspNetCore;
using Loadlens.Engine;
using Loadlens.Pipeline;
using Loadlens.Reporting.Outputs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var rounds = Arg("--rounds", 3);
var seconds = Arg("--seconds", 3.0);
var users = Arg("--users", 8);

var dir = Directory.CreateTempSubdirectory("loadlens-aspnet-bench-").FullName;
var file = Path.Combine(dir, "bench.db");
await using (var setup = new SqliteConnection($"Data Source={file};Pooling=False"))
{
    await setup.OpenAsync();
    await using var cmd = setup.CreateCommand();
    cmd.CommandText = """
        CREATE TABLE chefs (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
        INSERT INTO chefs (id, name) SELECT i, 'chef ' || i FROM n;
        """;
    await cmd.ExecuteNonQueryAsync();
}

var cs = $"Data Source={file};Pooling=True;Mode=ReadOnly";
await using var plain = await StartAsync(profiled: false);
await using var profiled = await StartAsync(profiled: true);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profiler overhead: {rounds} rounds × {seconds:0.#} s (+1 s warm-up) per app and endpoint, {users} users, {Environment.ProcessorCount} cores"));
foreach (var path in new[] { "/plain", "/chefs/42" })
{
    var ratios = new List<double>();
    for (var round = 0; round < rounds; round++)
    {
        var profiledFirst = round % 2 == 1;
        var first = await RateAsync(profiledFirst ? profiled : plain, path);
        var second = await RateAsync(profiledFirst ? plain : profiled, path);
        var (p, q) = profiledFirst ? (first, second) : (second, first);
        ratios.Add(q / p);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {path} round {round + 1}: plain {p,8:0} req/s, profiled {q,8:0} req/s, ratio {q / p:0.000}"));
    }

    ratios.Sort();
    var median = ratios[ratios.Count / 2];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: median throughput ratio profiled/plain = {median:0.000} ({(1 - median) * 100:+0.0;-0.0} % cost)"));
}

try
{
    SqliteConnection.ClearAllPools();
    Directory.Delete(dir, recursive: true);
}
catch (IOException)
{
}

async Task<double> RateAsync(App app, string path)
{
    var done = await LoadlensPipeline.RunAsync(new RunOptions
    {
        Scenario = ScenarioRequest.ForUrl(new Uri(app.Base, path).ToString(), new ScenarioOverrides { Users = users, Duration = TimeSpan.FromSeconds(seconds + 1), WarmUp = TimeSpan.FromSeconds(1), Name = "profiler-overhead" }),
        Runner = new LoadRunnerOptions(),
        Outputs = new OutputRegistry(),
        OutputDirectory = Path.Combine(dir, "out"),
    });
    var run = done.Run ?? throw new InvalidOperationException(string.Join("; ", done.Messages));
    if (run.Total.Failures > 0)
    {
        throw new InvalidOperationException($"{path}: {run.Total.Failures} failed requests");
    }

    return run.Total.RequestsPerSecond;
}

async Task<App> StartAsync(bool profiled)
{
    var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
    if (profiled)
    {
        builder.Services.AddLoadlensProfiler();
    }

    var app = builder.Build();
    if (profiled)
    {
        app.UseLoadlensProfiler();
    }

    DbConnection Open() => profiled ? new SqliteConnection(cs).WithLoadlensProfiling() : new SqliteConnection(cs);
    app.MapGet("/plain", () => "ok");
    app.MapGet("/chefs/{id:int}", async (int id) =>
    {
        await using var c = Open();
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name FROM chefs WHERE id = @id";
        var p = cmd.CreateParameter();
        p.ParameterName = "@id";
        p.Value = id;
        cmd.Parameters.Add(p);
        return (string?)await cmd.ExecuteScalarAsync() ?? "";
    });
    await app.StartAsync();
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    return new App(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/"));
}

string? Value(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

T Arg<T>(string name, T fallback) where T : IParsable<T> => Value(name) is { } v ? T.Parse(v, CultureInfo.InvariantCulture) : fallback;

internal sealed record App(WebApplication Web, Uri Base) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Web.StopAsync();
        await Web.DisposeAsync();
    }
}
