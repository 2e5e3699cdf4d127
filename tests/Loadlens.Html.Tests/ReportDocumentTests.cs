using System.Text.RegularExpressions;
using HdrHistogram;
using Loadlens.Analysis;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Reporting.Html;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Html.Tests;

/// <summary>The page as a document, without a browser: size, escaping of the data block, registration.</summary>
public sealed partial class ReportDocumentTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void A_20_endpoint_10_minute_run_stays_under_1_MB()
    {
        var run = SyntheticRun(endpoints: 20, seconds: 600);
        var html = HtmlReport.Render(OutputContext.ForRun(run, Analyzer.Analyze(run)));
        var bytes = System.Text.Encoding.UTF8.GetByteCount(html);
        output.WriteLine($"report.html of 20 endpoints x 600 s: {bytes:N0} bytes");
        bytes.ShouldBeLessThan(1_000_000);

        // It carries the numbers the charts need (all 600 intervals, 21 × 3 latency series), not the histograms.
        html.ShouldNotContain(run.Endpoints[0].Histogram!);
        var data = Data(html);
        using var doc = System.Text.Json.JsonDocument.Parse(data);
        var latency = doc.RootElement.GetProperty("charts").GetProperty("latency");
        latency.GetProperty("xs").GetArrayLength().ShouldBe(600);
        latency.GetProperty("series").GetArrayLength().ShouldBe(63);
    }

    [Fact]
    public void The_data_block_escapes_what_could_end_the_script_element()
    {
        var page = new HtmlPage();
        const string hostile = "</script><script>alert(1)</script> & \u2028\u2029 'x' \"y\" <!--";
        page.Chart("c", hostile, new ChartSpec
        {
            Kind = "line",
            X = new ChartAxis(hostile, "s"),
            Y = new ChartAxis("y", "ms"),
            Xs = [1, 2],
            Series = [new ChartSeries { Label = hostile, Y = [1, null] }],
        });
        var json = HtmlReport.Data(page);
        foreach (var c in new[] { "<", ">", "&", "\u2028", "\u2029", "'" })
        {
            json.ShouldNotContain(c);
        }

        json.ShouldContain("\\u003C/script\\u003E");
        json.ShouldContain("\\u2028");

        // The label survives a round trip, and the figure caption is encoded markup.
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        doc.RootElement.GetProperty("charts").GetProperty("c").GetProperty("series")[0].GetProperty("label").GetString().ShouldBe(hostile);
        page.Body.ShouldContain("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp;");
        page.Body.ShouldNotContain("<script");
    }

    [Fact]
    public void Report_html_is_registered_for_runs_and_sweeps_and_offered_as_the_html_format()
    {
        var run = SyntheticRun(endpoints: 2, seconds: 5);
        var context = OutputContext.ForRun(run, Analyzer.Analyze(run));
        var registry = OutputRegistry.Default;
        registry.Formats(context).ShouldContain("html");
        registry.TryGetDocumentWriter("html", context, out var writer).ShouldBeTrue();
        writer!.Name.ShouldBe("report.html");
        registry.Writers.Single(w => w.Name == "report.html").Supports(new OutputContext()).ShouldBeFalse();
    }

    /// <summary>A run of <paramref name="endpoints"/> endpoints over <paramref name="seconds"/> 1-second intervals, from real histograms.</summary>
    internal static RunResult SyntheticRun(int endpoints, int seconds)
    {
        var random = new Random(12345);
        var names = Enumerable.Range(0, endpoints).Select(i => $"GET /api/resource-{i:00}/{{id}}").ToList();
        var totals = names.Select(_ => LatencyHistograms.Create()).ToList();
        var intervals = new List<TimeSeriesInterval>(seconds);
        var scratch = LatencyHistograms.Create();
        var all = LatencyHistograms.Create();
        for (var t = 0; t < seconds; t++)
        {
            var perEndpoint = new List<IntervalEndpoint>(endpoints);
            all.Reset();
            for (var e = 0; e < endpoints; e++)
            {
                scratch.Reset();
                var n = 40 + random.Next(20);
                for (var k = 0; k < n; k++)
                {
                    // Log-normal-ish latencies around 5–50 ms with a rare slow tail.
                    var ms = Math.Exp(1.6 + (0.05 * e) + (0.5 * Normal(random))) * (random.NextDouble() < 0.005 ? 20 : 1);
                    var micros = LatencyHistograms.Clamp((long)(ms * 1000));
                    scratch.RecordValue(micros);
                    all.RecordValue(micros);
                    totals[e].RecordValue(micros);
                }

                // Interval histograms are left out (the page never reads them), so the test stays quick.
                perEndpoint.Add(new IntervalEndpoint { Name = names[e], Requests = n, Failures = 0, Latency = LatencyHistograms.ToStats(scratch) });
            }

            intervals.Add(new TimeSeriesInterval
            {
                Index = t,
                StartSeconds = t,
                DurationSeconds = 1,
                Warmup = t < 10,
                ActiveUsers = 50,
                Endpoints = perEndpoint,
                Total = new IntervalEndpoint { Name = EndpointResult.AggregatedName, Requests = perEndpoint.Sum(p => p.Requests), Failures = 0, Latency = LatencyHistograms.ToStats(all) },
            });
        }

        var results = names.Select((name, e) => Endpoint(name, "GET", totals[e], seconds - 10)).ToList();
        var merged = LatencyHistograms.Merge(totals);
        return new RunResult
        {
            Name = "synthetic-20x600",
            Source = new RunSource("loadlens", "native"),
            Environment = new RunEnvironment("test", "Linux", 2, ".NET 10", "loadlens", "0.1.0"),
            StartedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            DurationSeconds = seconds,
            WarmupSeconds = 10,
            Settings = new RunSettings { Model = "closed", Target = "http://127.0.0.1:5080", Users = 50, PlannedDurationSeconds = seconds },
            Outcome = RunOutcome.Complete,
            Endpoints = results,
            Total = Endpoint(EndpointResult.AggregatedName, string.Empty, merged, seconds - 10),
            Intervals = intervals,
            Errors = [],
        };
    }

    private static EndpointResult Endpoint(string name, string method, HistogramBase h, double measured) => new()
    {
        Name = name,
        Method = method,
        Requests = h.TotalCount,
        Failures = 0,
        Latency = LatencyHistograms.ToStats(h),
        RequestsPerSecond = h.TotalCount / measured,
        Histogram = LatencyHistograms.Encode(h),
    };

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Data(string html) => DataBlock().Match(html).Groups[1].Value;

    [GeneratedRegex("<script type=\"application/json\" id=\"loadlens-data\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex DataBlock();
}
