using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Loadlens.DemoApi.Data;

/// <summary>
/// A SQLite connection behind the demo's optional bounded pool: <see cref="OpenAsync"/> first waits for one of the pool's
/// connections (like Npgsql's <c>Max Pool Size</c> or SQLAlchemy's <c>pool_size</c>), and closing gives it back; inside a
/// request (<paramref name="lease"/>) the request's first open checks one out and the end of the request gives it back.
/// Opening also sets the busy timeout unless the single-writer flaw is on. The profiler wraps this class, so the wait is
/// timed as <c>pool.wait</c>.
/// </summary>
internal sealed class DemoConnection(SqliteConnection inner, SemaphoreSlim? pool, PoolLease? lease, bool busyTimeout) : DbConnection
{
    private int _held;

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
        if (lease is not null)
        {
            lease.Acquire();
        }
        else if (pool is not null)
        {
            pool.Wait();
            Interlocked.Exchange(ref _held, 1);
        }

        OpenInner();
    }

    public override async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (lease is not null)
        {
            await lease.AcquireAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (pool is not null)
        {
            await pool.WaitAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _held, 1);
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
        if (Interlocked.Exchange(ref _held, 0) == 1)
        {
            pool!.Release();
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

/// <summary>One request's checkout of a connection from the bounded pool: taken at the request's first open, given back on dispose.</summary>
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
