using System.Globalization;
using Loadlens.Analysis.Statistics;

namespace Loadlens.Analysis.Trends;

/// <summary>A per-run metric that a trend follows (one value per saved run and endpoint).</summary>
public enum TrendMetric
{
    /// <summary>Median latency (ms).</summary>
    P50,

    /// <summary>95th percentile latency (ms).</summary>
    P95,

    /// <summary>99th percentile latency (ms).</summary>
    P99,

    /// <summary>Mean latency (ms).</summary>
    Mean,

    /// <summary>Largest latency (ms).</summary>
    Max,

    /// <summary>Requests per second over the measured period.</summary>
    Throughput,

    /// <summary>Failures / requests.</summary>
    ErrorRate,

    /// <summary>Share of the requests still unfinished at the end of the grace period.</summary>
    Unfinished,
}

/// <summary>Names, units and direction of <see cref="TrendMetric"/>s.</summary>
public static class TrendMetrics
{
    /// <summary>Every metric, in display order.</summary>
    public static IReadOnlyList<TrendMetric> All { get; } = Enum.GetValues<TrendMetric>();

    /// <summary>The option/JSON name: p50, p95, p99, mean, max, throughput, error-rate, unfinished.</summary>
    public static string Name(TrendMetric metric) => metric switch
    {
        TrendMetric.ErrorRate => "error-rate",
        _ => metric.ToString().ToLowerInvariant(),
    };

