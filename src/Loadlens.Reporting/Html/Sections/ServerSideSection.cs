using Loadlens.Core.Results;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Reporting.Html.Sections;

/// <summary>
/// "Server side": what the target said about its own time, next to the client's latency. The Server-Timing
/// response headers per endpoint and metric (<see cref="EndpointResult.ServerTiming"/>, the cells of
/// <see cref="ServerTimingRows"/>), and the OTLP server evidence (<see cref="ServerEvidence"/>: server time, time
/// outside the app, database time and statements per request, the top statements; the cells of
/// <see cref="ServerEvidenceRows"/>). Each as a bar chart (mean, whiskers p50–p95) and a sortable table. Shown when
/// the run has either.
/// </summary>
internal sealed class ServerSideSection : IHtmlSection
{
    /// <summary>Statements listed per endpoint.</summary>
    internal const int StatementsPerEndpoint = 5;

    public bool Applies(OutputContext context) =>
        context.Run is { } run && (ServerTimingRows.Endpoints(run).Count > 0 || ServerEvidenceRows.Of(run) is { Endpoints.Count: > 0 });

    public void Write(HtmlPage page, OutputContext context)
    {
        var run = context.Run!;
        page.BeginSection("server", "Server side");
        WriteServerTiming(page, run);
        if (ServerEvidenceRows.Of(run) is { Endpoints.Count: > 0 } evidence)
        {
            WriteEvidence(page, run, evidence);
        }

        page.EndSection();
    }

    private static void WriteServerTiming(HtmlPage page, RunResult run)
    {
        var endpoints = ServerTimingRows.Endpoints(run);
        if (endpoints.Count == 0)
        {
            return;
        }

        page.Element("h3", "Server-Timing (response headers)");
        page.Element("p", ServerTimingRows.Coverage(run), "note");
        var names = endpoints.SelectMany(e => e.ServerTiming!.Metrics.Where(m => m.Duration.Count > 0).Select(m => m.Name)).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count > 0)
        {
            var series = new List<ChartSeries>
            {
                new()
                {
                    Label = "client",
                    Y = [.. endpoints.Select(e => ChartNumbers.Value(e.Latency.Mean))],
                    Low = [.. endpoints.Select(e => ChartNumbers.Value(e.Latency.P50))],
                    High = [.. endpoints.Select(e => ChartNumbers.Value(e.Latency.P95))],
                    Color = "muted",
                },
            };
            foreach (var (name, i) in names.Select((n, i) => (n, i)))
            {
                ServerTimingMetric? M(EndpointResult e) => e.ServerTiming![name] is { Duration.Count: > 0 } m ? m : null;
                series.Add(new ChartSeries
                {
                    Label = name,
                    Y = [.. endpoints.Select(e => M(e) is { } m ? ChartNumbers.Value(m.Duration.Mean) : null)],
                    Low = [.. endpoints.Select(e => M(e) is { } m ? ChartNumbers.Value(m.Duration.P50) : null)],
                    High = [.. endpoints.Select(e => M(e) is { } m ? ChartNumbers.Value(m.Duration.P95) : null)],
                    Color = "c" + (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
                });
            }

            page.Chart("servertiming", "Server-Timing metrics next to the client latency", new ChartSpec
            {
                Kind = "bars",
                X = new ChartAxis("endpoint", string.Empty),
                Y = new ChartAxis("time (ms)", "ms"),
                Categories = [.. endpoints.Select(e => e.Name)],
                Series = series,
            }, "Bars: mean; whiskers: p50 to p95. Client: the latency Loadlens measured; the others: what the target's Server-Timing headers said.");
        }

        page.Raw("<div class=\"table-wrap\"><table class=\"data sortable server-timing\"><thead><tr>");
        foreach (var (heading, i) in ServerTimingRows.Headings.Select((h, i) => (h, i)))
        {
            page.Raw(i < 2 ? "<th data-sort=\"text\" scope=\"col\">" : "<th data-sort=\"num\" scope=\"col\" class=\"num\">").Text(heading).Raw("</th>");
        }

        page.Raw("</tr></thead><tbody>");
        foreach (var (endpoint, cells) in ServerTimingRows.Build(run))
        {
            page.Raw("<tr>").Element("td", endpoint, "name").Element("td", cells[0]);
            foreach (var cell in cells.Skip(1))
            {
                page.NumberCell(cell, SortValue(cell));
            }

            page.Raw("</tr>\n");
        }

        page.Raw("</tbody></table></div>\n");
        foreach (var e in endpoints)
        {
            if (ServerTimingRows.AppShare(e) is { } share)
            {
                page.Raw("<p class=\"server-share\">").Element("strong", e.Name).Text(": " + share + ".").Raw("</p>\n");
            }
        }
    }

