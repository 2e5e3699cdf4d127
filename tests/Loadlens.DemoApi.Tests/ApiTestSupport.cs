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
    public static object? QueryScalar(string databasePath, string sql)
    {
        // Pooling off: this separate connection must not linger in (or come from) the API's pool.
        using var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public static long Count(string databasePath, string sql) => Convert.ToInt64(QueryScalar(databasePath, sql), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The profiler's per-route figures (<c>/_loadlens/profile</c>) for <paramref name="route"/>.</summary>
    public static async Task<JsonElement> ProfileOfRouteAsync(DemoApiHost host, HttpClient http, string route)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "_loadlens/profile");
        request.Headers.Add("X-Loadlens-Key", host.ProfilerKey);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var profile = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return profile.RootElement.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("route").GetString() == route).Clone();
    }
}
