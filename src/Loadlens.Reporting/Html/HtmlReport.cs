using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Loadlens.Reporting.Html.Sections;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Reporting.Html;

/// <summary>
/// report.html: one self-contained page (no network: uPlot, the page's script and style are inlined) made of
/// <see cref="IHtmlSection"/>s. The charts' numbers travel as JSON in a <c>&lt;script type="application/json"&gt;</c>
/// block, every input text is HTML-encoded, and a Content-Security-Policy forbids loading anything.
/// </summary>
internal static class HtmlReport
{
    /// <summary>The JSON options of the data block: camelCase; the default encoder escapes &lt; &gt; &amp; ' and every non-ASCII character (U+2028/2029 included).</summary>
    internal static readonly JsonSerializerOptions DataJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.Default,
    };

    /// <summary>
    /// The page, top to bottom. Each section decides from the <see cref="OutputContext"/> whether it shows, so one
    /// list serves runs and sweeps; a comparison or a trend view is one more entry here.
    /// </summary>
    public static IReadOnlyList<IHtmlSection> Sections { get; } =
    [
        new HeaderSection(),
        new VerdictSection(),
        new SummarySection(),
        new SweepCapacitySection(),
        new SizingSection(),
        new FindingsSection(),
        new RunChartsSection(),
        new SweepChartsSection(),
        new EndpointTableSection(),
        new ServerSideSection(),
        new ServerProcessSection(),
        new SweepStepsSection(),
        new SlaSection(),
        new ComparisonSection(),
        new TrendSection(),
        new ErrorsSection(),
        new NotesSection(),
        new AboutSection(),
    ];

    /// <summary>Whether there is a page to write: a run with its analysis, a sweep with its capacity report, a comparison or a trend.</summary>
    public static bool Supports(OutputContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (context.Run is not null && context.Analysis is not null) || (context.Sweep is not null && context.Capacity is not null)
            || context.Comparison is not null || context.Trend is not null;
    }

    /// <summary>Render the page for <paramref name="context"/> with <paramref name="sections"/> (default <see cref="Sections"/>).</summary>
    public static string Render(OutputContext context, IReadOnlyList<IHtmlSection>? sections = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var page = new HtmlPage();
        foreach (var section in sections ?? Sections)
        {
            if (section.Applies(context))
            {
                section.Write(page, context);
            }
        }

        var title = context.Run is { } run ? $"Load test report: {run.Name}"
            : context.Sweep is { } sweep ? $"Capacity sweep: {sweep.Name}"
            : context.Comparison is { } c ? $"Comparison: {c.Baseline.Name} → {c.Candidate.Name}"
            : context.Trend is { } t ? $"Trend: {t.Endpoint} ({t.Scenario})"
            : "Loadlens report";
        var html = new StringBuilder(256 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n")
            .Append("<meta name=\"generator\" content=\"loadlens\">\n")
            .Append("<title>").Append(HtmlPage.Encode(title)).Append("</title>\n")
            .Append("<style>\n").Append(Inline(ReportAssets.UPlotStyle)).Append("\n</style>\n")
            .Append("<style>\n").Append(Inline(ReportAssets.Style)).Append("\n</style>\n")
            .Append("</head>\n<body>\n");
        if (page.Contents.Count > 1)
        {
            html.Append("<nav class=\"toc\" aria-label=\"Contents\">");
            foreach (var (id, heading) in page.Contents)
            {
                html.Append("<a href=\"#").Append(id).Append("\">").Append(HtmlPage.Encode(heading)).Append("</a>");
            }

            html.Append("</nav>\n");
        }

        html.Append("<main>\n").Append(page.Body).Append("</main>\n")
            .Append("<script type=\"application/json\" id=\"loadlens-data\">").Append(Data(page)).Append("</script>\n")
            .Append("<script>\n").Append(Inline(ReportAssets.UPlotScript)).Append("\n</script>\n")
            .Append("<script>\n").Append(Inline(ReportAssets.Script)).Append("\n</script>\n")
            .Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The data block: the charts' specs as JSON, with nothing in it that could end the script element.</summary>
    internal static string Data(HtmlPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var json = JsonSerializer.Serialize(new { charts = page.Charts }, DataJson);
        return json.Contains('<', StringComparison.Ordinal)
            ? throw new InvalidOperationException("the report data block must not contain '<' (the JSON encoder escapes it)")
            : json;
    }

    /// <summary>An inlined script or style, checked not to close its element early.</summary>
    private static string Inline(string code) =>
        code.Contains("</script", StringComparison.OrdinalIgnoreCase) || code.Contains("</style", StringComparison.OrdinalIgnoreCase)
            ? throw new InvalidOperationException("an inlined asset contains a closing </script> or </style> tag")
            : code;
}