    private static void WriteEvidence(HtmlPage page, RunResult run, ServerEvidence evidence)
    {
        page.Element("h3", "OpenTelemetry server evidence");
        page.Element("p", ServerEvidenceRows.Coverage(run, evidence), "note");
        var endpoints = evidence.Endpoints;
        double ClientMean(EndpointEvidence e) => run.Endpoints.FirstOrDefault(x => x.Name == e.Endpoint && !x.IsAggregate)?.Latency.Mean ?? 0;
        page.Chart("serverevidence", "Server time, time outside the app and database time per request", new ChartSpec
        {
            Kind = "bars",
            X = new ChartAxis("endpoint", string.Empty),
            Y = new ChartAxis("time (ms)", "ms"),
            Categories = [.. endpoints.Select(e => e.Endpoint)],
            Series =
            [
                new ChartSeries { Label = "client mean", Y = [.. endpoints.Select(e => ChartNumbers.Value(ClientMean(e)))], Color = "muted" },
                new ChartSeries
                {
                    Label = "server",
                    Y = [.. endpoints.Select(e => ChartNumbers.Value(e.ServerTime.Mean))],
                    Low = [.. endpoints.Select(e => ChartNumbers.Value(e.ServerTime.P50))],
                    High = [.. endpoints.Select(e => ChartNumbers.Value(e.ServerTime.P95))],
                    Color = "c0",
                },
                new ChartSeries
                {
                    Label = "before app",
                    Y = [.. endpoints.Select(e => ChartNumbers.Value(e.BeforeApp.Mean))],
                    Low = [.. endpoints.Select(e => ChartNumbers.Value(e.BeforeApp.P50))],
                    High = [.. endpoints.Select(e => ChartNumbers.Value(e.BeforeApp.P95))],
                    Color = "warn",
                },
                new ChartSeries { Label = "outside app", Y = [.. endpoints.Select(e => ChartNumbers.Value(Math.Max(0, ClientMean(e) - e.ServerTime.Mean)))], Color = "c3" },
                new ChartSeries { Label = "database", Y = [.. endpoints.Select(e => ChartNumbers.Value(e.DbTimeMeanMs))], Color = "c2" },
            ],
        }, "Bars: mean per request; whiskers: p50 to p95. Outside app = client mean − server mean (connecting, queues before the app, transfer).");

        page.Raw("<div class=\"table-wrap\"><table class=\"data sortable server-evidence\"><thead><tr>");
        foreach (var (heading, i) in ServerEvidenceRows.Headings.Select((h, i) => (h, i)))
        {
            page.Raw(i == 0 ? "<th data-sort=\"text\" scope=\"col\">" : "<th data-sort=\"num\" scope=\"col\" class=\"num\">").Text(heading).Raw("</th>");
        }

        page.Raw("</tr></thead><tbody>");
        foreach (var (endpoint, cells) in ServerEvidenceRows.Build(run, evidence))
        {
            page.Raw("<tr>").Element("td", endpoint, "name");
            foreach (var cell in cells)
            {
                page.NumberCell(cell, SortValue(cell));
            }

            page.Raw("</tr>\n");
        }

        page.Raw("</tbody></table></div>\n");

        if (evidence.Statements.Count > 0)
        {
            WriteRunStatements(page, evidence);
            return;
        }

        // A version 1 section (no run-wide list): each endpoint's top statements.
        var statements = endpoints.SelectMany(e => e.Statements.Take(StatementsPerEndpoint).Select(s => (e.Endpoint, s))).ToList();
        if (statements.Count == 0)
        {
            return;
        }

        page.Element("h3", "Top statements");
        page.Raw("<div class=\"table-wrap\"><table class=\"data sortable statements\"><thead><tr><th data-sort=\"text\" scope=\"col\">Endpoint</th><th data-sort=\"text\" scope=\"col\">Statement</th>")
            .Raw("<th data-sort=\"num\" scope=\"col\" class=\"num\">Calls</th><th data-sort=\"num\" scope=\"col\" class=\"num\">Per request</th><th data-sort=\"num\" scope=\"col\" class=\"num\">Max per request</th>")
            .Raw("<th data-sort=\"num\" scope=\"col\" class=\"num\">Mean</th><th data-sort=\"num\" scope=\"col\" class=\"num\">Max</th><th data-sort=\"num\" scope=\"col\" class=\"num\">Share of DB time</th></tr></thead><tbody>");
        foreach (var (endpoint, s) in statements)
        {
            page.Raw("<tr>").Element("td", endpoint, "name").Raw("<td>").Element("code", s.Statement).Raw("</td>")
                .NumberCell(ReportFormat.Count(s.Calls), s.Calls)
                .NumberCell(ReportFormat.Number(Math.Round(s.PerRequestMean, 2)), s.PerRequestMean)
                .NumberCell(ReportFormat.Count(s.PerRequestMax), s.PerRequestMax)
                .NumberCell(ReportFormat.Ms(s.MeanMs), s.MeanMs)
                .NumberCell(ReportFormat.Ms(s.MaxMs), s.MaxMs)
                .NumberCell(ReportFormat.Number(Math.Round(s.ShareOfDbTime * 100, 1)) + " %", s.ShareOfDbTime)
                .Raw("</tr>\n");
        }

        page.Raw("</tbody></table></div>\n");
    }

