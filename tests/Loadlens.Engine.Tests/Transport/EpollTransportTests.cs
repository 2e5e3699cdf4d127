using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Loadlens.Core.Scenarios;
using Loadlens.TestUtils;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Loadlens.Engine.Tests.Transport;

/// <summary>The epoll event-loop transport: several loops, hand-over from other threads, stops and errors.</summary>
public sealed class EpollTransportTests
{
    [Fact]
    public async Task SeveralLoops_ManyUsers_ServerCountsExactlyTheReportedRequests()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/count", new LoadProfile { Users = 12, Iterations = 3000 });

        var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Epoll, EventLoops = 3 });

        result.Generator!.Transport.ShouldBe("epoll-http1");
        result.Total.Requests.ShouldBe(3000);
        result.Total.Failures.ShouldBe(0);
        target.Count.ShouldBe(3000);
        result.Total.StatusCodes.ShouldBe(new Dictionary<string, long> { ["200"] = 3000 });
    }

    [Fact]
    public async Task ThinkTime_RequestsComeFromOtherThreads_AndArePaced()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/count", new LoadProfile
        {
            Users = 4,
            Duration = TimeSpan.FromSeconds(2),
            ThinkTimeMin = TimeSpan.FromMilliseconds(100),
            ThinkTimeMax = TimeSpan.FromMilliseconds(100),
        });

        var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Epoll });

        result.Total.Failures.ShouldBe(0);
        // 4 users × 2 s / (100 ms + a request) ≈ 80; never more than 4 × 21, never starved.
        result.Total.Requests.ShouldBeInRange(40, 84);
    }

    [Fact]
    public async Task OpenModel_ArrivalsAreHandedToTheLoops_AndTheRateIsAchieved()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/count", new LoadProfile { Model = LoadModel.Open, Rate = 200, Duration = TimeSpan.FromSeconds(3) });

        var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Epoll });

        result.Total.Failures.ShouldBe(0);
        result.Total.Requests.ShouldBeInRange(570, 630);
        target.Count.ShouldBe(result.Total.Requests);
    }

    [Fact]
    public async Task ConnectionRefused_IsRecordedForEveryRequest_WithTheSameMessageAsLean()
    {
        var port = FreePort();
        var scenario = Scenarios.Get(new Uri($"http://127.0.0.1:{port}"), "/", new LoadProfile { Users = 2, Iterations = 20 });

        var epoll = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Epoll, CheckTargetFirst = false });
        var lean = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Lean, CheckTargetFirst = false });

        epoll.Total.Requests.ShouldBe(20);
        epoll.Total.ErrorCategories.ShouldBe(new Dictionary<string, long> { ["ConnectionRefused"] = 20 });
        epoll.Errors.Single().Message.ShouldBe(lean.Errors.Single().Message);
    }

    [Fact]
    public async Task HardStop_RecordsRequestsTheServerNeverAnswers_AsUnfinished()
    {
        await using var server = new RawHttpServer(_ => ([], false));
        var scenario = Scenarios.Get(server.BaseAddress, "/", new LoadProfile { Users = 3, Duration = TimeSpan.FromMilliseconds(500) }) with { RequestTimeout = TimeSpan.FromSeconds(60) };

        var started = Stopwatch.GetTimestamp();
        var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Epoll, CheckTargetFirst = false, GracefulStop = TimeSpan.FromMilliseconds(300) });

        Stopwatch.GetElapsedTime(started).TotalSeconds.ShouldBeLessThan(10);
        // Ended by the hard stop, yet accounted for: each is an unfinished failure at its age (no request disappears).
        result.Total.Requests.ShouldBe(3);
        result.Total.Unfinished.ShouldBe(3);
        result.Total.Latency.Min.ShouldBeGreaterThanOrEqualTo(500); // its age: the 0.5 s run (less the start-up) + 0.3 s grace
        server.Connections.ShouldBe(3);
    }

    [Fact]
    public async Task GracefulStop_LetsInFlightRequestsFinish()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/slow-count/300", new LoadProfile { Users = 2, Duration = TimeSpan.FromMilliseconds(400) });

        var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = TransportKind.Epoll, GracefulStop = TimeSpan.FromSeconds(5) });

        // The requests in flight at the planned stop finish in the drain and are recorded: the server's count is the oracle.
        result.Total.Requests.ShouldBe(target.Count);
        result.Total.Requests.ShouldBeGreaterThanOrEqualTo(2);
        result.Total.Failures.ShouldBe(0);
        result.Intervals.Where(i => i.Drain).Sum(i => i.Total.Requests).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Https_OrHttp2_AreRejectedForEpoll_AndAutoNeverPicksItForThem()
    {
        await using var tls = await TestTarget.StartAsync(HttpProtocols.Http1, https: true);
        var https = Scenarios.Get(tls.BaseAddress, "/count", new LoadProfile { Users = 1, Iterations = 2 });
        var http2 = Scenarios.Get(new Uri("http://127.0.0.1:1"), "/", new LoadProfile { Users = 1, Iterations = 1 }) with { HttpVersion = "2" };

        (await Should.ThrowAsync<ArgumentException>(() => LoadRunner.RunAsync(https, new LoadRunnerOptions { Transport = TransportKind.Epoll })))
            .Message.ShouldContain("plain http://");
        await Should.ThrowAsync<ArgumentException>(() => LoadRunner.RunAsync(http2, new LoadRunnerOptions { Transport = TransportKind.Epoll }));
        var auto = await LoadRunner.RunAsync(https, new LoadRunnerOptions { AcceptAnyServerCertificate = true });
        auto.Generator!.Transport.ShouldBe("lean-http1");
        auto.Total.Failures.ShouldBe(0);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
