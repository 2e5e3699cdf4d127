using System.Data.Common;

namespace Loadlens.History;

/// <summary>
/// The store's schema, one list of versioned migrations for both dialects (only column types differ). The applied
/// version is kept in <c>schema_version</c>; a store whose version is newer than <see cref="Current"/> is refused before
/// anything is written to it.
/// </summary>
internal static class Schema
{
    /// <summary>The schema version this Loadlens writes and reads.</summary>
    public const int Current = 1;

    /// <summary>Migration <c>i</c> brings a store from version <c>i</c> to <c>i + 1</c>.</summary>
    private static IReadOnlyList<Func<SqlDialect, IReadOnlyList<string>>> Migrations { get; } =
    [
        d =>
        [
            $"""
            CREATE TABLE runs (
              id TEXT NOT NULL PRIMARY KEY,
              started_at {d.BigInt} NOT NULL,
              saved_at {d.BigInt} NOT NULL,
              scenario TEXT NOT NULL,
              kind TEXT NOT NULL,
              tool TEXT NOT NULL,
              git_commit TEXT NULL,
              git_branch TEXT NULL,
              requests {d.BigInt} NOT NULL,
              failures {d.BigInt} NOT NULL,
              document_encoding TEXT NOT NULL,
              document_length {d.BigInt} NOT NULL,
              document {d.Blob} NOT NULL
            )
            """,
            "CREATE INDEX runs_scenario_time ON runs (scenario, started_at, id)",
            "CREATE INDEX runs_time ON runs (started_at, id)",
            "CREATE INDEX runs_branch_time ON runs (git_branch, started_at)",
            "CREATE INDEX runs_commit ON runs (git_commit)",
            """
            CREATE TABLE run_tags (
              run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
              key TEXT NOT NULL,
              value TEXT NOT NULL,
              PRIMARY KEY (run_id, key)
            )
            """,
            "CREATE INDEX run_tags_key_value ON run_tags (key, value)",
            $"""
            CREATE TABLE run_metrics (
              run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
              step INTEGER NOT NULL,
              endpoint TEXT NOT NULL,
              method TEXT NOT NULL,
              requests {d.BigInt} NOT NULL,
              p50 {d.Real} NULL,
              p95 {d.Real} NULL,
              p99 {d.Real} NULL,
              mean {d.Real} NULL,
              max {d.Real} NULL,
              throughput {d.Real} NULL,
              error_rate {d.Real} NULL,
              unfinished {d.Real} NULL,
              PRIMARY KEY (run_id, step, endpoint)
            )
            """,
            "CREATE INDEX run_metrics_endpoint ON run_metrics (endpoint, step, run_id)",
        ],
    ];

    /// <summary>Bring the store to <see cref="Current"/>, or refuse a newer one. Safe when several processes open a new store at once.</summary>
    public static async Task MigrateAsync(SqlDialect dialect, CancellationToken cancellationToken)
    {
        await dialect.PrepareAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Read first, write nothing: a newer store is refused untouched.
        var version = await VersionAsync(dialect, connection, null, cancellationToken).ConfigureAwait(false);
        Refuse(dialect, version);
        if (version == Current)
        {
            return;
        }

        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await dialect.LockForMigrationAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)", cancellationToken).ConfigureAwait(false);
        version = await VersionAsync(dialect, connection, transaction, cancellationToken).ConfigureAwait(false); // another process may have migrated meanwhile
        Refuse(dialect, version);
        for (var v = version; v < Current; v++)
        {
            foreach (var sql in Migrations[v](dialect))
            {
                await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
            }

            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES (@v, @at)";
            Add(insert, "@v", v + 1);
            Add(insert, "@at", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Refuse(SqlDialect dialect, int version)
    {
        if (version > Current)
        {
            throw new HistoryStoreException($"the history store {dialect.Location} has schema version {version}, written by a newer Loadlens (this one reads up to version {Current}); upgrade Loadlens or use another store with --history")
            {
                IsUsageError = true,
            };
        }
    }

    private static async Task<int> VersionAsync(SqlDialect dialect, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using (var exists = connection.CreateCommand())
        {
            exists.Transaction = transaction;
            exists.CommandText = dialect.TableExistsSql;
            Add(exists, "@name", "schema_version");
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                return 0;
            }
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT MAX(version) FROM schema_version";
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } v and not DBNull ? Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Add parameter <paramref name="name"/> to <paramref name="command"/> (null → DBNull).</summary>
    public static void Add(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
    }
}
