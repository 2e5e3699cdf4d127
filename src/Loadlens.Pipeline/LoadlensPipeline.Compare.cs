using System.Globalization;
using Loadlens.Analysis.Capacity;
using Loadlens.Analysis.Compare;
using Loadlens.Core;
using Loadlens.Importers;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Pipeline;

/// <summary>Compare (<c>loadlens compare BASELINE CANDIDATE</c>, <c>history compare</c>, <c>run --baseline</c>).</summary>
public static partial class LoadlensPipeline
{
    /// <summary>
    /// Resolve both inputs (resolvers, then files: result.json, a run folder, any importable file, sweep.json), compare
    /// them (<see cref="RunComparer"/> or <see cref="SweepComparer"/>), write what was asked for, decide: exit 1 when
    /// <see cref="ComparisonOptions.FailOnRegression"/> is set and a gated metric regressed, 2 when the inputs are bad
    /// or not comparable, otherwise 0.
    /// </summary>
    public static async Task<PipelineResult> CompareAsync(CompareOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var messages = new List<string>();
        // A reference is read from an existing store only: comparing never creates .loadlens/history.db.
        var wantsHistory = options.History is { } h && (h.Store is not null || History.HistoryStore.IsAvailable(h.Connection, h.WorkingDirectory)) && new[] { options.Baseline, options.Candidate }.Any(i => i.Run is null && i.Sweep is null && i.Reference is { } r && History.HistoryStore.LooksLikeReference(r));
        await using var history = await HistorySession.OpenAsync(wantsHistory ? options.History : null, cancellationToken).ConfigureAwait(false);
        if (history.Failure is { } unusable)
        {
            return unusable;
        }

        IReadOnlyList<IRunReferenceResolver> resolvers = history.Store is { } store ? [.. options.Resolvers, new HistoryReferenceResolver(store, options.HistoryScenario, options.HistorySweeps)] : options.Resolvers;
        IReadOnlyList<IRunReferenceResolver> baselineResolvers = history.Store is { } s2 && options.BaselineRuns > 1
            ? [.. options.Resolvers, new HistoryReferenceResolver(s2, options.HistoryScenario, options.HistorySweeps, options.BaselineRuns)]
            : resolvers;
        OutputContext context;
        try
        {
            RunComparer.Validate(options.Comparison);
            if (options.BaselineRuns < 1)
            {
                throw new InputFormatException($"--baseline-runs must be at least 1, got {options.BaselineRuns}");
            }

            var baseline = await ResolveListAsync(options.Baseline, baselineResolvers, cancellationToken).ConfigureAwait(false);
            var candidate = await ResolveListAsync(options.Candidate, resolvers, cancellationToken).ConfigureAwait(false);
            if (baseline.Run is not null && candidate.Run is not null)
            {
                context = OutputContext.ForComparison(RunComparer.Compare(baseline.Runs, candidate.Runs, options.Comparison, baseline.Label, candidate.Label));
            }
            else if (baseline.Sweep is { } sa && candidate.Sweep is { } sb)
            {
                context = OutputContext.ForSweepComparison(SweepComparer.Compare(
                    sa, Analyze(baseline.Label, sa), sb, Analyze(candidate.Label, sb), options.Comparison, baseline.Label, candidate.Label));
            }
            else
            {
                return Failed(Verdict.UsageError, $"error: cannot compare a sweep with a single run ({baseline.Label} is a {(baseline.Sweep is null ? "run" : "sweep")}, {candidate.Label} a {(candidate.Sweep is null ? "run" : "sweep")})");
            }
        }
        catch (InputFormatException ex)
        {
            return Failed(Verdict.UsageError, "error: " + ex.Message);
        }
        catch (ArgumentException ex)
        {
            return Failed(Verdict.UsageError, "error: " + ex.Message);
        }

        var (warnings, regressions, notComparable, gateFailed) = context.Comparison is { } run
            ? (run.Warnings, run.Regressions, run.NotComparableReason, run.GateFailed)
            : (context.SweepComparison!.Warnings, context.SweepComparison.Regressions, context.SweepComparison.NotComparableReason, context.SweepComparison.GateFailed);
        messages.AddRange(warnings.Select(w => $"warning: {w.Message}"));

        var registry = options.Outputs ?? OutputRegistry.Default;
        var files = new List<string>();
        var failures = new List<OutputFailure>();
        var (document, usage) = await WriteDocumentAsync(registry, context, options.Format, options.OutputFile, files, failures, messages, cancellationToken).ConfigureAwait(false);
        if (usage is not null)
        {
            return usage;
        }

        string? directory = null;
        var writeFailed = false;
        if (options.OutputDirectory is { } folder)
        {
            (directory, var written, var folderFailures, writeFailed) = await WriteFolderAsync(context, registry, folder, "comparison", messages).ConfigureAwait(false);
            files.AddRange(written);
            failures.AddRange(folderFailures);
        }

        Verdict verdict;
        if (notComparable is not null)
        {
            messages.Add($"error: not comparable: {notComparable}");
            verdict = Verdict.UsageError;
        }
        else if (failures.Count > 0 || writeFailed)
        {
            verdict = Verdict.RunFailed;
        }
        else if (gateFailed)
        {
            messages.AddRange(regressions.Select(r => "regression: " + Describe(r)));
            verdict = Verdict.ThresholdFailed;
        }
        else
        {
            verdict = Verdict.Ok;
        }

        return new PipelineResult
        {
            Verdict = verdict,
            Comparison = context.Comparison,
            SweepComparison = context.SweepComparison,
            OutputDirectory = directory,
            Files = files,
            OutputFailures = failures,
            Document = document,
            Messages = messages,
        };
    }

