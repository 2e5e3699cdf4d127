using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Loadlens.AspNetCore.Profiling;

namespace Loadlens.AspNetCore.Data;

/// <summary>
/// A <see cref="DbConnection"/> that records every command it runs into the current request's profile (normalised text
/// and duration, never parameter values) and otherwise forwards to the wrapped provider connection (SQLite, Npgsql, …).
/// EF Core accepts it as its connection (<c>UseSqlite(conn)</c>, <c>UseNpgsql(conn)</c>).
/// </summary>
internal sealed class ProfiledDbConnection : DbConnection
{
    public ProfiledDbConnection(DbConnection inner, string system)
    {
        Inner = inner;
        System = system;
        inner.StateChange += ForwardStateChange;
    }

    public DbConnection Inner { get; }

    /// <summary>The OpenTelemetry <c>db.system</c> name.</summary>
    public string System { get; }

    [AllowNull]
    public override string ConnectionString
    {
        get => Inner.ConnectionString;
        set => Inner.ConnectionString = value;
    }

    public override int ConnectionTimeout => Inner.ConnectionTimeout;

    public override string Database => Inner.Database;

    public override string DataSource => Inner.DataSource;

    public override string ServerVersion => Inner.ServerVersion;

    public override ConnectionState State => Inner.State;

    public override bool CanCreateBatch => false;

    public override void ChangeDatabase(string databaseName) => Inner.ChangeDatabase(databaseName);

    public override void Close() => Inner.Close();

    public override void Open()
    {
        var start = Stopwatch.GetTimestamp();
        Inner.Open();
        RecordOpen(start);
    }

    public override async Task OpenAsync(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        await Inner.OpenAsync(cancellationToken).ConfigureAwait(false);
        RecordOpen(start);
    }

    /// <summary>The time the provider took to hand out a connection (a bounded pool's wait), as a <c>pool.wait</c> span.</summary>
    private static void RecordOpen(long start) => RequestProfile.Current?.AddConnectionOpen(start, Stopwatch.GetTimestamp() - start);

    public override Task CloseAsync() => Inner.CloseAsync();

    public override DataTable GetSchema() => Inner.GetSchema();

    public override DataTable GetSchema(string collectionName) => Inner.GetSchema(collectionName);

    public override DataTable GetSchema(string collectionName, string?[] restrictionValues) => Inner.GetSchema(collectionName, restrictionValues);

    public override void EnlistTransaction(System.Transactions.Transaction? transaction) => Inner.EnlistTransaction(transaction);

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => new ProfiledDbTransaction(Inner.BeginTransaction(isolationLevel), this);

    protected override async ValueTask<DbTransaction> BeginDbTransactionAsync(IsolationLevel isolationLevel, CancellationToken cancellationToken) =>
        new ProfiledDbTransaction(await Inner.BeginTransactionAsync(isolationLevel, cancellationToken).ConfigureAwait(false), this);

    protected override DbCommand CreateDbCommand() => new ProfiledDbCommand(Inner.CreateCommand(), this);

    private void ForwardStateChange(object sender, StateChangeEventArgs e) => OnStateChange(e);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.StateChange -= ForwardStateChange;
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        Inner.StateChange -= ForwardStateChange;
        await Inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A transaction of a <see cref="ProfiledDbConnection"/> (its <c>Connection</c> is the profiled one, as EF Core expects).</summary>
internal sealed class ProfiledDbTransaction(DbTransaction inner, ProfiledDbConnection connection) : DbTransaction
{
    public DbTransaction Inner { get; } = inner;

    public override IsolationLevel IsolationLevel => Inner.IsolationLevel;

    protected override DbConnection DbConnection => connection;

    public override void Commit() => Inner.Commit();

    public override void Rollback() => Inner.Rollback();

    public override Task CommitAsync(CancellationToken cancellationToken = default) => Inner.CommitAsync(cancellationToken);

    public override Task RollbackAsync(CancellationToken cancellationToken = default) => Inner.RollbackAsync(cancellationToken);

    public override bool SupportsSavepoints => Inner.SupportsSavepoints;

    public override void Save(string savepointName) => Inner.Save(savepointName);

    public override Task SaveAsync(string savepointName, CancellationToken cancellationToken = default) => Inner.SaveAsync(savepointName, cancellationToken);

    public override void Rollback(string savepointName) => Inner.Rollback(savepointName);

    public override Task RollbackAsync(string savepointName, CancellationToken cancellationToken = default) => Inner.RollbackAsync(savepointName, cancellationToken);

    public override void Release(string savepointName) => Inner.Release(savepointName);

    public override Task ReleaseAsync(string savepointName, CancellationToken cancellationToken = default) => Inner.ReleaseAsync(savepointName, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await Inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
