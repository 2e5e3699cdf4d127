using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Loadlens.DemoApi.Tests;

internal static class ApiTestSupport
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static HttpClient CreateClient(DemoApiHost host) => new() { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(Json))!;

    public static string TempDbPath() => Path.Combine(Path.GetTempPath(), $"loadlens-demoapi-test-{Guid.NewGuid():N}.db");

    public static void DeleteDb(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-journal", path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>Reads a scalar straight from the database file, bypassing the API.</summary>
    public static long QueryScalar(string databasePath, string sql)
    {
        // Pooling off: this separate connection must not linger in (or come from) the API's pool.
        using var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>One shared host for read-only tests.</summary>
public sealed class DemoApiFixture : IAsyncLifetime
{
    public DemoApiHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await DemoApiHost.StartAsync(new DemoApiOptions());
        Client = ApiTestSupport.CreateClient(Host);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
