using System.CommandLine;
using Loadlens.Analysis;
using Loadlens.Analysis.Capacity;
using Loadlens.Cli.Infrastructure;
using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Core.Serialization;
using Loadlens.Importers;
using Loadlens.Reporting.Charts;
using Loadlens.Reporting.Console;
using Loadlens.Reporting.Json;
using Loadlens.Reporting.Markdown;
using Loadlens.Reporting.Sweep;

namespace Loadlens.Cli.Commands;

/// <summary>
/// <c>loadlens analyze PATH</c>: import a result (Loadlens result.json, Locust CSV, …), run the findings
/// rules and SLA checks, and print or write the analysis. Exit 1 when an SLA target fails. A sweep
/// document (sweep.json or its folder) gets the capacity analysis of <c>loadlens sweep</c> instead.
/// </summary>
internal static class AnalyzeCommand
{
    /// <summary><c>--input-format sweep</c>: read the input as a sweep document (it is detected by content otherwise).</summary>
    private const string SweepFormat = "sweep";

    private static readonly Argument<string> Input = new("path")
    {
        Description = "Result to analyze: a Loadlens result.json or sweep.json (or their folder), a Locust CSV prefix or file, or another supported format",
    };

    private static readonly Option<string?> Sla = new("--sla") { Description = "SLA targets (YAML; overrides the run's own): per endpoint p50/p95/p99/errorRate/minThroughput, '*' wildcards" };
    private static readonly Option<string?> Format = new("--format", "-f") { Description = "Output: console, md or json (default console, or from the --out extension); an importer format name (locust, k6-json, …) is taken as --input-format" };
    private static readonly Option<string?> Out = new("--out", "-o") { Description = "Write the report to this file instead of the terminal" };
    private static readonly Option<string?> InputFormat = new("--input-format") { Description = "Force the input format instead of detecting it (an importer format, or sweep)" };
    private static readonly Option<string?> TailWarning = new("--p99-warning") { Description = "tail-latency warning threshold, e.g. 300ms (default)" };
    private static readonly Option<string?> TailCritical = new("--p99-critical") { Description = "tail-latency critical threshold, e.g. 500ms (default)" };

