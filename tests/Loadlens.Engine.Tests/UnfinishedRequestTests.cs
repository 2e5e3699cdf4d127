using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Engine.Tests.Transport;
using Loadlens.TestUtils;

namespace Loadlens.Engine.Tests;

/// <summary>
/// No request disappears: one still in flight when the grace period ends is recorded as unfinished (a failure,
/// at its age), so sent = completed + failed + unfinished, with the server's own count as the oracle.
/// </summary>
public sealed class UnfinishedRequestTests
{
    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Lean)]
    [InlineData(TransportKind.Sockets)]
    public async Task A_server_that_never_answers_gives_unfinished_requests_not_an_empty_healthy_run(TransportKind transport)
    {
        await using var server = new RawHttpServer(_ => ([], false)); // accepts, reads the request, never answers
        var scenario = Scenarios.Get(server.BaseAddress, "/", new LoadProfile { Users = 3, Duration = TimeSpan.FromSeconds(1) }) with { RequestTimeout = TimeSpan.FromSeconds(60) };

        var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = transport, GracefulStop = TimeSpan.FromMilliseconds(500) });

        server.Requests.ShouldBe(3); // one request per user, each hanging
        result.Total.Requests.ShouldBe(3);
        result.Total.Failures.ShouldBe(3);
        result.Total.Unfinished.ShouldBe(3);
        result.Total.ErrorCategories.ShouldBe(new Dictionary<string, long> { ["Unfinished"] = 3 });
        result.Total.Latency.Min.ShouldBeGreaterThanOrEqualTo(1000); // censored at its age: sent near the start, ended after the 1 s run + 0.5 s grace
        result.Intervals.Sum(i => i.Total.Unfinished).ShouldBe(3);
        result.DrainSeconds.ShouldBeInRange(0.45, 3); // the wait for them is recorded: the grace period, then the hard stop
        result.Errors.ShouldHaveSingleItem().Message.ShouldStartWith("unfinished: no complete response");
    }

    [Fact]
    public async Task An_open_model_run_above_capacity_accounts_for_every_arrival_it_sent()
    {
        await using var target = await TestTarget.StartAsync();
        // 60 arrivals in 1.2 s, each answered after 3 s: none can finish inside the 0.3 s grace period.
        var scenario = Scenarios.Get(target.BaseAddress, "/slow-count/3000", new LoadProfile { Model = LoadModel.Open, Rate = 50, Duration = TimeSpan.FromSeconds(1.2) });

        var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { GracefulStop = TimeSpan.FromMilliseconds(300) });

        var sent = result.Arrivals.ShouldNotBeNull().Sent;
        sent.ShouldBe(60);
        target.Count.ShouldBe(sent); // the server received every one
        result.Intervals.Sum(i => i.Total.Requests).ShouldBe(sent); // and every one is accounted for
        result.Total.Unfinished.ShouldBe(result.Total.Requests);
        result.Total.Latency.P50.ShouldBeGreaterThan(250);
    }
}
