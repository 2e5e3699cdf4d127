using System.Globalization;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Engine;
using Loadlens.Pipeline;

namespace Loadlens.Cli.Infrastructure;

/// <summary>
/// The CLI's view of the pipeline's runs: the header line before a run (or a sweep and each of its steps), the
/// live progress while it runs, and a one-line step summary after each sweep step.
/// </summary>
internal sealed class ConsoleRunHook(CliContext cli) : IRunHook
{
    private LiveView? _live;

    public ValueTask<RunSetup> BeforeRunAsync(RunSetup setup, CancellationToken cancellationToken)
    {
        if (setup.Step is { } step)
        {
            if (step.Index == 0)
            {
                cli.Out.WriteLine(SweepHeader(step.Plan));
            }

            cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {step.Index + 1}/{step.Plan.Levels.Count}: {step.Level:0.##} {Unit(step.Plan.Model)}"));
            _live = new LiveView(cli.Console, interactive: false, cli.Out, TimeSpan.FromSeconds(5)); // plain lines: one live panel per step would flicker
        }
        else
        {
            cli.Out.WriteLine(RunHeader(setup.Scenario));
            _live = new LiveView(cli.Console, cli.Interactive, cli.Out, TimeSpan.FromSeconds(cli.Interactive ? 1 : 5));
            _live.Start(setup.Scenario.Name);
        }

        var live = _live;
        var previous = setup.Options.Progress;
        IProgress<LiveSnapshot> progress = previous is null ? live : new Both(live, previous);
        return ValueTask.FromResult(setup with { Options = setup.Options with { Progress = progress } });
    }

    public async ValueTask<RunResult> AfterRunAsync(RunSetup setup, RunResult result, CancellationToken cancellationToken)
    {
        await StopAsync();
        if (setup.Step is not null)
        {
            var t = result.Total;
            cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  → {t.RequestsPerSecond:0.0} req/s, p50 {t.Latency.P50:0.##} ms, p99 {t.Latency.P99:0.##} ms, errors {t.FailureRate:0.##%}{(t.Unfinished > 0 ? $", {t.Unfinished} unfinished" : string.Empty)}{(result.DrainSeconds >= 0.1 ? $"; drained in {result.DrainSeconds:0.0} s" : string.Empty)}"));
        }

        return result;
    }

    public async ValueTask RunAbandonedAsync(RunSetup setup, Exception error) => await StopAsync();

    internal static string RunHeader(ScenarioDefinition scenario)
    {
        var load = scenario.Load;
        var shape = load.Model == LoadModel.Open
            ? (load.Stages.Count > 0 ? $"open model, staged rate up to {load.PeakLevel:0.##} req/s" : $"open model, {load.Rate:0.##} req/s")
            : (load.Stages.Count > 0 ? $"closed model, up to {load.PeakLevel:0} users" : $"closed model, {load.Users} users");
        var bound = load.Iterations is { } it ? $"{it} iterations" : $"{load.TotalDuration?.TotalSeconds:0.#} s";
        var warm = load.WarmUp > TimeSpan.Zero ? $", warm-up {load.WarmUp.TotalSeconds:0.#} s" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"Loadlens: {scenario.Name} → {ScenarioRedaction.Target(scenario.BaseUrl)} ({shape}, {bound}{warm})");
    }

    private static string SweepHeader(Engine.Sweeps.SweepPlan plan)
    {
        var perStep = plan.StepWarmup + plan.StepDuration;
        var levels = string.Join(", ", plan.Levels.Select(l => l.ToString("0.##", CultureInfo.InvariantCulture)));
        var length = plan.StepIterations is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"{n} requests per step{(plan.StepWarmup > TimeSpan.Zero ? $" after a {plan.StepWarmup.TotalSeconds:0.#} s warm-up" : string.Empty)}")
            : string.Create(CultureInfo.InvariantCulture, $"{perStep.TotalSeconds:0.#} s per step incl. {plan.StepWarmup.TotalSeconds:0.#} s warm-up; up to {perStep.TotalSeconds * plan.Levels.Count:0} s");
        return $"Loadlens sweep: {plan.Scenario.Name} → {ScenarioRedaction.Target(plan.Scenario.BaseUrl)} ({plan.Levels.Count} levels: {levels} {Unit(plan.Model)}; {length})";
    }

    private static string Unit(LoadModel model) => model == LoadModel.Closed ? "users" : "req/s";

    private async Task StopAsync()
    {
        if (_live is { } live)
        {
            _live = null;
            await live.StopAsync();
        }
    }

    private sealed class Both(IProgress<LiveSnapshot> first, IProgress<LiveSnapshot> second) : IProgress<LiveSnapshot>
    {
        public void Report(LiveSnapshot value)
        {
            first.Report(value);
            second.Report(value);
        }
    }
}
