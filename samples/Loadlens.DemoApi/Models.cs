namespace Loadlens.DemoApi;

/// <summary>A product of the catalogue.</summary>
/// <param name="Id">Product id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Category">Category name.</param>
/// <param name="Price">Unit price.</param>
/// <param name="Stock">Units in stock.</param>
public sealed record Product(long Id, string Name, string Category, decimal Price, int Stock);

/// <summary>A customer review of a product.</summary>
/// <param name="Id">Review id.</param>
/// <param name="ProductId">Reviewed product.</param>
/// <param name="Author">Reviewer name.</param>
/// <param name="Rating">Rating from 1 to 5.</param>
/// <param name="Body">Review text.</param>
/// <param name="CreatedAt">When the review was written (UTC).</param>
public sealed record Review(long Id, long ProductId, string Author, int Rating, string Body, DateTimeOffset CreatedAt);

/// <summary>A placed order.</summary>
/// <param name="Id">Order id.</param>
/// <param name="ProductId">Ordered product.</param>
/// <param name="Quantity">Ordered units.</param>
/// <param name="UnitPrice">Price per unit at order time.</param>
/// <param name="Total">Quantity times unit price.</param>
/// <param name="CreatedAt">When the order was placed (UTC).</param>
public sealed record Order(long Id, long ProductId, int Quantity, decimal UnitPrice, decimal Total, DateTimeOffset CreatedAt);

/// <summary>Body of <c>POST /api/orders</c>.</summary>
/// <param name="ProductId">Product to order; must be positive.</param>
/// <param name="Quantity">Units to order; 1 to <see cref="MaxQuantity"/>.</param>
public sealed record OrderRequest(long ProductId, int Quantity)
{
    /// <summary>Largest quantity a single order may ask for.</summary>
    public const int MaxQuantity = 100;
}

/// <summary>One page of a list.</summary>
/// <typeparam name="T">Item type.</typeparam>
/// <param name="Items">Items of this page.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Requested page size.</param>
/// <param name="TotalCount">Number of items over all pages.</param>
/// <param name="TotalPages">Number of pages.</param>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount, int TotalPages);
