using Loadlens.DemoApi.Data;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Loadlens.DemoApi;

/// <summary>
/// The demo API running in-process on 127.0.0.1, for the CLI and tests.
/// Dispose it to stop the server (and delete the database file if it was a temporary one).
/// </summary>
public sealed class DemoApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DemoDatabase _database;
    private readonly bool _ownsDatabaseFile;
    private int _disposed;

    private DemoApiHost(WebApplication app, DemoDatabase database, bool ownsDatabaseFile, Uri baseAddress)
    {
        _app = app;
        _database = database;
        _ownsDatabaseFile = ownsDatabaseFile;
        BaseAddress = baseAddress;
    }

    /// <summary>Base address with the actually bound port, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The key of the Loadlens profiler's endpoints <c>/_loadlens/profile</c> and <c>/_loadlens/metrics</c> (header <c>X-Loadlens-Key</c>).</summary>
    public string ProfilerKey => _app.Services.GetRequiredService<Loadlens.AspNetCore.LoadlensProfilerOptions>().Key!;

    /// <summary>The database (its bounded pool, for tests).</summary>
    internal DemoDatabase Database => _database;

    /// <summary>The flaws switched on.</summary>
    public DemoFlaws Flaws => _database.Flaws;

    /// <summary>Full path of the SQLite database file the API uses.</summary>
    public string DatabasePath => _database.Path;

    /// <summary>Creates (and seeds, if new) the database, then starts the API on 127.0.0.1.</summary>
    /// <param name="options">Options; a null <see cref="DemoApiOptions.DatabasePath"/> means a new temporary file.</param>
    /// <param name="ct">Cancels start-up.</param>
    /// <returns>The running host.</returns>
    public static async Task<DemoApiHost> StartAsync(DemoApiOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ownsFile = options.DatabasePath is null;
        var path = options.DatabasePath
                   ?? Path.Combine(Path.GetTempPath(), $"loadlens-demoapi-{Guid.NewGuid():N}.db");

        WebApplication? app = null;
        try
        {
            app = DemoApiApp.Build(options with { DatabasePath = path });
            await app.StartAsync(ct);

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
                .FirstOrDefault()
                ?? throw new InvalidOperationException("Kestrel reported no bound address.");
            var port = new Uri(address).Port;
            var database = app.Services.GetRequiredService<DemoDatabase>();
            return new DemoApiHost(app, database, ownsFile, new Uri($"http://127.0.0.1:{port}/"));
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            new DemoDatabase(path, options.Flaws, options.SmallPoolSize).ClearPool();
            if (ownsFile)
            {
                DeleteDatabaseFiles(path);
            }

            throw;
        }
    }

    /// <summary>Stops the server; deletes the database file if <see cref="StartAsync"/> created a temporary one.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            _database.ClearPool();
            if (_ownsDatabaseFile)
            {
                DeleteDatabaseFiles(_database.Path);
            }
        }
    }

    private static void DeleteDatabaseFiles(string path)
    {
        foreach (var file in new[] { path, path + "-journal", path + "-wal", path + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp file is not worth failing dispose for.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
