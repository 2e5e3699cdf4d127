using System.Globalization;
using Loadlens.Analysis;
using Loadlens.Analysis.Capacity;
using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Core.Serialization;
using Loadlens.Engine;
using Loadlens.Engine.Sweeps;
using Loadlens.Importers;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Pipeline;

/// <summary>
/// The one pipeline behind every command and every C# caller: resolve the scenario → run (or import) →
/// analyse → write every registered output → decide the verdict. The CLI only maps arguments to the options
/// records and prints the <see cref="PipelineResult"/>.
/// <code>
/// var done = await LoadlensPipeline.RunAsync(new RunOptions { Scenario = ScenarioRequest.ForUrl("http://127.0.0.1:5080/api/products"), OutputDirectory = "out" });
/// // out/ now holds result.json, the Locust CSVs, summary.md, analysis.md and analysis.json; done.ExitCode is loadlens run's exit code.
/// </code>
/// Expected failures (bad input, an unreachable target, an unwritable folder) come back as a verdict with
/// messages, never as exceptions.
/// </summary>
public static partial class LoadlensPipeline
{
    /// <summary>Name of the <see cref="AnalyzeOptions.InputFormat"/> that reads the input as a sweep document.</summary>
    public const string SweepFormat = "sweep";

    /// <summary>Resolve, run, analyse, write, decide (<c>loadlens run</c>).</summary>
    public static async Task<PipelineResult> RunAsync(RunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ScenarioDefinition scenario;
        try
        {
            scenario = ScenarioResolver.Resolve(options.Scenario);
        }
        catch (InputFormatException ex)
        {
            return Failed(Verdict.UsageError, "error: " + ex.Message);
        }

        await using var history = await HistorySession.OpenAsync(options.Save, cancellationToken).ConfigureAwait(false);
        if (history.Failure is { } unusable)
        {
            return unusable;
        }

        RunResult result;
        try
        {
            result = await RunWithHooksAsync(new RunSetup(scenario, options.Runner), options.Hooks, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RunError(ex, cancellationToken) is { } failure)
        {
            return failure with { Scenario = ScenarioRedaction.ForOutput(scenario) };
        }

        var analysis = Analyzer.Analyze(result, options.Analysis);
        var messages = new List<string>();
        var context = OutputContext.ForRun(result, analysis);
        var (directory, files, failures, writeFailed) = await WriteFolderAsync(
            context, options.Outputs, options.OutputDirectory, OutputFolder.Default(result.Name, result.StartedAt), messages).ConfigureAwait(false);

        if (result.Total.Unfinished > 0)
        {
            messages.Add("warning: " + Reporting.AnalysisText.Unfinished(result));
        }

        if (result.Generator is { Saturated: true } generator)
        {
            messages.Add($"warning: the load generator was the bottleneck: {generator.SaturationReason}");
        }

        var verdict = Verdict.Ok;
        if (writeFailed)
        {
            verdict = Verdict.RunFailed;
        }
        else if (!result.Outcome.Completed)
        {
            messages.Add($"warning: the run did not complete: {result.Outcome.Message ?? result.Outcome.StopReason}");
            verdict = Verdict.RunFailed;
        }
        else if (result.Total.Requests == 0)
        {
            messages.Add(scenario.Load.Iterations is { } n && scenario.Load.WarmUp > TimeSpan.Zero
                ? $"error: nothing was measured: all {n} iterations ran inside the {scenario.Load.WarmUp.TotalSeconds:0.###} s warm-up (shorten --warmup or raise --iterations)"
                : "error: nothing was measured: no request completed after the warm-up");
            verdict = Verdict.RunFailed;
        }
        else if (RunVerdict(analysis, messages, " (see analysis.md)") is { } failed)
        {
            verdict = failed;
        }

        // The baseline is resolved before this run is saved: @last means the run before this one.
        PipelineResult? compared = null;
        if (options.Baseline is { } baselineReference && result.Total.Requests > 0)
        {
            compared = await CompareAsync(new CompareOptions
            {
                Baseline = CompareInput.FromReference(baselineReference),
                Candidate = CompareInput.FromRun(result, "this run"),
                Comparison = options.BaselineComparison,
                BaselineRuns = options.BaselineRuns,
                History = options.Save is { } save ? save with { Store = history.Store ?? save.Store } : options.BaselineHistory ?? new HistoryOptions(),
                HistoryScenario = result.Name,
                HistorySweeps = false,
            }, cancellationToken).ConfigureAwait(false);
            messages.AddRange(compared.Messages);
            if (verdict == Verdict.Ok)
            {
                verdict = compared.Verdict;
            }
        }

        var savedId = result.Total.Requests > 0 ? await history.SaveAsync(result, messages).ConfigureAwait(false) : null;
        if (options.Save is not null && savedId is null && verdict == Verdict.Ok)
        {
            verdict = Verdict.RunFailed;
        }

        return new PipelineResult
        {
            Verdict = verdict,
            Scenario = ScenarioRedaction.ForOutput(scenario),
            SavedId = savedId,
            SavedTo = savedId is null ? null : history.Store?.Location,
            Comparison = compared?.Comparison,
            Run = result,
            Analysis = analysis,
            OutputDirectory = directory,
            Files = files,
            OutputFailures = failures,
            Messages = messages,
        };
    }

    /// <summary>Resolve, run every level, analyse capacity, write, decide (<c>loadlens sweep</c>).</summary>
    public static async Task<PipelineResult> SweepAsync(SweepOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        SweepPlan plan;
        try
        {
            CheckTargetRate(options.TargetRate);
            plan = BuildPlan(options);
        }
        catch (InputFormatException ex)
        {
            return Failed(Verdict.UsageError, "error: " + ex.Message);
        }

        await using var history = await HistorySession.OpenAsync(options.Save, cancellationToken).ConfigureAwait(false);
        if (history.Failure is { } unusable)
        {
            return unusable;
        }

        SweepResult sweep;
        try
        {
            sweep = await SweepRunner.RunAsync(
                plan,
                options.Runner,
                (step, ct) => RunWithHooksAsync(new RunSetup(step.Scenario, step.Options, step), options.Hooks, ct),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RunError(ex, cancellationToken) is { } failure)
        {
            return failure with { Scenario = ScenarioRedaction.ForOutput(plan.Scenario) };
        }

        var report = WithSizing(CapacityAnalyzer.Analyze(sweep), sweep, options.TargetRate);
        var messages = new List<string>();
        var (directory, files, failures, writeFailed) = await WriteFolderAsync(
            OutputContext.ForSweep(sweep, report), options.Outputs, options.OutputDirectory, OutputFolder.Default(sweep.Name + "-sweep", sweep.StartedAt), messages).ConfigureAwait(false);

        var verdict = Verdict.Ok;
        if (writeFailed)
        {
            verdict = Verdict.RunFailed;
        }
        else if (!sweep.Outcome.Completed)
        {
            messages.Add($"warning: the sweep did not complete: {sweep.Outcome.Message ?? sweep.Outcome.StopReason}");
            verdict = Verdict.RunFailed;
        }
        else if (sweep.Steps.All(st => st.Result.Total.Requests == 0))
        {
            messages.Add("error: nothing was measured: no step completed a request after its warm-up");
            verdict = Verdict.RunFailed;
        }
        else if (!report.SlaPassed)
        {
            messages.Add($"SLA failed: no step met {report.Capacity.Criteria}");
            verdict = Verdict.ThresholdFailed;
        }

        // As for runs: the baseline sweep is resolved before this sweep is saved.
        PipelineResult? compared = null;
        if (options.Baseline is { } baselineReference && sweep.Steps.Any(st => st.Result.Total.Requests > 0))
        {
            compared = await CompareAsync(new CompareOptions
            {
                Baseline = CompareInput.FromReference(baselineReference),
                Candidate = CompareInput.FromSweep(sweep, "this sweep"),
                Comparison = options.BaselineComparison,
                History = options.Save is { } save ? save with { Store = history.Store ?? save.Store } : options.BaselineHistory ?? new HistoryOptions(),
                HistoryScenario = sweep.Name,
                HistorySweeps = true,
            }, cancellationToken).ConfigureAwait(false);
            messages.AddRange(compared.Messages);
            if (verdict == Verdict.Ok)
            {
                verdict = compared.Verdict;
            }
        }

        var savedId = sweep.Steps.Any(st => st.Result.Total.Requests > 0) ? await history.SaveAsync(sweep, messages).ConfigureAwait(false) : null;
        if (options.Save is not null && savedId is null && verdict == Verdict.Ok)
        {
            verdict = Verdict.RunFailed;
        }

        return new PipelineResult
        {
            Verdict = verdict,
            Scenario = ScenarioRedaction.ForOutput(plan.Scenario),
            SavedId = savedId,
            SavedTo = savedId is null ? null : history.Store?.Location,
            SweepComparison = compared?.SweepComparison,
            Sweep = sweep,
            Capacity = report,
            OutputDirectory = directory,
            Files = files,
            OutputFailures = failures,
            Messages = messages,
        };
    }

    /// <summary>Import (or read a sweep), analyse, write what was asked for, decide (<c>loadlens analyze</c>).</summary>
    public static async Task<PipelineResult> AnalyzeAsync(AnalyzeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var messages = new List<string>();
        await using var history = await HistorySession.OpenAsync(options.Save, cancellationToken).ConfigureAwait(false);
        if (history.Failure is { } unusable)
        {
            return unusable;
        }

        OutputContext context;
        Verdict verdict;
        try
        {
            CheckTargetRate(options.TargetRate);
            if (SweepPath(options.Input, options.InputFormat) is { } sweepPath)
            {
                var sweep = await ReadSweepAsync(sweepPath, options.Analysis.Sla, cancellationToken).ConfigureAwait(false);
                var capacity = WithSizing(Analyze(sweepPath, sweep), sweep, options.TargetRate);
                context = OutputContext.ForSweep(sweep, capacity);
                if (!sweep.Outcome.Completed)
                {
                    messages.Add($"warning: the sweep did not complete ({sweep.Outcome.StopReason}): {sweep.Outcome.Message}; the analysis covers {sweep.Steps.Count} of {sweep.PlannedLevels.Count} planned steps");
                }

                verdict = capacity.SlaPassed ? Verdict.Ok : Verdict.ThresholdFailed;
                if (!capacity.SlaPassed)
                {
                    messages.Add($"SLA failed: no step met {capacity.Capacity.Criteria}");
                }
            }
            else
            {
                if (options.TargetRate is not null)
                {
                    throw new InputFormatException($"--target-rate sizes a deployment from a sweep: give a sweep.json or a sweep output folder, not {options.Input} (loadlens sweep … --target-rate 500/s)");
                }

                var run = await ResultImporter.ImportAsync(options.Input, options.InputFormat, cancellationToken).ConfigureAwait(false);
                var analysis = Analyzer.Analyze(run, options.Analysis);
                context = OutputContext.ForRun(run, analysis);
                verdict = RunVerdict(analysis, messages, string.Empty) ?? Verdict.Ok;
            }
        }
        catch (InputFormatException ex)
        {
            return Failed(Verdict.UsageError, "error: " + ex.Message);
        }

        var registry = options.Outputs ?? OutputRegistry.Default;
        var files = new List<string>();
        var failures = new List<OutputFailure>();
        var (document, usage) = await WriteDocumentAsync(registry, context, options.Format, options.OutputFile, files, failures, messages, cancellationToken).ConfigureAwait(false);
        if (usage is not null)
        {
            return usage;
        }

        string? savedId = null;
        if (options.Save is not null)
        {
            savedId = context.Run is { } toSave ? await history.SaveAsync(toSave, messages).ConfigureAwait(false) : await history.SaveAsync(context.Sweep!, messages).ConfigureAwait(false);
        }

        string? directory = null;
        var writeFailed = false;
        if (options.OutputDirectory is { } folder)
        {
            var name = context.Run is { } r ? OutputFolder.Default(r.Name, r.StartedAt) : OutputFolder.Default(context.Sweep!.Name + "-sweep", context.Sweep.StartedAt);
            (directory, var written, var folderFailures, var folderFailed) = await WriteFolderAsync(context, registry, folder, name, messages).ConfigureAwait(false);
            files.AddRange(written);
            failures.AddRange(folderFailures);
            writeFailed = folderFailed;
        }

        return new PipelineResult
        {
            Verdict = (failures.Count > 0 || writeFailed || (options.Save is not null && savedId is null)) && verdict == Verdict.Ok ? Verdict.RunFailed : verdict,
            SavedId = savedId,
            SavedTo = savedId is null ? null : history.Store?.Location,
            Run = context.Run,
            Analysis = context.Analysis,
            Sweep = context.Sweep,
            Capacity = context.Capacity,
            OutputDirectory = directory,
            Files = files,
            OutputFailures = failures,
            Document = document,
            Messages = messages,
        };
    }

    /// <summary>
    /// The sweep document to analyse, or null when <paramref name="input"/> is not a sweep: a file whose content is a
    /// sweep, a sweep output folder (sweep.json and no result.json), or anything with the <c>sweep</c> input format.
    /// </summary>
    internal static string? SweepPath(string input, string? inputFormat)
    {
        var forced = string.Equals(inputFormat, SweepFormat, StringComparison.OrdinalIgnoreCase);
        if (inputFormat is not null && !forced)
        {
            return null;
        }

        if (Directory.Exists(input))
        {
            var inFolder = Path.Combine(input, "sweep.json");
            if (forced)
            {
                return File.Exists(inFolder) ? inFolder : throw new InputFormatException(input, 0, 0, "folder holds no sweep.json");
            }

            return !File.Exists(Path.Combine(input, "result.json")) && File.Exists(inFolder) ? inFolder : null;
        }

        if (forced)
        {
            return File.Exists(input) ? input : throw new InputFormatException(input, 0, 0, "file not found");
        }

        return File.Exists(input) && SweepResultJson.IsSweepFile(input) ? input : null;
    }

    /// <summary>The sweep plan of <paramref name="options"/>: levels, step length, SLA, stop rule; every problem is bad input.</summary>
    internal static SweepPlan BuildPlan(SweepOptions options)
    {
        var o = options.Scenario.Overrides;
        if (o.Users is not null || o.Rate is not null || o.Duration is not null || o.Iterations is not null || o.Stages is not null || o.WarmUp is not null)
        {
            throw new InputFormatException("a sweep sets users, rate, duration, iterations, stages and warm-up per step (SweepOptions.Levels/Stages/StepDuration/StepIterations/StepWarmup), not through the scenario overrides");
        }

        var scenario = ScenarioResolver.ResolveUnchecked(options.Scenario);
        var model = options.Model;
        var levels = options.Levels;
        var step = options.StepDuration;
        if (options.Stages is { } stagesText)
        {
            if (levels.Count > 0)
            {
                throw new InputFormatException("give the levels either as --users/--rate or as --stages, not both");
            }

            var stages = OptionText.Stages(stagesText, model, "--stages");
            if (stages.Select(s => s.Duration).Distinct().Count() > 1)
            {
                throw new InputFormatException("--stages: every sweep step has the same length (e.g. 20s:1,20s:5,20s:10), or give the levels with --users/--rate and the length with --step");
            }

            levels = [.. stages.Select(s => s.Target)];
            step = stages[0].Duration;
        }

        if (levels.Count == 0)
        {
            throw new InputFormatException("give the levels with either --users 1,5,10,… (closed model) or --rate 50,100,…/s (open model)");
        }

        if (levels.Any(l => !(l > 0) || double.IsInfinity(l)) || (model == LoadModel.Closed && levels.Any(l => Math.Abs(l - Math.Round(l)) > 1e-9)))
        {
            throw new InputFormatException(model == LoadModel.Closed ? "sweep levels are whole numbers of users ≥ 1" : "sweep levels are positive rates");
        }

        for (var i = 1; i < levels.Count; i++)
        {
            if (!(levels[i] > levels[i - 1]))
            {
                throw new InputFormatException(string.Create(CultureInfo.InvariantCulture, $"levels must increase, but {levels[i]:0.##} follows {levels[i - 1]:0.##}"));
            }
        }

        if (step <= TimeSpan.Zero)
        {
            throw new InputFormatException("--step must be longer than zero");
        }

        var warmup = options.StepWarmup ?? DefaultStepWarmup(step, options.StepIterations);
        if (warmup < TimeSpan.Zero)
        {
            throw new InputFormatException("--step-warmup cannot be negative");
        }

        if (options.StepIterations is not null && model == LoadModel.Open)
        {
            throw new InputFormatException("--iterations applies to the closed model (--users), not to --rate");
        }

        if (!(options.MaxErrorRate >= 0 && options.MaxErrorRate <= 1))
        {
            throw new InputFormatException("--max-errors must be between 0 and 100 %");
        }

        var sla = scenario.Sla.Concat(options.ExtraSla).ToList();
        var maxErrors = options.MaxErrorRate;
        var plan = new SweepPlan
        {
            Scenario = scenario with { Sla = sla },
            Model = model,
            Levels = levels,
            StepDuration = step,
            StepWarmup = warmup,
            StepIterations = options.StepIterations,
            UntilSla = options.UntilSla,
            MaxErrorRate = maxErrors,
            Sla = sla,
            StopAfter = options.UntilSla ? result => StepSla.Violations(result, sla, maxErrors).Count > 0 : null,
        };

        // Every step must be a valid run: the one scenario check, on the first step's shape.
        return ScenarioValidation.Problem(SweepRunner.StepScenario(plan, levels[0])) is { } problem
            ? throw new InputFormatException(problem)
            : plan;
    }

    /// <summary>The default step warm-up: a quarter of the step, at most 5 s; none when steps are counted in requests.</summary>
    internal static TimeSpan DefaultStepWarmup(TimeSpan step, long? iterations) =>
        iterations is not null ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, step.Ticks / 4));

