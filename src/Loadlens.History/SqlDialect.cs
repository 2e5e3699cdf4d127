using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Loadlens.History;

/// <summary>
/// What differs between the two stores: column types, connections, the write lock and the migration lock. The SQL
/// of every query is shared (named <c>@parameters</c>, <c>substr</c>, <c>LIMIT</c> work in both).
/// </summary>
internal abstract class SqlDialect : IAsyncDisposable
{
    /// <summary>"sqlite" or "postgresql".</summary>
    public abstract string Name { get; }

    /// <summary>Where the store is, for messages (no password).</summary>
    public abstract string Location { get; }

    /// <summary>Binary column type.</summary>
    public abstract string Blob { get; }

    /// <summary>Floating-point column type.</summary>
    public abstract string Real { get; }

    /// <summary>64-bit integer column type.</summary>
    public abstract string BigInt { get; }

    /// <summary>SQL that returns a row when table <c>@name</c> exists.</summary>
    public abstract string TableExistsSql { get; }

    /// <summary>An open connection, set up for use.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begin a write transaction that takes the write lock at once (no lock upgrade, no deadlock).</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Serialize migrations between processes inside <paramref name="transaction"/>.</summary>
    public abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>One-time preparation before the schema is read (create the folder, schema, WAL).</summary>
    public abstract Task PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Release pools.</summary>
    public abstract ValueTask DisposeAsync();
}

/// <summary>SQLite: one file, WAL journal, a busy timeout so concurrent writers wait instead of failing.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;

    public SqliteDialect(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 120,
        }.ToString();
    }

    public string Path { get; }

    public override string Name => "sqlite";

    public override string Location => Path;

    public override string Blob => "BLOB";

    public override string Real => "REAL";

    public override string BigInt => "INTEGER";

    public override string TableExistsSql => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @name";

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout = 60000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        // Microsoft.Data.Sqlite: BeginTransaction(deferred: false) is BEGIN IMMEDIATE (the write lock now, waiting on busy).
        await Task.Run(() => (DbTransaction)((SqliteConnection)connection).BeginTransaction(deferred: false), cancellationToken).ConfigureAwait(false);

    public override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();

        // WAL is a property of the file: readers never block the writer; a killed writer's partial transaction is not in the database.
        command.CommandText = "PRAGMA journal_mode = WAL;";
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them so the folder can be removed.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}

/// <summary>PostgreSQL through Npgsql (pooled data source); an optional schema from <c>?schema=NAME</c>.</summary>
internal sealed class PostgresDialect : SqlDialect
{
    private readonly NpgsqlDataSource _source;
    private readonly string? _schema;

    public PostgresDialect(string connectionString, string location, string? schema)
    {
        _schema = schema;
        Location = location;
        _source = NpgsqlDataSource.Create(connectionString);
    }

    public override string Name => "postgresql";

    public override string Location { get; }

    public override string Blob => "BYTEA";

    public override string Real => "DOUBLE PRECISION";

    public override string BigInt => "BIGINT";

    public override string TableExistsSql => "SELECT 1 WHERE to_regclass(@name) IS NOT NULL";

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    public override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pg_advisory_xact_lock(7306010217)"; // one fixed key: "loadlens history migration"
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (_schema is null)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE SCHEMA IF NOT EXISTS \"{_schema}\"";
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Two processes created it at the same instant: it exists.
        }
    }

    public override ValueTask DisposeAsync() => _source.DisposeAsync();
}