    public static Command Create(Func<CliContext> context)
    {
        var command = new Command("analyze", "Diagnose a result: bottleneck findings with evidence, SLA pass/fail, tiered recommendations, cache-TTL advice")
        {
            Input, Sla, Format, Out, InputFormat, TailWarning, TailCritical,
        };
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            var outPath = parse.GetValue(Out);
            var inputFormat = parse.GetValue(InputFormat);
            var requested = parse.GetValue(Format);
            if (requested is not null && inputFormat is null && IsImporterFormat(requested))
            {
                // Output formats and importer formats never share a name: '--format k6-json' means the input.
                inputFormat = requested;
                requested = null;
            }

            var format = (requested ?? FormatFromExtension(outPath) ?? "console").ToLowerInvariant();
            if (format is "markdown")
            {
                format = "md";
            }

            if (format is not ("console" or "md" or "json"))
            {
                cli.Error.WriteLine($"error: --format must be console, md or json, got '{format}'");
                return ExitCodes.UsageError;
            }

            if (format == "console" && outPath is not null)
            {
                cli.Error.WriteLine("error: --out writes a file: use --format md or json (or an .md/.json file name)");
                return ExitCodes.UsageError;
            }

            AnalysisOptions options;
            Core.Results.RunResult run;
            try
            {
                options = BuildOptions(parse);
                if (SweepPath(parse.GetValue(Input)!, inputFormat) is { } sweepPath)
                {
                    return await AnalyzeSweepAsync(cli, sweepPath, options.Sla, format, outPath, ct);
                }

                run = await ResultImporter.ImportAsync(parse.GetValue(Input)!, inputFormat, ct);
            }
            catch (InputFormatException ex)
            {
                cli.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.UsageError;
            }

            var report = Analyzer.Analyze(run, options);
            string? text = format switch
            {
                "md" => AnalysisReportWriter.Render(run, report),
                "json" => AnalysisJsonWriter.Render(report),
                _ => null,
            };

            if (text is null)
            {
                ResultTableRenderer.Write(cli.Console, run);
                FindingsRenderer.Write(cli.Console, report);
            }
            else if (outPath is not null)
            {
                if (format == "md")
                {
                    AnalysisReportWriter.Write(run, report, outPath);
                }
                else
                {
                    AnalysisJsonWriter.Write(report, outPath);
                }

                cli.Out.WriteLine($"Analysis written to {outPath}");
            }
            else
            {
                cli.Out.Write(text);
            }

            return report.SlaPassed ? ExitCodes.Ok : ExitCodes.ThresholdFailed;
        });
        return command;
    }

    /// <summary>
    /// The sweep document to analyse, or null when <paramref name="input"/> is not a sweep: a file whose
    /// content is a sweep (<see cref="SweepResultJson.IsSweepDocument"/>), a sweep output folder (sweep.json
    /// and no result.json), or anything with <c>--input-format sweep</c>.
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

    /// <summary>
    /// Recompute the capacity analysis of a stored sweep and render it like <c>loadlens sweep</c> does
    /// (console table, sweep Markdown with charts next to <c>--out</c>, or the sweep-analysis JSON).
    /// Exit 1 when the sweep has steps and none met the SLA and the error limit.
    /// </summary>
    private static async Task<int> AnalyzeSweepAsync(CliContext cli, string path, IReadOnlyList<SlaTarget>? sla, string format, string? outPath, CancellationToken ct)
    {
        SweepResult sweep;
        CapacityReport report;
        try
        {
            sweep = await SweepResultJson.ReadAsync(path, ct);
            if (sla is not null)
            {
                sweep = sweep with { Sla = sla };
            }

            report = CapacityAnalyzer.Analyze(sweep);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputFormatException(path, 0, 0, "cannot read the file: " + ex.Message, ex);
        }
        catch (Exception ex) when (ex is not (InputFormatException or OperationCanceledException or OutOfMemoryException))
        {
            // Bad input must never surface as a crash: a sweep document that parses but cannot be analysed is bad input.
            throw new InputFormatException(path, 0, 0, $"could not be analysed as a sweep: {ex.GetType().Name}: {ex.Message}", ex);
        }

        switch (format)
        {
            case "md" when outPath is not null:
                var directory = Path.GetDirectoryName(Path.GetFullPath(outPath))!;
                Directory.CreateDirectory(directory);
                var charts = SweepCharts.Write(sweep, report, directory).Select(Path.GetFileName).OfType<string>().ToList();
                SweepMarkdownWriter.Write(sweep, report, charts, outPath);
                cli.Out.WriteLine(charts.Count > 0
                    ? $"Sweep analysis written to {outPath} (charts: {string.Join(", ", charts)})"
                    : $"Sweep analysis written to {outPath}");
                break;
            case "md":
                cli.Out.Write(SweepMarkdownWriter.Render(sweep, report, []));
                break;
            case "json" when outPath is not null:
                SweepAnalysisJsonWriter.Write(sweep, report, outPath);
                cli.Out.WriteLine($"Sweep analysis written to {outPath}");
                break;
            case "json":
                cli.Out.Write(SweepAnalysisJsonWriter.Render(sweep, report));
                break;
            default:
                SweepConsoleRenderer.Write(cli.Console, sweep, report);
                break;
        }

        if (!sweep.Outcome.Completed)
        {
            cli.Error.WriteLine($"warning: the sweep did not complete ({sweep.Outcome.StopReason}): {sweep.Outcome.Message}; the analysis covers {sweep.Steps.Count} of {sweep.PlannedLevels.Count} planned steps");
        }

        if (!SweepAnalysisJsonWriter.SlaPassed(report))
        {
            cli.Error.WriteLine($"SLA failed: no step met {report.Capacity.Criteria}");
            return ExitCodes.ThresholdFailed;
        }

        return ExitCodes.Ok;
    }

    private static AnalysisOptions BuildOptions(ParseResult parse)
    {
        var options = AnalysisOptions.Default;
        if (parse.GetValue(Sla) is { } slaPath)
        {
            options = options with { Sla = SlaFile.Load(slaPath) };
        }

        if (parse.GetValue(TailWarning) is { } warning)
        {
            options = options with { TailLatencyWarningMs = Milliseconds(warning, "--p99-warning") };
        }

        if (parse.GetValue(TailCritical) is { } critical)
        {
            options = options with { TailLatencyCriticalMs = Milliseconds(critical, "--p99-critical") };
        }

        if (options.TailLatencyCriticalMs < options.TailLatencyWarningMs)
        {
            throw new InputFormatException("--p99-critical must not be below --p99-warning");
        }

        return options;
    }

    private static double Milliseconds(string text, string option)
    {
        try
        {
            var value = Durations.Parse(text);
            return value > TimeSpan.Zero ? value.TotalMilliseconds : throw new FormatException("must be positive");
        }
        catch (FormatException ex)
        {
            throw new InputFormatException($"{option}: {ex.Message}");
        }
    }

    private static bool IsImporterFormat(string name)
    {
        var baseName = name.Split(':')[0];
        return string.Equals(baseName, SweepFormat, StringComparison.OrdinalIgnoreCase) || ResultImporter.Formats.Contains(baseName, StringComparer.OrdinalIgnoreCase);
    }

    private static string? FormatFromExtension(string? path) => Path.GetExtension(path ?? string.Empty).ToLowerInvariant() switch
    {
        ".md" or ".markdown" => "md",
        ".json" => "json",
        _ => null,
    };
}