    /// <summary>Parse <paramref name="text"/> (a <see cref="Name"/>, case-insensitive; <c>rps</c>, <c>errors</c> accepted).</summary>
    public static bool TryParse(string? text, out TrendMetric metric)
    {
        metric = TrendMetric.P95;
        var key = (text ?? string.Empty).Trim().ToLowerInvariant();
        key = key switch { "rps" or "req/s" => "throughput", "errors" or "errorrate" or "error_rate" => "error-rate", "median" => "p50", _ => key };
        foreach (var m in All)
        {
            if (Name(m) == key)
            {
                metric = m;
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a larger value is worse (latencies, errors); false for throughput.</summary>
    public static bool HigherIsWorse(TrendMetric metric) => metric != TrendMetric.Throughput;

    /// <summary>The unit shown after values ("ms", "req/s", "" for shares).</summary>
    public static string Unit(TrendMetric metric) => metric switch
    {
        TrendMetric.Throughput => "req/s",
        TrendMetric.ErrorRate or TrendMetric.Unfinished => string.Empty,
        _ => "ms",
    };
}

/// <summary>One run of a trend series.</summary>
/// <param name="RunId">The stored run's id.</param>
/// <param name="StartedAt">When the run started.</param>
/// <param name="Commit">Its git commit, when known.</param>
/// <param name="Branch">Its git branch, when known.</param>
/// <param name="Value">The metric's value in that run.</param>
public sealed record TrendPoint(string RunId, DateTimeOffset StartedAt, string? Commit, string? Branch, double Value);

/// <summary>A detected change in a trend series.</summary>
public sealed record TrendChangePoint
{
    /// <summary>Index (0-based) in <see cref="TrendReport.Points"/> of the first run after the change.</summary>
    public required int Index { get; init; }

    /// <summary>That run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>That run's commit, when known.</summary>
    public string? Commit { get; init; }

    /// <summary>That run's start.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Median of the segment before the change (from the previous change point).</summary>
    public required double BeforeMedian { get; init; }

    /// <summary>Median of the segment after the change (to the next change point).</summary>
    public required double AfterMedian { get; init; }

    /// <summary>after / before − 1 (NaN when before is 0).</summary>
    public required double RelativeChange { get; init; }

    /// <summary>Permutation p-value of the split.</summary>
    public required double PValue { get; init; }

    /// <summary>True when the change made the metric worse (a regression).</summary>
    public required bool Regression { get; init; }

    /// <summary>One line, e.g. "p95 of GET /api/orders rose 38 % at run 17 (commit abc123, 2026-11-20)".</summary>
    public required string Text { get; init; }
}

/// <summary>A scenario × endpoint × metric series across saved runs, with its change points.</summary>
public sealed record TrendReport
{
    /// <summary>The scenario (run name).</summary>
    public required string Scenario { get; init; }

    /// <summary>The endpoint (or Aggregated).</summary>
    public required string Endpoint { get; init; }

    /// <summary>The metric.</summary>
    public required TrendMetric Metric { get; init; }

    /// <summary>The runs, oldest first.</summary>
    public required IReadOnlyList<TrendPoint> Points { get; init; }

    /// <summary>Change points, in order.</summary>
    public required IReadOnlyList<TrendChangePoint> ChangePoints { get; init; }

    /// <summary>How the change points were searched (for the reader of the report).</summary>
    public required string Method { get; init; }
}

/// <summary>Builds a <see cref="TrendReport"/>: the series and its change points (E-Divisive means, permutation test).</summary>
public static class TrendAnalyzer
{
    /// <summary>Settings of the change-point search.</summary>
    /// <param name="SignificanceLevel">Largest permutation p-value accepted (default 0.01).</param>
    /// <param name="Permutations">Permutations per test (default 499).</param>
    /// <param name="MinSegment">Fewest runs on each side of a change (default 3).</param>
    /// <param name="MinRelativeChange">Smallest |after/before − 1| reported (default 5 %).</param>
    /// <param name="Seed">Permutation seed (same series, same answer).</param>
    public sealed record Settings(double SignificanceLevel = 0.01, int Permutations = 499, int MinSegment = 3, double MinRelativeChange = 0.05, int Seed = 1701);

    /// <summary>The trend of <paramref name="points"/> (oldest first) with its change points.</summary>
    public static TrendReport Analyze(string scenario, string endpoint, TrendMetric metric, IReadOnlyList<TrendPoint> points, Settings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        var s = settings ?? new Settings();
        var values = points.Select(p => p.Value).ToArray();
        var splits = ChangePoints.Detect(values, new ChangePoints.Settings(s.MinSegment, s.SignificanceLevel, s.Permutations, 1.0, s.Seed));

        // Keep the splits whose adjacent segments differ by at least the minimum relative change; drop the smallest first.
        var kept = splits.ToList();
        while (true)
        {
            var weakest = -1;
            var weakestChange = double.PositiveInfinity;
            for (var k = 0; k < kept.Count; k++)
            {
                var (before, after) = Medians(values, kept, k);
                var change = before == 0 ? (after == 0 ? 0 : double.PositiveInfinity) : Math.Abs(after / before - 1);
                if (change < s.MinRelativeChange && change < weakestChange)
                {
                    weakest = k;
                    weakestChange = change;
                }
            }

            if (weakest < 0)
            {
                break;
            }

            kept.RemoveAt(weakest);
        }

        var changes = new List<TrendChangePoint>();
        for (var k = 0; k < kept.Count; k++)
        {
            var (before, after) = Medians(values, kept, k);
            var point = points[kept[k].Index];
            var relative = before == 0 ? double.NaN : after / before - 1;
            var rose = after > before;
            changes.Add(new TrendChangePoint
            {
                Index = kept[k].Index,
                RunId = point.RunId,
                Commit = point.Commit,
                StartedAt = point.StartedAt,
                BeforeMedian = before,
                AfterMedian = after,
                RelativeChange = relative,
                PValue = kept[k].PValue,
                Regression = rose == TrendMetrics.HigherIsWorse(metric),
                Text = Describe(endpoint, metric, kept[k].Index, point, before, after),
            });
        }

        return new TrendReport
        {
            Scenario = scenario,
            Endpoint = endpoint,
            Metric = metric,
            Points = points,
            ChangePoints = changes,
            Method = string.Create(CultureInfo.InvariantCulture, $"E-Divisive means (alpha 1), permutation test R = {s.Permutations}, p ≤ {s.SignificanceLevel}, ≥ {s.MinSegment} runs per segment, |change| ≥ {s.MinRelativeChange * 100:0.#} %, seed {s.Seed}"),
        };
    }

    private static (double Before, double After) Medians(double[] values, List<ChangePointSplit> splits, int k)
    {
        var start = k == 0 ? 0 : splits[k - 1].Index;
        var mid = splits[k].Index;
        var end = k + 1 < splits.Count ? splits[k + 1].Index : values.Length;
        return (Robust.Median(values[start..mid]), Robust.Median(values[mid..end]));
    }

    private static string Describe(string endpoint, TrendMetric metric, int index, TrendPoint point, double before, double after)
    {
        var verb = after > before ? "rose" : "fell";
        var change = before == 0
            ? string.Create(CultureInfo.InvariantCulture, $"from 0 to {after:0.###}")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Abs(after / before - 1) * 100:0} %");
        var where = point.Commit is { Length: > 0 } commit
            ? string.Create(CultureInfo.InvariantCulture, $"commit {commit[..Math.Min(7, commit.Length)]}, {point.StartedAt:yyyy-MM-dd}")
            : string.Create(CultureInfo.InvariantCulture, $"{point.StartedAt:yyyy-MM-dd}");
        return string.Create(CultureInfo.InvariantCulture, $"{TrendMetrics.Name(metric)} of {endpoint} {verb} {change} at run {index + 1} ({where})");
    }
}
