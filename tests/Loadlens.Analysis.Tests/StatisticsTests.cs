using Loadlens.Analysis.Statistics;

namespace Loadlens.Analysis.Tests;

public sealed class StatisticsTests
{
    [Fact]
    public void Mann_Kendall_matches_the_research_test_vector()
    {
        // Appendix B: a strictly increasing series of n = 10 gives S = 45, VarS = 125, Z = 3.94.
        var t = MannKendall.Test(Enumerable.Range(1, 10).Select(i => (double)i).ToList());
        t.S.ShouldBe(45);
        t.VarianceS.ShouldBe(125);
        t.Z.ShouldBe(3.936, 0.001);
        t.Tau.ShouldBe(1);
        t.SenSlope.ShouldBe(1);
        t.PValue.ShouldBeLessThan(0.001);
    }

    [Fact]
    public void Mann_Kendall_without_trend_and_with_ties()
    {
        var flat = MannKendall.Test([5, 5, 5, 5, 5, 5]);
        flat.S.ShouldBe(0);
        flat.PValue.ShouldBe(1, 1e-6);
        var falling = MannKendall.Test([10, 9, 9, 7, 6, 6, 4, 3, 2, 1]);
        falling.S.ShouldBeLessThan(0);
        falling.SenSlope.ShouldBeLessThan(0);
        falling.VarianceS.ShouldBeLessThan(125); // tie correction
    }

    [Fact]
    public void Normal_cdf_and_robust_statistics()
    {
        MannKendall.NormalCdf(0).ShouldBe(0.5, 1e-7);
        MannKendall.NormalCdf(1.959964).ShouldBe(0.975, 1e-6);
        Robust.Median([3, 1, 2]).ShouldBe(2);
        Robust.Median([4, 1, 2, 3]).ShouldBe(2.5);
        Robust.ScaledMad([1, 2, 3, 4, 100]).ShouldBe(1.4826, 1e-9);
        Robust.CoefficientOfVariation([10, 10, 10]).ShouldBe(0);
    }
}
