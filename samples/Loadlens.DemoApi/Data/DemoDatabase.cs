using System.Data.Common;
using System.Globalization;
using Loadlens.AspNetCore;
using Microsoft.Data.Sqlite;

namespace Loadlens.DemoApi.Data;

/// <summary>
/// The demo API's SQLite database: schema, seed data (400 chefs, 40,000 reviews, 60,000 bookings, deterministic), the
/// flaws that live in the database (the missing index, the journal mode) and the connections (the profiler's wrapper
/// around an optionally bounded pool). Seeding happens once per <see cref="SeedVersion"/> into a cached file in the temp
/// folder; every new database is a copy of it.
/// </summary>
internal sealed class DemoDatabase
{
    /// <summary>Bump when the schema or the seed data change: the cached seed file is keyed by it.</summary>
    internal const int SeedVersion = 4;
    internal const int ChefCount = 400;
    internal const int ReviewCount = 40_000;
    internal const int BookingCount = 60_000;
    internal const int BusyTimeoutMs = 5000;

    /// <summary>The first booking day of the seed data; bookings span <see cref="BookingDays"/> days from it.</summary>
    internal static readonly DateOnly FirstBookingDay = new(2025, 10, 1);
    internal const int BookingDays = 92;

    /// <summary>The index whose absence is <see cref="DemoFlaws.UnindexedFilter"/>.</summary>
    internal const string DateIndex = "ix_bookings_date";

    private static readonly string[] s_cuisines =
        ["French", "Italian", "Japanese", "Mexican", "Indian", "Thai", "Lebanese", "Spanish", "Greek", "Korean", "Peruvian", "Ethiopian"];

    private static readonly string[] s_cities =
        ["Amsterdam", "Berlin", "Lisbon", "Lyon", "Madrid", "Milan", "Oslo", "Porto", "Vienna", "Zurich"];

    private static readonly string[] s_first =
        ["Ada", "Bruno", "Chloé", "Diego", "Elif", "Farah", "Giulia", "Hiro", "Ines", "Jonas", "Kemal", "Lena", "Mateo", "Nora", "Omar", "Priya", "Rafael", "Sofia", "Tariq", "Yuki"];

