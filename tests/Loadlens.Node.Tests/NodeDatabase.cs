using System.Runtime.CompilerServices;
using Npgsql;

namespace Loadlens.Node.Tests;

/// <summary>
/// A fresh database <c>loadlens_node_&lt;random&gt;</c> on the PostgreSQL server of <c>LOADLENS_TEST_PG</c> (.ci/run starts
/// it: tests/history/ensure-postgres.sh), filled from the app's own <c>schema.sql</c> once per test run and dropped
/// afterwards. Outside CI the tests are skipped when <c>LOADLENS_TEST_PG</c> is unset; with CI=true they fail.
/// </summary>
public sealed class NodeDatabase : IAsyncLifetime
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private NpgsqlConnectionStringBuilder? _server;
    private readonly Dictionary<string, NodeApp> _apps = [];
    private string? _name;

    /// <summary>The app's folder (tests/node/evidence-app).</summary>
    public static string AppDirectory { get; } = FindAppDirectory();

    /// <summary>postgres://user:password@host:port/loadlens_node_… — what the app gets as DATABASE_URL and Loadlens as --db.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Creates and seeds the database on first use; skips (outside CI) when no PostgreSQL is configured.</summary>
    public async Task<NodeDatabase> ReadyAsync()
    {
        var url = Environment.GetEnvironmentVariable("LOADLENS_TEST_PG");
        if (string.IsNullOrWhiteSpace(url))
        {
            if (NodeApp.InCi)
            {
                throw new InvalidOperationException("CI=true but LOADLENS_TEST_PG is unset: .ci/run must start PostgreSQL (tests/history/ensure-postgres.sh)");
            }

            Skip.If(true, "LOADLENS_TEST_PG is unset (export LOADLENS_TEST_PG=\"$(bash tests/history/ensure-postgres.sh)\")");
        }

        await _lock.WaitAsync();
        try
        {
            if (_name is not null)
            {
                return this;
            }

            var uri = new Uri(url!);
            var user = uri.UserInfo.Split(':', 2);
            _server = new NpgsqlConnectionStringBuilder
            {
                Host = uri.Host,
                Port = uri.Port > 0 ? uri.Port : 5432,
                Database = uri.AbsolutePath.Trim('/'),
                Username = Uri.UnescapeDataString(user[0]),
                Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
                Pooling = false,
            };
            var name = "loadlens_node_" + Guid.NewGuid().ToString("N")[..12];
            await ExecuteAsync(_server.ConnectionString, $"CREATE DATABASE {name}");
            _name = name;
            var db = new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = name };
            await ExecuteAsync(db.ConnectionString, await File.ReadAllTextAsync(Path.Combine(AppDirectory, "schema.sql")));
            Url = new UriBuilder(uri) { Path = "/" + name, Query = "" }.Uri.ToString();
            return this;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// The app exporting over <paramref name="protocol"/> (http/protobuf or http/json), started on first use and shared
    /// by the tests of the collection (they run one after another; each run's receiver listens on the app's
    /// <see cref="NodeApp.OtlpPort"/>). Node with the SDK takes seconds to start on a loaded machine.
    /// </summary>
    internal async Task<NodeApp> AppAsync(string protocol)
    {
        await ReadyAsync();
        await _lock.WaitAsync();
        try
        {
            if (!_apps.TryGetValue(protocol, out var app))
            {
                app = await NodeApp.StartAsync(this, NodeApp.FreePort(), protocol);
                _apps[protocol] = app;
            }

            return app;
        }
        finally
        {
            _lock.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            await app.DisposeAsync();
        }

        if (_server is not null && _name is not null)
        {
            await ExecuteAsync(_server.ConnectionString, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 60 };
        await cmd.ExecuteNonQueryAsync();
    }

    private static string FindAppDirectory([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "node", "evidence-app"));
}

[CollectionDefinition("node")]
public sealed class NodeTestGroup : ICollectionFixture<NodeDatabase>;
