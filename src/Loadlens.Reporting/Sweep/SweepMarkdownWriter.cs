using System.Text;
using Loadlens.Analysis.Capacity;
using Loadlens.Core.Results;

namespace Loadlens.Reporting.Sweep;

/// <summary>Writes <c>sweep.md</c>: capacity at SLA, the step table, the USL fit, knees, findings and the charts.</summary>
internal static class SweepMarkdownWriter
{
    /// <summary>Render the Markdown report. <paramref name="charts"/> are image file names relative to the report (may be empty).</summary>
    public static string Render(SweepResult sweep, CapacityReport report, IReadOnlyList<string> charts)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(charts);
        var md = new StringBuilder();
        md.Append("# Capacity sweep: ").AppendLine(Escape(sweep.Name)).AppendLine();
        md.Append("Target `").Append(sweep.Target).Append("`, ").Append(SweepText.Settings(sweep)).AppendLine(".");
        md.Append("Started ").Append(ReportFormat.IsoUtc(sweep.StartedAt)).Append("; ").Append(SweepText.Outcome(sweep)).AppendLine(".").AppendLine();

        md.AppendLine("## Capacity at SLA").AppendLine();
        md.Append("**").Append(Escape(SweepText.Capacity(report))).AppendLine("**").AppendLine();
        if (SweepText.Plateau(report) is { } plateau)
        {
            md.Append("The ").Append(Escape(plateau)).AppendLine(".").AppendLine();
        }

        md.AppendLine("## Steps").AppendLine();
        var level = report.Model == "open" ? "offered req/s" : "users";
        md.Append("| ").Append(level).AppendLine(" | req/s | ok req/s | mean ms | p50 ms | p95 ms | p99 ms | errors | Little N | SLA |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|");
        foreach (var s in report.Steps)
        {
            md.Append("| ").Append(ReportFormat.Number(s.Level))
              .Append(" | ").Append(ReportFormat.Rate(s.Throughput))
              .Append(" | ").Append(ReportFormat.Rate(s.Goodput))
              .Append(" | ").Append(ReportFormat.Ms(s.MeanMs))
              .Append(" | ").Append(ReportFormat.Ms(s.P50Ms))
              .Append(" | ").Append(ReportFormat.Ms(s.P95Ms))
              .Append(" | ").Append(ReportFormat.Ms(s.P99Ms))
              .Append(" | ").Append((s.ErrorRate * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)).Append(" %")
              .Append(" | ").Append(s.LittleConcurrency.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)).Append(s.GeneratorLimited ? " ⚠" : string.Empty)
              .Append(" | ").Append(s.MeetsSla ? "ok" : "fail: " + Escape(string.Join("; ", s.Violations)))
              .AppendLine(" |");
        }

        md.AppendLine().AppendLine(report.Model == "open"
            ? "Little N = X·R: mean requests in flight. ok req/s = successful requests per second (what the fit uses)."
            : "Little N = X·(R+Z): users the generator actually kept busy (⚠ below 90 % of the configured users). ok req/s = successful requests per second (what the fit uses).");
        md.AppendLine();

        WriteServerProcess(md, sweep);
        md.AppendLine("## Scalability (Universal Scalability Law)").AppendLine();
        if (report.Usl is null)
        {
            md.AppendLine("No fit: " + Escape(string.Join("; ", report.Notes.Where(n => n.Contains("USL", StringComparison.Ordinal)).DefaultIfEmpty("too few usable levels"))) + ".");
        }
        else
        {
            md.Append("X(N) = λN / (1 + σ(N−1) + κN(N−1)), N = ").Append(report.ConcurrencyMeaning).AppendLine(", bounded least squares (σ ∈ [0, 1], κ ≥ 0).").AppendLine();
            foreach (var line in SweepText.Usl(report))
            {
                md.Append("- ").AppendLine(Escape(line));
            }
        }

        md.AppendLine().AppendLine("## Knees").AppendLine();
        md.AppendLine(Escape(SweepText.Knees(report)) + ".").AppendLine();

        md.AppendLine("## Findings").AppendLine();
        if (report.Findings.Count == 0)
        {
            md.AppendLine("No capacity finding: no plateau, contention, pool limit or retrograde throughput was detected, and no error threshold was crossed.").AppendLine();
        }

        Markdown.FindingsMarkdown.Write(md, report.Findings, headingLevel: 3, wholeScope: "Whole sweep");
        if (report.Sizing is { } sizing)
        {
            WriteSizing(md, sizing);
        }

        if (report.Notes.Count > 0)
        {
            md.AppendLine("Notes:").AppendLine();
            foreach (var n in report.Notes)
            {
                md.Append("- ").AppendLine(Escape(n));
            }

            md.AppendLine();
        }

        var images = charts.Where(c => c.EndsWith(".png", StringComparison.OrdinalIgnoreCase)).ToList();
        if (images.Count > 0)
        {
            md.AppendLine("## Charts").AppendLine();
            foreach (var image in images)
            {
                md.Append("![").Append(Path.GetFileNameWithoutExtension(image)).Append("](").Append(image).AppendLine(")").AppendLine();
            }
        }

        return md.ToString();
    }

    /// <summary>Write the report to <paramref name="path"/>.</summary>
    public static void Write(SweepResult sweep, CapacityReport report, IReadOnlyList<string> charts, string path)
        => File.WriteAllText(path, Render(sweep, report, charts), new UTF8Encoding(false));

    private static void WriteSizing(StringBuilder md, Analysis.Sizing.SizingAdvice sizing)
    {
        md.Append("## ").AppendLine(Escape(SizingText.Heading(sizing))).AppendLine();
        foreach (var item in sizing.Items)
        {
            md.Append("### ").AppendLine(Escape(item.Topic)).AppendLine();
            md.Append(item.Advice is null ? "*" : "**").Append(Escape(SizingText.Advice(item))).AppendLine(item.Advice is null ? "*" : "**").AppendLine();
            if (item.Inputs.Count + item.Arithmetic.Count + item.Assumptions.Count == 0)
            {
                continue;
            }

            foreach (var input in item.Inputs)
            {
                md.Append("- input: ").AppendLine(Escape(SizingText.Input(input)));
            }

            foreach (var line in item.Arithmetic)
            {
                md.Append("- ").AppendLine(Escape(line));
            }

            foreach (var line in item.Assumptions)
            {
                md.Append("- assumes: ").AppendLine(Escape(line));
            }

            md.AppendLine();
        }

        if (Sizing.HorizontalPodAutoscaler.Render(sizing) is { } manifest)
        {
            md.AppendLine("`hpa.yaml`:").AppendLine().AppendLine("```yaml").Append(manifest).AppendLine("```").AppendLine();
        }
    }

    /// <summary>The server process per step (<c>--target-pid</c>): CPU per request and peak RSS; nothing without it.</summary>
    private static void WriteServerProcess(StringBuilder md, SweepResult sweep)
    {
        var rows = ProcessRows.Steps(sweep);
        if (rows.Count == 0)
        {
            return;
        }

        md.AppendLine("## Server process per step").AppendLine();
        md.Append("| ").AppendJoin(" | ", ProcessRows.StepHeadings).AppendLine(" |");
        md.Append('|').Append(string.Concat(ProcessRows.StepHeadings.Select(_ => "---:|"))).AppendLine();
        foreach (var row in rows)
        {
            md.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        md.AppendLine().AppendLine("CPU in % of one core, from /proc (--target-pid); memory in MB (10^6 bytes).").AppendLine();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
