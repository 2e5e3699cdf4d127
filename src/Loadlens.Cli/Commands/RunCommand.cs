using System.CommandLine;
using Loadlens.Analysis;
using Loadlens.Cli.Infrastructure;
using Loadlens.Pipeline;

namespace Loadlens.Cli.Commands;

/// <summary><c>loadlens run TARGET</c>: quick mode (a URL) or a scenario file, with overrides; maps arguments to <see cref="RunOptions"/>.</summary>
internal static class RunCommand
{
    private static readonly SharedOptions Shared = new();
    private static readonly Option<int?> Users = new("--users", "-u") { Description = "Virtual users (closed model)" };
    private static readonly Option<string?> Duration = new("--duration", "-d") { Description = "Run length, e.g. 30s, 2m, 1m30s (warm-up included)" };
    private static readonly Option<string?> Rate = new("--rate", "-r") { Description = "Arrival rate for the open model, e.g. 200/s, 1200/m" };
    private static readonly Option<long?> Iterations = new("--iterations", "-n") { Description = "Total requests across all users (closed model), instead of a duration" };
    private static readonly Option<string?> Stages = new("--stages") { Description = "Ramp stages as DURATION:TARGET,… e.g. 20s:50,1m:50,10s:0" };
    private static readonly Option<string?> Warmup = new("--warmup", "-w") { Description = "Warm-up excluded from statistics, e.g. 5s" };
    private static readonly Option<string?> SlowQuery = SharedOptions.SlowQueryOption();
    private static readonly Option<string?> MaxErrorRate = new("--max-error-rate") { Description = "Exit gate: exit 1 when more than this share of requests failed, SLA or not (default 1%)" };
    private static readonly Option<string?> Out = new("--out", "-o") { Description = "Output folder (default ./loadlens-results/<name>-<timestamp>/)" };
    private static readonly Option<bool> Save = HistoryCommand.SaveOption();
    private static readonly Option<string?> Baseline = new("--baseline") { Description = "Compare this run with a baseline: @last:main, @last, a run id, @SHA (history, same scenario) or a result file" };
    private static readonly Option<int?> BaselineRuns = new("--baseline-runs") { Description = "With --baseline @last:BRANCH: compare against its newest N runs, so the verdict includes the run-to-run noise" };
    private static readonly Option<string?> FailOnRegression = new("--fail-on-regression") { Description = "With --baseline: exit 1 when p95 got significantly worse by more than this, e.g. 10%" };
    private static readonly Option<string[]> Tags = HistoryCommand.TagOption("Tag the saved run key=value (repeatable; with --save)");

    public static Command Create(Func<CliContext> context)
    {
        var command = new Command("run", "Run a load test against a URL or a scenario file and write result.json, Locust CSV, summary.md and the analysis")
        {
            Users, Duration, Rate, Iterations, Stages, Warmup, MaxErrorRate, SlowQuery, Out, Save, Tags, Baseline, BaselineRuns, FailOnRegression,
        };
        Shared.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            if (!SharedOptions.TryMap(cli, () => Options(parse, cli), out var options))
            {
                return ExitCodes.UsageError;
            }

            return ResultPrinter.Print(await LoadlensPipeline.RunAsync(options, ct), cli);
        });
        return command;
    }

    /// <summary>The pipeline options of a parsed <c>run</c> command line.</summary>
    internal static RunOptions Options(ParseResult parse, CliContext cli) => parse.GetValue(FailOnRegression) is not null && parse.GetValue(Baseline) is null
        ? throw new Core.InputFormatException("--fail-on-regression gates the comparison with --baseline: add --baseline @last:main (or another reference)")
        : new()
    {
        Scenario = Shared.Request(parse, new ScenarioOverrides
        {
            Users = parse.GetValue(Users),
            Rate = parse.GetValue(Rate) is { } rate ? OptionText.Rate(rate, "--rate") : null,
            Duration = parse.GetValue(Duration) is { } d ? OptionText.Duration(d, "--duration") : null,
            Iterations = parse.GetValue(Iterations),
            Stages = parse.GetValue(Stages),
            WarmUp = parse.GetValue(Warmup) is { } w ? OptionText.Duration(w, "--warmup") : null,
        }),
        Runner = Shared.Runner(parse, cli),
        Analysis = SharedOptions.WithSlowQuery(parse, SlowQuery, AnalysisOptions.Default with { MaxErrorRate = SharedOptions.GateLimit(parse, Shared.NoGate, parse.GetValue(MaxErrorRate), "--max-error-rate") }),
        OutputDirectory = parse.GetValue(Out),
        Hooks = [.. Shared.Hooks(parse), new ConsoleRunHook(cli)],
        Save = HistoryCommand.Save(parse, Tags, Save),
        Baseline = parse.GetValue(Baseline),
        BaselineComparison = SharedOptions.BaselineComparison(parse, FailOnRegression),
        BaselineRuns = parse.GetValue(BaselineRuns) ?? 1,
        BaselineHistory = new HistoryOptions { Connection = parse.GetValue(HistoryCommand.Connection) },
    };
}
