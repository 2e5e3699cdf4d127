using System.Text.RegularExpressions;
using Npgsql;

namespace Loadlens.Evidence.Plans;

/// <summary>Which database a <see cref="DatabaseTarget"/> names.</summary>
internal enum DatabaseKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The application database named by <c>--db</c>: a SQLite file (a path, <c>sqlite:PATH</c>, <c>sqlite://PATH</c>,
/// <c>file:PATH</c>, <c>file:///ABSOLUTE</c>) or PostgreSQL (<c>postgres://user:pass@host:port/db</c>, <c>postgresql://…</c>,
/// optional <c>?schema=NAME</c> for the search path). Opened read-only. <see cref="ToString"/> never shows the password.
/// </summary>
internal sealed partial class DatabaseTarget
{
    private DatabaseTarget(DatabaseKind kind, string display, string connectionString)
    {
        Kind = kind;
        Display = display;
        ConnectionString = connectionString;
    }

    public DatabaseKind Kind { get; }

    /// <summary>What to print: the file path, or the URL with the password replaced by <c>***</c>.</summary>
    public string Display { get; }

    /// <summary>The ADO.NET connection string (read-only options set). Holds the password: never print it.</summary>
    internal string ConnectionString { get; }

    public override string ToString() => Display;

    /// <summary>Parse <c>--db</c> text; a relative path is resolved against <paramref name="workingDirectory"/>.</summary>
    /// <exception cref="ArgumentException">One line, without the password, suitable for an exit-2 error.</exception>
    public static DatabaseTarget Parse(string text, string? workingDirectory = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("--db: expected a SQLite file path or postgres://user:password@host:port/database");
        }

        text = text.Trim();
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return Postgres(text);
        }

        string path;
        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            path = text["sqlite:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                path = path[2..];
            }
        }
        else if (text.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            path = text["file:".Length..];
            var query = path.IndexOf('?', StringComparison.Ordinal);
            if (query >= 0)
            {
                path = path[..query];
            }

            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                // file:///abs/path (empty host) or file://localhost/abs/path
                var rest = path[2..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                var host = slash < 0 ? rest : rest[..slash];
                if (host.Length > 0 && !host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"--db {Redact(text)}: a file: URL must name a local file (file:///path/app.db)");
                }

                path = slash < 0 ? "" : rest[slash..];
            }

            path = Uri.UnescapeDataString(path);
        }
        else if (SchemeRegex().Match(text) is { Success: true } m)
        {
            throw new ArgumentException($"--db {Redact(text)}: unsupported database '{m.Groups[1].Value}'; expected a SQLite file path or postgres://user:password@host:port/database");
        }
        else
        {
            path = text;
        }

        if (path.Length == 0)
        {
            throw new ArgumentException($"--db {Redact(text)}: needs a file path, e.g. sqlite:app.db");
        }

        var full = Path.GetFullPath(path, workingDirectory ?? Directory.GetCurrentDirectory());
        if (!File.Exists(full))
        {
            throw new ArgumentException($"--db {path}: no such file (a SQLite database file is expected)");
        }

        if (!HasSqliteHeader(full))
        {
            throw new ArgumentException($"--db {path}: not a SQLite database (the file does not start with \"SQLite format 3\")");
        }

        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly,
            Pooling = false,
        };
        return new DatabaseTarget(DatabaseKind.Sqlite, full, builder.ConnectionString);
    }

    private static DatabaseTarget Postgres(string url)
    {
        Uri uri;
        try
        {
            uri = new Uri(url);
        }
        catch (UriFormatException ex)
        {
            throw new ArgumentException($"--db {Redact(url)}: not a PostgreSQL URL ({ex.Message.TrimEnd('.')}); expected postgres://user:password@host:port/database", ex);
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (uri.Host.Length == 0 || database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"--db {Redact(url)}: expected postgres://user:password@host:port/database");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.DnsSafeHost, // [::1] → ::1
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = database,
            Pooling = false,
            Timeout = 15,
            CommandTimeout = 30,
            // Every transaction of the session is read-only unless it says otherwise (and the planner never does).
            Options = "-c default_transaction_read_only=on",
            ApplicationName = "loadlens-plan",
        };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user[0]);
        }

        if (user.Length > 1)
        {
            builder.Password = Uri.UnescapeDataString(user[1]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
            if (key.Equals("schema", StringComparison.OrdinalIgnoreCase) || key.Equals("search_path", StringComparison.OrdinalIgnoreCase))
            {
                builder.SearchPath = value;
                continue;
            }

            if (key.Equals("options", StringComparison.OrdinalIgnoreCase) || key.Equals("password", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"--db {Redact(url)}: the option '{key}' cannot be set in the URL");
            }

            try
            {
                builder[key] = value;
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"--db {Redact(url)}: unknown connection option '{key}'");
            }
        }

        var port = builder.Port == 5432 && uri.IsDefaultPort ? "" : ":" + builder.Port;
        var shownUser = user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) + (user.Length > 1 ? ":***" : "") + "@" : "";
        return new DatabaseTarget(DatabaseKind.Postgres, $"postgres://{shownUser}{uri.Host}{port}/{database}", builder.ConnectionString);
    }

    /// <summary>The text with any <c>user:password@</c> password replaced by <c>***</c>.</summary>
    internal static string Redact(string text) => PasswordRegex().Replace(text, "${1}***@");

    private static bool HasSqliteHeader(string path)
    {
        Span<byte> header = stackalloc byte[16];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length == 0)
            {
                return true; // an empty file is an empty SQLite database
            }

            return stream.ReadAtLeast(header, 16, throwOnEndOfStream: false) == 16 && header.SequenceEqual("SQLite format 3\0"u8);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*)://")]
    private static partial Regex SchemeRegex();

    [GeneratedRegex(@"(://[^:/@]*:)[^@/]*@")]
    private static partial Regex PasswordRegex();
}
