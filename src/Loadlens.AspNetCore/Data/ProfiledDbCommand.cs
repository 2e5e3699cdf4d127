using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Loadlens.AspNetCore.Profiling;

namespace Loadlens.AspNetCore.Data;

/// <summary>
/// A command of a <see cref="ProfiledDbConnection"/>: it times each execution (a reader until it is closed) and records
/// the normalised <see cref="CommandText"/> into the current request's profile. <c>Parameters</c> are passed
/// to the provider and never read.
/// </summary>
internal sealed class ProfiledDbCommand : DbCommand
{
    private ProfiledDbConnection? _connection;
    private ProfiledDbTransaction? _transaction;

    public ProfiledDbCommand(DbCommand inner, ProfiledDbConnection? connection)
    {
        Inner = inner;
        _connection = connection;
    }

    public DbCommand Inner { get; }

    [AllowNull]
    public override string CommandText
    {
        get => Inner.CommandText;
        set => Inner.CommandText = value;
    }

    public override int CommandTimeout
    {
        get => Inner.CommandTimeout;
        set => Inner.CommandTimeout = value;
    }

    public override CommandType CommandType
    {
        get => Inner.CommandType;
        set => Inner.CommandType = value;
    }

    public override bool DesignTimeVisible
    {
        get => Inner.DesignTimeVisible;
        set => Inner.DesignTimeVisible = value;
    }

    public override UpdateRowSource UpdatedRowSource
    {
        get => Inner.UpdatedRowSource;
        set => Inner.UpdatedRowSource = value;
    }

    protected override DbConnection? DbConnection
    {
        get => _connection;
        set
        {
            _connection = value as ProfiledDbConnection;
            Inner.Connection = value is ProfiledDbConnection p ? p.Inner : value;
        }
    }

    protected override DbParameterCollection DbParameterCollection => Inner.Parameters;

    protected override DbTransaction? DbTransaction
    {
        get => _transaction;
        set
        {
            _transaction = value as ProfiledDbTransaction;
            Inner.Transaction = value is ProfiledDbTransaction p ? p.Inner : value;
        }
    }

    public override void Cancel() => Inner.Cancel();

    public override void Prepare() => Inner.Prepare();

    public override Task PrepareAsync(CancellationToken cancellationToken = default) => Inner.PrepareAsync(cancellationToken);

    protected override DbParameter CreateDbParameter() => Inner.CreateParameter();

    public override int ExecuteNonQuery()
    {
        var start = Stopwatch.GetTimestamp();
        var failed = true;
        try
        {
            var n = Inner.ExecuteNonQuery();
            failed = false;
            return n;
        }
        finally
        {
            Record(start, failed);
        }
    }

    public override async Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var failed = true;
        try
        {
            var n = await Inner.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            failed = false;
            return n;
        }
        finally
        {
            Record(start, failed);
        }
    }

    public override object? ExecuteScalar()
    {
        var start = Stopwatch.GetTimestamp();
        var failed = true;
        try
        {
            var value = Inner.ExecuteScalar();
            failed = false;
            return value;
        }
        finally
        {
            Record(start, failed);
        }
    }

    public override async Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var failed = true;
        try
        {
            var value = await Inner.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            failed = false;
            return value;
        }
        finally
        {
            Record(start, failed);
        }
    }

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return new ProfiledDbDataReader(Inner.ExecuteReader(behavior), this, start);
        }
        catch
        {
            Record(start, failed: true);
            throw;
        }
    }

    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return new ProfiledDbDataReader(await Inner.ExecuteReaderAsync(behavior, cancellationToken).ConfigureAwait(false), this, start);
        }
        catch
        {
            Record(start, failed: true);
            throw;
        }
    }

    /// <summary>Record one execution that started at <paramref name="start"/> into the current request's profile.</summary>
    internal void Record(long start, bool failed) => Record(start, 0, failed);

    /// <summary>Record one execution from <paramref name="start"/> to <paramref name="end"/> (0: now).</summary>
    internal void Record(long start, long end, bool failed)
    {
        end = end == 0 ? Stopwatch.GetTimestamp() : end;
        if (RequestProfile.Current is { } profile)
        {
            profile.Add(new DbCommandRecord(StatementText.Normalize(Inner.CommandText), _connection?.System ?? "other_sql", start, end - start, failed));
        }
    }

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