    private static readonly string[] s_last =
        ["Alvarez", "Bianchi", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito", "Jensen", "Kowalski", "Laurent", "Moreau", "Nakamura", "Okafor", "Petrov", "Rossi", "Silva", "Tanaka", "Weber"];

    private static readonly string[] s_titles =
        ["Unforgettable evening", "Good but pricey", "Flawless service", "Would book again", "A bit late", "Best dinner this year", "Solid cooking", "Not for us", "Creative menu", "Perfect for a birthday"];

    private static readonly string[] s_sentences =
        [
            "The chef arrived on time and set up the kitchen quietly while we had drinks.",
            "Every course was explained with care, and the portions were generous without being heavy.",
            "The dessert was the highlight: light, not too sweet, and beautifully plated.",
            "Cleaning up afterwards was spotless; the kitchen looked better than before.",
            "Some dishes were a little salty for our taste, but the flavours were bold and interesting.",
            "Our guests with allergies were looked after without any fuss.",
            "The wine pairing suggestions were spot on and reasonably priced.",
            "Communication before the evening was quick and friendly.",
            "We waited longer than expected between the second and third course.",
            "The bread was baked on the spot and disappeared within minutes.",
        ];

    private static readonly string[] s_statuses = ["confirmed", "confirmed", "confirmed", "pending", "cancelled"];

    public DemoDatabase(string path, DemoFlaws flaws, int smallPoolSize)
    {
        Path = System.IO.Path.GetFullPath(path);
        Flaws = flaws;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            // With the single-writer flaw there is no busy_timeout: a connection that finds the database locked gets
            // SQLITE_BUSY, and Microsoft.Data.Sqlite retries it every 150 ms for up to this many seconds.
            DefaultTimeout = 5,
        }.ToString();
        Pool = flaws.HasFlag(DemoFlaws.SmallPool) ? new SemaphoreSlim(smallPoolSize, smallPoolSize) : null;
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    public DemoFlaws Flaws { get; }

    public string ConnectionString { get; }

    /// <summary>The bounded pool's free connections (<see cref="DemoFlaws.SmallPool"/>), else null.</summary>
    public SemaphoreSlim? Pool { get; }

    private readonly AsyncLocal<PoolLease?> _lease = new();

    /// <summary>
    /// With the bounded pool: the request keeps the pool's connection it first opens until the returned scope is disposed
    /// at the end of the request (a session per request, as Flask-SQLAlchemy, Django and a scoped EF Core context do),
    /// so the connection stays checked out across the request's awaits too. Without the pool, or outside a request,
    /// every connection goes back when it closes.
    /// </summary>
    public IDisposable? BeginRequest()
    {
        if (Pool is null)
        {
            return null;
        }

        var lease = new PoolLease(Pool);
        _lease.Value = lease;
        return lease;
    }

    /// <summary>
    /// Opens a connection; the caller disposes it. It is the Loadlens profiler's wrapper, so every command is recorded and the
    /// open itself (the wait for a free connection of the bounded pool) becomes a <c>pool.wait</c> span.
    /// </summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var requestLease = _lease.Value;
        var lease = requestLease ?? (Pool is null ? null : new PoolLease(Pool));
        var connection = new DemoConnection(new SqliteConnection(ConnectionString), lease, ownsLease: requestLease is null, !Flaws.HasFlag(DemoFlaws.SingleWriter))
            .WithLoadlensProfiling("sqlite");
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the pooled connections of this database so that its file can be deleted.</summary>
    public void ClearPool()
    {
        using var connection = new SqliteConnection(ConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>
    /// Makes the database file ready: a copy of the cached seed when it does not exist yet, then the flaws that live in the
    /// database: the journal mode and the bookings date index.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file exists but is not a demo database of this seed version.</exception>
    public void Initialize()
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        if (!File.Exists(Path))
        {
            File.Copy(SeedFile(), Path);
        }
        else if (UserVersion(Path) != SeedVersion)
        {
            throw new InvalidOperationException($"{Path} is not a demo database of seed version {SeedVersion}; delete it (the demo seeds a new one).");
        }

        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        Execute(connection, $"PRAGMA busy_timeout = {BusyTimeoutMs};");
        if (Flaws.HasFlag(DemoFlaws.SingleWriter))
        {
            // Rollback journal: one writer at a time, readers blocked while it commits, every commit syncs journal and file.
            Execute(connection, "PRAGMA journal_mode=DELETE;");
        }
        else
        {
            Execute(connection, "PRAGMA journal_mode=WAL;");
        }

        Execute(connection, Flaws.HasFlag(DemoFlaws.UnindexedFilter)
            ? $"DROP INDEX IF EXISTS {DateIndex};"
            : $"CREATE INDEX IF NOT EXISTS {DateIndex} ON bookings(date);");
        Execute(connection, "ANALYZE;");
    }

    /// <summary>The cached seeded database of <see cref="SeedVersion"/> in the temp folder, made when missing.</summary>
    internal static string SeedFile()
    {
        var cache = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"loadlens-demoapi-seed-v{SeedVersion}.db");
        if (File.Exists(cache) && UserVersion(cache) == SeedVersion)
        {
            return cache;
        }

        var temp = cache + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            Seed(temp);
            try
            {
                File.Move(temp, cache, overwrite: File.Exists(cache) && UserVersion(cache) != SeedVersion);
            }
            catch (IOException) when (File.Exists(cache))
            {
                // Another process seeded it at the same time: use theirs.
            }
        }
        finally
        {
            File.Delete(temp);
        }

        return cache;
    }

