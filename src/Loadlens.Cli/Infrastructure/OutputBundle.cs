using System.Text;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;
using Loadlens.Reporting.Csv;
using Loadlens.Reporting.Markdown;

namespace Loadlens.Cli.Infrastructure;

/// <summary>Writes every output of a run into one folder: result.json, Locust CSVs, summary.md, analysis.md/json.</summary>
internal static class OutputBundle
{
    public const string CsvPrefix = "loadlens";

    /// <summary>The default folder: ./loadlens-results/&lt;name&gt;-&lt;yyyyMMdd-HHmmss&gt;/.</summary>
    public static string DefaultDirectory(string name, DateTimeOffset startedAt)
        => Path.Combine("loadlens-results", $"{Sanitize(name)}-{startedAt.UtcDateTime:yyyyMMdd-HHmmss}");

    public static async Task<IReadOnlyList<string>> WriteAsync(RunResult result, string directory, Loadlens.Analysis.AnalysisReport? analysis = null)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        var json = Path.Combine(directory, "result.json");
        await RunResultJson.WriteAsync(result, json, CancellationToken.None);
        written.Add(json);
        LocustCsvWriter.Write(result, directory, CsvPrefix);
        written.Add(Path.Combine(directory, CsvPrefix + "_stats.csv"));
        written.Add(Path.Combine(directory, CsvPrefix + "_stats_history.csv"));
        written.Add(Path.Combine(directory, CsvPrefix + "_failures.csv"));
        var summary = Path.Combine(directory, "summary.md");
        MarkdownSummaryWriter.Write(result, summary);
        written.Add(summary);
        if (analysis is not null)
        {
            var md = Path.Combine(directory, "analysis.md");
            Loadlens.Reporting.Markdown.AnalysisReportWriter.Write(result, analysis, md);
            written.Add(md);
            var analysisJson = Path.Combine(directory, "analysis.json");
            Loadlens.Reporting.Json.AnalysisJsonWriter.Write(analysis, analysisJson);
            written.Add(analysisJson);
        }

        return written;
    }

    internal static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        var s = sb.ToString().Trim('-', '.');
        return s.Length == 0 ? "run" : s[..Math.Min(s.Length, 60)];
    }
}
