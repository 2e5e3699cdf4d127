using Loadlens.Reporting.Outputs;
using Loadlens.Reporting.Sizing;
using Loadlens.Reporting.Sweep;

namespace Loadlens.Reporting.Html.Sections;

/// <summary>The sweep's sizing advice (<c>--target-rate</c>): each piece with its inputs, arithmetic and assumptions, and the HPA manifest.</summary>
internal sealed class SizingSection : IHtmlSection
{
    public bool Applies(OutputContext context) => context.Sweep is not null && context.Capacity?.Sizing is not null;

    public void Write(HtmlPage page, OutputContext context)
    {
        var sizing = context.Capacity!.Sizing!;
        page.BeginSection("sizing", "Sizing");
        page.Element("p", SizingText.Heading(sizing) + ".", "lead");
        foreach (var item in sizing.Items)
        {
            page.Element("h3", item.Topic);
            page.Element("p", SizingText.Advice(item), item.Advice is null ? "note" : null);
            if (item.Inputs.Count + item.Arithmetic.Count + item.Assumptions.Count == 0)
            {
                continue;
            }

            page.Raw("<ul>");
            foreach (var input in item.Inputs)
            {
                page.Element("li", "input: " + SizingText.Input(input));
            }

            foreach (var line in item.Arithmetic)
            {
                page.Element("li", line);
            }

            foreach (var line in item.Assumptions)
            {
                page.Element("li", "assumes: " + line, "note");
            }

            page.Raw("</ul>");
        }

        if (HorizontalPodAutoscaler.Render(sizing) is { } manifest)
        {
            page.Element("h3", "hpa.yaml").Element("pre", manifest);
        }

        page.EndSection();
    }
}