    /// <summary>The run's top statements by total time (the cells of <see cref="ServerEvidenceRows.Statements"/>) and, with <c>--db</c>, the indexes to add.</summary>
    private static void WriteRunStatements(HtmlPage page, ServerEvidence evidence)
    {
        page.Element("h3", "Top statements (run-wide, by total time)");
        page.Raw("<div class=\"table-wrap\"><table class=\"data sortable statements\"><thead><tr>");
        foreach (var (heading, i) in ServerEvidenceRows.StatementHeadings.Select((h, i) => (h, i)))
        {
            page.Raw(i < 2 ? "<th data-sort=\"text\" scope=\"col\">" : "<th data-sort=\"num\" scope=\"col\" class=\"num\">").Text(heading).Raw("</th>");
        }

        page.Raw("</tr></thead><tbody>");
        foreach (var cells in ServerEvidenceRows.Statements(evidence, 10))
        {
            page.Raw("<tr><td>").Element("code", cells[0]).Raw("</td>").Element("td", cells[1], "name");
            foreach (var cell in cells.Skip(2))
            {
                page.NumberCell(cell, SortValue(cell));
            }

            page.Raw("</tr>\n");
        }

        page.Raw("</tbody></table></div>\n");
        if (evidence.Database is not { } db)
        {
            return;
        }

        var lines = ServerEvidenceRows.Database(evidence);
        page.Element("h3", "Database (--db)");
        page.Element("p", lines[0], "note");
        if (db.IndexAdvice.Count > 0)
        {
            page.Raw("<ul class=\"index-advice\">");
            foreach (var a in db.IndexAdvice)
            {
                page.Raw("<li>").Element("code", a.CreateIndex).Text(" — " + a.Reason).Raw("</li>");
            }

            page.Raw("</ul>\n");
        }

        foreach (var p in db.Plans.Where(p => p.Error is not null))
        {
            page.Element("p", $"Not planned: {p.Statement}: {p.Error}", "note");
        }
    }

    /// <summary>The number at the start of a formatted cell ("12.5", "1,234", "40 %"), or null ("–").</summary>
    private static double? SortValue(string cell)
    {
        var text = cell.Replace(",", string.Empty, StringComparison.Ordinal).Replace("%", string.Empty, StringComparison.Ordinal).Trim();
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
