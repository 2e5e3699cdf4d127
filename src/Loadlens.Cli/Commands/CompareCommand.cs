using System.CommandLine;
using Loadlens.Analysis.Compare;
using Loadlens.Cli.Infrastructure;
using Loadlens.Core;
using Loadlens.Pipeline;

namespace Loadlens.Cli.Commands;

/// <summary>
/// <c>loadlens compare BASELINE CANDIDATE</c>: faster, slower, same or inconclusive per endpoint and metric, with the
/// evidence (docs/compare.md). Exit 1 with <c>--fail-on-regression</c> on a gated regression, 2 when not comparable.
/// </summary>
internal static class CompareCommand
{
    private static readonly Argument<string> Baseline = new("baseline") { Description = "The reference: result.json or a run folder, an imported file (Locust prefix, k6, JTL, hlog), sweep.json, or a history reference" };
    private static readonly Argument<string> Candidate = new("candidate") { Description = "The run to judge, in any of the same forms" };
    private static readonly Option<string?> MinEffect = new("--min-effect") { Description = "Smallest change that counts: a significant change below it is 'same' (default 5%)" };
    private static readonly Option<string?> FailOnRegression = new("--fail-on-regression") { Description = "Exit 1 when a gated metric got significantly worse by more than this, e.g. 10%" };
    private static readonly Option<string[]> Metric = new("--metric") { Description = "Gated metric (repeatable; default p95): mean, p50, p95, p99, max, throughput, error-rate, unfinished", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Format = new("--format", "-f") { Description = "Output: console (default), md, json, junit, html (or from the --out extension)" };
    private static readonly Option<string?> Out = new("--out", "-o") { Description = "Write the --format document to this file" };
    private static readonly Option<string?> OutputDir = new("--output-dir") { Description = "Write comparison.md, comparison.json and comparison.junit.xml into this folder" };
    private static readonly Option<int?> BaselineRuns = new("--baseline-runs") { Description = "With a history baseline @last or @last:BRANCH: compare against its newest N runs (replicates: the verdict then includes the run-to-run noise)" };
    private static readonly Option<string?> RunNoise = new("--run-noise") { Description = "Known run-to-run noise between runs of the same build, e.g. 4% (from an A/A calibration): put into every confidence interval" };
    private static readonly Option<int?> Seed = new("--seed") { Description = "Bootstrap seed (default fixed: the same inputs give the same report)" };

    public static Command Create(Func<CliContext> context, string name = "compare")
    {
        var command = new Command(name, "Compare two runs or sweeps: faster, slower, same or inconclusive per endpoint and metric, with confidence intervals; CI regression gate")
        {
            Baseline, Candidate, MinEffect, FailOnRegression, Metric, BaselineRuns, RunNoise, Format, Out, OutputDir, Seed,
        };
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            if (!SharedOptions.TryMap(cli, () => Options(parse), out var options))
            {
                return ExitCodes.UsageError;
            }

            var done = await LoadlensPipeline.CompareAsync(options, ct);
            if (done.Document is { } document)
            {
                cli.Out.Write(document);
            }
            else if (options.OutputFile is { } file && done.OutputFailures.Count == 0 && done.Verdict != Pipeline.Verdict.UsageError)
            {
                cli.Out.WriteLine($"Comparison written to {file}");
            }

            return ResultPrinter.Print(done, cli, console: options.Format is null);
        });
        return command;
    }

    /// <summary>The pipeline options of a parsed <c>compare</c> command line.</summary>
    internal static CompareOptions Options(ParseResult parse)
    {
        var outPath = parse.GetValue(Out);
        var format = parse.GetValue(Format)?.ToLowerInvariant() ?? Path.GetExtension(outPath ?? string.Empty).ToLowerInvariant() switch
        {
            ".md" or ".markdown" => "md",
            ".json" => "json",
            ".xml" => "junit",
            ".html" or ".htm" => "html",
            _ => "console",
        };
        format = format is "markdown" ? "md" : format is "xml" ? "junit" : format;
        if (format is not ("console" or "md" or "json" or "junit" or "html"))
        {
            throw new InputFormatException($"--format must be console, md, json, junit or html, got '{format}'");
        }

        if (format == "console" && outPath is not null)
        {
            throw new InputFormatException("--out writes a file: use --format md, json, junit or html (or a file name ending in .md, .json, .xml or .html)");
        }

        var comparison = ComparisonOptions.Default;
        if (parse.GetValue(MinEffect) is { } minEffect)
        {
            comparison = comparison with { MinEffect = OptionText.Percentage(minEffect, "--min-effect") };
        }

        if (parse.GetValue(FailOnRegression) is { } fail)
        {
            comparison = comparison with { FailOnRegression = OptionText.Percentage(fail, "--fail-on-regression") };
        }

        if (parse.GetValue(Metric) is { Length: > 0 } metrics)
        {
            var ids = new List<string>();
            foreach (var id in metrics.SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                ids.Add(ComparisonMetrics.Find(comparison.Metrics, id)?.Id
                    ?? throw new InputFormatException($"--metric: unknown metric '{id}'{Pipeline.Scenarios.Suggestions.DidYouMean(id, [.. comparison.Metrics.Select(m => m.Id)])} (metrics: {string.Join(", ", comparison.Metrics.Select(m => m.Id))})"));
            }

            comparison = comparison with { GatedMetrics = ids };
        }

        if (parse.GetValue(RunNoise) is { } noise)
        {
            comparison = comparison with { RunNoise = OptionText.Percentage(noise, "--run-noise") };
        }

        if (parse.GetValue(Seed) is { } seed)
        {
            comparison = comparison with { Seed = seed };
        }

        return new CompareOptions
        {
            Baseline = CompareInput.FromReference(parse.GetValue(Baseline)!),
            Candidate = CompareInput.FromReference(parse.GetValue(Candidate)!),
            Comparison = comparison,
            BaselineRuns = parse.GetValue(BaselineRuns) ?? 1,
            Format = format == "console" ? null : format,
            OutputFile = outPath,
            OutputDirectory = parse.GetValue(OutputDir),
            History = new HistoryOptions { Connection = parse.GetValue(HistoryCommand.Connection) },
        };
    }
}
