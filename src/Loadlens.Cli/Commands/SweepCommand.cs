using System.CommandLine;
using Loadlens.Cli.Infrastructure;
using Loadlens.Core;
using Loadlens.Core.Scenarios;
using Loadlens.Pipeline;

namespace Loadlens.Cli.Commands;

/// <summary>
/// <c>loadlens sweep TARGET --users 1,5,10,… | --rate 50,100,…/s</c>: run the same load at a series of
/// levels, then report capacity at SLA, the USL fit, knees and capacity findings, with charts. Maps
/// arguments to <see cref="SweepOptions"/>; it accepts every request, transport and load option of <c>run</c>.
/// </summary>
internal static class SweepCommand
{
    private static readonly SharedOptions Shared = new();
    private static readonly Option<string?> Users = new("--users", "-u") { Description = "Closed model: user levels, e.g. 1,5,10,25,50,100,200" };
    private static readonly Option<string?> Rate = new("--rate", "-r") { Description = "Open model: arrival-rate levels, e.g. 50,100,200,400/s" };
    private static readonly Option<string?> Step = new("--step", "--duration", "-d") { Description = "Measured length of each step, default 20s (unlike run's --duration, the step warm-up comes on top)" };
    private static readonly Option<string?> StepWarmup = new("--step-warmup", "--warmup", "-w") { Description = "Warm-up of each step, excluded from its statistics, before the measured --step; default a quarter of the step, at most 5s (0 with --iterations)" };
    private static readonly Option<long?> Iterations = new("--iterations", "-n") { Description = "Closed model: requests per step, instead of --step" };
    private static readonly Option<string?> Stages = new("--stages") { Description = "Levels as stages DURATION:LEVEL,… (one step each, one common length), e.g. 20s:1,20s:5,20s:10" };
    private static readonly Option<bool> UntilSla = new("--until-sla") { Description = "Stop after the first step that fails the SLA or the error limit" };
    private static readonly Option<string?> MaxErrors = new("--max-errors", "--max-error-rate") { Description = "Error-rate limit of a step (its gate), e.g. 1% (default) or 0.5%; a step above it does not count toward capacity" };
    private static readonly Option<string?> SlaP99 = new("--sla-p99") { Description = "SLA: p99 latency target for all requests, e.g. 250ms (adds to the scenario's SLA)" };
    private static readonly Option<string?> SlaP95 = new("--sla-p95") { Description = "SLA: p95 latency target for all requests, e.g. 100ms" };
    private static readonly Option<string?> Out = new("--out", "-o") { Description = "Output folder (default ./loadlens-results/<name>-sweep-<timestamp>/)" };
    private static readonly Option<bool> Save = HistoryCommand.SaveOption();
    private static readonly Option<string?> Baseline = new("--baseline") { Description = "Compare this sweep with a baseline sweep: @last:main, @last, a run id, @SHA (history, same scenario) or a sweep.json" };
    private static readonly Option<string?> FailOnRegression = new("--fail-on-regression") { Description = "With --baseline: exit 1 when capacity or p95 got significantly worse by more than this, e.g. 10%" };
    private static readonly Option<string[]> Tags = HistoryCommand.TagOption("Tag the saved sweep key=value (repeatable; with --save)");
    private static readonly Option<string?> TargetRate = SharedOptions.TargetRateOption();

    public static Command Create(Func<CliContext> context)
    {
        var command = new Command("sweep", "Step the load through several levels and report capacity at SLA, the USL fit, knees and bottleneck findings (sweep.json, sweep.md, charts)")
        {
            Users, Rate, Step, StepWarmup, Iterations, Stages, UntilSla, MaxErrors, SlaP99, SlaP95, Out, Save, Tags, Baseline, FailOnRegression, TargetRate,
        };
        Shared.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            if (!SharedOptions.TryMap(cli, () => Options(parse, cli), out var options))
            {
                return ExitCodes.UsageError;
            }

            return ResultPrinter.Print(await LoadlensPipeline.SweepAsync(options, ct), cli);
        });
        return command;
    }

    /// <summary>The pipeline options of a parsed <c>sweep</c> command line.</summary>
    internal static SweepOptions Options(ParseResult parse, CliContext cli)
    {
        if (parse.GetValue(FailOnRegression) is not null && parse.GetValue(Baseline) is null)
        {
            throw new InputFormatException("--fail-on-regression gates the comparison with --baseline: add --baseline @last:main (or another reference)");
        }

        var users = parse.GetValue(Users);
        var rate = parse.GetValue(Rate);
        var stages = parse.GetValue(Stages);
        if (users is not null && rate is not null)
        {
            throw new InputFormatException("give the levels with either --users 1,5,10,… (closed model) or --rate 50,100,…/s (open model)");
        }

        if (stages is not null && parse.GetValue(Step) is not null)
        {
            throw new InputFormatException("--stages gives each step's length already: drop --step (or give the levels with --users/--rate)");
        }

        var model = rate is not null || (stages is not null && stages.Contains('/', StringComparison.Ordinal)) ? LoadModel.Open : LoadModel.Closed;
        var p99 = parse.GetValue(SlaP99) is { } a ? OptionText.Duration(a, "--sla-p99").TotalMilliseconds : (double?)null;
        var p95 = parse.GetValue(SlaP95) is { } b ? OptionText.Duration(b, "--sla-p95").TotalMilliseconds : (double?)null;
        return new SweepOptions
        {
            Scenario = Shared.Request(parse, new ScenarioOverrides()),
            Model = model,
            Levels = users is not null ? OptionText.UserLevels(users, "--users") : rate is not null ? OptionText.RateLevels(rate, "--rate") : [],
            Stages = stages,
            StepDuration = OptionText.Duration(parse.GetValue(Step) ?? "20s", "--step"),
            StepWarmup = parse.GetValue(StepWarmup) is { } w ? OptionText.Duration(w, "--step-warmup") : null,
            StepIterations = parse.GetValue(Iterations) is { } n ? OptionText.AtLeast(n, 1L, "--iterations") : null,
            UntilSla = parse.GetValue(UntilSla),
            MaxErrorRate = SharedOptions.GateLimit(parse, Shared.NoGate, parse.GetValue(MaxErrors), "--max-errors") ?? 1.0,
            ExtraSla = p99 is null && p95 is null ? [] : [new SlaTarget { Endpoint = "*", P99Ms = p99, P95Ms = p95 }],
            Runner = Shared.Runner(parse, cli),
            OutputDirectory = parse.GetValue(Out),
            Hooks = [.. Shared.Hooks(parse), new ConsoleRunHook(cli)],
            Save = HistoryCommand.Save(parse, Tags, Save),
            Baseline = parse.GetValue(Baseline),
            BaselineComparison = SharedOptions.BaselineComparison(parse, FailOnRegression),
            BaselineHistory = new HistoryOptions { Connection = parse.GetValue(HistoryCommand.Connection) },
            TargetRate = SharedOptions.TargetRateValue(parse, TargetRate),
        };
    }
}
