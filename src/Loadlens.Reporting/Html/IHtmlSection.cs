using Loadlens.Reporting.Outputs;

namespace Loadlens.Reporting.Html;

/// <summary>
/// One part of report.html (the header, the findings, the endpoint table, the sweep charts, …). A section reads
/// the <see cref="OutputContext"/>, says whether it has anything to show, and writes its markup (and chart specs)
/// into the <see cref="HtmlPage"/>. <see cref="HtmlReport.Sections"/> lists them in page order: a new view
/// (a comparison, a history trend, server evidence) is one new section there.
/// </summary>
internal interface IHtmlSection
{
    /// <summary>Whether the section has something to show for <paramref name="context"/>.</summary>
    bool Applies(OutputContext context);

    /// <summary>Write the section (normally one <see cref="HtmlPage.BeginSection"/> … <see cref="HtmlPage.EndSection"/>).</summary>
    void Write(HtmlPage page, OutputContext context);
}
