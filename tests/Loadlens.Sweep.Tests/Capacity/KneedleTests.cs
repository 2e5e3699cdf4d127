using Loadlens.Analysis.Capacity;

namespace Loadlens.Sweep.Tests.Capacity;

public sealed class KneedleTests
{
    [Fact]
    public void Finds_the_knee_of_kneed_figure2()
    {
        // kneed's DataGenerator.figure2(): knee at x ≈ 0.222 (S = 1, concave, increasing).
        var x = Enumerable.Range(0, 10).Select(i => i / 9.0).ToList();
        double[] y = [-5, 0.263, 1.897, 2.692, 3.163, 3.475, 3.696, 3.861, 3.989, 4.091];
        var knee = Kneedle.FindKnee(x, y, CurveShape.Concave);
        knee.ShouldNotBeNull();
        x[knee.Value].ShouldBe(0.222, 0.001);
    }

    [Fact]
    public void Finds_the_bend_of_a_saturating_throughput_curve()
    {
        // X = min(100 N, 1000): the bend is at N = 10.
        double[] n = [1, 2, 4, 6, 8, 10, 12, 16, 24, 32];
        var x = n.Select(v => Math.Min(100 * v, 1000)).ToList();
        var knee = Kneedle.FindKnee(n, x, CurveShape.Concave);
        knee.ShouldNotBeNull();
        n[knee.Value].ShouldBe(10);
    }

    [Fact]
    public void Finds_the_elbow_of_a_convex_latency_curve()
    {
        // Flat 10 ms until 16 users, then linear growth.
        double[] n = [1, 2, 4, 8, 16, 24, 32, 48, 64];
        var r = n.Select(v => Math.Max(10, 10 * v / 16)).ToList();
        var knee = Kneedle.FindKnee(n, r, CurveShape.Convex);
        knee.ShouldNotBeNull();
        n[knee.Value].ShouldBe(16);
    }

    [Fact]
    public void A_straight_line_has_no_knee()
    {
        double[] n = [1, 2, 3, 4, 5, 6];
        Kneedle.FindKnee(n, n.Select(v => 3 * v).ToList(), CurveShape.Concave).ShouldBeNull();
        Kneedle.FindKnee(n, n.Select(_ => 5.0).ToList(), CurveShape.Concave).ShouldBeNull();
    }
}