    /// <summary>One line for a regression: <c>p95 of GET /x rose 35 % (12.1 → 16.4 ms), beyond the 10 % gate</c>.</summary>
    internal static string Describe(Regression r) => string.Create(
        CultureInfo.InvariantCulture,
        $"{r.Metric} of {r.Endpoint} {(double.IsFinite(r.RelativeChange) ? $"worsened {Math.Abs(r.RelativeChange) * 100:0.#} %" : "worsened from 0")} ({r.Baseline:0.###} → {r.Candidate:0.###}), beyond the {r.Threshold * 100:0.#} % gate");

    /// <summary>
    /// One side: a single reference, or a comma-separated list of runs of the same build (replicates:
    /// <c>run1/,run2/,run3/</c>), the first naming the endpoints. A list of sweeps is refused.
    /// </summary>
    private static async Task<CompareInput> ResolveListAsync(CompareInput input, IReadOnlyList<IRunReferenceResolver> resolvers, CancellationToken cancellationToken)
    {
        if (input.Run is not null || input.Sweep is not null || input.Reference is not { } reference
            || !reference.Contains(',', StringComparison.Ordinal) || File.Exists(reference) || Directory.Exists(reference))
        {
            return await ResolveAsync(input, resolvers, cancellationToken).ConfigureAwait(false);
        }

        var parts = reference.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var runs = new List<Core.Results.RunResult>();
        foreach (var part in parts)
        {
            var one = await ResolveAsync(CompareInput.FromReference(part), resolvers, cancellationToken).ConfigureAwait(false);
            if (one.Run is null)
            {
                throw new InputFormatException($"{part}: a list of replicates holds runs, not sweeps ({reference})");
            }

            runs.AddRange(one.Runs);
        }

        return input with { Run = runs[0], Replicates = runs[1..] };
    }

    private static async Task<CompareInput> ResolveAsync(CompareInput input, IReadOnlyList<IRunReferenceResolver> resolvers, CancellationToken cancellationToken)
    {
        if (input.Run is not null || input.Sweep is not null)
        {
            return input;
        }

        var reference = input.Reference ?? throw new InputFormatException($"{input.Label}: nothing to compare (no reference, run or sweep)");
        foreach (var resolver in resolvers)
        {
            if (await resolver.ResolveAsync(reference, cancellationToken).ConfigureAwait(false) is { } resolved)
            {
                return resolved.Run is null && resolved.Sweep is null
                    ? throw new InputFormatException($"{reference}: the {resolver.GetType().Name} resolver returned neither a run nor a sweep")
                    : resolved;
            }
        }

        if (reference.StartsWith('@'))
        {
            throw new InputFormatException($"'{reference}' is a history reference, but no history store is open to resolve it (save runs with --save, or give a file)");
        }

        if (SweepPath(reference, null) is { } sweepPath)
        {
            return input with { Sweep = await ReadSweepAsync(sweepPath, null, cancellationToken).ConfigureAwait(false) };
        }

        return input with { Run = await ResultImporter.ImportAsync(reference, null, cancellationToken).ConfigureAwait(false) };
    }
}
