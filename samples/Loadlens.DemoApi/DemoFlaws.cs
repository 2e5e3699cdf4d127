namespace Loadlens.DemoApi;

/// <summary>
/// The performance flaws the demo API can be started with; each one is switched on or off on its own
/// (samples/Loadlens.DemoApi/README.md describes how each shows and what fixes it).
/// </summary>
[Flags]
public enum DemoFlaws
{
    /// <summary>Every fix on.</summary>
    None = 0,

    /// <summary><c>GET /api/chefs</c> runs one rating query per chef of the page (the fix: one grouped query).</summary>
    NPlusOne = 1,

    /// <summary><c>GET /api/bookings?date=</c> filters the large bookings table on an unindexed column (the fix: the index).</summary>
    UnindexedFilter = 2,

    /// <summary><c>GET /api/stats/cuisines</c> recomputes an aggregate over every review and booking per request (the fix: a TTL cache).</summary>
    UncachedAggregate = 4,

    /// <summary>Writes in SQLite's rollback-journal mode without a busy timeout: one writer at a time, the others poll (the fix: WAL + busy_timeout).</summary>
    SingleWriter = 8,

    /// <summary>A bounded connection pool of <see cref="DemoApiOptions.SmallPoolSize"/> connections, each held by a request from its first statement to its end (a session per request), that requests wait on (the fix: a pool sized for the load).</summary>
    SmallPool = 16,

    /// <summary><c>GET /api/chefs/{id}</c> blocks a thread-pool thread on async work with a wait the pool is not told about, like a synchronous SDK wrapper (the fix: <c>await</c>).</summary>
    SyncOverAsync = 32,

    /// <summary><c>GET /api/chefs/{id}/reviews</c> returns every review with full text, uncompressed (the fix: a lean page + gzip).</summary>
    BloatedResponse = 64,

    /// <summary>Every flaw on.</summary>
    All = 127,
}

/// <summary>The command-line names of <see cref="DemoFlaws"/> (<c>all</c>, <c>none</c>, or a comma list such as <c>n-plus-one,small-pool</c>).</summary>
public static class DemoFlawNames
{
    private static readonly (string Name, DemoFlaws Flaw)[] s_names =
    [
        ("n-plus-one", DemoFlaws.NPlusOne),
        ("unindexed-filter", DemoFlaws.UnindexedFilter),
        ("uncached-aggregate", DemoFlaws.UncachedAggregate),
        ("single-writer", DemoFlaws.SingleWriter),
        ("small-pool", DemoFlaws.SmallPool),
        ("sync-over-async", DemoFlaws.SyncOverAsync),
        ("bloated-response", DemoFlaws.BloatedResponse),
    ];

    /// <summary>Every flaw with its command-line name, in flag order.</summary>
    public static IReadOnlyList<(string Name, DemoFlaws Flaw)> All => s_names;

    /// <summary>The command-line name of one flaw.</summary>
    public static string NameOf(DemoFlaws flaw) => s_names.First(n => n.Flaw == flaw).Name;

    /// <summary>Parses <c>all</c>, <c>none</c> or a comma list of names (enum names such as <c>NPlusOne</c> work too).</summary>
    /// <param name="text">The text.</param>
    /// <param name="flaws">The flaws.</param>
    /// <param name="error">A one-line error when the text is not valid.</param>
    public static bool TryParse(string? text, out DemoFlaws flaws, out string? error)
    {
        flaws = DemoFlaws.None;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "--flaws needs a value: all, none or a comma list of " + string.Join(", ", s_names.Select(n => n.Name));
            return false;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                flaws |= DemoFlaws.All;
            }
            else if (part.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
            }
            else if (s_names.FirstOrDefault(n => n.Name.Equals(part, StringComparison.OrdinalIgnoreCase)
                                                 || n.Flaw.ToString().Equals(part, StringComparison.OrdinalIgnoreCase)) is { Name: not null } found)
            {
                flaws |= found.Flaw;
            }
            else
            {
                error = $"--flaws: unknown flaw '{part}' (known: all, none, {string.Join(", ", s_names.Select(n => n.Name))})";
                return false;
            }
        }

        return true;
    }

    /// <summary><c>all</c>, <c>none</c> or the comma list of names.</summary>
    public static string Format(DemoFlaws flaws) => flaws == DemoFlaws.All ? "all"
        : flaws == DemoFlaws.None ? "none"
        : string.Join(",", s_names.Where(n => flaws.HasFlag(n.Flaw)).Select(n => n.Name));
}
