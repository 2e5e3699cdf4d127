using System.Globalization;
using System.Net;
using System.Text;

namespace Loadlens.Reporting.Html;

/// <summary>
/// The page being written: its body markup, its table of contents and its charts' data. Every text that comes from
/// input goes through <see cref="Text"/> (HTML-encoded); <see cref="Raw"/> is for the sections' own markup only.
/// Charts are placeholders (<c>&lt;div data-chart="id"&gt;</c>) whose <see cref="ChartSpec"/> goes into the JSON
/// data block, which <c>report.js</c> reads.
/// </summary>
internal sealed class HtmlPage
{
    private readonly StringBuilder _body = new();
    private readonly List<(string Id, string Title)> _toc = [];
    private readonly Dictionary<string, ChartSpec> _charts = new(StringComparer.Ordinal);

    /// <summary>The sections' entries for the table of contents, in page order.</summary>
    public IReadOnlyList<(string Id, string Title)> Contents => _toc;

    /// <summary>The charts by id.</summary>
    public IReadOnlyDictionary<string, ChartSpec> Charts => _charts;

    /// <summary>The body markup written so far.</summary>
    public string Body => _body.ToString();

    /// <summary>HTML-encode <paramref name="text"/> (&lt; &gt; &amp; " ' and non-ASCII controls).</summary>
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>Append the sections' own markup (never input text).</summary>
    public HtmlPage Raw(string html)
    {
        _body.Append(html);
        return this;
    }

    /// <summary>Append <paramref name="text"/>, encoded.</summary>
    public HtmlPage Text(string? text)
    {
        _body.Append(Encode(text));
        return this;
    }

    /// <summary>Append <c>&lt;tag class="…"&gt;text&lt;/tag&gt;</c> with <paramref name="text"/> encoded.</summary>
    public HtmlPage Element(string tag, string? text, string? cssClass = null)
    {
        _body.Append('<').Append(tag);
        if (cssClass is not null)
        {
            _body.Append(" class=\"").Append(cssClass).Append('"');
        }

        _body.Append('>').Append(Encode(text)).Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>Open a section with a heading and an entry in the table of contents.</summary>
    public HtmlPage BeginSection(string id, string title, string? cssClass = null)
    {
        _toc.Add((id, title));
        _body.Append("<section id=\"").Append(id).Append('"');
        if (cssClass is not null)
        {
            _body.Append(" class=\"").Append(cssClass).Append('"');
        }

        _body.Append("><h2>").Append(Encode(title)).Append("</h2>\n");
        return this;
    }

    /// <summary>Close the section.</summary>
    public HtmlPage EndSection()
    {
        _body.Append("</section>\n");
        return this;
    }

    /// <summary>A chart: a titled figure whose <paramref name="spec"/> is drawn by the page's script.</summary>
    public HtmlPage Chart(string id, string title, ChartSpec spec, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!_charts.TryAdd(id, spec))
        {
            throw new InvalidOperationException($"chart id '{id}' is used twice");
        }

        _body.Append("<figure class=\"chart-figure\"><figcaption class=\"chart-title\">").Append(Encode(title)).Append("</figcaption>")
             .Append("<div class=\"chart\" id=\"chart-").Append(id).Append("\" data-chart=\"").Append(id).Append("\"></div>");
        if (caption is not null)
        {
            _body.Append("<p class=\"chart-caption\">").Append(Encode(caption)).Append("</p>");
        }

        _body.Append("</figure>\n");
        return this;
    }

    /// <summary>A table cell with display <paramref name="text"/> and sort value <paramref name="sortValue"/> (null sorts last).</summary>
    public HtmlPage NumberCell(string text, double? sortValue)
    {
        _body.Append("<td class=\"num\" data-v=\"")
             .Append(sortValue is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty)
             .Append("\">").Append(Encode(text)).Append("</td>");
        return this;
    }
}
