using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.TestUtils;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Loadlens.Engine.Tests.Transport;

public sealed class TransportTests
{
    private static ScenarioDefinition Mixed(Uri baseUrl) => new()
    {
        Name = "agreement",
        BaseUrl = baseUrl,
        Feeders = [new FeederDefinition { Name = "word", Kind = FeederKind.Csv, Values = ["alpha", "beta", "gamma"], Order = FeederOrder.Sequential }],
        Endpoints =
        [
            new EndpointDefinition { Name = "count", Path = "/count", Weight = 3 },
            new EndpointDefinition { Name = "create", Method = "POST", Path = "/count", Body = "{\"n\": 1}", Weight = 1, ExpectStatus = [201] },
            new EndpointDefinition { Name = "create from feeder", Method = "POST", Path = "/count", Body = "{\"w\": \"{{word}}\"}", Weight = 1, ExpectStatus = [201] },
            new EndpointDefinition { Name = "not found", Path = "/status/404", Weight = 1 },
            new EndpointDefinition { Name = "unavailable", Path = "/status/503", Weight = 1 },
            new EndpointDefinition { Name = "echo", Path = "/echo/{{word}}", Weight = 1, ExpectBodyContains = "a" },
            new EndpointDefinition { Name = "echo check fails", Path = "/echo/{{word}}", Weight = 1, ExpectBodyContains = "zzz" },
            new EndpointDefinition { Name = "abort", Path = "/abort", Weight = 1 },
            new EndpointDefinition { Name = "delay", Path = "/delay/20", Weight = 1 },
        ],
        Load = new LoadProfile { Users = 1, Iterations = 300 },
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LeanAndSocketsTransports_AgreeOnTheSameTarget(bool https)
    {
        await using var target = await TestTarget.StartAsync(HttpProtocols.Http1, https);
        var scenario = Mixed(target.BaseAddress);

        var lean = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Lean, Seed = 7, AcceptAnyServerCertificate = true });
        var sockets = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Sockets, Seed = 7, AcceptAnyServerCertificate = true });

        lean.Generator!.Transport.ShouldBe("lean-http1");
        sockets.Generator!.Transport.ShouldBe("sockets-http-handler");
        lean.Total.Requests.ShouldBe(300);
        sockets.Total.Requests.ShouldBe(300);
        foreach (var (l, s) in lean.Endpoints.Zip(sockets.Endpoints))
        {
            l.Name.ShouldBe(s.Name);
            l.Requests.ShouldBe(s.Requests, l.Name);
            l.Failures.ShouldBe(s.Failures, l.Name);
            l.StatusCodes.ShouldBe(s.StatusCodes, l.Name);
            l.ErrorCategories.ShouldBe(s.ErrorCategories, l.Name);
            l.BytesReceived.ShouldBe(s.BytesReceived, l.Name);
        }

        // The mix really exercised every outcome class.
        var byName = lean.Endpoints.ToDictionary(e => e.Name);
        byName["count"].StatusCodes.Keys.ShouldBe(["200"]);
        byName["create"].StatusCodes.Keys.ShouldBe(["201"]);
        byName["create"].Failures.ShouldBe(0);
        byName["create from feeder"].Failures.ShouldBe(0);
        byName["create from feeder"].Latency.P99.ShouldBeLessThan(1000); // a wrong Content-Length would leave Kestrel waiting for body bytes
        byName["not found"].ErrorCategories.Keys.ShouldBe(["Http4xx"]);
        byName["unavailable"].ErrorCategories.Keys.ShouldBe(["Http5xx"]);
        byName["echo"].Failures.ShouldBe(0);
        byName["echo check fails"].ErrorCategories.Keys.ShouldBe(["CheckFailed"]);
        byName["abort"].ErrorCategories.Keys.ShouldBe(["ConnectionReset"]);
        byName["abort"].Requests.ShouldBeGreaterThan(0);
        lean.Errors.Select(e => (e.Endpoint, e.Category, e.StatusCode)).Order()
            .ShouldBe(sockets.Errors.Select(e => (e.Endpoint, e.Category, e.StatusCode)).Order());
        lean.Errors.Single(e => e.Endpoint == "not found").Message.ShouldBe("HTTP 404 Not Found");
        sockets.Errors.Single(e => e.Endpoint == "not found").Message.ShouldBe("HTTP 404 Not Found");

        // Latency comparable: a 20 ms endpoint measures 20 ms-and-a-bit through either transport.
        byName["delay"].Latency.P50.ShouldBeInRange(20, 40);
        sockets.Endpoints.Single(e => e.Name == "delay").Latency.P50.ShouldBeInRange(20, 40);

        if (!https)
        {
            // The third transport (Loadlens' own epoll loops, plain http:// only) agrees with both.
            var epoll = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Epoll, Seed = 7 });
            epoll.Generator!.Transport.ShouldBe("epoll-http1");
            epoll.Total.Requests.ShouldBe(300);
            foreach (var (e, s) in epoll.Endpoints.Zip(sockets.Endpoints))
            {
                e.Name.ShouldBe(s.Name);
                e.Requests.ShouldBe(s.Requests, e.Name);
                e.Failures.ShouldBe(s.Failures, e.Name);
                e.StatusCodes.ShouldBe(s.StatusCodes, e.Name);
                e.ErrorCategories.ShouldBe(s.ErrorCategories, e.Name);
                e.BytesReceived.ShouldBe(s.BytesReceived, e.Name);
            }

            epoll.Errors.Select(e => (e.Endpoint, e.Category, e.StatusCode)).Order()
                .ShouldBe(sockets.Errors.Select(e => (e.Endpoint, e.Category, e.StatusCode)).Order());
            epoll.Errors.Single(e => e.Endpoint == "not found").Message.ShouldBe("HTTP 404 Not Found");
            epoll.Endpoints.Single(e => e.Name == "create from feeder").Latency.P99.ShouldBeLessThan(1000);
            epoll.Endpoints.Single(e => e.Name == "delay").Latency.P50.ShouldBeInRange(20, 40);
        }
    }

    [Fact]
    public async Task Auto_ChoosesEpollForClosedHttp_LeanForOpenHttp11_AndSocketsForHttp2()
    {
        await using var target = await TestTarget.StartAsync(HttpProtocols.Http1);
        await using var target2 = await TestTarget.StartAsync(HttpProtocols.Http2);
        var http1 = Scenarios.Get(target.BaseAddress, "/version", new LoadProfile { Users = 1, Iterations = 5 });
        var open = Scenarios.Get(target.BaseAddress, "/version", new LoadProfile { Model = LoadModel.Open, Rate = 20, Duration = TimeSpan.FromMilliseconds(300) });
        var http2 = Scenarios.Get(target2.BaseAddress, "/version", new LoadProfile { Users = 1, Iterations = 5 }) with { HttpVersion = "2" };

        var r1 = await LoadRunner.RunAsync(http1);
        var r1Open = await LoadRunner.RunAsync(open);
        var r2 = await LoadRunner.RunAsync(http2);

        r1.Generator!.Transport.ShouldBe(OperatingSystem.IsLinux() ? "epoll-http1" : "lean-http1");
        r1.Total.Failures.ShouldBe(0);
        r1Open.Generator!.Transport.ShouldBe("lean-http1");
        r2.Generator!.Transport.ShouldBe("sockets-http-handler");
        r2.Total.Failures.ShouldBe(0);
        await Should.ThrowAsync<ArgumentException>(() => LoadRunner.RunAsync(http2, new LoadRunnerOptions { Transport = TransportKind.Lean }));
    }

    [Theory]
    [InlineData(TransportKind.Lean)]
    [InlineData(TransportKind.Epoll)]
    public async Task ConnectionClose_IsHonoured_AndEveryRequestSucceedsOnAFreshConnection(TransportKind transport)
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Text("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", close: true));
        var result = await RunLean(server.BaseAddress, iterations: 40, transport);

        result.Total.Requests.ShouldBe(40);
        result.Total.Failures.ShouldBe(0);
        server.Connections.ShouldBe(40);
        server.Requests.ShouldBe(40);
    }

    [Theory]
    [InlineData(TransportKind.Lean)]
    [InlineData(TransportKind.Epoll)]
    public async Task ServerClosingIdleKeepAliveConnections_IsRetriedOnce_NotAFailure(TransportKind transport)
    {
        // Every second response on a connection is followed by a silent close (no Connection: close):
        // the next request on it meets EOF before any byte and is retried on a new connection.
        await using var server = new RawHttpServer(i => RawHttpServer.Text("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", close: i == 1));
        var result = await RunLean(server.BaseAddress, iterations: 40, transport);

        result.Total.Failures.ShouldBe(0);
        result.Total.Requests.ShouldBe(40);
        server.Connections.ShouldBe(20);
    }

    [Theory]
    [InlineData(TransportKind.Lean)]
    [InlineData(TransportKind.Epoll)]
    public async Task MalformedResponses_AreRecordedProtocolErrors_AndTheConnectionIsReplaced(TransportKind transport)
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Text("HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok"));
        var result = await RunLean(server.BaseAddress, iterations: 10, transport);

        result.Total.Requests.ShouldBe(10);
        result.Total.Failures.ShouldBe(10);
        result.Total.ErrorCategories.Keys.ShouldBe(["Protocol"]);
        result.Errors.Single().Message.ShouldContain("Content-Length");
        server.Connections.ShouldBe(10);
    }

    [Theory]
    [InlineData(TransportKind.Lean)]
    [InlineData(TransportKind.Epoll)]
    public async Task ChunkedResponses_AreParsed_AndBodyChecksSeeTheDecodedBody(TransportKind transport)
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Text("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n"));
        var scenario = Scenarios.Get(server.BaseAddress, "/", new LoadProfile { Users = 2, Iterations = 30 });
        scenario = scenario with { Endpoints = [scenario.Endpoints[0] with { ExpectBodyContains = "kiped" }] };

        var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = transport, CheckTargetFirst = false });

        result.Total.Failures.ShouldBe(0);
        result.Total.BytesReceived.ShouldBe(30 * 9);
        server.Connections.ShouldBe(2);
    }

    [Fact]
    public async Task ResponseOverTheSizeLimit_IsAProtocolError()
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Text("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + new string('x', 100)));
        var scenario = Scenarios.Get(server.BaseAddress, "/", new LoadProfile { Users = 1, Iterations = 3 });

        var lean = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Lean, MaxResponseBodyBytes = 50 });
        var sockets = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Sockets, MaxResponseBodyBytes = 50 });
        var epoll = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Epoll, MaxResponseBodyBytes = 50 });

        epoll.Total.ErrorCategories.ShouldBe(new Dictionary<string, long> { ["Protocol"] = 3 });
        lean.Total.ErrorCategories.ShouldBe(new Dictionary<string, long> { ["Protocol"] = 3 });
        sockets.Total.ErrorCategories.ShouldBe(new Dictionary<string, long> { ["Protocol"] = 3 });
    }

    [Theory]
    [InlineData(TransportKind.Lean)]
    [InlineData(TransportKind.Epoll)]
    public async Task SilentServer_TimesOutThroughTheWatchdog(TransportKind transport)
    {
        await using var server = new RawHttpServer(_ => ([], false));
        var scenario = Scenarios.Get(server.BaseAddress, "/", new LoadProfile { Users = 2, Iterations = 4 }) with { RequestTimeout = TimeSpan.FromMilliseconds(300) };

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = transport });

        result.Total.ErrorCategories.ShouldBe(new Dictionary<string, long> { ["Timeout"] = 4 });
        result.Total.Latency.Min.ShouldBeGreaterThanOrEqualTo(300);
        // The watchdog, not the 5 s graceful stop, ended them (a loaded CI machine can delay its tick by a second or more;
        // without the watchdog they would be abandoned at the hard stop and the Timeout count above would be 0).
        result.Total.Latency.Max.ShouldBeLessThan(4000);
        System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds.ShouldBeLessThan(10);
    }

    [Fact]
    public async Task GeneratorStats_ReportTheGeneratorsOwnCpuAndMemory()
    {
        await using var target = await TestTarget.StartAsync();
        var result = await LoadRunner.RunAsync(Scenarios.Get(target.BaseAddress, "/count", new LoadProfile { Users = 4, Duration = TimeSpan.FromSeconds(2) }));

        var g = result.Generator.ShouldNotBeNull();
        g.CpuSeconds.ShouldBeGreaterThan(0);
        g.CpuMicrosPerRequest.ShouldBe(g.CpuSeconds * 1e6 / result.Intervals.Sum(i => i.Total.Requests), g.CpuMicrosPerRequest * 0.01);
        g.CpuUtilization.ShouldBeInRange(0.0001, 1.0);
        g.PeakCpuUtilization.ShouldBeGreaterThanOrEqualTo(g.CpuUtilization);
        g.PeakRssBytes.ShouldBeGreaterThan(10L * 1024 * 1024);
        g.Cores.ShouldBe(Environment.ProcessorCount);
        g.Saturated.ShouldBe(g.SaturationReason is not null);
    }

    private static Task<RunResult> RunLean(Uri baseUrl, int iterations, TransportKind transport) =>
        LoadRunner.RunAsync(Scenarios.Get(baseUrl, "/", new LoadProfile { Users = 1, Iterations = iterations }), new LoadRunnerOptions { Transport = transport, CheckTargetFirst = false });
}
