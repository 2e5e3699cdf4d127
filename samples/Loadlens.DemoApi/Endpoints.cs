using Loadlens.DemoApi.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;

namespace Loadlens.DemoApi;

/// <summary>Route handlers of the demo API. Each request opens its own pooled connection.</summary>
internal static class Endpoints
{
    internal const int DefaultPageSize = 20;
    internal const int MaxPageSize = 100;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new HealthStatus("ok")));

        var products = app.MapGroup("/api/products");
        products.MapGet("/", ListProductsAsync);
        products.MapGet("/{id:long}", GetProductAsync);
        products.MapGet("/{id:long}/reviews", GetReviewsAsync);

        var orders = app.MapGroup("/api/orders");
        orders.MapPost("/", CreateOrderAsync);
        orders.MapGet("/{id:long}", GetOrderAsync);
    }

    internal sealed record HealthStatus(string Status);

    private static async Task<Results<Ok<PagedResult<Product>>, ValidationProblem>> ListProductsAsync(
        DemoDatabase db, CancellationToken ct, int page = 1, int pageSize = DefaultPageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (page < 1)
        {
            errors["page"] = ["page must be at least 1."];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await db.OpenAsync(ct);

        int total;
        await using (var count = connection.CreateCommand())
        {
            count.CommandText = "SELECT COUNT(*) FROM products;";
            total = Convert.ToInt32(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        var items = new List<Product>(pageSize);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText =
                "SELECT id, name, category, price_cents, stock FROM products ORDER BY id LIMIT $limit OFFSET $offset;";
            command.Parameters.AddWithValue("$limit", pageSize);
            command.Parameters.AddWithValue("$offset", (long)(page - 1) * pageSize);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                items.Add(ReadProduct(reader));
            }
        }

        var totalPages = (total + pageSize - 1) / pageSize;
        return TypedResults.Ok(new PagedResult<Product>(items, page, pageSize, total, totalPages));
    }

    private static async Task<Results<Ok<Product>, NotFound>> GetProductAsync(long id, DemoDatabase db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var product = await FindProductAsync(connection, null, id, ct);
        return product is null ? TypedResults.NotFound() : TypedResults.Ok(product);
    }

    private static async Task<Results<Ok<List<Review>>, NotFound>> GetReviewsAsync(long id, DemoDatabase db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        if (await FindProductAsync(connection, null, id, ct) is null)
        {
            return TypedResults.NotFound();
        }

        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT id, product_id, author, rating, body, created_at FROM reviews WHERE product_id = $id ORDER BY id;";
        command.Parameters.AddWithValue("$id", id);
        var reviews = new List<Review>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            reviews.Add(new Review(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.GetString(4),
                DemoDatabase.ParseTimestamp(reader.GetString(5))));
        }

        return TypedResults.Ok(reviews);
    }

    private static async Task<Results<Created<Order>, ValidationProblem, ProblemHttpResult>> CreateOrderAsync(
        OrderRequest? request, DemoDatabase db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors["body"] = ["A JSON body {\"productId\":..,\"quantity\":..} is required."];
        }
        else
        {
            if (request.ProductId < 1)
            {
                errors["productId"] = ["productId must be a positive product id."];
            }

            if (request.Quantity is < 1 or > OrderRequest.MaxQuantity)
            {
                errors["quantity"] = [$"quantity must be between 1 and {OrderRequest.MaxQuantity}."];
            }
        }

        if (request is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await db.OpenAsync(ct);

        // BEGIN IMMEDIATE: takes SQLite's (database-wide) write lock up front, so the stock check and the
        // decrement cannot interleave with another order; concurrent orders wait here (busy timeout).
        await using var tx = connection.BeginTransaction(deferred: false);

        var product = await FindProductAsync(connection, tx, request.ProductId, ct);
        if (product is null)
        {
            return TypedResults.Problem(
                $"No product with id {request.ProductId}.", statusCode: StatusCodes.Status404NotFound, title: "Product not found.");
        }

        if (product.Stock < request.Quantity)
        {
            return TypedResults.Problem(
                $"Product {product.Id} has {product.Stock} in stock, {request.Quantity} requested.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Insufficient stock.");
        }

        await using (var update = connection.CreateCommand())
        {
            update.Transaction = tx;
            update.CommandText = "UPDATE products SET stock = stock - $quantity WHERE id = $id;";
            update.Parameters.AddWithValue("$quantity", request.Quantity);
            update.Parameters.AddWithValue("$id", product.Id);
            await update.ExecuteNonQueryAsync(ct);
        }

        var unitPriceCents = decimal.ToInt64(product.Price * 100m);
        var totalCents = unitPriceCents * request.Quantity;
        var createdAt = DateTimeOffset.UtcNow;
        long orderId;
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO orders (product_id, quantity, unit_price_cents, total_cents, created_at)
                VALUES ($product, $quantity, $unit, $total, $created)
                RETURNING id;
                """;
            insert.Parameters.AddWithValue("$product", product.Id);
            insert.Parameters.AddWithValue("$quantity", request.Quantity);
            insert.Parameters.AddWithValue("$unit", unitPriceCents);
            insert.Parameters.AddWithValue("$total", totalCents);
            insert.Parameters.AddWithValue("$created", DemoDatabase.FormatTimestamp(createdAt));
            orderId = Convert.ToInt64(await insert.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        await tx.CommitAsync(ct);

        var order = new Order(orderId, product.Id, request.Quantity, unitPriceCents / 100m, totalCents / 100m, createdAt);
        return TypedResults.Created($"/api/orders/{orderId}", order);
    }

    private static async Task<Results<Ok<Order>, NotFound>> GetOrderAsync(long id, DemoDatabase db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT id, product_id, quantity, unit_price_cents, total_cents, created_at FROM orders WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new Order(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.GetInt32(2),
            reader.GetInt64(3) / 100m,
            reader.GetInt64(4) / 100m,
            DemoDatabase.ParseTimestamp(reader.GetString(5))));
    }

    private static async Task<Product?> FindProductAsync(SqliteConnection connection, SqliteTransaction? tx, long id, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT id, name, category, price_cents, stock FROM products WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadProduct(reader) : null;
    }

    private static Product ReadProduct(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3) / 100m, reader.GetInt32(4));
}
