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
            if (request.MoreUrls.Count > 0)
            {
                throw new InputFormatException($"give either one scenario file or one or more URLs, not both (got '{request.MoreUrls[0]}' after {target})");
            }
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

        if (request.Redact.Count > 0)
        {
            if (request.Redact.FirstOrDefault(n => string.IsNullOrWhiteSpace(n) || n.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ':')) is { } bad)
            {
                throw new InputFormatException($"--redact takes a header or feeder name, got '{bad}'");
            }

            scenario = scenario with { Redact = [.. scenario.Redact.Concat(request.Redact.Select(n => n.Trim())).Distinct(StringComparer.OrdinalIgnoreCase)] };
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

        var urls = request.MoreUrls.Prepend(target).Select(QuickUrl).ToList();
        var authority = urls[0].Url.GetLeftPart(UriPartial.Authority);
        if (urls.Where(u => !string.Equals(u.Url.GetLeftPart(UriPartial.Authority), authority, StringComparison.OrdinalIgnoreCase)).Select(u => u.Text).FirstOrDefault() is { } other)
        {
            throw new InputFormatException($"every URL of one run goes to the same scheme://host:port ({authority}), but '{other}' does not; use a scenario file for several targets");
        }

        var endpoints = urls.Select(u => new EndpointDefinition { Name = $"{method} {u.Url.PathAndQuery}", Method = method, Path = u.Url.PathAndQuery, Body = body, Weight = u.Weight }).ToList();
        if (endpoints.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InputFormatException($"'{twice.Key}' is given twice; give each URL once (weight one with URL@WEIGHT)");
        }

        return new ScenarioDefinition
        {
            Name = DefaultName(urls[0].Url, urls.Count),
            BaseUrl = new Uri(authority + "/"),
            Endpoints = endpoints,
            Load = QuickModeLoad,
        };
    }

    /// <summary>The default run name of quick mode: host, port and the first URL's path (<c>127.0.0.1-5080-api-products</c>).</summary>
    internal static string DefaultName(Uri url, int urlCount)
    {
        var path = string.Join('-', url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var name = path.Length > 0 ? $"{url.Host}-{url.Port}-{path}" : $"{url.Host}-{url.Port}";
        return urlCount > 1 ? $"{name}-and-{urlCount - 1}-more" : name;
    }

    private static (string Text, Uri Url, double Weight) QuickUrl(string text)
    {
        var weight = 1.0;
        var url = text;
        var at = text.LastIndexOf('@');
        if (at > 0 && at > text.IndexOf("//", StringComparison.Ordinal) + 1 && text.IndexOf('/', text.IndexOf("//", StringComparison.Ordinal) + 2) is var slash && slash > 0 && at > slash)
        {
            var suffix = text[(at + 1)..];
            if (!double.TryParse(suffix, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out weight) || !(weight > 0) || double.IsInfinity(weight))
            {
                throw new InputFormatException($"'{text}': the weight after '@' must be a positive number, e.g. {text[..at]}@3");
            }

            url = text[..at];
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InputFormatException($"TARGET must be an http:// or https:// URL or an existing scenario file: '{text}'");
        }

        return (text, uri, weight);
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
            if (o.Users is not null || o.Duration is not null)
            {
                throw new InputFormatException("--stages sets both the users (or rates) and the length of the run: drop --users and --duration");
            }

            // Rate targets (100/s) make the stages an open-model ramp, as --rate does.
            var model = o.Rate is not null || stages.Contains('/', StringComparison.Ordinal) ? LoadModel.Open : load.Model;
            load = load with { Model = model, Stages = OptionText.Stages(stages, model, "--stages"), Duration = null };
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
