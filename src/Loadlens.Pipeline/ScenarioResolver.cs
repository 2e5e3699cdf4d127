using Loadlens.Core;
using Loadlens.Core.Scenarios;
using Loadlens.Pipeline.Scenarios;

namespace Loadlens.Pipeline;

/// <summary>
/// Step 1 of the pipeline: turns a <see cref="ScenarioRequest"/> into a checked <see cref="ScenarioDefinition"/>
/// (the one quick-mode builder and the one place overrides are applied). Every problem is an
/// <see cref="InputFormatException"/> (a scenario file's with file:line:column).
/// </summary>
public static class ScenarioResolver
{
    /// <summary>Quick mode's load when no option sets one: 10 users for 10 s.</summary>
    public static LoadProfile QuickModeLoad { get; } = new() { Users = 10, Duration = TimeSpan.FromSeconds(10) };

    /// <summary>Whether <paramref name="target"/> names a scenario file rather than a URL.</summary>
    public static bool IsScenarioFile(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || target.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || File.Exists(target);
    }

    /// <summary>Resolve and check <paramref name="request"/> (<see cref="ScenarioValidation"/>).</summary>
    public static ScenarioDefinition Resolve(ScenarioRequest request)
    {
        var scenario = ResolveUnchecked(request);
        return ScenarioValidation.Problem(scenario) is { } problem ? throw new InputFormatException(problem) : scenario;
    }

    /// <summary>Resolve without the final consistency check (a sweep replaces the load shape first).</summary>
    internal static ScenarioDefinition ResolveUnchecked(ScenarioRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ScenarioDefinition scenario;
        if (request.Definition is { } definition)
        {
            scenario = definition;
            RejectQuickModeOptions(request);
        }
        else if (request.Target is not { } target || string.IsNullOrWhiteSpace(target))
        {
            throw new InputFormatException("give a URL (quick mode) or a scenario file");
        }
        else if (IsScenarioFile(target))
        {
            scenario = ScenarioFile.Load(target);
            RejectQuickModeOptions(request);
        }
        else
        {
            scenario = QuickScenario(target, request);
        }

        if (request.Headers.Count > 0)
        {
            var headers = new Dictionary<string, string>(scenario.Headers, StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in request.Headers)
            {
                headers[name] = value;
            }

            scenario = scenario with { Headers = headers };
        }

        return ApplyOverrides(scenario, request.Overrides);
    }

    private static void RejectQuickModeOptions(ScenarioRequest request)
    {
        if (request.Method is not null || request.Body is not null)
        {
            throw new InputFormatException("--method and --body apply to quick mode (a URL); put them in the scenario file");
        }
    }

    private static ScenarioDefinition QuickScenario(string target, ScenarioRequest request)
    {
        if (!Uri.TryCreate(target, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new InputFormatException($"TARGET must be an http:// or https:// URL or an existing scenario file: '{target}'");
        }

        var method = (request.Method ?? "GET").ToUpperInvariant();
        if (method.Length == 0 || method.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal)))
        {
            throw new InputFormatException($"--method: '{method}' is not a valid HTTP method");
        }

        var body = request.Body;
        if (body is { Length: > 1 } && body[0] == '@')
        {
            var file = body[1..];
            body = File.Exists(file) ? File.ReadAllText(file) : throw new InputFormatException($"--body: file not found: {file}");
        }

        return new ScenarioDefinition
        {
            Name = $"{url.Host}-{url.Port}",
            BaseUrl = new Uri(url.GetLeftPart(UriPartial.Authority) + "/"),
            Endpoints = [new EndpointDefinition { Name = $"{method} {url.AbsolutePath}", Method = method, Path = url.PathAndQuery, Body = body }],
            Load = QuickModeLoad,
        };
    }

    private static ScenarioDefinition ApplyOverrides(ScenarioDefinition scenario, ScenarioOverrides o)
    {
        var load = scenario.Load;
        if (o.Rate is not null && o.Users is not null)
        {
            throw new InputFormatException("--users is for the closed model and --rate for the open model; with --rate, cap concurrency with --max-in-flight");
        }

        if (o.Rate is { } rate)
        {
            load = load with { Model = LoadModel.Open, Rate = rate > 0 && !double.IsInfinity(rate) ? rate : throw new InputFormatException("--rate must be a positive rate"), Stages = [] };
        }

        if (o.Users is { } users)
        {
            load = load with { Model = LoadModel.Closed, Users = OptionText.AtLeast(users, 1, "--users"), Stages = [] };
        }

        if (o.Duration is { } duration)
        {
            load = load with { Duration = duration > TimeSpan.Zero ? duration : throw new InputFormatException("--duration must be longer than 0s"), Stages = [] };
        }

        if (o.Iterations is { } iterations)
        {
            load = load with { Iterations = OptionText.AtLeast(iterations, 1L, "--iterations"), Duration = o.Duration is null ? null : load.Duration };
        }

        if (o.Stages is { } stages)
        {
            load = load with { Stages = OptionText.Stages(stages, load.Model, "--stages"), Duration = null };
        }

        if (o.Think is { } think)
        {
            load = think.Max >= think.Min && think.Min >= TimeSpan.Zero
                ? load with { ThinkTimeMin = think.Min, ThinkTimeMax = think.Max }
                : throw new InputFormatException("--think: the upper bound is below the lower bound");
        }

        if (o.WarmUp is { } warmUp)
        {
            load = load with { WarmUp = warmUp };
        }

        if (o.MaxInFlight is { } cap)
        {
            load = load with { MaxInFlight = OptionText.AtLeast(cap, 1, "--max-in-flight") };
        }

        if (load.Model == LoadModel.Open && load.Iterations is not null)
        {
            throw new InputFormatException("--iterations applies to the closed model (--users), not to --rate");
        }

        var result = scenario with { Load = load };
        if (o.Timeout is { } timeout)
        {
            result = result with { RequestTimeout = timeout > TimeSpan.Zero ? timeout : throw new InputFormatException("--timeout must be longer than 0s") };
        }

        if (o.Http2)
        {
            result = result with { HttpVersion = "2" };
        }

        if (o.ExpectStatus is not null || o.ExpectBody is not null)
        {
            result = result with
            {
                Endpoints = result.Endpoints.Select(e => e with
                {
                    ExpectStatus = o.ExpectStatus ?? e.ExpectStatus,
                    ExpectBodyContains = o.ExpectBody ?? e.ExpectBodyContains,
                }).ToList(),
            };
        }

        return o.Name is { } name ? result with { Name = name } : result;
    }
}
