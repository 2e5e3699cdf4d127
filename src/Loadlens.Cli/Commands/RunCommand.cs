using System.CommandLine;
using System.Globalization;
using Loadlens.Cli.Infrastructure;
using Loadlens.Core;
using Loadlens.Core.Scenarios;
using Loadlens.Engine;

namespace Loadlens.Cli.Commands;

/// <summary><c>loadlens run TARGET</c>: quick mode (a URL) or a scenario file, with overrides.</summary>
internal static class RunCommand
{
    private static readonly Argument<string> Target = new("target")
    {
        Description = "A URL (quick mode) or a scenario file (.yaml/.yml)",
    };

    private static readonly Option<int?> Users = new("--users", "-u") { Description = "Virtual users (closed model)" };
    private static readonly Option<string?> Duration = new("--duration", "-d") { Description = "Run length, e.g. 30s, 2m, 1m30s (warm-up included)" };
    private static readonly Option<string?> Rate = new("--rate", "-r") { Description = "Arrival rate for the open model, e.g. 200/s, 1200/m" };
    private static readonly Option<long?> Iterations = new("--iterations", "-n") { Description = "Total requests across all users (closed model), instead of a duration" };
    private static readonly Option<string?> Stages = new("--stages") { Description = "Ramp stages as DURATION:TARGET,… e.g. 20s:50,1m:50,10s:0" };
    private static readonly Option<string?> Think = new("--think") { Description = "Think time between a user's requests: 1s, or a uniform range 0.5s-2s" };
    private static readonly Option<string?> Warmup = new("--warmup", "-w") { Description = "Warm-up excluded from statistics, e.g. 5s" };
    private static readonly Option<string[]> Headers = new("--header", "-H") { Description = "Request header 'Name: value' (repeatable)", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Method = new("--method", "-X") { Description = "HTTP method (quick mode), default GET" };
    private static readonly Option<string?> Body = new("--body") { Description = "Request body (quick mode); @file reads a file" };
    private static readonly Option<string?> ExpectStatus = new("--expect-status") { Description = "Statuses that count as success, e.g. 200,201 (default: any 1xx-3xx)" };
    private static readonly Option<string?> ExpectBody = new("--expect-body") { Description = "Text the response body must contain" };
    private static readonly Option<string?> Timeout = new("--timeout") { Description = "Per-request timeout, default 30s" };
    private static readonly Option<bool> Http2 = new("--http2") { Description = "Use HTTP/2 (prior knowledge on http://, ALPN on https://)" };
    private static readonly Option<int?> MaxInFlight = new("--max-in-flight") { Description = "Open model: cap on concurrent requests; arrivals beyond it are dropped and counted (default 1000)" };
    private static readonly Option<string?> Name = new("--name") { Description = "Run name (output folder and reports)" };
    private static readonly Option<string?> Out = new("--out", "-o") { Description = "Output folder (default ./loadlens-results/<name>-<timestamp>/)" };
    private static readonly Option<int?> Seed = new("--seed") { Description = "Random seed for the request mix, think time and random feeders" };
    private static readonly Option<bool> AllowRemote = new("--allow-remote") { Description = "Allow targets that are not loopback addresses" };
    private static readonly Option<string?> Transport = new Option<string?>("--transport")
    {
        Description = "How requests are sent: auto (lean HTTP/1.1 transport, SocketsHttpHandler for HTTP/2), epoll (own event loops, Linux, plain http:// HTTP/1.1), lean, sockets",
    }.AcceptOnlyFromAmong("auto", "epoll", "lean", "sockets");

    private static readonly Option<int?> EventLoops = new("--event-loops") { Description = "epoll transport: number of event-loop threads (default: one per usable core, at most one per user)" };

    private static readonly Option<bool> Insecure = new("--insecure", "-k") { Description = "Accept any TLS server certificate (self-signed test servers)" };

    public static Command Create(Func<CliContext> context)
    {
        var command = new Command("run", "Run a load test against a URL or a scenario file and write result.json, Locust CSV, summary.md and the analysis")
        {
            Target, Users, Duration, Rate, Iterations, Stages, Think, Warmup, Headers, Method, Body, ExpectStatus, ExpectBody,
            Timeout, Http2, MaxInFlight, Name, Out, Seed, AllowRemote, Insecure, Transport, EventLoops,
        };
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            ScenarioDefinition scenario;
            try
            {
                scenario = BuildScenario(parse);
            }
            catch (InputFormatException ex)
            {
                cli.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.UsageError;
            }

            if (parse.GetValue(EventLoops) is < 1)
            {
                cli.Error.WriteLine("error: --event-loops must be at least 1");
                return ExitCodes.UsageError;
            }

            return await RunPipeline.ExecuteAsync(
                new RunRequest
                {
                    Scenario = scenario,
                    OutputDirectory = parse.GetValue(Out),
                    AllowRemote = parse.GetValue(AllowRemote),
                    Insecure = parse.GetValue(Insecure),
                    Seed = parse.GetValue(Seed),
                    Transport = parse.GetValue(Transport) switch
                    {
                        "epoll" => TransportKind.Epoll,
                        "lean" => TransportKind.Lean,
                        "sockets" => TransportKind.Sockets,
                        _ => TransportKind.Auto,
                    },
                    EventLoops = parse.GetValue(EventLoops),
                },
                cli,
                ct);
        });
        return command;
    }

    /// <summary>Map arguments to a scenario: load the file or build one from the URL, then apply overrides.</summary>
    internal static ScenarioDefinition BuildScenario(ParseResult parse)
    {
        var target = parse.GetValue(Target)!;
        ScenarioDefinition scenario;
        var looksLikeFile = target.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || target.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || File.Exists(target);
        if (looksLikeFile)
        {
            scenario = ScenarioFile.Load(target);
            if (parse.GetValue(Method) is not null || parse.GetValue(Body) is not null)
            {
                throw new InputFormatException("--method and --body apply to quick mode (a URL); put them in the scenario file");
            }
        }
        else
        {
            scenario = QuickScenario(target, parse);
        }

        return ApplyOverrides(scenario, parse);
    }

    private static ScenarioDefinition QuickScenario(string target, ParseResult parse)
    {
        if (!Uri.TryCreate(target, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new InputFormatException($"TARGET must be an http:// or https:// URL or an existing scenario file: '{target}'");
        }

        var method = (parse.GetValue(Method) ?? "GET").ToUpperInvariant();
        if (method.Length == 0 || method.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal)))
        {
            throw new InputFormatException($"--method: '{method}' is not a valid HTTP method");
        }
        var body = parse.GetValue(Body);
        if (body is { Length: > 1 } && body[0] == '@')
        {
            var file = body[1..];
            if (!File.Exists(file))
            {
                throw new InputFormatException($"--body: file not found: {file}");
            }

            body = File.ReadAllText(file);
        }

        var path = url.PathAndQuery;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in parse.GetValue(Headers) ?? [])
        {
            var colon = h.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InputFormatException($"--header must look like 'Name: value', got '{h}'");
            }

            headers[h[..colon].Trim()] = h[(colon + 1)..].Trim();
        }

        return new ScenarioDefinition
        {
            Name = parse.GetValue(Name) ?? $"{url.Host}-{url.Port}",
            BaseUrl = new Uri(url.GetLeftPart(UriPartial.Authority) + "/"),
            Headers = headers,
            Endpoints = [new EndpointDefinition { Name = $"{method} {url.AbsolutePath}", Method = method, Path = path, Body = body }],
            Load = new LoadProfile { Users = 10, Duration = TimeSpan.FromSeconds(10) },
        };
    }

    private static ScenarioDefinition ApplyOverrides(ScenarioDefinition scenario, ParseResult parse)
    {
        var load = scenario.Load;
        var rate = parse.GetValue(Rate);
        var users = parse.GetValue(Users);
        if (rate is not null && users is not null)
        {
            throw new InputFormatException("--users is for the closed model and --rate for the open model; with --rate, cap concurrency with --max-in-flight");
        }

        if (rate is not null)
        {
            load = load with { Model = LoadModel.Open, Rate = ParseOption(Rates.Parse, rate, "--rate"), Stages = [] };
        }

        if (users is not null)
        {
            if (users < 1)
            {
                throw new InputFormatException("--users must be at least 1");
            }

            load = load with { Model = LoadModel.Closed, Users = users.Value, Stages = [] };
        }

        if (parse.GetValue(Duration) is { } d)
        {
            load = load with { Duration = ParseOption(Durations.Parse, d, "--duration"), Stages = [] };
        }

        if (parse.GetValue(Iterations) is { } n)
        {
            if (n < 1)
            {
                throw new InputFormatException("--iterations must be at least 1");
            }

            load = load with { Iterations = n, Duration = parse.GetValue(Duration) is null ? null : load.Duration };
        }

        if (parse.GetValue(Stages) is { } stages)
        {
            load = load with { Stages = ParseStages(stages, load.Model), Duration = null };
        }

        if (parse.GetValue(Think) is { } think)
        {
            var dash = think.IndexOf('-', StringComparison.Ordinal);
            var min = ParseOption(Durations.Parse, dash > 0 ? think[..dash] : think, "--think");
            var max = dash > 0 ? ParseOption(Durations.Parse, think[(dash + 1)..], "--think") : min;
            if (max < min)
            {
                throw new InputFormatException("--think: the upper bound is below the lower bound");
            }

            load = load with { ThinkTimeMin = min, ThinkTimeMax = max };
        }

        if (parse.GetValue(Warmup) is { } w)
        {
            load = load with { WarmUp = ParseOption(Durations.Parse, w, "--warmup") };
        }

        if (parse.GetValue(MaxInFlight) is { } cap)
        {
            if (cap < 1)
            {
                throw new InputFormatException("--max-in-flight must be at least 1");
            }

            load = load with { MaxInFlight = cap };
        }

        if (load.Model == LoadModel.Open && load.Iterations is not null)
        {
            throw new InputFormatException("--iterations applies to the closed model (--users), not to --rate");
        }

        if (load.Model == LoadModel.Open && load.Stages.Count == 0 && load.Rate <= 0)
        {
            throw new InputFormatException("the open model needs --rate or --stages");
        }

        if (load.TotalDuration is { } total && load.WarmUp >= total)
        {
            throw new InputFormatException($"the warm-up ({load.WarmUp.TotalSeconds:0.###} s) must be shorter than the run ({total.TotalSeconds:0.###} s)");
        }

        var result = scenario with { Load = load };
        if (parse.GetValue(Timeout) is { } t)
        {
            result = result with { RequestTimeout = ParseOption(Durations.Parse, t, "--timeout") };
        }

        if (parse.GetValue(Http2))
        {
            result = result with { HttpVersion = "2" };
        }

        if (parse.GetValue(ExpectStatus) is { } statuses || parse.GetValue(ExpectBody) is not null)
        {
            var list = parse.GetValue(ExpectStatus) is { } s ? ParseStatuses(s) : null;
            var bodyText = parse.GetValue(ExpectBody);
            result = result with
            {
                Endpoints = result.Endpoints.Select(e => e with
                {
                    ExpectStatus = list ?? e.ExpectStatus,
                    ExpectBodyContains = bodyText ?? e.ExpectBodyContains,
                }).ToList(),
            };
        }

        if (parse.GetValue(Name) is { } name)
        {
            result = result with { Name = name };
        }

        return result;
    }

    private static List<int> ParseStatuses(string text)
    {
        var list = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code < 100 || code > 599)
            {
                throw new InputFormatException($"--expect-status: '{part}' is not an HTTP status code (100-599)");
            }

            list.Add(code);
        }

        return list;
    }

    internal static List<LoadStage> ParseStages(string text, LoadModel model)
    {
        var stages = new List<LoadStage>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.LastIndexOf(':');
            if (colon <= 0)
            {
                throw new InputFormatException($"--stages: '{part}' must look like DURATION:TARGET, e.g. 20s:50");
            }

            var duration = ParseOption(Durations.Parse, part[..colon], "--stages");
            var targetText = part[(colon + 1)..];
            double target;
            if (model == LoadModel.Open)
            {
                target = targetText.Trim() == "0" ? 0 : ParseOption(Rates.Parse, targetText, "--stages");
            }
            else if (!double.TryParse(targetText, NumberStyles.Float, CultureInfo.InvariantCulture, out target) || target < 0)
            {
                throw new InputFormatException($"--stages: '{targetText}' is not a number of users");
            }

            stages.Add(new LoadStage(duration, target));
        }

        if (stages.Count == 0)
        {
            throw new InputFormatException("--stages: no stages given");
        }

        return stages;
    }

    private static T ParseOption<T>(Func<string, T> parse, string value, string option)
    {
        try
        {
            return parse(value);
        }
        catch (FormatException ex)
        {
            throw new InputFormatException($"{option}: {ex.Message}");
        }
    }
}
