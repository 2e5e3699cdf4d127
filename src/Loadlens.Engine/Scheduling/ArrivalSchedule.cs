using Loadlens.Core.Scenarios;

namespace Loadlens.Engine.Scheduling;

/// <summary>
/// Intended send times of the open model. The rate is piecewise linear (constant, or ramping
/// linearly within each stage), so the cumulative arrival count A(t) is piecewise quadratic and the
/// time of arrival k is found exactly by inverting it: no drift, no dependence on how late the
/// dispatcher wakes up.
/// </summary>
internal sealed class ArrivalSchedule
{
    private readonly (double Start, double Duration, double R0, double R1, double CumulativeAtStart)[] _segments;

    public ArrivalSchedule(LoadProfile profile)
    {
        var segments = new List<(double, double, double, double, double)>();
        if (profile.Stages.Count == 0)
        {
            var duration = (profile.Duration ?? TimeSpan.Zero).TotalSeconds;
            segments.Add((0, duration, profile.Rate, profile.Rate, 0));
        }
        else
        {
            double start = 0, previous = 0, cumulative = 0;
            foreach (var stage in profile.Stages)
            {
                var d = stage.Duration.TotalSeconds;
                segments.Add((start, d, previous, stage.Target, cumulative));
                cumulative += (previous + stage.Target) / 2 * d;
                previous = stage.Target;
                start += d;
            }
        }

        _segments = [.. segments];
        TotalSeconds = _segments.Length == 0 ? 0 : _segments[^1].Start + _segments[^1].Duration;
        var last = _segments[^1];
        TotalArrivals = last.CumulativeAtStart + ((last.R0 + last.R1) / 2 * last.Duration);
    }

    public double TotalSeconds { get; }

    /// <summary>Expected number of arrivals over the whole schedule.</summary>
    public double TotalArrivals { get; }

    /// <summary>Seconds from the start at which arrival <paramref name="k"/> (0-based) is due, or +∞ if never.</summary>
    public double TimeOf(long k)
    {
        // Arrival k is due when A(t) reaches k (so the first arrival goes out at t = 0 for a nonzero start rate).
        double target = k;
        foreach (var (start, duration, r0, r1, cum) in _segments)
        {
            var segmentArrivals = (r0 + r1) / 2 * duration;
            if (target < cum + segmentArrivals || (target == cum && r0 > 0))
            {
                var need = target - cum;
                if (need <= 0)
                {
                    return start;
                }

                var a = (r1 - r0) / (2 * duration);
                if (Math.Abs(a) < 1e-12)
                {
                    return start + (need / r0);
                }

                // a τ² + r0 τ − need = 0  →  τ = (−r0 + √(r0² + 4 a need)) / 2a
                var disc = (r0 * r0) + (4 * a * need);
                var tau = (-r0 + Math.Sqrt(Math.Max(0, disc))) / (2 * a);
                return start + Math.Clamp(tau, 0, duration);
            }
        }

        return double.PositiveInfinity;
    }

    /// <summary>The intended rate at time t (req/s).</summary>
    public double RateAt(double t)
    {
        foreach (var (start, duration, r0, r1, _) in _segments)
        {
            if (t < start + duration)
            {
                return duration <= 0 ? r1 : r0 + ((r1 - r0) * (t - start) / duration);
            }
        }

        return _segments.Length == 0 ? 0 : _segments[^1].R1;
    }
}
