using Loadlens.Core.Findings;
using Loadlens.Core.Statistics;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary>
/// <c>rate-limited</c>: HTTP 429 responses. The accepted rate the server allows is estimated as the median
/// per-interval rate of non-429 responses at steady load (research §7 #11: successful throughput flat at
/// ≈ the limit); over 1 % of 429s is a warning, fewer is info.
/// </summary>
internal sealed class RateLimitedRule : IRule
{
    internal const double WarningShare = 0.01;

    public string Id => RuleIds.RateLimited;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        foreach (var e in view.Endpoints)
        {
            var limited = e.StatusCodes.GetValueOrDefault("429");
            if (limited == 0 || e.Requests == 0)
            {
                continue;
            }

            var share = (double)limited / e.Requests;
            var otherFailures = Math.Max(0, e.Failures - limited);
            var perInterval = RunView.Series(view.Steady, e.Name)
                .Where(p => p.Figures.Requests > 0)
                .Select(p => Math.Max(0, p.Figures.Requests - p.Figures.Failures) / p.Interval.DurationSeconds)
                .ToList();
            var accepted = perInterval.Count >= 3
                ? Statistics.Robust.Median(perInterval)
                : RequestRates.PerSecond(e.Requests - limited - otherFailures, view.Run.MeasuredSeconds);
            var offered = view.Run.RateOf(e);
            var warning = share > WarningShare;
            yield return new Finding(
                Id,
                warning ? FindingSeverity.Warning : FindingSeverity.Info,
                e.Name,
                $"{Percent(share)} of requests are rate-limited (HTTP 429); the server accepts ≈ {Rate(accepted)}",
                [
                    Ev("status429", limited, "count"),
                    Ev("limitedShare", share * 100, "%", WarningShare * 100),
                    Ev("acceptedRate", accepted, "req/s"),
                    Ev("offeredRate", offered, "req/s"),
                ],
                new Recommendation(
                    RecommendationTier.Immediate,
                    $"Keep the load on {e.Name} below ≈ {Rate(accepted)} (the rate the limiter lets through; {Rate(offered)} was offered) or raise the limit for this client; honour Retry-After instead of retrying at once."));
        }
    }
}
