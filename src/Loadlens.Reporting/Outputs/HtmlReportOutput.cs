using Loadlens.Reporting.Html;

namespace Loadlens.Reporting.Outputs;

/// <summary>
/// <c>report.html</c>: one self-contained page with the verdict, findings, SLA, charts and tables of a run or a
/// sweep (<c>analyze -f html -o FILE</c>; docs/report-html.md).
/// </summary>
internal sealed class HtmlReportOutput : ITextOutputWriter
{
    public string Name => "report.html";

    public string? Format => "html";

    public bool Supports(OutputContext context) => HtmlReport.Supports(context);

    public string Render(OutputContext context) => HtmlReport.Render(context);

    public Task<IReadOnlyList<string>> WriteAsync(OutputContext context, OutputTarget target, CancellationToken cancellationToken)
    {
        var path = target.PathFor(Name);
        ReportFile.Write(path, Render(context));
        return Task.FromResult<IReadOnlyList<string>>([path]);
    }
}
