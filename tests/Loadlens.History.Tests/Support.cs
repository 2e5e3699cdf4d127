using System.Diagnostics;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;
using Loadlens.History;
using Loadlens.Pipeline;
using Loadlens.TestUtils;
using Npgsql;

namespace Loadlens.History.Tests;

/// <summary>
/// The stores the tests run against: a SQLite file in a fresh temp folder, and a fresh schema in the PostgreSQL database of
/// <c>LOADLENS_TEST_PG</c> (set by .ci/run through tests/history/ensure-postgres.sh). Outside CI the PostgreSQL cases are
/// skipped when it is unset; with CI=true they fail.
/// </summary>
internal sealed class TestStore : IAsyncDisposable
{
    private readonly string? _folder;
    private readonly string? _schema;
    private readonly string? _server;

    private TestStore(string connection, string? folder, string? schema, string? server)
    {
        Connection = connection;
        _folder = folder;
        _schema = schema;
        _server = server;
    }

    public static TheoryData<string> Backends => ["sqlite", "postgres"];

    /// <summary>What to pass as --history / HistoryStore.OpenAsync.</summary>
    public string Connection { get; }

    /// <summary>The SQLite file (sqlite backend only).</summary>
    public string? File => _folder is null ? null : Connection;

    public bool IsPostgres => _schema is not null;

    public static TestStore Create(string backend)
    {
        if (backend == "sqlite")
        {
            var folder = Path.Combine(Path.GetTempPath(), "loadlens-history-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            return new TestStore(Path.Combine(folder, "history.db"), folder, null, null);
        }

        var url = PostgresUrl();
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        return new TestStore(url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "schema=" + schema, null, schema, url);
    }

    /// <summary>LOADLENS_TEST_PG, or skip (outside CI) / fail (CI=true) when it is unset.</summary>
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

    public Task<IRunStore> OpenAsync(TimeProvider? time = null) => HistoryStore.OpenAsync(Connection, time: time);

    /// <summary>Run one SQL statement on the store directly (outside Loadlens), returning the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        if (File is { } file)
        {
            await using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return await cmd.ExecuteScalarAsync();
        }

        await using var source = NpgsqlDataSource.Create(PgConnectionString());
        await using var pg = await source.OpenConnectionAsync();
        await using var command = pg.CreateCommand();
        command.CommandText = $"SET search_path TO \"{_schema}\"; {sql}";
        return await command.ExecuteScalarAsync();
    }

    private string PgConnectionString()
    {
        var uri = new Uri(_server!);
        var parts = uri.UserInfo.Split(':', 2);
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port,
            Database = uri.AbsolutePath.Trim('/'),
            Username = Uri.UnescapeDataString(parts[0]),
            Password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null,
            Pooling = false,
        }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        else if (_schema is not null)
        {
            await using var source = NpgsqlDataSource.Create(PgConnectionString());
            await using var pg = await source.OpenConnectionAsync();
            await using var command = pg.CreateCommand();
            command.CommandText = $"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE";
            await command.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>Real runs against a real Kestrel target, made once per test assembly and shared (read-only).</summary>
internal static class RealRuns
{
    private static readonly Lazy<Task<(RunResult Run, string Path)>> Shared = new(CreateAsync);

    /// <summary>A short real two-endpoint run and its result.json file.</summary>
    public static Task<(RunResult Run, string Path)> GetAsync() => Shared.Value;

    private static async Task<(RunResult, string)> CreateAsync()
    {
        await using var target = await TestTarget.StartAsync();
        var folder = Path.Combine(Path.GetTempPath(), "loadlens-history-run-" + Guid.NewGuid().ToString("N"));
        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrls([new Uri(target.BaseAddress, "delay/1").ToString(), new Uri(target.BaseAddress, "text").ToString()], new ScenarioOverrides { Users = 2, Iterations = 300 }),
            OutputDirectory = folder,
        });
        done.Run.ShouldNotBeNull(string.Join("\n", done.Messages));
        done.Run.Total.Requests.ShouldBe(300);
        var path = Path.Combine(folder, "result.json");
        return (await RunResultJson.ReadAsync(path), path);
    }
}

/// <summary>A clock that stands still (two saves "at the same instant").</summary>
internal sealed class FrozenTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>The SaveLoop child process (tests/Loadlens.History.SaveLoop).</summary>
internal static class SaveLoop
{
    public static ProcessStartInfo StartInfo(string store, string resultJson, int count, int parallel, double seconds)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Loadlens.History.SaveLoop.dll");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { dll, store, resultJson, count.ToString(System.Globalization.CultureInfo.InvariantCulture), parallel.ToString(System.Globalization.CultureInfo.InvariantCulture), seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }
}

/// <summary>Tests that start many processes or time real requests run one at a time, not next to each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyTests
{
    public const string Name = "heavy";
}
