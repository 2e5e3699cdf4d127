namespace Loadlens.Core.Scenarios;

/// <summary>
/// The one consistency check of a scenario and its load settings. The YAML loader, the pipeline's
/// command-line overrides (<c>run</c>, <c>sweep</c>, <c>demo</c>) and <c>LoadRunner</c> all ask it, so a
/// setting is accepted or refused the same way wherever it comes from. Callers turn the problem text into
/// their own error (a file:line:column error, a usage error, an <see cref="ArgumentException"/>).
/// </summary>
public static class ScenarioValidation
{
    /// <summary>The first problem with <paramref name="scenario"/>, or null when it can be run.</summary>
    public static string? Problem(ScenarioDefinition scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (!scenario.BaseUrl.IsAbsoluteUri || (scenario.BaseUrl.Scheme != Uri.UriSchemeHttp && scenario.BaseUrl.Scheme != Uri.UriSchemeHttps))
        {
            return $"base URL must be an absolute http:// or https:// URL: {scenario.BaseUrl}";
        }

        if (scenario.Endpoints.Count == 0)
        {
            return "the scenario has no endpoints";
        }

        if (scenario.Endpoints.Any(e => !(e.Weight > 0)))
        {
            return "endpoint weights must be positive";
        }

        if (scenario.Endpoints.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count() != scenario.Endpoints.Count)
        {
            return "endpoint names must be unique";
        }

        if (scenario.RequestTimeout <= TimeSpan.Zero)
        {
            return "the request timeout must be positive";
        }

        return LoadProblem(scenario.Load);
    }

    /// <summary>The first problem with the load settings, or null when they are consistent.</summary>
    public static string? LoadProblem(LoadProfile load)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (load.Stages.Count == 0 && load.Duration is null && load.Iterations is null)
        {
            return "the load needs a duration, stages or an iteration count";
        }

        if (load.Iterations is <= 0)
        {
            return "iterations must be at least 1";
        }

        if (load.Duration is { } duration && duration <= TimeSpan.Zero)
        {
            return "the duration must be longer than 0s";
        }

        if (load.Stages.Any(s => s.Duration < TimeSpan.Zero || !(s.Target >= 0) || double.IsInfinity(s.Target)))
        {
            return "stages need a duration of 0s or more and a target of 0 or more";
        }

        if (load.Stages.Count > 0 && load.Stages.Sum(s => s.Duration.Ticks) <= 0)
        {
            return "the stages must last longer than 0s in total";
        }

        if (load.Model == LoadModel.Open)
        {
            if (load.Iterations is not null)
            {
                return "iterations apply to the closed model (users), not to the open model (rate)";
            }

            if (load.Stages.Count == 0 && !(load.Rate > 0))
            {
                return "the open model needs a positive rate or stages";
            }

            if (double.IsInfinity(load.Rate))
            {
                return "the rate must be finite";
            }

            if (load.TotalDuration is not { } d || d <= TimeSpan.Zero)
            {
                return "the open model needs a duration or stages";
            }

            if (load.MaxInFlight < 1)
            {
                return "maxInFlight must be at least 1";
            }
        }
        else if (load.Stages.Count == 0 && load.Users < 1)
        {
            return "the closed model needs at least one user";
        }
        else if (load.Stages.Any(s => Math.Abs(s.Target - Math.Round(s.Target)) > 1e-9))
        {
            return "closed-model stage targets are whole numbers of users";
        }

        if (load.ThinkTimeMin < TimeSpan.Zero || load.ThinkTimeMax < load.ThinkTimeMin)
        {
            return "the think time range is invalid: the upper bound is below the lower bound (or negative)";
        }

        if (load.WarmUp < TimeSpan.Zero)
        {
            return "the warm-up cannot be negative";
        }

        if (load.TotalDuration is { } total && load.WarmUp >= total)
        {
            return FormattableString.Invariant($"the warm-up ({load.WarmUp.TotalSeconds:0.###} s) must be shorter than the run ({total.TotalSeconds:0.###} s)");
        }

        return null;
    }
}