    private static async Task<RunResult> RunWithHooksAsync(RunSetup setup, IReadOnlyList<IRunHook> hooks, CancellationToken cancellationToken)
    {
        var entered = new List<(IRunHook Hook, RunSetup Setup)>(hooks.Count);
        try
        {
            foreach (var hook in hooks)
            {
                var before = setup;
                setup = await Hooked(hook, () => hook.BeforeRunAsync(setup, cancellationToken)).ConfigureAwait(false);
                entered.Add((hook, before));
            }

            var result = await LoadRunner.RunAsync(setup.Scenario, setup.Options, cancellationToken).ConfigureAwait(false);
            for (var i = entered.Count - 1; i >= 0; i--)
            {
                var hook = entered[i].Hook;
                entered.RemoveAt(i);
                var done = result;
                result = await Hooked(hook, () => hook.AfterRunAsync(setup, done, cancellationToken)).ConfigureAwait(false);
            }

            return result;
        }
        catch (Exception ex)
        {
            for (var i = entered.Count - 1; i >= 0; i--)
            {
                await entered[i].Hook.RunAbandonedAsync(setup, ex).ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>ThresholdFailed with its reason when the SLA or the default gate failed, else null.</summary>
    private static Verdict? RunVerdict(AnalysisReport analysis, List<string> messages, string seeAlso)
    {
        if (!analysis.SlaPassed)
        {
            messages.Add($"SLA failed: {analysis.Sla.Count(s => !s.Passed)} of {analysis.Sla.Count} checks{seeAlso}");
        }

        if (analysis.Gate is { Passed: false } gate)
        {
            messages.Add($"gate failed: {Reporting.AnalysisText.Gate(gate)}; --max-error-rate sets the limit, --no-gate turns it off");
        }

        return analysis.Passed ? null : Verdict.ThresholdFailed;
    }

    /// <summary>Runs a hook step; its failure (not a cancellation, not bad input such as a missing --target-pid process: exit 2) becomes a <see cref="RunHookException"/> naming the hook.</summary>
    private static async ValueTask<T> Hooked<T>(IRunHook hook, Func<ValueTask<T>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException or RunHookException or InputFormatException))
        {
            throw new RunHookException($"the run hook {hook.GetType().Name} failed: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    /// <summary>The verdict of a run that threw, or null for an exception that is not a run failure.</summary>
    private static PipelineResult? RunError(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => Failed(Verdict.RunFailed, "error: interrupted before the run started; nothing was measured"),
        TargetUnreachableException or RunHookException => Failed(Verdict.RunFailed, "error: " + ex.Message),
        TargetNotAllowedException or ArgumentException or InputFormatException => Failed(Verdict.UsageError, "error: " + ex.Message),
        _ => null,
    };

    private static PipelineResult Failed(Verdict verdict, string message) => new() { Verdict = verdict, Messages = [message] };

    /// <summary>
    /// The one document asked for with <c>-f FORMAT</c>: written to <paramref name="file"/>, or rendered (returned) for
    /// standard output; a usage error when no writer offers the format for <paramref name="context"/>.
    /// </summary>
    private static async Task<(string? Document, PipelineResult? UsageError)> WriteDocumentAsync(
        OutputRegistry registry, OutputContext context, string? format, string? file, List<string> files, List<OutputFailure> failures, List<string> messages, CancellationToken cancellationToken)
    {
        if (format is null)
        {
            return (null, null);
        }

        if (!registry.TryGetDocumentWriter(format, context, out var writer))
        {
            return (null, Failed(Verdict.UsageError, $"error: no '{format}' output for this input (available: {string.Join(", ", registry.Formats(context))})"));
        }

        if (file is null)
        {
            return writer is ITextOutputWriter text
                ? (text.Render(context), null)
                : (null, Failed(Verdict.UsageError, $"error: the '{format}' output cannot go to standard output: name a file with --out"));
        }

        var full = Path.GetFullPath(file);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            files.AddRange(await writer.WriteAsync(context, new OutputTarget(Path.GetDirectoryName(full)!, Path.GetFileName(full)), cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
        {
            failures.Add(new OutputFailure(writer.Name, ex.Message, ex));
            messages.Add($"error: cannot write {file}: {ex.Message}");
        }

        return (null, null);
    }

    /// <summary>Write every output; an unusable folder falls back to the temp folder so a run is never lost.</summary>
    private static async Task<(string Directory, IReadOnlyList<string> Files, IReadOnlyList<OutputFailure> Failures, bool Failed)> WriteFolderAsync(
        OutputContext context, OutputRegistry? outputs, string? requested, string fallbackName, List<string> messages)
    {
        // Outputs are written even after Ctrl-C: the partial run must not be lost (no cancellation here).
        var registry = outputs ?? OutputRegistry.Default;
        var directory = requested ?? fallbackName;
        OutputWriteResult written;
        var failed = false;
        try
        {
            written = await registry.WriteAllAsync(context, directory, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var fallback = Path.Combine(Path.GetTempPath(), fallbackName.TrimStart('/', '\\'));
            messages.Add($"error: cannot write results to {directory}: {ex.Message.TrimEnd('.')}; writing them to {fallback} instead");
            directory = fallback;
            failed = true;
            try
            {
                written = await registry.WriteAllAsync(context, directory, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                messages.Add($"error: cannot write results to {fallback} either: {again.Message.TrimEnd('.')}");
                return (directory, [], [new OutputFailure("output folder", again.Message, again)], true);
            }
        }

        foreach (var failure in written.Failures)
        {
            messages.Add($"error: {failure.Writer} could not be written: {failure.Message}");
            failed = true;
        }

        return (directory, written.Files, written.Failures, failed);
    }

    private static async Task<SweepResult> ReadSweepAsync(string path, IReadOnlyList<SlaTarget>? sla, CancellationToken cancellationToken)
    {
        try
        {
            var sweep = await SweepResultJson.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            return sla is null ? sweep : sweep with { Sla = sla };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputFormatException(path, 0, 0, "cannot read the file: " + ex.Message, ex);
        }
    }

    /// <summary>The sizing advice for <paramref name="targetRate"/> added to <paramref name="report"/> (none without a target rate).</summary>
    private static CapacityReport WithSizing(CapacityReport report, SweepResult sweep, double? targetRate)
        => targetRate is { } rate ? report with { Sizing = Analysis.Sizing.SizingAdvisor.Advise(sweep, report, rate) } : report;

    private static void CheckTargetRate(double? targetRate)
    {
        if (targetRate is { } rate && !(rate > 0 && double.IsFinite(rate)))
        {
            throw new InputFormatException(string.Create(CultureInfo.InvariantCulture, $"--target-rate must be a rate above 0, e.g. 500/s (got {rate})"));
        }
    }

    private static CapacityReport Analyze(string path, SweepResult sweep)
    {
        try
        {
            return CapacityAnalyzer.Analyze(sweep);
        }
        catch (Exception ex) when (ex is not (InputFormatException or OperationCanceledException or OutOfMemoryException))
        {
            // Bad input must never surface as a crash: a sweep document that parses but cannot be analysed is bad input.
            throw new InputFormatException(path, 0, 0, $"could not be analysed as a sweep: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }
}

/// <summary>A run hook failed: the run is not carried out (exit 3), whatever exception the hook threw.</summary>
public sealed class RunHookException : Exception
{
    /// <summary>Create with a message.</summary>
    public RunHookException(string message)
        : base(message)
    {
    }

    /// <summary>Create with a message and the hook's exception.</summary>
    public RunHookException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Required by analyzers.</summary>
    public RunHookException()
        : base("a run hook failed")
    {
    }
}
