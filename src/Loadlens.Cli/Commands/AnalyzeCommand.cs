using System.CommandLine;
using Loadlens.Analysis;
using Loadlens.Cli.Infrastructure;
using Loadlens.Core;
using Loadlens.Core.Scenarios;
using Loadlens.Importers;
using Loadlens.Reporting.Console;
using Loadlens.Reporting.Json;
using Loadlens.Reporting.Markdown;

namespace Loadlens.Cli.Commands;

/// <summary>
/// <c>loadlens analyze PATH</c>: import a result (Loadlens result.json, Locust CSV, …), run the findings
/// rules and SLA checks, and print or write the analysis. Exit 1 when an SLA target fails.
/// </summary>
internal static class AnalyzeCommand
{
    private static readonly Argument<string> Input = new("path")
    {
        Description = "Result to analyze: a Loadlens result.json, a Locust CSV prefix or file, or another supported format",
    };

    private static readonly Option<string?> Sla = new("--sla") { Description = "SLA targets (YAML; overrides the run's own): per endpoint p50/p95/p99/errorRate/minThroughput, '*' wildcards" };
    private static readonly Option<string?> Format = new("--format", "-f") { Description = "Output: console, md or json (default console, or from the --out extension); an importer format name (locust, k6-json, …) is taken as --input-format" };
    private static readonly Option<string?> Out = new("--out", "-o") { Description = "Write the report to this file instead of the terminal" };
    private static readonly Option<string?> InputFormat = new("--input-format") { Description = "Force the input format instead of detecting it" };
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
        return ResultImporter.Formats.Contains(baseName, StringComparer.OrdinalIgnoreCase);
    }

    private static string? FormatFromExtension(string? path) => Path.GetExtension(path ?? string.Empty).ToLowerInvariant() switch
    {
        ".md" or ".markdown" => "md",
        ".json" => "json",
        _ => null,
    };
}
