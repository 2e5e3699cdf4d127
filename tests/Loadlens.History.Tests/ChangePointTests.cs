using Loadlens.Analysis.Trends;

namespace Loadlens.History.Tests;

/// <summary>E-Divisive means on constructed series: a step, no change, two steps, noise; deterministic with its seed.</summary>
public sealed class ChangePointTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static List<TrendPoint> Series(IEnumerable<double> values) =>
        [.. values.Select((v, i) => new TrendPoint($"run{i:00}", T0.AddDays(i), $"{i:x2}c0ffee{i:x2}", "main", v))];

    /// <summary>Normal noise (Box–Muller) around <paramref name="level"/>, seeded.</summary>
    private static IEnumerable<double> Noise(Random random, int n, double level, double sd) =>
        Enumerable.Range(0, n).Select(_ => level + sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    [Fact]
    public void A_step_is_found_at_its_first_run_with_its_size_and_a_small_p_value()
    {
        var random = new Random(1);
        var trend = TrendAnalyzer.Analyze("shop", "GET /api/orders", TrendMetric.P95, Series(Noise(random, 16, 100, 4).Concat(Noise(random, 14, 138, 4))));

        var change = trend.ChangePoints.ShouldHaveSingleItem();
        change.Index.ShouldBe(16);
        change.RunId.ShouldBe("run16");
        change.Commit.ShouldBe("10c0ffee10");
        change.BeforeMedian.ShouldBe(100, 4);
        change.AfterMedian.ShouldBe(138, 4);
        change.RelativeChange.ShouldBe(0.38, 0.06);
        change.PValue.ShouldBeLessThanOrEqualTo(0.01);
        change.Regression.ShouldBeTrue();
        change.Text.ShouldMatch(@"^p95 of GET /api/orders rose 3\d % at run 17 \(commit 10c0ffe, 2026-11-17\)$");
    }

    [Fact]
    public void A_flat_or_merely_noisy_series_has_no_change_point()
    {
        TrendAnalyzer.Analyze("s", "e", TrendMetric.P95, Series(Enumerable.Repeat(50.0, 30))).ChangePoints.ShouldBeEmpty();

        // Many noisy series without a change: the permutation test must stay quiet in (nearly) all of them.
        var random = new Random(7);
        var alarms = Enumerable.Range(0, 40).Count(_ => TrendAnalyzer.Analyze("s", "e", TrendMetric.P95, Series(Noise(random, 30, 100, 10))).ChangePoints.Count > 0);
        alarms.ShouldBeLessThanOrEqualTo(2); // ≤ 5 % false alarms at p ≤ 0.01 (plus the 5 % magnitude filter)
    }

    [Fact]
    public void Two_steps_are_both_found_in_order_with_their_own_segment_medians()
    {
        var random = new Random(3);
        var values = Noise(random, 12, 40, 1).Concat(Noise(random, 12, 60, 1)).Concat(Noise(random, 12, 45, 1));
        var trend = TrendAnalyzer.Analyze("s", "Aggregated", TrendMetric.P99, Series(values));

        var found = string.Join("; ", trend.ChangePoints.Select(c => $"{c.Index}: {c.BeforeMedian:0.##} → {c.AfterMedian:0.##} p {c.PValue}"));
        trend.ChangePoints.Select(c => c.Index).ShouldBe([12, 24], found);
        trend.ChangePoints[0].BeforeMedian.ShouldBe(40, 2, found);
        trend.ChangePoints[0].AfterMedian.ShouldBe(60, 2, found);
        trend.ChangePoints[0].Regression.ShouldBeTrue();
        trend.ChangePoints[1].BeforeMedian.ShouldBe(60, 2, found);
        trend.ChangePoints[1].AfterMedian.ShouldBe(45, 2, found);
        trend.ChangePoints[1].Regression.ShouldBeFalse();
        trend.ChangePoints[1].Text.ShouldContain("p99 of Aggregated fell 2");
    }

    [Fact]
    public void A_step_hidden_in_heavy_noise_is_found_when_large_and_ignored_when_below_the_magnitude_floor()
    {
        var random = new Random(11);
        var big = TrendAnalyzer.Analyze("s", "e", TrendMetric.Mean, Series(Noise(random, 20, 100, 15).Concat(Noise(random, 20, 130, 15))));
        big.ChangePoints.ShouldHaveSingleItem().Index.ShouldBeInRange(18, 22);

        // A real but tiny shift (2 %, very low noise) is significant, yet below the 5 % floor: not reported.
        var tiny = TrendAnalyzer.Analyze("s", "e", TrendMetric.Mean, Series(Noise(random, 20, 100, 0.2).Concat(Noise(random, 20, 102, 0.2))));
        tiny.ChangePoints.ShouldBeEmpty();
        TrendAnalyzer.Analyze("s", "e", TrendMetric.Mean, tiny.Points, new TrendAnalyzer.Settings(MinRelativeChange: 0.01)).ChangePoints.ShouldHaveSingleItem().Index.ShouldBe(20);
    }

    [Fact]
    public void Throughput_falling_is_the_regression_and_the_answer_depends_only_on_the_series_and_the_seed()
    {
        var random = new Random(5);
        var points = Series(Noise(random, 10, 1000, 20).Concat(Noise(random, 10, 700, 20)));
        var a = TrendAnalyzer.Analyze("s", "e", TrendMetric.Throughput, points);
        var b = TrendAnalyzer.Analyze("s", "e", TrendMetric.Throughput, points);

        var change = a.ChangePoints.ShouldHaveSingleItem();
        change.Regression.ShouldBeTrue();
        change.Text.ShouldContain("throughput of e fell 30 %");
        b.ChangePoints.ShouldBe(a.ChangePoints);
    }

    [Fact]
    public void Too_short_a_series_has_no_change_point_and_segments_keep_the_minimum_size()
    {
        TrendAnalyzer.Analyze("s", "e", TrendMetric.P95, Series([10, 10, 50, 50, 50])).ChangePoints.ShouldBeEmpty();

        // A change in the last two runs is too recent to report (fewer than 3 runs after it).
        TrendAnalyzer.Analyze("s", "e", TrendMetric.P95, Series(Enumerable.Repeat(10.0, 20).Concat([50, 50]))).ChangePoints.ShouldBeEmpty();
        TrendAnalyzer.Analyze("s", "e", TrendMetric.P95, Series(Enumerable.Repeat(10.0, 20).Concat([50, 50, 50]))).ChangePoints.ShouldHaveSingleItem().Index.ShouldBe(20);
    }

    [Fact]
    public void The_rank_based_pair_sums_give_the_same_split_as_the_direct_O_n2_sums()
    {
        var random = new Random(13);
        for (var round = 0; round < 50; round++)
        {
            var n = random.Next(6, 120);
            var values = Enumerable.Range(0, n).Select(_ => Math.Round(random.NextDouble() * 20) + (random.Next(3) == 0 ? 30 : 0)).ToArray(); // many ties
            var start = random.Next(0, n / 3);
            var fast = Analysis.Statistics.ChangePoints.BestSplit(values, start, n, 2, 1.0);
            var slow = Analysis.Statistics.ChangePoints.BestSplit(values, start, n, 2, 1.0, direct: true);
            fast.Index.ShouldBe(slow.Index);
            fast.Statistic.ShouldBe(slow.Statistic, Math.Abs(slow.Statistic) * 1e-9 + 1e-9);
        }
    }
}

