namespace Loadlens.Analysis.Statistics;

/// <summary>Ordinary least squares.</summary>
internal static class LeastSquares
{
    /// <summary>The slope of <paramref name="y"/> against <paramref name="x"/>; null when x takes fewer than two distinct values.</summary>
    public static double? Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count || x.Distinct().Count() < 2)
        {
            return null;
        }

        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }

        return sxy / sxx;
    }
}
