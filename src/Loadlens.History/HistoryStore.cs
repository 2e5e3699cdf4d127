using Npgsql;

namespace Loadlens.History;

/// <summary>Opens a history store from a connection text: a PostgreSQL URL, a SQLite file, or the default.</summary>
public static class HistoryStore
{
    /// <summary>The environment variable naming the store when <c>--history</c> is not given.</summary>
    public const string EnvironmentVariable = "LOADLENS_HISTORY";

    /// <summary>The default SQLite file, relative to the working directory.</summary>
    public static string DefaultRelativePath { get; } = Path.Combine(".loadlens", "history.db");

    /// <summary>
    /// Open (create on first use, migrate) the store named by <paramref name="connection"/>, else by
    /// <c>LOADLENS_HISTORY</c>, else <c>.loadlens/history.db</c> under <paramref name="workingDirectory"/>.
    /// <c>postgres://user:pass@host:port/db[?schema=NAME&amp;…]</c> (or <c>postgresql://</c>) is PostgreSQL; <c>sqlite:PATH</c> or any other text is a
    /// SQLite file path (relative to <paramref name="workingDirectory"/>).
    /// </summary>
    /// <exception cref="HistoryStoreException">The store cannot be opened, or it was written by a newer schema.</exception>
    public static async Task<IRunStore> OpenAsync(string? connection = null, string? workingDirectory = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var cwd = workingDirectory ?? Directory.GetCurrentDirectory();
        var text = string.IsNullOrWhiteSpace(connection) ? Environment.GetEnvironmentVariable(EnvironmentVariable) : connection;
        SqlDialect dialect = string.IsNullOrWhiteSpace(text)
            ? new SqliteDialect(Path.Combine(cwd, DefaultRelativePath))
            : Dialect(text.Trim(), cwd);
        return await SqlRunStore.OpenAsync(dialect, time, cancellationToken).ConfigureAwait(false);
    }

    private static SqlDialect Dialect(string text, string cwd)
    {
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return Postgres(text);
        }

        // sqlite:PATH, sqlite://PATH and sqlite:///ABSOLUTE all name a file.
        var path = text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? text["sqlite:".Length..] : text;
        if (path.StartsWith("//", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        if (path.Length == 0)
        {
            throw new HistoryStoreException("--history sqlite: needs a file path, e.g. sqlite:.loadlens/history.db") { IsUsageError = true };
        }

        return new SqliteDialect(Path.Combine(cwd, path));
    }

    /// <summary>A PostgreSQL dialect from <c>postgres://user:pass@host:port/db?schema=NAME&amp;Npgsql-keyword=value</c>.</summary>
    internal static PostgresDialect Postgres(string url)
    {
        Uri uri;
        try
        {
            uri = new Uri(url);
        }
        catch (UriFormatException ex)
        {
            throw new HistoryStoreException($"--history {Redact(url)}: not a PostgreSQL URL ({ex.Message.TrimEnd('.')}); expected postgres://user:password@host:port/database", ex) { IsUsageError = true };
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (uri.Host.Length == 0 || database.Length == 0)
        {
            throw new HistoryStoreException($"--history {Redact(url)}: expected postgres://user:password@host:port/database") { IsUsageError = true };
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = database,
            MaxPoolSize = 20,
            Timeout = 30,
            CommandTimeout = 120,
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length > 1)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        string? schema = null;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
            if (key.Equals("schema", StringComparison.OrdinalIgnoreCase))
            {
                if (value.Length == 0 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(value[0]))
                {
                    throw new HistoryStoreException($"--history: schema '{value}' must be a plain identifier (letters, digits, _)") { IsUsageError = true };
                }

                schema = value;
                builder.SearchPath = value;
                continue;
            }

            try
            {
                builder[key] = value;
            }
            catch (ArgumentException ex)
            {
                throw new HistoryStoreException($"--history {Redact(url)}: unknown connection parameter '{key}' ({ex.Message.Split('\n')[0].TrimEnd('.')})", ex) { IsUsageError = true };
            }
        }

        return new PostgresDialect(builder.ConnectionString, Redact(url), schema);
    }

    /// <summary>
    /// Whether a store is there to read without creating one: <paramref name="connection"/> or <c>LOADLENS_HISTORY</c> names one, or the
    /// default <c>.loadlens/history.db</c> under <paramref name="workingDirectory"/> exists (reading a reference never creates a store).
    /// </summary>
    public static bool IsAvailable(string? connection, string? workingDirectory = null) =>
        !string.IsNullOrWhiteSpace(connection)
        || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EnvironmentVariable))
        || File.Exists(Path.Combine(workingDirectory ?? Directory.GetCurrentDirectory(), DefaultRelativePath));

    /// <summary>
    /// Whether <paramref name="text"/> is written like a history reference (<c>@last</c>, <c>@last:BRANCH</c>, <c>@SHA</c>, or a run id
    /// or id prefix) rather than a file: for resolvers that try the history before the file system.
    /// </summary>
    public static bool LooksLikeReference(string text) =>
        !string.IsNullOrWhiteSpace(text) && (text.StartsWith('@') || (RunId.LooksLikeId(text.Trim()) && !File.Exists(text) && !Directory.Exists(text)));

    /// <summary><paramref name="url"/> with its password replaced by <c>***</c> (for messages).</summary>
    public static string Redact(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var at = url.LastIndexOf('@');
        if (scheme < 0 || at < scheme)
        {
            return url;
        }

        var user = url[(scheme + 3)..at];
        var colon = user.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? url : string.Concat(url.AsSpan(0, scheme + 3), user.AsSpan(0, colon), ":***", url.AsSpan(at));
    }
}
