using System.CommandLine;
using System.Globalization;
using Loadlens.Analysis.Capacity;
using Loadlens.Cli.Infrastructure;
using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Core.Serialization;
using Loadlens.Engine;
using Loadlens.Engine.Sweeps;
using Loadlens.Reporting.Charts;
using Loadlens.Reporting.Sweep;

namespace Loadlens.Cli.Commands;

/// <summary>
/// <c>loadlens sweep TARGET --users 1,5,10,… | --rate 50,100,…/s</c>: run the same load at a series of
/// levels, then report capacity at SLA, the USL fit, knees and capacity findings, with charts.
/// </summary>
internal static class SweepCommand
{
    private static readonly Argument<string> Target = new("target") { Description = "A URL (quick mode) or a scenario file (.yaml/.yml)" };
    private static readonly Option<string?> Users = new("--users", "-u") { Description = "Closed model: user levels, e.g. 1,5,10,25,50,100,200" };
    private static readonly Option<string?> Rate = new("--rate", "-r") { Description = "Open model: arrival-rate levels, e.g. 50,100,200,400/s" };
    private static readonly Option<string?> Step = new("--step") { Description = "Measured length of each step, default 20s" };
    private static readonly Option<string?> StepWarmup = new("--step-warmup") { Description = "Warm-up of each step, excluded from its statistics, default 5s" };
    private static readonly Option<bool> UntilSla = new("--until-sla") { Description = "Stop after the first step that fails the SLA or the error limit" };
    private static readonly Option<string?> MaxErrors = new("--max-errors") { Description = "Error-rate limit of a step, e.g. 1% (default) or 0.5%" };
    private static readonly Option<string?> SlaP99 = new("--sla-p99") { Description = "SLA: p99 latency target for all requests, e.g. 250ms (adds to the scenario's SLA)" };
    private static readonly Option<string?> SlaP95 = new("--sla-p95") { Description = "SLA: p95 latency target for all requests, e.g. 100ms" };
    private static readonly Option<string[]> Headers = new("--header", "-H") { Description = "Request header 'Name: value' (repeatable)", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Method = new("--method", "-X") { Description = "HTTP method (quick mode), default GET" };
    private static readonly Option<string?> Body = new("--body") { Description = "Request body (quick mode); @file reads a file" };
    private static readonly Option<string?> ExpectStatus = new("--expect-status") { Description = "Statuses that count as success, e.g. 200,201 (default: any 1xx-3xx)" };
    private static readonly Option<string?> Think = new("--think") { Description = "Think time between a user's requests: 1s, or a uniform range 0.5s-2s" };
    private static readonly Option<string?> Timeout = new("--timeout") { Description = "Per-request timeout, default 30s" };
    private static readonly Option<int?> MaxInFlight = new("--max-in-flight") { Description = "Open model: cap on concurrent requests (default 1000)" };
    private static readonly Option<string?> Name = new("--name") { Description = "Sweep name (output folder and reports)" };
    private static readonly Option<string?> Out = new("--out", "-o") { Description = "Output folder (default ./loadlens-results/<name>-sweep-<timestamp>/)" };
    private static readonly Option<int?> Seed = new("--seed") { Description = "Random seed for the request mix, think time and random feeders" };
    private static readonly Option<bool> AllowRemote = new("--allow-remote") { Description = "Allow targets that are not loopback addresses" };
    private static readonly Option<bool> Insecure = new("--insecure", "-k") { Description = "Accept any TLS server certificate (self-signed test servers)" };

    public static Command Create(Func<CliContext> context)
    {
        var command = new Command("sweep", "Step the load through several levels and report capacity at SLA, the USL fit, knees and bottleneck findings (sweep.json, sweep.md, charts)")
        {
            Target, Users, Rate, Step, StepWarmup, UntilSla, MaxErrors, SlaP99, SlaP95, Headers, Method, Body, ExpectStatus, Think, Timeout,
            MaxInFlight, Name, Out, Seed, AllowRemote, Insecure,
        };
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            SweepPlan plan;
            try
            {
                plan = BuildPlan(parse);
            }
            catch (InputFormatException ex)
            {
                cli.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.UsageError;
            }

            return await ExecuteAsync(plan, parse, cli, ct);
        });
        return command;
    }

    internal static SweepPlan BuildPlan(ParseResult parse)
    {
        var target = parse.GetValue(Target)!;
        var looksLikeFile = target.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || target.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || File.Exists(target);
        ScenarioDefinition scenario;
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

        var users = parse.GetValue(Users);
        var rate = parse.GetValue(Rate);
        if ((users is null) == (rate is null))
        {
            throw new InputFormatException("give the levels with either --users 1,5,10,… (closed model) or --rate 50,100,…/s (open model)");
        }

        var model = users is not null ? LoadModel.Closed : LoadModel.Open;
        var levels = users is not null ? ParseUsers(users) : ParseRates(rate!);
        var step = Parse(Durations.Parse, parse.GetValue(Step) ?? "20s", "--step");
        var warmup = Parse(Durations.Parse, parse.GetValue(StepWarmup) ?? "5s", "--step-warmup");
        if (step <= TimeSpan.Zero)
        {
            throw new InputFormatException("--step must be longer than zero");
        }

        var maxErrors = 0.01;
        if (parse.GetValue(MaxErrors) is { } me)
        {
            var text = me.Trim();
            var percent = text.EndsWith('%');
            if (!double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < 0 || (percent ? v > 100 : v > 1))
            {
                throw new InputFormatException($"--max-errors: '{me}' is not an error rate (e.g. 1% or 0.01)");
            }

            maxErrors = percent ? v / 100 : v;
        }

        var load = scenario.Load;
        if (parse.GetValue(Think) is { } think)
        {
            var dash = think.IndexOf('-', StringComparison.Ordinal);
            var min = Parse(Durations.Parse, dash > 0 ? think[..dash] : think, "--think");
            var max = dash > 0 ? Parse(Durations.Parse, think[(dash + 1)..], "--think") : min;
            if (max < min)
            {
                throw new InputFormatException("--think: the upper bound is below the lower bound");
            }

            load = load with { ThinkTimeMin = min, ThinkTimeMax = max };
        }

        if (parse.GetValue(MaxInFlight) is { } cap)
        {
            load = cap >= 1 ? load with { MaxInFlight = cap } : throw new InputFormatException("--max-in-flight must be at least 1");
        }

        scenario = scenario with { Load = load };
        if (parse.GetValue(Timeout) is { } t)
        {
            scenario = scenario with { RequestTimeout = Parse(Durations.Parse, t, "--timeout") };
        }

        if (parse.GetValue(ExpectStatus) is { } statuses)
        {
            var list = new List<int>();
            foreach (var part in statuses.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                list.Add(int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599
                    ? code
                    : throw new InputFormatException($"--expect-status: '{part}' is not an HTTP status code (100-599)"));
            }

            scenario = scenario with { Endpoints = scenario.Endpoints.Select(e => e with { ExpectStatus = list }).ToList() };
        }

        if (parse.GetValue(Name) is { } name)
        {
            scenario = scenario with { Name = name };
        }

        var sla = scenario.Sla.ToList();
        var p99 = parse.GetValue(SlaP99) is { } a ? Parse(Durations.Parse, a, "--sla-p99").TotalMilliseconds : (double?)null;
        var p95 = parse.GetValue(SlaP95) is { } b ? Parse(Durations.Parse, b, "--sla-p95").TotalMilliseconds : (double?)null;
        if (p99 is not null || p95 is not null)
        {
            sla.Add(new SlaTarget { Endpoint = "*", P99Ms = p99, P95Ms = p95 });
        }

        var stopOnSla = parse.GetValue(UntilSla);
        return new SweepPlan
        {
            Scenario = scenario with { Sla = sla },
            Model = model,
            Levels = levels,
            StepDuration = step,
            StepWarmup = warmup,
            UntilSla = stopOnSla,
            MaxErrorRate = maxErrors,
            Sla = sla,
            StopAfter = stopOnSla ? result => StepSla.Violations(result, sla, maxErrors).Count > 0 : null,
        };
    }

    private static async Task<int> ExecuteAsync(SweepPlan plan, ParseResult parse, CliContext cli, CancellationToken cancellationToken)
    {
        var unit = plan.Model == LoadModel.Closed ? "users" : "req/s";
        var perStep = plan.StepWarmup + plan.StepDuration;
        cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Loadlens sweep: {plan.Scenario.Name} → {plan.Scenario.BaseUrl} ({plan.Levels.Count} levels: {string.Join(", ", plan.Levels.Select(l => l.ToString("0.##", CultureInfo.InvariantCulture)))} {unit}; {perStep.TotalSeconds:0.#} s per step incl. {plan.StepWarmup.TotalSeconds:0.#} s warm-up; up to {perStep.TotalSeconds * plan.Levels.Count:0} s)"));
        LiveView? live = null;
        var options = new LoadRunnerOptions
        {
            AllowNonLoopbackTargets = parse.GetValue(AllowRemote),
            AcceptAnyServerCertificate = parse.GetValue(Insecure),
            Seed = parse.GetValue(Seed),
            TimeProvider = cli.TimeProvider,
            Progress = new Progress(() => live),
        };

        SweepResult sweep;
        try
        {
            sweep = await SweepRunner.RunAsync(
                plan,
                options,
                (i, level) =>
                {
                    live = new LiveView(cli.Console, interactive: false, cli.Out, TimeSpan.FromSeconds(5)); // plain lines: one live panel per step would flicker
                    cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {i + 1}/{plan.Levels.Count}: {level:0.##} {unit}"));
                },
                step =>
                {
                    var t = step.Result.Total;
                    cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  → {t.RequestsPerSecond:0.0} req/s, p50 {t.Latency.P50:0.##} ms, p99 {t.Latency.P99:0.##} ms, errors {t.FailureRate:0.##%}"));
                },
                cancellationToken);
        }
        catch (TargetUnreachableException ex)
        {
            cli.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.RunFailed;
        }
        catch (TargetNotAllowedException ex)
        {
            cli.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.UsageError;
        }
        catch (ArgumentException ex)
        {
            cli.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.UsageError;
        }

        var report = CapacityAnalyzer.Analyze(sweep);
        var directory = parse.GetValue(Out) ?? OutputBundle.DefaultDirectory(sweep.Name + "-sweep", sweep.StartedAt);
        IReadOnlyList<string> files;
        var writeFailed = false;
        try
        {
            files = await WriteAsync(sweep, report, directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var fallback = Path.Combine(Path.GetTempPath(), OutputBundle.DefaultDirectory(sweep.Name + "-sweep", sweep.StartedAt));
            cli.Error.WriteLine($"error: cannot write results to {directory}: {ex.Message}; writing them to {fallback} instead");
            directory = fallback;
            files = await WriteAsync(sweep, report, directory);
            writeFailed = true;
        }

        SweepConsoleRenderer.Write(cli.Console, sweep, report);
        cli.Out.WriteLine($"Results written to {directory}{Path.DirectorySeparatorChar}");
        foreach (var f in files)
        {
            cli.Out.WriteLine($"  {Path.GetFileName(f)}");
        }

        if (writeFailed)
        {
            return ExitCodes.RunFailed;
        }

        if (!sweep.Outcome.Completed)
        {
            cli.Error.WriteLine($"warning: the sweep did not complete: {sweep.Outcome.Message ?? sweep.Outcome.StopReason}");
            return ExitCodes.RunFailed;
        }

        if (report.Steps.Count > 0 && report.Capacity.StepIndex is null)
        {
            cli.Error.WriteLine($"SLA failed: no step met {report.Capacity.Criteria}");
            return ExitCodes.ThresholdFailed;
        }

        return ExitCodes.Ok;
    }

    internal static async Task<IReadOnlyList<string>> WriteAsync(SweepResult sweep, CapacityReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        var json = Path.Combine(directory, "sweep.json");
        await SweepResultJson.WriteAsync(sweep, json);
        written.Add(json);
        var charts = SweepCharts.Write(sweep, report, directory);
        written.AddRange(charts);
        var md = Path.Combine(directory, "sweep.md");
        SweepMarkdownWriter.Write(sweep, report, charts.Select(Path.GetFileName).OfType<string>().ToList(), md);
        written.Add(md);
        return written;
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
            body = File.Exists(file) ? File.ReadAllText(file) : throw new InputFormatException($"--body: file not found: {file}");
        }

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
            Name = $"{url.Host}-{url.Port}",
            BaseUrl = new Uri(url.GetLeftPart(UriPartial.Authority) + "/"),
            Headers = headers,
            Endpoints = [new EndpointDefinition { Name = $"{method} {url.AbsolutePath}", Method = method, Path = url.PathAndQuery, Body = body }],
            Load = new LoadProfile(),
        };
    }

    internal static List<double> ParseUsers(string text)
    {
        var levels = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                throw new InputFormatException($"--users: '{part}' is not a whole number of users ≥ 1 (e.g. --users 1,5,10,25)");
            }

            levels.Add(n);
        }

        return Ascending(levels, "--users");
    }

    internal static List<double> ParseRates(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var last = parts[^1];
        var slash = last.IndexOf('/', StringComparison.Ordinal);
        var unit = slash >= 0 ? last[slash..] : "/s";
        var levels = new List<double>();
        foreach (var part in parts)
        {
            var withUnit = part.Contains('/', StringComparison.Ordinal) ? part : part + unit;
            levels.Add(Parse(Rates.Parse, withUnit, "--rate"));
        }

        return Ascending(levels, "--rate");
    }

    private static List<double> Ascending(List<double> levels, string option)
    {
        for (var i = 1; i < levels.Count; i++)
        {
            if (!(levels[i] > levels[i - 1]))
            {
                throw new InputFormatException($"{option}: levels must increase, but {levels[i].ToString("0.##", CultureInfo.InvariantCulture)} follows {levels[i - 1].ToString("0.##", CultureInfo.InvariantCulture)}");
            }
        }

        return levels;
    }

    private static T Parse<T>(Func<string, T> parser, string text, string option)
    {
        try
        {
            return parser(text);
        }
        catch (FormatException ex)
        {
            throw new InputFormatException($"{option}: {ex.Message}");
        }
    }

    /// <summary>Forwards live snapshots to the current step's view.</summary>
    private sealed class Progress(Func<LiveView?> current) : IProgress<LiveSnapshot>
    {
        public void Report(LiveSnapshot value) => current()?.Report(value);
    }
}
