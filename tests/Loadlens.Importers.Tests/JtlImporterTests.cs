using Loadlens.Core;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;

namespace Loadlens.Importers.Tests;

public sealed class JtlImporterTests
{
    private static readonly string Small = Fixture.File("jmeter", "small.jtl");

    [Fact]
    public async Task Small_jtl_golden_totals()
    {
        var run = await ResultImporter.ImportAsync(Small);

        run.Source.ShouldBe(new RunSource("jmeter", "jtl", Small));
        run.Name.ShouldBe("small");
        run.StartedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1714550400));
        run.DurationSeconds.ShouldBe(2.103);
        run.Settings.Users.ShouldBe(3);
        run.Settings.Target.ShouldBe("http://shop.test");
        run.Endpoints.Select(e => (e.Method, e.Name)).ShouldBe([("GET", "GET /items"), ("", "Search, with \"quotes\""), ("", "login")]);

        var items = run.Endpoints[0];
        items.Requests.ShouldBe(4);
        items.Failures.ShouldBe(0);
        items.Latency.Min.ShouldBe(10);
        items.Latency.Max.ShouldBe(40);
        items.Latency.Mean.ShouldBe(25);
        items.Latency.P50.ShouldBe(20, 0.02);
        items.Latency.P75.ShouldBe(30, 0.03);
        items.Latency.P99.ShouldBe(40);
        items.BytesReceived.ShouldBe(4000);
        items.BytesSent.ShouldBe(400);
        items.StatusCodes.ShouldBe(new Dictionary<string, long> { ["200"] = 4 });
        items.RequestsPerSecond.ShouldBe(Math.Round(4 / 2.103, 6));
        LatencyHistograms.Decode(items.Histogram!).TotalCount.ShouldBe(4);

        var search = run.Endpoints[1];
        search.Requests.ShouldBe(2);
        search.Failures.ShouldBe(1);
        search.Latency.Max.ShouldBe(1002);
        search.StatusCodes.ShouldBe(new Dictionary<string, long> { ["200"] = 1, ["500"] = 1 });
        search.ErrorCategories.ShouldBe(new Dictionary<string, long> { ["Http5xx"] = 1 });

        var login = run.Endpoints[2];
        login.StatusCodes.ShouldBe(new Dictionary<string, long> { ["none"] = 1 });
        login.ErrorCategories.ShouldBe(new Dictionary<string, long> { ["ConnectionRefused"] = 1 });

        run.Total.Requests.ShouldBe(7);
        run.Total.Failures.ShouldBe(2);
        run.Total.Latency.Max.ShouldBe(1002);
        run.Total.Latency.Min.ShouldBe(3);
        run.Total.Latency.Mean.ShouldBe(Math.Round((10 + 20 + 30 + 40 + 100 + 1002 + 3) / 7.0, 6));

        run.Errors.Count.ShouldBe(2);
        run.Errors.ShouldContain(e => e.Endpoint == "Search, with \"quotes\"" && e.StatusCode == 500 && e.Category == "Http5xx" && e.Message == "Response code was 500" && e.Count == 1);
        run.Errors.ShouldContain(e => e.Endpoint == "login" && e.StatusCode == null && e.Category == "ConnectionRefused"
            && e.Message == "Non HTTP response message: Connection refused" && e.FirstSeenSeconds == 2.103);
        run.Notes.ShouldContain(n => n.Contains("1 Transaction Controller parent row(s) were skipped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Small_jtl_intervals_by_completion_second()
    {
        var run = await ResultImporter.ImportAsync(Small);

        run.Intervals.Count.ShouldBe(3);
        run.Intervals.Select(i => i.Total.Requests).ShouldBe([3L, 2L, 2L]);
        run.Intervals.Select(i => i.Total.Failures).ShouldBe([0L, 0L, 2L]);
        run.Intervals.Select(i => i.ActiveUsers).ShouldBe([2, 3, 3]);
        run.Intervals[0].Endpoints.Select(e => e.Requests).ShouldBe([2L, 1L, 0L]);
        run.Intervals[0].Endpoints[0].Latency.Mean.ShouldBe(15);
        run.Intervals[1].Endpoints[0].Latency.Min.ShouldBe(30);
        run.Intervals[1].Endpoints[0].Latency.Max.ShouldBe(40);
        run.Intervals[2].Endpoints[1].Latency.Max.ShouldBe(1002);
        run.Intervals.Sum(i => i.Total.Requests).ShouldBe(run.Total.Requests);
    }

    [Fact]
    public async Task Header_less_jtl_uses_the_default_columns()
    {
        var path = Fixture.File("jmeter", "noheader.jtl");
        (await ResultImporter.ImportAsync(path)).Total.Requests.ShouldBe(7);
        var withHeader = await ResultImporter.ImportAsync(Small);
        var without = await ResultImporter.ImportAsync(path, "jmeter");
        Json(without.Endpoints).ShouldBe(Json(withHeader.Endpoints));
        without.Notes.ShouldContain(n => n.Contains("no header line", StringComparison.Ordinal));
    }

    private static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, Loadlens.Core.Serialization.RunResultJson.Options);

    [Fact]
    public async Task Tab_delimited_and_crlf_jtl_is_read()
    {
        using var temp = Fixture.Temp();
        var lines = File.ReadAllLines(Small).Where(l => !l.Contains("checkout", StringComparison.Ordinal)).Select(l => l.Replace("\"Search, with \"\"quotes\"\"\"", "Search", StringComparison.Ordinal).Replace(',', '\t'));
        var path = temp.Write("tabs.jtl", string.Join("\r\n", lines) + "\r\n");
        var run = await ResultImporter.ImportAsync(path);
        run.Total.Requests.ShouldBe(7);
        run.Endpoints.Select(e => e.Name).ShouldBe(["GET /items", "Search", "login"]);
    }

    [Fact]
    public async Task Column_order_is_taken_from_the_header()
    {
        using var temp = Fixture.Temp();
        var path = temp.Write("reordered.jtl", "label,success,elapsed,timeStamp,responseCode\nA,true,5,1714550400000,200\nA,false,7,1714550400010,503\n");
        var run = await ResultImporter.ImportAsync(path, "jmeter");
        var a = run.Endpoints.ShouldHaveSingleItem();
        a.Requests.ShouldBe(2);
        a.Failures.ShouldBe(1);
        a.Latency.Max.ShouldBe(7);
        a.StatusCodes["503"].ShouldBe(1);
    }

    [Theory]
    [InlineData("timeStamp,elapsed,label,success\n1714550400000,abc,A,true\n", 2, "column 'elapsed': 'abc' is not a whole number")]
    [InlineData("timeStamp,elapsed,label,success\n1714550400000,5,A,maybe\n", 2, "column 'success': 'maybe' is not true or false")]
    [InlineData("timeStamp,elapsed,label,success\n1714550400000,5,A\n", 2, "expected 4 fields, found 3")]
    [InlineData("timeStamp,elapsed,success\n1714550400000,5,true\n", 1, "missing column 'label'")]
    [InlineData("timeStamp,elapsed,label,success\n1714550400000,-5,A,true\n", 2, "negative time")]
    [InlineData("timeStamp,elapsed,label,success\n1714550400000,5,A,true\n1914550400000,5,A,true\n", 3, "more than 7 days away")]
    [InlineData("timeStamp,elapsed,label,success\n1714550400000,5,\"A,true\n", 2, "quoted field is never closed")]
    [InlineData("timeStamp,elapsed,label,success\n", 1, "no samples")]
    public async Task Bad_rows_give_located_errors(string content, int line, string problem)
    {
        using var temp = Fixture.Temp();
        var path = temp.Write("bad.jtl", content);
        var ex = await Should.ThrowAsync<InputFormatException>(() => ResultImporter.ImportAsync(path, "jmeter"));
        ex.Source.ShouldBe(path);
        ex.Line.ShouldBe(line);
        ex.Problem.ShouldContain(problem);
    }
}
