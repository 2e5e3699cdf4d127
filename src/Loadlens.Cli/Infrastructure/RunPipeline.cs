using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Engine;
using Loadlens.Reporting.Console;
using Spectre.Console;

namespace Loadlens.Cli.Infrastructure;

/// <summary>What the CLI needs to carry out a run besides the scenario.</summary>
internal sealed record RunRequest
{
    public required ScenarioDefinition Scenario { get; init; }

    public string? OutputDirectory { get; init; }

    public bool AllowRemote { get; init; }

    public bool Insecure { get; init; }

    public int? Seed { get; init; }

    public TransportKind Transport { get; init; } = TransportKind.Auto;

    /// <summary>Event-loop threads of the epoll transport (null: default).</summary>
    public int? EventLoops { get; init; }
}

/// <summary>Run → live view → outputs → final table → exit code. Shared by <c>run</c> and <c>demo</c>.</summary>
internal static class RunPipeline
{
    public static async Task<int> ExecuteAsync(RunRequest request, CliContext cli, CancellationToken cancellationToken)
    {
        var console = cli.Console;
        var live = new LiveView(console, cli.Interactive, cli.Out, TimeSpan.FromSeconds(cli.Interactive ? 1 : 5));
        var options = new LoadRunnerOptions
        {
            Progress = live,
            AllowNonLoopbackTargets = request.AllowRemote,
            AcceptAnyServerCertificate = request.Insecure,
            Seed = request.Seed,
            TimeProvider = cli.TimeProvider,
            Transport = request.Transport,
            EventLoops = request.EventLoops,
        };
        var scenario = request.Scenario;
        var load = scenario.Load;
        var shape = load.Model == LoadModel.Open
            ? (load.Stages.Count > 0 ? $"open model, staged rate up to {load.PeakLevel:0.##} req/s" : $"open model, {load.Rate:0.##} req/s")
            : (load.Stages.Count > 0 ? $"closed model, up to {load.PeakLevel:0} users" : $"closed model, {load.Users} users");
        var bound = load.Iterations is { } it ? $"{it} iterations" : $"{load.TotalDuration?.TotalSeconds:0.#} s";
        cli.Out.WriteLine($"Loadlens: {scenario.Name} → {scenario.BaseUrl} ({shape}, {bound}{(load.WarmUp > TimeSpan.Zero ? $", warm-up {load.WarmUp.TotalSeconds:0.#} s" : string.Empty)})");

        RunResult result;
        try
        {
            result = await live.RunAsync(scenario.Name, () => LoadRunner.RunAsync(scenario, options, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cli.Error.WriteLine("interrupted before the run started; nothing was measured");
            return ExitCodes.RunFailed;
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

        var analysis = Loadlens.Analysis.Analyzer.Analyze(result);
        var directory = request.OutputDirectory ?? OutputBundle.DefaultDirectory(result.Name, result.StartedAt);
        IReadOnlyList<string> files;
        var writeFailed = false;
        try
        {
            files = await OutputBundle.WriteAsync(result, directory, analysis);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Never lose a run because the output folder is unusable: fall back to the temp folder.
            var fallback = Path.Combine(Path.GetTempPath(), OutputBundle.DefaultDirectory(result.Name, result.StartedAt));
            cli.Error.WriteLine($"error: cannot write results to {directory}: {ex.Message}; writing them to {fallback} instead");
            directory = fallback;
            files = await OutputBundle.WriteAsync(result, directory, analysis);
            writeFailed = true;
        }

        ResultTableRenderer.Write(console, result);
        FindingsRenderer.Write(console, analysis);
        cli.Out.WriteLine($"Results written to {directory}{Path.DirectorySeparatorChar}");
        foreach (var f in files)
        {
            cli.Out.WriteLine($"  {Path.GetFileName(f)}");
        }

        if (result.Generator is { } generator)
        {
            cli.Out.WriteLine(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"Generator: {generator.Transport}, {generator.CpuMicrosPerRequest:0.0} µs CPU/request, CPU {generator.CpuUtilization:P0} avg / {generator.PeakCpuUtilization:P0} peak of {generator.Cores} core(s), peak RSS {generator.PeakRssBytes / (1024.0 * 1024):0} MiB"));
            if (generator.Saturated)
            {
                cli.Error.WriteLine($"warning: the load generator was the bottleneck: {generator.SaturationReason}");
            }
        }

        if (writeFailed)
        {
            return ExitCodes.RunFailed;
        }

        if (!result.Outcome.Completed)
        {
            cli.Error.WriteLine($"warning: the run did not complete: {result.Outcome.Message ?? result.Outcome.StopReason}");
            return ExitCodes.RunFailed;
        }

        if (!analysis.SlaPassed)
        {
            cli.Error.WriteLine($"SLA failed: {analysis.Sla.Count(s => !s.Passed)} of {analysis.Sla.Count} checks (see analysis.md)");
            return ExitCodes.ThresholdFailed;
        }

        return ExitCodes.Ok;
    }
}

/// <summary>Console, streams and clock of one CLI invocation (swappable in tests).</summary>
internal sealed record CliContext(IAnsiConsole Console, TextWriter Out, TextWriter Error, bool Interactive, TimeProvider TimeProvider)
{
    public static CliContext FromEnvironment()
    {
        var ci = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        var interactive = !ci && !System.Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        var console = AnsiConsole.Console;
        if (System.Console.IsOutputRedirected || ci)
        {
            // Logs and pipes have no width: use a wide, colourless table instead of wrapping every cell.
            console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(System.Console.Out),
            });
            console.Profile.Width = 200;
        }

        return new CliContext(console, System.Console.Out, System.Console.Error, interactive, TimeProvider.System);
    }
}
