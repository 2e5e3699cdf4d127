using Loadlens.Core.Statistics;

namespace Loadlens.Core.Tests;

/// <summary>Prose rounding: no "59789.5 ms" reaches a reader.</summary>
public sealed class NumbersTests
{
    [Theory]
    [InlineData(59789.5, 3, 59800)]
    [InlineData(11267, 3, 11300)]
    [InlineData(144.4, 3, 144)]
    [InlineData(8.549, 3, 8.55)]
    [InlineData(0.012345, 3, 0.0123)]
    [InlineData(-2968.4, 2, -3000)]
    [InlineData(25.25, 3, 25.3)]
    [InlineData(0, 3, 0)]
    public void Significant_keeps_that_many_digits(double value, int digits, double expected) =>
        Numbers.Significant(value, digits).ShouldBe(expected, (Math.Abs(expected) * 1e-12) + 1e-15);

    [Fact]
    public void Significant_leaves_non_finite_values_alone()
    {
        Numbers.Significant(double.NaN, 3).ShouldBe(double.NaN);
        Numbers.Significant(double.PositiveInfinity, 3).ShouldBe(double.PositiveInfinity);
    }
}
