using System.Text;
using Loadlens.Core.Scenarios;
using Loadlens.Engine.Feeders;
using Loadlens.Engine.Http;
using Loadlens.Engine.Transport;

namespace Loadlens.Engine.Tests.Transport;

public sealed class Http1RequestEncoderTests
{
    private static (Http1RequestEncoder Encoder, string?[] Values) Build(EndpointDefinition endpoint, string baseUrl = "http://127.0.0.1:8080/", Dictionary<string, string>? headers = null)
    {
        var scenario = new ScenarioDefinition
        {
            Name = "t",
            BaseUrl = new Uri(baseUrl),
            Headers = headers ?? [],
            Feeders = [new FeederDefinition { Name = "a", Kind = FeederKind.Csv, Values = ["x"] }, new FeederDefinition { Name = "b", Kind = FeederKind.Csv, Values = ["y"] }],
            Endpoints = [endpoint],
            Load = new LoadProfile { Users = 1, Iterations = 1 },
        };
        var feeders = new FeederSet(scenario.Feeders);
        return (new Http1RequestEncoder(new RequestTemplate(0, endpoint, scenario, feeders.IndexOf)), new string?[2]);
    }

    private static (string Head, byte[] Body) Render(Http1RequestEncoder encoder, string?[] values)
    {
        byte[] bytes;
        if (encoder.StaticBytes is { } s)
        {
            bytes = s;
        }
        else
        {
            var buffer = new byte[8];
            var length = encoder.Render(values, ref buffer);
            bytes = buffer[..length];
        }

        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        end.ShouldBeGreaterThan(0);
        return (Encoding.UTF8.GetString(bytes, 0, end + 2), bytes[(end + 4)..]);
    }

    private static long ContentLength(string head) =>
        long.Parse(head.Split("\r\n").Single(l => l.StartsWith("Content-Length: ", StringComparison.Ordinal))["Content-Length: ".Length..], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void StaticGet_IsOneByteArray_WithRequestLineAndHost()
    {
        var (encoder, values) = Build(new EndpointDefinition { Name = "e", Path = "/items?page=1" }, headers: new() { ["Accept"] = "text/plain" });

        encoder.StaticBytes.ShouldNotBeNull();
        var (head, body) = Render(encoder, values);
        head.ShouldBe("GET /items?page=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: text/plain\r\n");
        body.ShouldBeEmpty();
    }

    [Fact]
    public void BodyWithPlaceholders_ContentLengthCountsExactlyTheRenderedBody()
    {
        var (encoder, values) = Build(new EndpointDefinition { Name = "e", Method = "POST", Path = "/orders", Body = "{\"id\": {{a}}, \"name\": \"{{b}}\"}" });
        foreach (var (a, b) in new[] { ("1", "é"), ("123456", ""), ("", "日本語 text") })
        {
            values[0] = a;
            values[1] = b;
            var (head, body) = Render(encoder, values);
            head.ShouldStartWith("POST /orders HTTP/1.1\r\n");
            head.ShouldContain("Content-Type: application/json\r\n");
            Encoding.UTF8.GetString(body).ShouldBe($"{{\"id\": {a}, \"name\": \"{b}\"}}");
            ContentLength(head).ShouldBe(body.Length);
        }
    }

    [Fact]
    public void StaticBody_AndPostWithoutBody_HaveExactContentLength()
    {
        var (withBody, v1) = Build(new EndpointDefinition { Name = "e", Method = "PUT", Path = "/x", Body = "ünïcode" });
        var (head, body) = Render(withBody, v1);
        ContentLength(head).ShouldBe(body.Length);
        Encoding.UTF8.GetString(body).ShouldBe("ünïcode");

        var (empty, v2) = Build(new EndpointDefinition { Name = "e", Method = "POST", Path = "/x" });
        var (emptyHead, emptyBody) = Render(empty, v2);
        ContentLength(emptyHead).ShouldBe(0);
        emptyBody.ShouldBeEmpty();
    }

    [Fact]
    public void PathValues_ArePercentEncoded_HeaderValuesWithLineBreaksAreRefused()
    {
        var (encoder, values) = Build(new EndpointDefinition { Name = "e", Path = "/search/{{a}}", Headers = new Dictionary<string, string> { ["X-B"] = "{{b}}" } }, "http://127.0.0.1:8080/base/");
        values[0] = "a b/ü?#";
        values[1] = "fine";
        var (head, _) = Render(encoder, values);
        head.ShouldStartWith("GET /base/search/a%20b/%C3%BC?%23 HTTP/1.1\r\n");
        head.ShouldContain("X-B: fine\r\n");

        values[1] = "evil\r\nInjected: 1";
        var buffer = new byte[16];
        Should.Throw<FormatException>(() => encoder.Render(values, ref buffer));
    }

    [Fact]
    public void UserHostHeader_ReplacesTheDefault_AndFramingHeadersAreOurs()
    {
        var (encoder, values) = Build(new EndpointDefinition { Name = "e", Path = "/" }, headers: new() { ["Host"] = "example.test", ["Content-Length"] = "99" });
        var (head, _) = Render(encoder, values);
        head.ShouldBe("GET / HTTP/1.1\r\nHost: example.test\r\n");
    }
}
