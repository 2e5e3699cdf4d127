using Loadlens.Core;
using Loadlens.Core.Results;

namespace Loadlens.Importers.Tests;

public sealed class K6JsonImporterTests
{
    private static readonly string Ndjson = Fixture.File("k6", "run.ndjson");

    [Theory]
    [InlineData("run.ndjson")]
    [InlineData("run.json.gz")]
    public async Task Golden_points_become_endpoints_errors_and_intervals(string file)
    {
        var path = Fixture.File("k6", file);
        var run = await ResultImporter.ImportAsync(path);

        run.Source.ShouldBe(new RunSource("k6", "k6-json", path));
        run.Name.ShouldBe("run");
        run.StartedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1714550400));
        run.DurationSeconds.ShouldBe(2.05);
        run.Settings.Users.ShouldBe(4);
        run.Settings.Target.ShouldBe("http://127.0.0.1:8080");
        run.Settings.Model.ShouldBe("closed");
        run.Endpoints.Select(e => (e.Method, e.Name)).ShouldBe([("GET", "/api/products"), ("POST", "http://127.0.0.1:8080/api/orders")]);

        var products = run.Endpoints[0];
        products.Requests.ShouldBe(4);
        products.Failures.ShouldBe(1);
        products.Latency.Min.ShouldBe(7.5);
        products.Latency.Max.ShouldBe(1000);
        products.Latency.Mean.ShouldBe(257.5);
        products.Latency.P50.ShouldBe(10, 0.01);
        products.StatusCodes.ShouldBe(new Dictionary<string, long> { ["200"] = 3, ["none"] = 1 });
        products.ErrorCategories.ShouldBe(new Dictionary<string, long> { ["ConnectionRefused"] = 1 });

        var orders = run.Endpoints[1];
        orders.Requests.ShouldBe(2);
        orders.Failures.ShouldBe(1);
        orders.Latency.Mean.ShouldBe(180.5);
        orders.StatusCodes.ShouldBe(new Dictionary<string, long> { ["201"] = 1, ["500"] = 1 });

        run.Total.Requests.ShouldBe(6);
        run.Total.Failures.ShouldBe(2);
        run.Total.BytesReceived.ShouldBe(5000);
        run.Total.BytesSent.ShouldBe(700);

        run.Errors.Count.ShouldBe(2);
        run.Errors.ShouldContain(e => e.Endpoint == "http://127.0.0.1:8080/api/orders" && e.StatusCode == 500 && e.Category == "Http5xx" && e.Message == "HTTP 500");
        run.Errors.ShouldContain(e => e.Endpoint == "/api/products" && e.StatusCode == null && e.Category == "ConnectionRefused"
            && e.Message == "dial tcp 127.0.0.1:8080: connect: connection refused (error_code 1212)" && e.FirstSeenSeconds == 1.7);

        run.Intervals.Count.ShouldBe(3);
        run.Intervals.Select(i => i.Total.Requests).ShouldBe([3L, 2L, 1L]);
        run.Intervals.Select(i => i.Total.Failures).ShouldBe([0L, 2L, 0L]);
        run.Intervals.Select(i => i.ActiveUsers).ShouldBe([2, 4, 0]);
        run.Intervals[0].Endpoints[0].Latency.Mean.ShouldBe(10);
        run.Intervals[1].Endpoints[1].Latency.Max.ShouldBe(210.75);
    }

    [Fact]
    public async Task Url_groups_when_there_is_no_name_tag_and_missing_expected_response_uses_status()
    {
        using var temp = Fixture.Temp();
        var path = temp.Write("out.json",
            """
            {"metric":"http_req_duration","type":"Point","data":{"time":"2024-05-01T08:00:00Z","value":5,"tags":{"url":"http://a/x","method":"GET","status":"200"}}}
            {"metric":"http_req_duration","type":"Point","data":{"time":"2024-05-01T08:00:00.5Z","value":9,"tags":{"url":"http://a/x","method":"GET","status":"404"}}}

            """);
        var run = await ResultImporter.ImportAsync(path);
        var x = run.Endpoints.ShouldHaveSingleItem();
        x.Name.ShouldBe("http://a/x");
        x.Failures.ShouldBe(1);
        x.ErrorCategories.ShouldBe(new Dictionary<string, long> { ["Http4xx"] = 1 });
        run.Notes.ShouldContain(n => n.Contains("no expected_response tag", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"2024-05-01T08:00:00Z\",\"value\":5,\"tags\":{}}}\n{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"yesterday\",\"value\":5}}\n", 2, "RFC 3339")]
    [InlineData("{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"2024-05-01T08:00:00Z\",\"value\":\"x\"}}\n", 1, "data.value is not a number")]
    [InlineData("{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"2024-05-01T08:00:00Z\",\"value\":5}\n", 1, "invalid JSON")]
    [InlineData("{\"metric\":\"http_req_duration\",\"type\":\"Sample\",\"data\":{}}\n", 1, "\"Point\" or \"Metric\"")]
    [InlineData("[1,2]\n", 1, "each line must be a JSON object")]
    [InlineData("{\"type\":\"Metric\",\"data\":{\"name\":\"vus\"},\"metric\":\"vus\"}\n", 1, "no http_req_duration points")]
    [InlineData("{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"2024-05-01T08:00:00Z\",\"value\":5,\"tags\":{\"status\":\"abc\"}}}\n", 1, "is not an HTTP status")]
    public async Task Bad_lines_give_located_errors(string content, int line, string problem)
    {
        using var temp = Fixture.Temp();
        var path = temp.Write("bad.ndjson", content);
        var ex = await Should.ThrowAsync<InputFormatException>(() => ResultImporter.ImportAsync(path, "k6-json"));
        ex.Source.ShouldBe(path);
        ex.Line.ShouldBe(line);
        ex.Problem.ShouldContain(problem);
    }
}