/// <summary>The trend documents: Markdown table with the change sentence, console table, JSON fields.</summary>
public sealed class TrendOutputTests
{
    [Fact]
    public void Markdown_console_and_json_show_the_series_and_the_change_point()
    {
        var t0 = DateTimeOffset.Parse("2026-11-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var points = Enumerable.Range(0, 12).Select(i => new TrendPoint($"id{i}", t0.AddDays(i), $"abcdef{i}123", "main", i < 6 ? 10 + (i % 2 * 0.1) : 20 + (i % 2 * 0.1))).ToList();
        var trend = TrendAnalyzer.Analyze("shop", "GET /api/orders", TrendMetric.P95, points);
        var context = Reporting.Outputs.OutputContext.ForTrend(trend);
        var registry = Reporting.Outputs.OutputRegistry.Default;

        registry.Formats(context).ShouldBe(["html", "json", "md"]); // report.html renders a trend too
        registry.TryGetDocumentWriter("md", context, out var md).ShouldBeTrue();
        var markdown = ((Reporting.Outputs.ITextOutputWriter)md!).Render(context);
        markdown.ShouldContain("# Trend: p95 of GET /api/orders (shop)");
        markdown.ShouldContain("- **Regression:** p95 of GET /api/orders rose 100 % at run 7 (commit abcdef6, 2026-11-07)");
        markdown.ShouldContain("| 7 | `id6` | 2026-11-07 08:00 | abcdef6 | main | 20 ms ◀ change |");

        registry.TryGetDocumentWriter("json", context, out var json).ShouldBeTrue();
        using var doc = System.Text.Json.JsonDocument.Parse(((Reporting.Outputs.ITextOutputWriter)json!).Render(context));
        var cp = doc.RootElement.GetProperty("changePoints")[0];
        cp.GetProperty("index").GetInt32().ShouldBe(6);
        cp.GetProperty("change").GetDouble().ShouldBe(1.0, 0.02);
        doc.RootElement.GetProperty("points")[7].GetProperty("value").GetDouble().ShouldBe(20.1);

        var console = new Spectre.Console.Testing.TestConsole();
        console.Profile.Width = 200;
        Reporting.Console.TrendConsoleRenderer.Write(console, trend);
        console.Output.ShouldContain("▲ change");
        console.Output.ShouldContain("Regression: p95 of GET /api/orders rose 100 % at run 7");
    }
}
