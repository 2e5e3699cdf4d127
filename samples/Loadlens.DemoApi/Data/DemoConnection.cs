using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Loadlens.DemoApi.Data;

/// <summary>
/// A SQLite connection behind the demo's optional bounded pool (like Npgsql's <c>Max Pool Size</c> or SQLAlchemy's
/// <c>pool_size</c>): <see cref="OpenAsync"/> first waits for its <paramref name="lease"/> to hold one of the pool's
/// connections. A request's lease (<see cref="DemoDatabase.BeginRequest"/>) is shared by all the request's connections and
/// given back when the request ends; a connection opened outside a request owns its lease (<paramref name="ownsLease"/>) and
/// gives it back when it closes. Opening also sets the busy timeout unless the single-writer flaw is on. The profiler wraps
/// this class, so the wait is timed as <c>pool.wait</c>.
/// </summary>
internal sealed class DemoConnection(SqliteConnection inner, PoolLease? lease, bool ownsLease, bool busyTimeout) : DbConnection
{
    [AllowNull]
    public override string ConnectionString
    {
        get => inner.ConnectionString;
        set => inner.ConnectionString = value;
    }

    public override string Database => inner.Database;

    public override string DataSource => inner.DataSource;

    public override string ServerVersion => inner.ServerVersion;

    public override ConnectionState State => inner.State;

    public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);

    public override void Open()
    {
        lease?.Acquire();
        OpenInner();
    }

    public override async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (lease is not null)
        {
            await lease.AcquireAsync(cancellationToken).ConfigureAwait(false);
        }

        OpenInner();
    }

    private void OpenInner()
    {
        try
        {
            inner.Open();
            if (busyTimeout)
            {
                using var pragma = inner.CreateCommand();
                pragma.CommandText = $"PRAGMA busy_timeout = {DemoDatabase.BusyTimeoutMs}; PRAGMA synchronous = NORMAL;";
                pragma.ExecuteNonQuery();
            }
        }
        catch
        {
            Release();
            throw;
        }
    }

    public override void Close()
    {
        inner.Close();
        Release();
    }

    private void Release()
    {
        if (ownsLease)
        {
            lease?.Dispose();
        }
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);

    protected override DbCommand CreateDbCommand() => inner.CreateCommand();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            Release();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        Release();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// A checkout of one connection from the bounded pool: taken at the first open (later opens reuse it), given back on
/// dispose, and reusable after that.
/// </summary>
internal sealed class PoolLease(SemaphoreSlim pool) : IDisposable
{
    private int _held;

    public void Acquire()
    {
        if (Volatile.Read(ref _held) == 0)
        {
            pool.Wait();
            Interlocked.Exchange(ref _held, 1);
        }
    }

    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _held) == 0)
        {
            await pool.WaitAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _held, 1);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _held, 0) == 1)
        {
            pool.Release();
        }
    }
}
