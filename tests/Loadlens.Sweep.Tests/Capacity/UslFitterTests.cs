using Loadlens.Analysis.Capacity;

namespace Loadlens.Sweep.Tests.Capacity;

public sealed class UslFitterTests
{
    // The R usl package's specsdm91 fit (analysis.md Appendix B): σ ≈ 0.0277, κ ≈ 1.044e-4, λ ≈ 90 → N* ≈ 96.5.
    private const double Sigma = 0.0277285;
    private const double Kappa = 0.0001044;
    private const double Lambda = 89.9952;
    private static readonly double[] SpecLoads = [1, 18, 36, 72, 108, 144, 216];

    private static List<UslPoint> Synthetic(double sigma, double kappa, double lambda, double[] loads, double noise = 0, int seed = 1)
    {
        var random = new Random(seed);
        return loads.Select(n => new UslPoint(n, UslFitter.Model(sigma, kappa, lambda, n) * (1 + (noise * ((2 * random.NextDouble()) - 1))))).ToList();
    }

    [Fact]
    public void Quadratic_transform_gives_back_the_parameters_exactly_on_noise_free_data()
    {
        var q = UslFitter.QuadraticEstimate(Synthetic(Sigma, Kappa, Lambda, SpecLoads))!.Value;
        q.Kappa.ShouldBe(Kappa, 1e-10);
        q.Sigma.ShouldBe(Sigma, 1e-8);
        q.Lambda.ShouldBe(Lambda, 1e-9);
    }

    [Fact]
    public void Recovers_the_specsdm91_parameters_and_peak_from_noise_free_data()
    {
        var fit = UslFitter.Fit(Synthetic(Sigma, Kappa, Lambda, SpecLoads));
        fit.Sigma.ShouldBe(Sigma, Sigma * 0.01);
        fit.Kappa.ShouldBe(Kappa, Kappa * 0.01);
        fit.Lambda.ShouldBe(Lambda, Lambda * 0.01);
        fit.PeakConcurrency!.Value.ShouldBe(96.5, 0.5);
        fit.RSquared.ShouldBeGreaterThan(0.9999);
        fit.CoherencySignificant.ShouldBeTrue();
        fit.ReachesPastPeak.ShouldBeTrue();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Recovers_parameters_within_their_uncertainty_from_data_with_2_percent_noise(int seed)
    {
        var loads = new double[] { 1, 8, 16, 32, 48, 64, 96, 128, 160, 216 };
        var fit = UslFitter.Fit(Synthetic(Sigma, Kappa, Lambda, loads, noise: 0.02, seed: seed));
        Math.Abs(fit.Sigma - Sigma).ShouldBeLessThan(3 * fit.SigmaStdError + 1e-4);
        Math.Abs(fit.Kappa - Kappa).ShouldBeLessThan(3 * fit.KappaStdError + 1e-6);
        Math.Abs(fit.Lambda - Lambda).ShouldBeLessThan(3 * fit.LambdaStdError + 0.5);
        fit.PeakConcurrency!.Value.ShouldBeInRange(80, 115);
        fit.Mape.ShouldBeLessThan(0.03);
        fit.CoherencySignificant.ShouldBeTrue();
    }

    [Fact]
    public void Amdahl_data_gives_kappa_zero_and_no_coherency_claim()
    {
        var fit = UslFitter.Fit(Synthetic(0.05, 0, 100, [1, 2, 4, 8, 16, 32, 64], noise: 0.01, seed: 7));
        fit.Sigma.ShouldBe(0.05, 0.01);
        fit.CoherencySignificant.ShouldBeFalse();
        fit.Caveats.ShouldContain(c => c.Contains("coherency", StringComparison.Ordinal) || c.Contains('κ', StringComparison.Ordinal));
        (fit.Ceiling ?? (fit.Lambda / fit.Sigma)).ShouldBeInRange(1600, 2400);
    }

    [Fact]
    public void Data_that_stop_before_the_peak_say_so()
    {
        // N* ≈ 96.5, but the sweep stops at 40.
        var fit = UslFitter.Fit(Synthetic(Sigma, Kappa, Lambda, [1, 5, 10, 20, 30, 40], noise: 0.02, seed: 4));
        fit.ReachesPastPeak.ShouldBeFalse();
        fit.Caveats.ShouldContain(c => c.Contains("do not reach past", StringComparison.Ordinal) || c.Contains("extrapolation", StringComparison.Ordinal));
    }

    [Fact]
    public void A_hard_ceiling_fits_with_sigma_near_one_and_lambda_over_sigma_at_the_ceiling()
    {
        // One serialized 10 ms resource: X(1) ≈ 97, X(N ≥ 2) ≈ 100.
        var points = new List<UslPoint> { new(1, 97), new(2, 99.5), new(4, 100), new(8, 99.8), new(16, 100.1) };
        var fit = UslFitter.Fit(points);
        (fit.Lambda / fit.Sigma).ShouldBe(100, 3);
        fit.CoherencySignificant.ShouldBeFalse();
    }

    [Fact]
    public void Linear_data_give_no_contention()
    {
        var fit = UslFitter.Fit(Synthetic(0, 0, 50, [1, 2, 4, 8, 16]));
        fit.Sigma.ShouldBeLessThan(1e-4);
        fit.Kappa.ShouldBeLessThan(1e-7);
        fit.Lambda.ShouldBe(50, 0.01);
    }

    [Fact]
    public void Too_few_levels_is_an_argument_error()
    {
        Should.Throw<ArgumentException>(() => UslFitter.Fit([new UslPoint(1, 10), new UslPoint(2, 19)]));
        Should.Throw<ArgumentException>(() => UslFitter.Fit([new UslPoint(1, 10), new UslPoint(2, 19), new UslPoint(-3, 25)]));
    }

    [Fact]
    public void F_distribution_cdf_matches_known_values()
    {
        // F(1, 4): the 95th percentile is 7.7086; F(1, 10): 4.9646.
        SpecialFunctions.FDistributionCdf(7.7086, 1, 4).ShouldBe(0.95, 1e-4);
        SpecialFunctions.FDistributionCdf(4.9646, 1, 10).ShouldBe(0.95, 1e-4);
        SpecialFunctions.FDistributionCdf(0, 1, 4).ShouldBe(0);
    }
}
