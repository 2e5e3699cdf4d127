using Loadlens.Core.Findings;
using static Loadlens.Analysis.Rules.RuleText;

namespace Loadlens.Analysis.Rules;

/// <summary><c>error-rate</c>: failures above 1 % (critical) or 0.1 % (warning); any failure is info.</summary>
internal sealed class ErrorRateRule : IRule
{
    public string Id => RuleIds.ErrorRate;

    public IEnumerable<Finding> Evaluate(RunView view, AnalysisOptions options)
    {
        foreach (var e in view.Endpoints)
        {
            if (e.Failures == 0 || e.Requests == 0)
            {
                continue;
            }

            var rate = e.FailureRate;
            var severity = rate > options.ErrorRateCritical ? FindingSeverity.Critical
                : rate > options.ErrorRateWarning ? FindingSeverity.Warning
                : FindingSeverity.Info;
            var threshold = severity == FindingSeverity.Critical ? options.ErrorRateCritical : options.ErrorRateWarning;

            var groups = view.Run.Errors.Where(x => x.Endpoint == e.Name).OrderByDescending(x => x.Count).ToList();
            var dominant = groups.FirstOrDefault();
            var dominantText = dominant is null ? "unknown cause"
                : dominant.StatusCode is { } code ? $"HTTP {code}"
                : dominant.Category;
            var dominantShare = dominant is null ? 0 : (double)dominant.Count / e.Failures;

            var evidence = new List<Evidence>
            {
                Ev("errorRate", rate * 100, "%", threshold * 100),
                Ev("failures", e.Failures, "count"),
                Ev("requests", e.Requests, "count"),
            };
            if (dominant is not null)
            {
                evidence.Add(Ev("dominantErrorShare", Math.Min(1, dominantShare) * 100, "%"));
            }

            foreach (var cls in e.StatusCodes.Where(kv => kv.Key.Length == 3 && kv.Key[0] is '4' or '5')
                         .GroupBy(kv => StatusClass(kv.Key), kv => kv.Value)
                         .OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                evidence.Add(Ev($"status{cls.Key}", cls.Sum(), "count"));
            }

            var first = dominant is null || dominant.FirstSeenSeconds <= 0 ? string.Empty : $", first seen {Num(dominant.FirstSeenSeconds, "0.#")} s into the run";
            var message = dominant is null || string.IsNullOrWhiteSpace(dominant.Message) ? string.Empty : $" (\"{Shorten(dominant.Message)}\")";
            yield return new Finding(
                Id,
                severity,
                e.Name,
                $"{Percent(rate)} of requests fail, mostly {dominantText}",
                evidence,
                severity == FindingSeverity.Info
                    ? null
                    : new Recommendation(
                        RecommendationTier.Immediate,
                        $"Fix the failures on {e.Name}: {e.Failures} of {e.Requests} requests failed, {Percent(Math.Min(1, dominantShare))} of them {dominantText}{message}{first}; check the server log for that error."));
        }
    }

    private static string Shorten(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 100 ? oneLine : oneLine[..97] + "...";
    }
}
