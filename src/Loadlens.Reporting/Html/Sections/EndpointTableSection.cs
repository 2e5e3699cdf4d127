using System.Globalization;
using Loadlens.Core.Results;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Reporting.Html.Sections;

/// <summary>
/// The per-endpoint table, sortable by any column (the Aggregated row stays last): the cells of
/// <see cref="EndpointRows"/> (as in summary.md and the console), with the unfinished count and the worst finding.
/// </summary>
internal sealed class EndpointTableSection : IHtmlSection
{
    private static readonly string[] Numeric = ["Requests", "Failures", "Unfinished", "Min", "Mean", "Stdev", "p50", "p95", "p99", "Max", "req/s"];

    public bool Applies(OutputContext context) => context.Run is not null;

    public void Write(HtmlPage page, OutputContext context)
    {
        var run = context.Run!;
        page.BeginSection("endpoints", "Endpoints");
        page.Element("p", $"Latencies in ms; rates over the measured period of {ReportFormat.Seconds(run.MeasuredSeconds)}. Click a column heading to sort.", "note");
        page.Raw("<div class=\"table-wrap\"><table class=\"data sortable endpoints\"><thead><tr>")
            .Raw("<th data-sort=\"text\" scope=\"col\">Endpoint</th><th data-sort=\"text\" scope=\"col\">Method</th>");
        foreach (var heading in Numeric)
        {
            page.Raw("<th data-sort=\"num\" scope=\"col\" class=\"num\">").Text(heading).Raw("</th>");
        }

        page.Raw("<th data-sort=\"num\" scope=\"col\">Worst finding</th></tr></thead>");
        var rows = EndpointRows.Build(run);
        var results = run.Endpoints.Append(run.Total).ToList();
        page.Raw("<tbody>");
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var e = results[i];
            if (row.IsAggregate)
            {
                page.Raw("</tbody><tfoot>");
            }

            var has = e.Requests > 0 && e.Latency.Count > 0;
            double? L(double v) => has ? v : null;
            var worst = context.Analysis is { } a ? (row.IsAggregate ? a.Findings.Where(f => f.Endpoint is null).Select(f => (Core.Findings.FindingSeverity?)f.Severity).Max() : a.WorstSeverity(e.Name)) : null;
            page.Raw(row.IsAggregate ? "<tr class=\"total\">" : row.HasFailures ? "<tr class=\"has-failures\">" : "<tr>")
                .Raw("<td class=\"name\">").Text(row.Endpoint).Raw("</td>").Element("td", row.Method)
                .NumberCell(row.Requests, e.Requests)
                .NumberCell(row.Failures, e.Failures)
                .NumberCell(ReportFormat.Count(e.Unfinished), e.Unfinished)
                .NumberCell(row.Min, L(e.Latency.Min))
                .NumberCell(row.Mean, L(e.Latency.Mean))
                .NumberCell(row.StdDev, L(e.Latency.StdDev))
                .NumberCell(row.Median, L(e.Latency.P50))
                .NumberCell(row.P95, L(e.Latency.P95))
                .NumberCell(row.P99, L(e.Latency.P99))
                .NumberCell(row.Max, L(e.Latency.Max))
                .NumberCell(row.RequestsPerSecond, run.RateOf(e));
            page.Raw("<td data-v=\"").Raw(worst is { } w ? ((int)w).ToString(CultureInfo.InvariantCulture) : string.Empty).Raw("\">");
            if (worst is { } severity)
            {
                var name = AnalysisText.Severity(severity);
                page.Raw($"<span class=\"badge {name}\">").Text(name).Raw("</span>");
            }
            else
            {
                page.Text(ReportFormat.None);
            }

            page.Raw("</td></tr>\n");
        }

        page.Raw(rows.Count > 0 && rows[^1].IsAggregate ? "</tfoot>" : "</tbody>").Raw("</table></div>\n");
        page.EndSection();
    }
}

/// <summary>Error groups: endpoint, category, status, count and the first message.</summary>
internal sealed class ErrorsSection : IHtmlSection
{
    public bool Applies(OutputContext context) => context.Run is not null;

    public void Write(HtmlPage page, OutputContext context)
    {
        var run = context.Run!;
        page.BeginSection("errors", "Errors");
        if (run.Errors.Count == 0)
        {
            page.Element("p", "No errors.", "empty").EndSection();
            return;
        }

        page.Raw("<div class=\"table-wrap\"><table class=\"data sortable errors\"><thead><tr><th data-sort=\"text\">Endpoint</th><th data-sort=\"text\">Category</th>")
            .Raw("<th data-sort=\"num\" class=\"num\">Status</th><th data-sort=\"num\" class=\"num\">Count</th><th data-sort=\"num\" class=\"num\">First seen</th><th data-sort=\"text\">First message</th></tr></thead><tbody>");
        var ordered = run.Errors
            .OrderByDescending(e => e.Count)
            .ThenBy(e => e.Endpoint, StringComparer.Ordinal)
            .ThenBy(e => e.Category, StringComparer.Ordinal)
            .ThenBy(e => e.StatusCode ?? 0);
        foreach (var e in ordered)
        {
            page.Raw("<tr>").Element("td", e.Endpoint, "name").Element("td", e.Category)
                .NumberCell(e.StatusCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : ReportFormat.None, e.StatusCode)
                .NumberCell(ReportFormat.Count(e.Count), e.Count)
                .NumberCell(ReportFormat.Seconds(e.FirstSeenSeconds), e.FirstSeenSeconds)
                .Element("td", ReportFormat.Message(e.Message), "message").Raw("</tr>\n");
        }

        page.Raw("</tbody></table></div>\n").EndSection();
    }
}

/// <summary>Notes of the run, the sweep and the capacity analysis.</summary>
internal sealed class NotesSection : IHtmlSection
{
    public bool Applies(OutputContext context) => Notes(context).Any();

    public void Write(HtmlPage page, OutputContext context)
    {
        page.BeginSection("notes", "Notes").Raw("<ul class=\"notes\">");
        foreach (var note in Notes(context))
        {
            page.Element("li", note);
        }

        page.Raw("</ul>\n").EndSection();
    }

    private static IEnumerable<string> Notes(OutputContext context) =>
        (context.Run?.Notes ?? []).Concat(context.Sweep?.Notes ?? []).Concat(context.Capacity?.Notes ?? []);
}

/// <summary>How the page was made, and the licence of the chart library it inlines.</summary>
internal sealed class AboutSection : IHtmlSection
{
    public bool Applies(OutputContext context) => true;

    public void Write(HtmlPage page, OutputContext context)
    {
        var env = context.Run?.Environment ?? context.Sweep?.Environment ?? RunEnvironment.Current();
        page.Raw("<footer class=\"about\" id=\"about\">")
            .Element("p", $"Written by {RunSettingsText.Tool(env)}. This page is self-contained: it loads nothing from the network, and prints to PDF.")
            .Raw("<details class=\"license\"><summary>").Text($"Charts drawn with uPlot {ReportAssets.UPlotVersion} (MIT licence)").Raw("</summary><pre>")
            .Text(ReportAssets.UPlotLicense).Raw("</pre></details></footer>\n");
    }
}
