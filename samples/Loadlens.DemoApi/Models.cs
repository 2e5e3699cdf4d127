namespace Loadlens.DemoApi;

/// <summary>A chef in a list: who, where, and how they are rated.</summary>
/// <param name="Id">Chef id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Cuisine">Cuisine.</param>
/// <param name="City">City.</param>
/// <param name="HourlyRate">Price per hour.</param>
/// <param name="Rating">Mean review rating (0 without reviews).</param>
/// <param name="Reviews">Number of reviews.</param>
public sealed record ChefSummary(long Id, string Name, string Cuisine, string City, decimal HourlyRate, double Rating, int Reviews);

/// <summary>One chef with the profile page's details.</summary>
/// <param name="Id">Chef id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Cuisine">Cuisine.</param>
/// <param name="City">City.</param>
/// <param name="Bio">Profile text.</param>
/// <param name="HourlyRate">Price per hour.</param>
/// <param name="Rating">Mean review rating.</param>
/// <param name="Reviews">Number of reviews.</param>
/// <param name="Bookings">Number of bookings.</param>
public sealed record ChefDetail(long Id, string Name, string Cuisine, string City, string Bio, decimal HourlyRate, double Rating, int Reviews, int Bookings);

/// <summary>A review as the bloated endpoint returns it: every column, the chef repeated in each one.</summary>
/// <param name="Id">Review id.</param>
/// <param name="ChefId">Reviewed chef.</param>
/// <param name="ChefName">The chef's name.</param>
/// <param name="ChefCuisine">The chef's cuisine.</param>
/// <param name="ChefBio">The chef's profile text (repeated in every review).</param>
/// <param name="Author">Reviewer.</param>
/// <param name="Rating">1 to 5.</param>
/// <param name="Title">Title.</param>
/// <param name="Body">Full text.</param>
/// <param name="CreatedAt">When it was written (UTC).</param>
public sealed record ReviewFull(long Id, long ChefId, string ChefName, string ChefCuisine, string ChefBio, string Author, int Rating, string Title, string Body, DateTimeOffset CreatedAt);

/// <summary>A review in the lean page: an excerpt of the text.</summary>
/// <param name="Id">Review id.</param>
/// <param name="Author">Reviewer.</param>
/// <param name="Rating">1 to 5.</param>
/// <param name="Title">Title.</param>
/// <param name="Excerpt">The first characters of the text.</param>
/// <param name="CreatedAt">When it was written (UTC).</param>
public sealed record ReviewSummary(long Id, string Author, int Rating, string Title, string Excerpt, DateTimeOffset CreatedAt);

/// <summary>The lean reviews page: the newest reviews and the total.</summary>
/// <param name="Items">The newest reviews.</param>
/// <param name="Total">All reviews of the chef.</param>
public sealed record ReviewPage(IReadOnlyList<ReviewSummary> Items, int Total);

/// <summary>A booking of a chef.</summary>
/// <param name="Id">Booking id.</param>
/// <param name="ChefId">Booked chef.</param>
/// <param name="Customer">Who booked.</param>
/// <param name="Date">Day (YYYY-MM-DD).</param>
/// <param name="Hour">Start hour (12 to 21).</param>
/// <param name="Guests">Number of guests.</param>
/// <param name="Status">confirmed, pending or cancelled.</param>
public sealed record Booking(long Id, long ChefId, string Customer, string Date, int Hour, int Guests, string Status);

/// <summary>Body of <c>POST /api/bookings</c>.</summary>
/// <param name="ChefId">Chef to book.</param>
/// <param name="Customer">Who books (1 to 80 characters).</param>
/// <param name="Date">Day (YYYY-MM-DD).</param>
/// <param name="Hour">Start hour, 12 to 21.</param>
/// <param name="Guests">1 to 20 guests.</param>
public sealed record BookingRequest(long ChefId, string? Customer, string? Date, int Hour, int Guests);

/// <summary>Per cuisine: chefs, reviews, mean rating, bookings and guests.</summary>
/// <param name="Cuisine">Cuisine.</param>
/// <param name="Chefs">Chefs.</param>
/// <param name="Reviews">Reviews of those chefs.</param>
/// <param name="AverageRating">Mean rating.</param>
/// <param name="Bookings">Bookings of those chefs.</param>
/// <param name="Guests">Guests over those bookings.</param>
public sealed record CuisineStats(string Cuisine, int Chefs, int Reviews, double AverageRating, int Bookings, long Guests);

/// <summary>One page of a list.</summary>
/// <typeparam name="T">Item type.</typeparam>
/// <param name="Items">Items of this page.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Requested page size.</param>
/// <param name="TotalCount">Number of items over all pages.</param>
/// <param name="TotalPages">Number of pages.</param>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount, int TotalPages);