    private static long UserVersion(string path)
    {
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version;";
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return -1;
        }
    }

    /// <summary>Creates and fills a new database file: one transaction, prepared commands, no Random (the same data everywhere).</summary>
    private static void Seed(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=OFF;");
        using (var tx = connection.BeginTransaction())
        {
            Execute(connection, """
                CREATE TABLE chefs (
                    id          INTEGER PRIMARY KEY,
                    name        TEXT    NOT NULL,
                    cuisine     TEXT    NOT NULL,
                    city        TEXT    NOT NULL,
                    bio         TEXT    NOT NULL,
                    rate_cents  INTEGER NOT NULL
                );
                CREATE TABLE reviews (
                    id         INTEGER PRIMARY KEY,
                    chef_id    INTEGER NOT NULL REFERENCES chefs(id),
                    author     TEXT    NOT NULL,
                    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
                    title      TEXT    NOT NULL,
                    body       TEXT    NOT NULL,
                    created_at TEXT    NOT NULL
                );
                CREATE INDEX ix_reviews_chef_id ON reviews(chef_id, rating);
                CREATE TABLE bookings (
                    id         INTEGER PRIMARY KEY,
                    chef_id    INTEGER NOT NULL REFERENCES chefs(id),
                    customer   TEXT    NOT NULL,
                    date       TEXT    NOT NULL,
                    hour       INTEGER NOT NULL CHECK (hour BETWEEN 12 AND 21),
                    guests     INTEGER NOT NULL CHECK (guests BETWEEN 1 AND 20),
                    status     TEXT    NOT NULL,
                    notes      TEXT    NOT NULL,
                    created_at TEXT    NOT NULL
                );
                CREATE INDEX ix_bookings_chef_id ON bookings(chef_id, guests);
                """, tx);

            var chef = Prepare(connection, tx, "INSERT INTO chefs (id, name, cuisine, city, bio, rate_cents) VALUES ($1, $2, $3, $4, $5, $6);", 6);
            for (var i = 1; i <= ChefCount; i++)
            {
                var cuisine = s_cuisines[(i * 7) % s_cuisines.Length];
                var city = s_cities[(i * 3) % s_cities.Length];
                Run(chef, i, Name(i), cuisine, city,
                    $"{Name(i)} cooks {cuisine} food in {city}. {s_sentences[i % s_sentences.Length]} {s_sentences[(i * 3) % s_sentences.Length]} Menus change with the season; tell us about allergies when you book.",
                    4500 + ((i * 7919) % 8000));
            }

            var epoch = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var review = Prepare(connection, tx, "INSERT INTO reviews (chef_id, author, rating, title, body, created_at) VALUES ($1, $2, $3, $4, $5, $6);", 6);
            for (var r = 0; r < ReviewCount; r++)
            {
                // Uneven: some chefs have many more reviews than others.
                var slot = (int)(((long)r * 7919) % (ChefCount + 200));
                var chefId = 1 + (slot < ChefCount ? slot : (slot - ChefCount) % 50);
                var k = (r * 37) + (chefId * 11);
                var body = string.Join(' ', Enumerable.Range(0, 4 + (k % 4)).Select(j => s_sentences[(k + (j * 3)) % s_sentences.Length]));
                Run(review, chefId, Name(1000 + (k % 997)), 1 + ((k / 7) % 5), s_titles[k % s_titles.Length], body, FormatTimestamp(epoch.AddMinutes(r * 23L)));
            }

            var booking = Prepare(connection, tx, "INSERT INTO bookings (chef_id, customer, date, hour, guests, status, notes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8);", 8);
            for (var b = 0; b < BookingCount; b++)
            {
                var k = (b * 7919) + 13;
                Run(booking, 1 + (k % ChefCount), Name(2000 + (b % 1499)), FormatDate(FirstBookingDay.AddDays((b * 31) % BookingDays)), 12 + (k % 10), 2 + (k % 9),
                    s_statuses[(b / 3) % s_statuses.Length], "Please bring your own knives; the kitchen has an induction hob.", FormatTimestamp(epoch.AddMinutes(b * 11L)));
            }

            Execute(connection, $"PRAGMA user_version = {SeedVersion};", tx);
            tx.Commit();
        }

        Execute(connection, "ANALYZE;");
    }

    private static string Name(int i) => $"{s_first[i % s_first.Length]} {s_last[(i / s_first.Length) % s_last.Length]}";

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction tx, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        for (var p = 1; p <= parameters; p++)
        {
            command.Parameters.Add(new SqliteParameter("$" + p.ToString(CultureInfo.InvariantCulture), null));
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object[] values)
    {
        for (var p = 0; p < values.Length; p++)
        {
            command.Parameters[p].Value = values[p];
        }

        command.ExecuteNonQuery();
    }

    internal static string FormatDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string FormatTimestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTimestamp(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
