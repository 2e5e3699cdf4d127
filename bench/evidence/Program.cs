using System.Diagnostics;
using System.Globalization;
using Loadlens.Core.Sql;

// SQL normaliser cost per statement: time and bytes allocated on this thread, for statements the OTLP receiver sees
// (ORM SELECT with literals, an IN list, a parameterised INSERT, a long reporting query with comments).
// Usage: bench/evidence/run.sh [ITERATIONS]   (default 200,000 per statement, after as many warm-up calls)
var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
string[] statements =
[
    "SELECT c.id, c.name, c.cuisine_type FROM chefs c WHERE c.cuisine_type = 'italian' AND c.rating >= 4 ORDER BY c.name LIMIT 20",
    "SELECT * FROM bookings WHERE chef_id IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10) AND day BETWEEN '2024-01-01' AND '2024-02-01'",
    "INSERT INTO bookings (chef_id, day, guests) VALUES ($1, $2, $3)",
    """
    /* monthly report */ SELECT date_trunc('month', b.day) AS month, c.cuisine_type, count(*) AS n, avg(b.guests)::numeric(10, 2)
    FROM bookings b JOIN chefs c ON c.id = b.chef_id -- only active chefs
    WHERE c.active = true AND b.day >= '2024-01-01'::date AND b.day < '2025-01-01'::date AND b.status NOT IN ('cancelled', 'no-show')
    GROUP BY 1, 2 HAVING count(*) > 10 ORDER BY month, n DESC
    """,
];

for (var i = 0; i < iterations; i++)
{
    SqlNormalizer.Normalize(statements[i % statements.Length]);
}

foreach (var s in statements)
{
    var before = GC.GetAllocatedBytesForCurrentThread();
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < iterations; i++)
    {
        SqlNormalizer.Normalize(s);
    }

    sw.Stop();
    var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)iterations;
    Console.WriteLine(FormattableString.Invariant(
        $"{s.Length,4} chars: {sw.Elapsed.TotalMilliseconds * 1000 / iterations,6:F2} µs/statement, {bytes,6:F0} B/statement  {SqlNormalizer.Normalize(s).Text[..Math.Min(60, SqlNormalizer.Normalize(s).Text.Length)]}…"));
}

return 0;
