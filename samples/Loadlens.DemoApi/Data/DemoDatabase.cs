using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Loadlens.DemoApi.Data;

/// <summary>
/// The demo API's SQLite database: connection string, schema and seed data.
/// Requests open one pooled connection each and use raw ADO.NET.
/// </summary>
internal sealed class DemoDatabase
{
    internal const int SeedProductCount = 500;
    internal const int BusyTimeoutSeconds = 5;

    private static readonly string[] s_categories =
        ["Books", "Electronics", "Garden", "Kitchen", "Outdoor", "Office", "Toys", "Sports"];

    private static readonly string[] s_adjectives =
        ["Classic", "Compact", "Deluxe", "Eco", "Ergonomic", "Heavy-Duty", "Mini", "Portable", "Pro", "Smart"];

    private static readonly string[] s_nouns =
        ["Backpack", "Blender", "Chair", "Drill", "Headphones", "Kettle", "Lamp", "Notebook", "Router", "Tent"];

    private static readonly string[] s_authors =
        ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"];

    private static readonly string[] s_reviewBodies =
        [
            "Broke after a week.",
            "Does the job, nothing more.",
            "Decent value for the price.",
            "Very happy with it, would buy again.",
            "Excellent quality, exceeded expectations.",
        ];

    public DemoDatabase(string path, bool useWriteAheadLog)
    {
        Path = System.IO.Path.GetFullPath(path);
        UseWriteAheadLog = useWriteAheadLog;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // One connection is opened per request; pooling keeps that cheap.
            Pooling = true,
            // Backstop for the busy timeout set in OpenAsync: Microsoft.Data.Sqlite itself retries
            // SQLITE_BUSY/SQLITE_LOCKED (also for the implicit BEGIN IMMEDIATE) every 150 ms for this many seconds.
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    public bool UseWriteAheadLog { get; }

    public string ConnectionString { get; }

    /// <summary>Opens a new (pooled) connection; the caller disposes it.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using (var pragma = connection.CreateCommand())
            {
                // SQLite's own busy handler: a request that finds the write lock taken waits (up to 5 s, in
                // short back-off steps) instead of failing, so concurrent writers queue on the lock.
                pragma.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000};";
                await pragma.ExecuteNonQueryAsync(ct);
            }

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

    /// <summary>Creates the schema and seeds products and reviews if the database is empty.</summary>
    public void Initialize()
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        Execute(connection, null, $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000};");

        // NOTE: WAL is deliberately OFF by default. In SQLite's default rollback-journal mode there is a single
        // database-wide write lock: every POST /api/orders serializes on it (each commit also pays several
        // fsyncs of journal and database while holding it), and while a writer commits, readers wait too.
        // Under concurrent load this is a real bottleneck (order latency grows with the writer queue), left in
        // on purpose as an honest, diagnosable problem. journal_mode is persistent in the file, so it is set
        // explicitly either way.
        Execute(connection, null, UseWriteAheadLog ? "PRAGMA journal_mode=WAL;" : "PRAGMA journal_mode=DELETE;");

        using var tx = connection.BeginTransaction(deferred: false);
        Execute(connection, tx, """
            CREATE TABLE IF NOT EXISTS products (
                id          INTEGER PRIMARY KEY,
                name        TEXT    NOT NULL,
                category    TEXT    NOT NULL,
                price_cents INTEGER NOT NULL,
                stock       INTEGER NOT NULL CHECK (stock >= 0)
            );
            CREATE TABLE IF NOT EXISTS reviews (
                id         INTEGER PRIMARY KEY,
                product_id INTEGER NOT NULL REFERENCES products(id),
                author     TEXT    NOT NULL,
                rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
                body       TEXT    NOT NULL,
                created_at TEXT    NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_reviews_product_id ON reviews(product_id);
            CREATE TABLE IF NOT EXISTS orders (
                id               INTEGER PRIMARY KEY,
                product_id       INTEGER NOT NULL REFERENCES products(id),
                quantity         INTEGER NOT NULL CHECK (quantity > 0),
                unit_price_cents INTEGER NOT NULL,
                total_cents      INTEGER NOT NULL,
                created_at       TEXT    NOT NULL
            );
            """);

        using (var count = connection.CreateCommand())
        {
            count.Transaction = tx;
            count.CommandText = "SELECT COUNT(*) FROM products;";
            if (Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            {
                Seed(connection, tx);
            }
        }

        tx.Commit();
    }

    private static void Seed(SqliteConnection connection, SqliteTransaction tx)
    {
        using var product = connection.CreateCommand();
        product.Transaction = tx;
        product.CommandText =
            "INSERT INTO products (id, name, category, price_cents, stock) VALUES ($id, $name, $category, $price, $stock);";
        var pId = product.Parameters.Add("$id", SqliteType.Integer);
        var pName = product.Parameters.Add("$name", SqliteType.Text);
        var pCategory = product.Parameters.Add("$category", SqliteType.Text);
        var pPrice = product.Parameters.Add("$price", SqliteType.Integer);
        var pStock = product.Parameters.Add("$stock", SqliteType.Integer);

        using var review = connection.CreateCommand();
        review.Transaction = tx;
        review.CommandText =
            "INSERT INTO reviews (product_id, author, rating, body, created_at) VALUES ($product, $author, $rating, $body, $created);";
        var rProduct = review.Parameters.Add("$product", SqliteType.Integer);
        var rAuthor = review.Parameters.Add("$author", SqliteType.Text);
        var rRating = review.Parameters.Add("$rating", SqliteType.Integer);
        var rBody = review.Parameters.Add("$body", SqliteType.Text);
        var rCreated = review.Parameters.Add("$created", SqliteType.Text);

        var epoch = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

        // Deterministic pseudo-variety (no Random): the same seed data on every machine.
        for (var i = 1; i <= SeedProductCount; i++)
        {
            pId.Value = i;
            pName.Value = $"{s_adjectives[i % s_adjectives.Length]} {s_nouns[(i / s_adjectives.Length) % s_nouns.Length]} {i}";
            pCategory.Value = s_categories[(i * 7) % s_categories.Length];
            pPrice.Value = 499 + ((i * 7919) % 49_500);
            pStock.Value = 100 + ((i * 131) % 900);
            product.ExecuteNonQuery();

            var reviewCount = 1 + (i % 5);
            for (var r = 0; r < reviewCount; r++)
            {
                var k = (i * 31) + (r * 17);
                var rating = 1 + (k % 5);
                rProduct.Value = i;
                rAuthor.Value = s_authors[k % s_authors.Length];
                rRating.Value = rating;
                rBody.Value = s_reviewBodies[rating - 1];
                rCreated.Value = FormatTimestamp(epoch.AddHours((i * 13) + (r * 29)));
                review.ExecuteNonQuery();
            }
        }
    }

    internal static string FormatTimestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTimestamp(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static void Execute(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
