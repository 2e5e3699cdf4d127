namespace Loadlens.Analysis.Capacity;

/// <summary>Shape of a curve for <see cref="Kneedle"/>.</summary>
internal enum CurveShape
{
    /// <summary>Bends down (throughput vs. load approaching a ceiling).</summary>
    Concave,

    /// <summary>Bends up (latency vs. load).</summary>
    Convex,
}

/// <summary>
/// Kneedle knee detection (Satopää, Albrecht, Irwin, Raghavan, ICDCS Workshops 2011), offline
/// variant as in the <c>kneed</c> package: normalise to the unit square, turn the knee into a
/// maximum of the difference curve, and accept a local maximum once the difference curve drops
/// below its threshold before the next local maximum. Increasing curves only (what sweeps give).
/// </summary>
internal static class Kneedle
{
    /// <summary>Find the first knee of an increasing curve; null when there is none (or fewer than 3 points).</summary>
    /// <param name="x">Strictly increasing x values.</param>
    /// <param name="y">y values.</param>
    /// <param name="shape">Concave or convex.</param>
    /// <param name="sensitivity">S: larger is more conservative; 1 is the paper's default.</param>
    /// <returns>The index into <paramref name="x"/> of the knee, or null.</returns>
    public static int? FindKnee(IReadOnlyList<double> x, IReadOnlyList<double> y, CurveShape shape, double sensitivity = 1.0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException("x and y must have the same length", nameof(y));
        }

        var count = x.Count;
        if (count < 3)
        {
            return null;
        }

        for (var i = 1; i < count; i++)
        {
            if (!(x[i] > x[i - 1]))
            {
                throw new ArgumentException("x must be strictly increasing", nameof(x));
            }
        }

        var xMin = x[0];
        var xMax = x[count - 1];
        var yMin = y.Min();
        var yMax = y.Max();
        if (!(yMax > yMin))
        {
            return null;
        }

        // Normalise; for a convex increasing curve, mirror both axes and reverse (kneed's transform),
        // which makes it concave increasing; map indices back at the end.
        var xn = new double[count];
        var yn = new double[count];
        for (var i = 0; i < count; i++)
        {
            var src = shape == CurveShape.Convex ? count - 1 - i : i;
            var nx = (x[src] - xMin) / (xMax - xMin);
            var ny = (y[src] - yMin) / (yMax - yMin);
            xn[i] = shape == CurveShape.Convex ? 1 - nx : nx;
            yn[i] = shape == CurveShape.Convex ? 1 - ny : ny;
        }

        var d = new double[count];
        for (var i = 0; i < count; i++)
        {
            d[i] = yn[i] - xn[i];
        }

        var meanStep = (xn[count - 1] - xn[0]) / (count - 1);
        var maxima = new List<int>();
        for (var i = 1; i < count - 1; i++)
        {
            if (d[i] >= d[i - 1] && d[i] >= d[i + 1] && d[i] > 0)
            {
                maxima.Add(i);
            }
        }

        for (var m = 0; m < maxima.Count; m++)
        {
            var i = maxima[m];
            var threshold = d[i] - (sensitivity * meanStep);
            var end = m + 1 < maxima.Count ? maxima[m + 1] : count;
            for (var j = i + 1; j < end; j++)
            {
                if (d[j] < threshold)
                {
                    return shape == CurveShape.Convex ? count - 1 - i : i;
                }
            }
        }

        return null;
    }
}
