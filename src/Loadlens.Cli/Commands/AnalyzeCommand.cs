using System.CommandLine;
using Loadlens.Analysis;
using Loadlens.Cli.Infrastructure;
using Loadlens.Core;
using Loadlens.Importers;
using Loadlens.Pipeline;
using Loadlens.Pipeline.Scenarios;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Cli.Commands;

/// <summary>
/// <c>loadlens analyze PATH</c>: import a result (Loadlens result.json, Locust CSV, …) or read a sweep, analyse it
/// and print or write the analysis through the pipeline's output writers. Exit 1 when an SLA target fails.
/// </summary>
internal static class AnalyzeCommand
{
    private static readonly Argument<string> Input = new("path")
    {
        Description = "Result to analyze: a Loadlens result.json or sweep.json (or their folder), a Locust CSV prefix or file, or another supported format",
    };

    private static readonly Option<string?> Sla = new("--sla") { Description = "SLA targets (YAML; overrides the run's own): per endpoint p50/p95/p99/errorRate/minThroughput, '*' wildcards" };
    private static readonly Option<string?> Format = new("--format", "-f") { Description = "Output: console, or a document format of the output writers (md, json, …; default console, or from the --out extension); an importer format name (locust, k6-json, …) is taken as --input-format" };
    private static readonly Option<string?> Out = new("--out", "-o") { Description = "Write the report to this file instead of the terminal" };
    private static readonly Option<string?> InputFormat = new("--input-format") { Description = "Force the input format instead of detecting it (an importer format, or sweep)" };
    private static readonly Option<string?> SlowQuery = SharedOptions.SlowQueryOption();
    private static readonly Option<string?> MaxErrorRate = new("--max-error-rate") { Description = "Exit gate: exit 1 when more than this share of requests failed, SLA or not (default 1%)" };
    private static readonly Option<bool> NoGate = new("--no-gate") { Description = "Turn off the default exit gate" };
    private static readonly Option<string?> TailWarning = new("--p99-warning") { Description = "tail-latency warning threshold, e.g. 300ms (default)" };
    private static readonly Option<bool> Save = HistoryCommand.SaveOption();
    private static readonly Option<string[]> Tags = HistoryCommand.TagOption("Tag the saved run key=value (repeatable; with --save)");
    private static readonly Option<string?> TailCritical = new("--p99-critical") { Description = "tail-latency critical threshold, e.g. 500ms (default)" };
    private static readonly Option<string?> TargetRate = SharedOptions.TargetRateOption();

    public static Command Create(Func<CliContext> context)
    {
        var command = new Command("analyze", "Diagnose a result: bottleneck findings with evidence, SLA pass/fail, tiered recommendations, cache-TTL advice")
        {
            Input, Sla, Format, Out, InputFormat, MaxErrorRate, SlowQuery, NoGate, TailWarning, TailCritical, Save, Tags, TargetRate,
        };
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            if (!SharedOptions.TryMap(cli, () => Options(parse), out var options))
            {
                return ExitCodes.UsageError;
            }

            var done = await LoadlensPipeline.AnalyzeAsync(options, ct);
            if (done.Document is { } document)
            {
                cli.Out.Write(document);
            }
            else if (options.OutputFile is { } file && done.OutputFailures.Count == 0 && done.Verdict != Pipeline.Verdict.UsageError)
            {
                var sideFiles = done.Files.Skip(1).Select(Path.GetFileName).ToList();
                var what = done.Sweep is not null ? "Sweep analysis" : "Analysis";
                cli.Out.WriteLine(sideFiles.Count > 0 ? $"{what} written to {file} (charts: {string.Join(", ", sideFiles)})" : $"{what} written to {file}");
            }

            return ResultPrinter.Print(done, cli, console: options.Format is null);
        });
        return command;
    }

    /// <summary>The pipeline options of a parsed <c>analyze</c> command line.</summary>
    internal static AnalyzeOptions Options(ParseResult parse)
    {
        var outPath = parse.GetValue(Out);
        var inputFormat = parse.GetValue(InputFormat);
        var requested = parse.GetValue(Format);
        if (requested is not null && inputFormat is null && IsImporterFormat(requested))
        {
            // Output formats and importer formats never share a name: '--format k6-json' means the input.
            inputFormat = requested;
            requested = null;
        }

        var documents = DocumentFormats();
        var format = (requested ?? FormatFromExtension(outPath, documents) ?? "console").ToLowerInvariant();
        if (format is "markdown")
        {
            format = "md";
        }

        if (format != "console" && !documents.Contains(format, StringComparer.OrdinalIgnoreCase))
        {
            throw new InputFormatException($"--format must be console or a document format ({string.Join(", ", documents)}), got '{format}'");
        }

        if (format == "console" && outPath is not null)
        {
            throw new InputFormatException($"--out writes a file: use --format {string.Join(" or ", documents)} (or a file name with that extension)");
        }

        var analysis = SharedOptions.WithSlowQuery(parse, SlowQuery, AnalysisOptions.Default with { MaxErrorRate = SharedOptions.GateLimit(parse, NoGate, parse.GetValue(MaxErrorRate), "--max-error-rate") });
        if (parse.GetValue(Sla) is { } slaPath)
        {
            analysis = analysis with { Sla = SlaFile.Load(slaPath) };
        }

        if (parse.GetValue(TailWarning) is { } warning)
        {
            analysis = analysis with { TailLatencyWarningMs = OptionText.Milliseconds(warning, "--p99-warning") };
        }

        if (parse.GetValue(TailCritical) is { } critical)
        {
            analysis = analysis with { TailLatencyCriticalMs = OptionText.Milliseconds(critical, "--p99-critical") };
        }

        if (analysis.TailLatencyCriticalMs < analysis.TailLatencyWarningMs)
        {
            throw new InputFormatException("--p99-critical must not be below --p99-warning");
        }

        return new AnalyzeOptions
        {
            Input = parse.GetValue(Input)!,
            InputFormat = inputFormat,
            Analysis = analysis,
            Format = format == "console" ? null : format,
            OutputFile = outPath,
            Save = HistoryCommand.Save(parse, Tags, Save),
            TargetRate = SharedOptions.TargetRateValue(parse, TargetRate),
        };
    }

    private static bool IsImporterFormat(string name)
    {
        var baseName = name.Split(':')[0];
        return string.Equals(baseName, LoadlensPipeline.SweepFormat, StringComparison.OrdinalIgnoreCase) || ResultImporter.Formats.Contains(baseName, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The document formats the registered output writers offer (md, json, and any writer added later).</summary>
    private static IReadOnlyList<string> DocumentFormats() =>
        [.. OutputRegistry.Default.Writers.Select(w => w.Format).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)];

    private static string? FormatFromExtension(string? path, IReadOnlyList<string> documents)
    {
        var extension = Path.GetExtension(path ?? string.Empty).TrimStart('.').ToLowerInvariant();
        extension = extension is "markdown" ? "md" : extension;
        return documents.FirstOrDefault(f => string.Equals(f, extension, StringComparison.OrdinalIgnoreCase));
    }
}
