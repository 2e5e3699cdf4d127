using System.CommandLine;
using Loadlens.Analysis;
using Loadlens.Cli.Infrastructure;
using Loadlens.Core;
using Loadlens.Engine;
using Loadlens.Pipeline;

namespace Loadlens.Cli.Commands;

/// <summary>
/// The request, transport and output options that <c>run</c> and <c>sweep</c> share, defined once, and their
/// mapping to the pipeline's <see cref="ScenarioRequest"/> and <see cref="LoadRunnerOptions"/>.
/// </summary>
internal sealed class SharedOptions
{
    public Argument<string[]> Targets { get; } = new("target")
    {
        Description = "A scenario file (.yaml/.yml), or one or more URLs (quick mode; each its own endpoint, URL@WEIGHT weights one)",
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<string?> Think { get; } = new("--think") { Description = "Think time between a user's requests: 1s, or a uniform range 0.5s-2s" };

    public Option<string[]> Headers { get; } = new("--header", "-H") { Description = "Request header 'Name: value' (repeatable)", AllowMultipleArgumentsPerToken = false };

    public Option<string[]> Redact { get; } = new("--redact") { Description = "Header or feeder whose values never reach an output (repeatable; Authorization, Proxy-Authorization, Cookie and Set-Cookie always are)", AllowMultipleArgumentsPerToken = false };

    public Option<string?> Method { get; } = new("--method", "-X") { Description = "HTTP method (quick mode), default GET" };

    public Option<string?> Body { get; } = new("--body") { Description = "Request body (quick mode); @file reads a file" };

    public Option<string?> ExpectStatus { get; } = new("--expect-status") { Description = "Statuses that count as success, e.g. 200,201 (default: any 1xx-3xx)" };

    public Option<string?> ExpectBody { get; } = new("--expect-body") { Description = "Text the response body must contain" };

    public Option<string?> Timeout { get; } = new("--timeout") { Description = "Per-request timeout, default 30s" };

    public Option<bool> Http2 { get; } = new("--http2") { Description = "Use HTTP/2 (prior knowledge on http://, ALPN on https://)" };

    public Option<int?> MaxInFlight { get; } = new("--max-in-flight") { Description = "Open model: cap on concurrent requests; arrivals beyond it are dropped and counted (default 1000)" };

    public Option<string?> Name { get; } = new("--name") { Description = "Run name (output folder and reports)" };

    public Option<int?> Seed { get; } = new("--seed") { Description = "Random seed for the request mix, think time and random feeders" };

    public Option<bool> AllowRemote { get; } = new("--allow-remote") { Description = "Allow targets that are not loopback addresses" };

    public Option<bool> Insecure { get; } = new("--insecure", "-k") { Description = "Accept any TLS server certificate (self-signed test servers)" };

    public Option<string?> Transport { get; } = new Option<string?>("--transport")
    {
        Description = "How requests are sent: auto (epoll for closed-model plain http:// on Linux, lean HTTP/1.1 otherwise, SocketsHttpHandler for HTTP/2), epoll, lean, sockets",
    }.AcceptOnlyFromAmong("auto", "epoll", "lean", "sockets");

    public Option<bool> NoGate { get; } = new("--no-gate") { Description = "Turn off the default exit gate (exit 1 when more than --max-error-rate of the requests failed, SLA or not)" };

    public Option<int?> EventLoops { get; } = new("--event-loops") { Description = "epoll transport: number of event-loop threads (default: one per usable core, at most one per user)" };

    public Option<string?> Otlp { get; } = new("--otlp")
    {
        Description = "Receive the app's OpenTelemetry traces over OTLP/HTTP during the run and join them to each request (default 127.0.0.1:4318; loopback only unless --allow-remote)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public Option<string?> TraceContext { get; } = new("--trace-context") { Description = "With --otlp: send a W3C traceparent on every request (on, the default) or not (off)" };

    public Option<string?> Db { get; } = new("--db")
    {
        Description = "With --otlp: the app's database (a SQLite file path or postgres://user:pass@host/db), opened read-only to plan the top statements and advise missing indexes",
    };

    public Option<int[]> TargetPid { get; } = new("--target-pid")
    {
        Description = "Watch this server process while it is loaded: CPU, memory, threads, file descriptors, context switches from /proc once per interval (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<bool> TargetChildren { get; } = new("--target-children") { Description = "With --target-pid: also watch the process's children (e.g. gunicorn's workers under the master)" };

    public Option<bool> TargetDotnet { get; } = new("--target-dotnet") { Description = "With --target-pid: read the .NET runtime counters over EventPipe (GC, heap, thread pool, locks, exceptions); default: when the process is a .NET process" };

    /// <summary>The processes to watch (<c>--target-pid</c>, <c>--target-children</c>, <c>--target-dotnet</c>); null without <c>--target-pid</c>.</summary>
    public ProcessTargets? ProcessTargets(ParseResult parse)
    {
        var pids = parse.GetValue(TargetPid) ?? [];
        if (pids.Length == 0)
        {
            if (parse.GetValue(TargetChildren) || parse.GetValue(TargetDotnet))
            {
                throw new InputFormatException("--target-children and --target-dotnet need --target-pid PID");
            }

            return null;
        }

        if (pids.Any(p => p <= 0))
        {
            throw new InputFormatException($"--target-pid takes a process id (a positive number), not {pids.First(p => p <= 0)}");
        }

        return new ProcessTargets([.. pids.Distinct()], parse.GetValue(TargetChildren), parse.GetValue(TargetDotnet) ? true : null);
    }

    /// <summary>A <c>--slow-query</c> option (run and analyze each add their own): the <c>slow-query</c> rule's p95 threshold.</summary>
    public static Option<string?> SlowQueryOption() => new("--slow-query") { Description = "slow-query rule: a statement whose p95 exceeds this is slow (default 100ms)" };

    /// <summary>The analysis options with <c>--slow-query</c> applied on top of <paramref name="options"/>.</summary>
    public static AnalysisOptions WithSlowQuery(ParseResult parse, Option<string?> slowQuery, AnalysisOptions options) =>
        parse.GetValue(slowQuery) is { } text ? options with { SlowQueryMs = OptionText.Duration(text, "--slow-query").TotalMilliseconds } : options;

    /// <summary>A <c>--target-rate</c> option (sweep and analyze each add their own): size a deployment for this rate from the sweep.</summary>
    public static Option<string?> TargetRateOption() => new("--target-rate") { Description = "Sizing: what it takes to serve this rate within the SLA (workers, pool, replicas, hpa.yaml), from the sweep's measurements, e.g. 500/s" };

    /// <summary>The <c>--target-rate</c> value in req/s, or null when not given.</summary>
    public static double? TargetRateValue(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } text ? OptionText.Rate(text, "--target-rate") : null;

    /// <summary>Add the argument and every shared option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Targets);
        foreach (var option in new Option[] { Think, Headers, Redact, Method, Body, ExpectStatus, ExpectBody, Timeout, Http2, MaxInFlight, Name, Seed, AllowRemote, Insecure, Transport, EventLoops, NoGate, Otlp, TraceContext, Db, TargetPid, TargetChildren, TargetDotnet })
        {
            command.Add(option);
        }
    }

    /// <summary>The scenario request: the target, quick-mode request settings and <paramref name="load"/> with the shared overrides.</summary>
    public ScenarioRequest Request(ParseResult parse, ScenarioOverrides load)
    {
        // Several targets are allowed, so an unknown option would otherwise be taken for one: name it instead.
        if (parse.GetValue(Targets)?.FirstOrDefault(t => t.StartsWith('-')) is { } option)
        {
            throw new InputFormatException(LoadlensCli.Explain($"Unrecognized command or argument '{option}'.", parse.CommandResult.Command));
        }

        return RequestOf(parse, load);
    }

    private ScenarioRequest RequestOf(ParseResult parse, ScenarioOverrides load) => new()
    {
        Target = parse.GetValue(Targets) is { Length: > 0 } targets ? targets[0] : null,
        MoreUrls = parse.GetValue(Targets) is { Length: > 1 } more ? more[1..] : [],
        Method = parse.GetValue(Method),
        Body = parse.GetValue(Body),
        Headers = OptionText.Headers(parse.GetValue(Headers), "--header"),
        Redact = parse.GetValue(Redact) ?? [],
        Overrides = load with
        {
            Think = parse.GetValue(Think) is { } think ? OptionText.Think(think, "--think") : null,
            MaxInFlight = parse.GetValue(MaxInFlight),
            Timeout = parse.GetValue(Timeout) is { } t ? OptionText.Duration(t, "--timeout") : null,
            Http2 = parse.GetValue(Http2),
            ExpectStatus = parse.GetValue(ExpectStatus) is { } s ? OptionText.Statuses(s, "--expect-status") : null,
            ExpectBody = parse.GetValue(ExpectBody),
            Name = parse.GetValue(Name),
        },
    };

    /// <summary>The comparison with <c>--baseline</c> (run and sweep): the defaults, gated by <c>--fail-on-regression</c> when given.</summary>
    public static Analysis.Compare.ComparisonOptions BaselineComparison(ParseResult parse, Option<string?> failOnRegression) =>
        parse.GetValue(failOnRegression) is { } fail
            ? Analysis.Compare.ComparisonOptions.Default with { FailOnRegression = OptionText.Percentage(fail, "--fail-on-regression") }
            : Analysis.Compare.ComparisonOptions.Default;

    /// <summary>The hooks the options ask for: the process monitor with <c>--target-pid</c>, the OTLP receiver with <c>--otlp</c>.</summary>
    public IReadOnlyList<IRunHook> Hooks(ParseResult parse)
    {
        var hooks = new List<IRunHook>(); // the process monitors: one line each
        var targets = ProcessTargets(parse);
        hooks.AddRange(targets is not null ? [new ProcessWatchHook(targets)] : []);
        hooks.AddRange(DotnetCountersHook.For(targets));
        var traceContext = parse.GetValue(TraceContext) switch
        {
            null or "on" => true,
            "off" => false,
            var other => throw new InputFormatException($"--trace-context takes on or off, not '{other}'"),
        };
        if (parse.GetResult(Otlp) is null)
        {
            return parse.GetValue(TraceContext) is not null ? throw new InputFormatException("--trace-context needs --otlp (there is no receiver to join traces to)")
                : parse.GetValue(Db) is not null ? throw new InputFormatException("--db needs --otlp (the statements to plan come from the app's traces)")
                : hooks;
        }

        var db = parse.GetValue(Db);
        if (db is not null)
        {
            try
            {
                _ = Evidence.Plans.DatabaseTarget.Parse(db, Environment.CurrentDirectory);
            }
            catch (ArgumentException ex)
            {
                throw new InputFormatException(ex.Message);
            }
        }

        var text = parse.GetValue(Otlp) is { Length: > 0 } given ? given : "127.0.0.1:4318";
        var endPoint = OptionText.EndPoint(text, "--otlp");
        if (!parse.GetValue(AllowRemote) && !System.Net.IPAddress.IsLoopback(endPoint.Address))
        {
            throw new InputFormatException($"--otlp: the receiver listens on loopback addresses only ({endPoint.Address} is not one); add --allow-remote to listen elsewhere");
        }

        return [.. hooks, new ServerEvidenceHook(endPoint, parse.GetValue(AllowRemote)) { TraceContext = traceContext, Database = db }];
    }

    /// <summary>The runner options: transport, loopback policy, TLS, seed, clock.</summary>
    public LoadRunnerOptions Runner(ParseResult parse, CliContext cli)
    {
        if (parse.GetValue(EventLoops) is < 1)
        {
            throw new InputFormatException("--event-loops must be at least 1");
        }

        return new LoadRunnerOptions
        {
            AllowNonLoopbackTargets = parse.GetValue(AllowRemote),
            AcceptAnyServerCertificate = parse.GetValue(Insecure),
            Seed = parse.GetValue(Seed),
            TimeProvider = cli.TimeProvider,
            Transport = parse.GetValue(Transport) switch
            {
                "epoll" => TransportKind.Epoll,
                "lean" => TransportKind.Lean,
                "sockets" => TransportKind.Sockets,
                _ => TransportKind.Auto,
            },
            EventLoops = parse.GetValue(EventLoops),
        };
    }

    /// <summary>The exit gate's failure limit: <paramref name="text"/> ("1%", "0.05") or the default 1 %; null with <c>--no-gate</c>.</summary>
    public static double? GateLimit(ParseResult parse, Option<bool> noGate, string? text, string option)
    {
        if (parse.GetValue(noGate))
        {
            return text is null ? null : throw new InputFormatException($"{option} and --no-gate contradict each other");
        }

        return text is null ? AnalysisOptions.Default.MaxErrorRate : OptionText.ErrorRate(text, option);
    }

    /// <summary>Run <paramref name="map"/> and turn bad arguments into exit code 2 with a one-line error.</summary>
    public static bool TryMap<T>(CliContext cli, Func<T> map, out T value)
    {
        try
        {
            value = map();
            return true;
        }
        catch (InputFormatException ex)
        {
            cli.Error.WriteLine($"error: {ex.Message}");
            value = default!;
            return false;
        }
    }
}
