using Loadlens.Analysis.Statistics;

namespace Loadlens.Analysis.Tests;

/// <summary>The order-statistic ranks against the exact binomial sums (Python's math.comb, summed by hand).</summary>
public sealed class OrderStatisticsTests
{
    [Theory]
    [InlineData(100, 0.5, 0.025, 40L, 61L)] // the textbook 95 % interval of a median of 100: the 40th to the 61st value
    [InlineData(263, 0.95, 0.025, 243L, 257L)]
    [InlineData(50, 0.95, 0.025, 44L, null)] // 50 samples: no upper bound of the p95 at 97.5 %
    [InlineData(1000, 0.99, 0.025, 983L, 997L)]
    public void Ranks_are_the_exact_binomial_bounds(long n, double p, double alpha, long? lower, long? upper)
    {
        var (l, u) = OrderStatistics.QuantileRanks(n, p, alpha);

        l.ShouldBe(lower);
        u.ShouldBe(upper);
    }

    [Fact]
    public void Large_runs_neither_underflow_nor_lose_the_bounds()
    {
        // One million samples: B ~ Binomial(1e6, 0.95) has sd 218, so the bounds sit ≈ 1.96 sd either side of 950,000.
        var (l, u) = OrderStatistics.QuantileRanks(1_000_000, 0.95, 0.025);

        l!.Value.ShouldBeInRange(949_560, 949_575);
        u!.Value.ShouldBeInRange(950_425, 950_440);
        OrderStatistics.QuantileRanks(0, 0.95, 0.025).ShouldBe((null, null));
    }
}
