using Loadlens.Core;
using Loadlens.Core.Results;

namespace Loadlens.Importers.Tests;

public sealed class K6SummaryImporterTests
{
    [Fact]
    public async Task Legacy_summary_export_with_submetrics()
    {
        var path = Fixture.File("k6", "summary-export.json");
        var run = await ResultImporter.ImportAsync(path);

        run.Source.ShouldBe(new RunSource("k6", "k6-summary", path));
        run.Name.ShouldBe("summary-export");
        run.DurationSeconds.ShouldBe(Math.Round(100 / 9.95, 3));
        run.Settings.Users.ShouldBe(10);
        run.Settings.Model.ShouldBe("closed");
        run.Intervals.ShouldBeEmpty();

        run.Total.Requests.ShouldBe(100);
        run.Total.Failures.ShouldBe(3);
        run.Total.BytesReceived.ShouldBe(123456);
        run.Total.BytesSent.ShouldBe(5432);
        var t = run.Total.Latency;
        (t.Count, t.Mean, t.Min, t.P50, t.P90, t.P95, t.P99, t.Max).ShouldBe((100L, 41.2, 9.8, 35.0, 80.1, 120.7, 290.25, 310.5));
        // not listed: p(66)/p(75)/p(80) take p(90), p(98) takes p(99), p(99.9)/p(99.99) take max
        (t.P66, t.P75, t.P80, t.P98, t.P999, t.P9999).ShouldBe((80.1, 80.1, 80.1, 290.25, 310.5, 310.5));

        run.Endpoints.Select(e => (e.Name, e.Requests, e.Failures)).ShouldBe([("/api/orders", 20L, 2L), ("/api/products", 70L, 0L), ("(other requests)", 10L, 1L)]);
        run.Endpoints[0].Latency.P95.ShouldBe(250);
        run.Endpoints[0].Latency.Mean.ShouldBe(150);
        run.Endpoints[1].Latency.P99.ShouldBe(40);
        run.Endpoints[0].RequestsPerSecond.ShouldBe(Math.Round(20 / run.DurationSeconds, 6));

        run.Errors.Select(e => (e.Endpoint, e.Count)).ShouldBe([("/api/orders", 2L), ("(other requests)", 1L)]);
        run.Notes.ShouldContain(n => n.Contains("http_req_duration{name:/api/orders}: p(95)<200", StringComparison.Ordinal)
            && n.Contains("http_req_failed: rate<0.01", StringComparison.Ordinal) && !n.Contains("p(95)<500", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Machine_readable_summary_1_0_0()
    {
        var path = Fixture.File("k6", "summary-v1.json");
        var run = await ResultImporter.ImportAsync(path, "k6-summary");

        run.Environment.ToolVersion.ShouldBe("v1.5.0");
        run.DurationSeconds.ShouldBe(30.5);
        run.StartedAt.ShouldBe(DateTimeOffset.Parse("2024-05-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        run.Settings.Model.ShouldBe("open");
        run.Settings.Users.ShouldBe(25);
        var all = run.Endpoints.ShouldHaveSingleItem();
        all.Name.ShouldBe("(all requests)");
        all.Requests.ShouldBe(610);
        all.Failures.ShouldBe(10);
        all.Latency.P95.ShouldBe(60);
        all.RequestsPerSecond.ShouldBe(Math.Round(610 / 30.5, 6));
        run.Total.Requests.ShouldBe(610);
        run.Total.IsAggregate.ShouldBeTrue();
    }

    [Theory]
    [InlineData("{\"metrics\": {\"http_reqs\": {\"count\": 5, \"rate\": 1}}}", 1, "no http_req_duration")]
    [InlineData("{\"metrics\": {\"http_req_duration\": {\"avg\": 1}}}", 1, "no http_reqs count")]
    [InlineData("{\"metrics\": {\"http_req_duration\": 5}}", 1, "must be an object")]
    [InlineData("{\"metrics\": {\n \"http_req_duration\": {\"avg\": 1,}}}", 2, "invalid JSON")]
    [InlineData("{\"results\": {\"metrics\": {}}}", 1, "results.metrics must be an array")]
    [InlineData("[]", 1, "not a JSON object")]
    public async Task Bad_summaries_give_located_errors(string content, int line, string problem)
    {
        using var temp = Fixture.Temp();
        var path = temp.Write("bad.json", content);
        var ex = await Should.ThrowAsync<InputFormatException>(() => ResultImporter.ImportAsync(path, "k6-summary"));
        ex.Source.ShouldBe(path);
        ex.Line.ShouldBe(line);
        ex.Problem.ShouldContain(problem);
    }
}
