using Loadlens.Core.Scenarios;
using Loadlens.Core.Tracing;
using Loadlens.TestUtils;

namespace Loadlens.Engine.Tests;

/// <summary>Every request carries a W3C traceparent that names its run, endpoint and send time (the server's view as the oracle).</summary>
public sealed class TraceContextTests
{
    private static ScenarioDefinition Scenario(Uri baseUrl, LoadProfile load) => new()
    {
        Name = "trace",
        BaseUrl = baseUrl,
        Endpoints = [new EndpointDefinition { Name = "GET a", Path = "/trace/a" }, new EndpointDefinition { Name = "GET b", Path = "/trace/b" }],
        Load = load,
        RequestTimeout = TimeSpan.FromSeconds(5),
    };

    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Lean)]
    [InlineData(TransportKind.Sockets)]
    public async Task Each_request_carries_a_sampled_traceparent_naming_its_endpoint_and_send_time(TransportKind transport)
    {
        await using var target = await TestTarget.StartAsync();
        const uint tag = 0x5eed1234;
        var result = await LoadRunner.RunAsync(
            Scenario(target.BaseAddress, new LoadProfile { Users = 3, Iterations = 60 }),
            new LoadRunnerOptions { Transport = transport, TraceContext = new TraceContextOptions(tag), Seed = 7 });

        result.Total.Requests.ShouldBe(60);
        var seen = target.TraceParents.ToList();
        seen.Count.ShouldBe(60);
        var spanIds = new HashSet<string>();
        foreach (var (name, traceParent) in seen)
        {
            traceParent.Length.ShouldBe(LoadlensTraceId.TraceParentLength, traceParent);
            traceParent.ShouldStartWith("00-");
            traceParent.ShouldEndWith("-01"); // sampled
            traceParent.ShouldMatch("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$");
            LoadlensTraceId.TryDecode(traceParent[3..35], tag, out var endpoint, out var micros).ShouldBeTrue();
            endpoint.ShouldBe(name == "a" ? 0 : 1); // the endpoint index, recovered from the trace id alone
            micros.ShouldBeInRange(0, (long)(result.DurationSeconds * 1e6) + 1);
            spanIds.Add(traceParent[36..52]).ShouldBeTrue(); // a fresh span id per request
            LoadlensTraceId.TryDecode(traceParent[3..35], tag + 1, out _, out _).ShouldBeFalse(); // another run's tag
        }
    }

    [Fact]
    public async Task Without_trace_context_no_traceparent_is_sent_and_a_scenario_header_wins()
    {
        await using var target = await TestTarget.StartAsync();
        await LoadRunner.RunAsync(Scenario(target.BaseAddress, new LoadProfile { Users = 1, Iterations = 4 }), new LoadRunnerOptions());
        target.TraceParents.ShouldAllBe(t => t.TraceParent.Length == 0);

        var own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var scenario = Scenario(target.BaseAddress, new LoadProfile { Users = 1, Iterations = 4 }) with { Headers = new Dictionary<string, string> { ["traceparent"] = own } };
        target.TraceParents.Clear();
        await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { TraceContext = new TraceContextOptions(9), Transport = TransportKind.Lean });
        target.TraceParents.ShouldAllBe(t => t.TraceParent == own);
        target.TraceParents.Count.ShouldBe(4);
    }

    [Fact]
    public void Trace_ids_round_trip_and_reject_foreign_ones()
    {
        var value = LoadlensTraceId.TraceParent(0xABCDEF01, 513, 12_345_678_901, 0x1122334455667788);
        value.ShouldBe("00-abcdef0102010002dfdc1c3555667788-1122334455667788-01"); // 12,345,678,901 µs = 0x2DFDC1C35
        LoadlensTraceId.TryDecode(value[3..35], 0xABCDEF01, out var endpoint, out var micros).ShouldBeTrue();
        endpoint.ShouldBe(513);
        micros.ShouldBe(12_345_678_901);
        LoadlensTraceId.TryDecode("not-hex-not-hex-not-hex-not-hex-", 0xABCDEF01, out _, out _).ShouldBeFalse();
        LoadlensTraceId.TryDecode("abcd", 0xABCDEF01, out _, out _).ShouldBeFalse();
    }
}
