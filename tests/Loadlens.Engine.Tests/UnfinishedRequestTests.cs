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

    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Lean)]
    public async Task Rates_are_over_the_measured_window_and_the_drain_completions_count_only_in_the_totals(TransportKind transport)
    {
        await using var target = await TestTarget.StartAsync();
        // 4 users on a 400 ms endpoint for 1.5 s: the requests in flight at the end finish during the drain.
        var scenario = Scenarios.Get(target.BaseAddress, "/slow-count/400", new LoadProfile { Users = 4, Duration = TimeSpan.FromSeconds(1.5) });

        var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Transport = transport, GracefulStop = TimeSpan.FromSeconds(5) });

        target.Count.ShouldBe(result.Total.Requests); // every request completed: the drain waited for them
        result.Total.Unfinished.ShouldBe(0);
        var drain = result.Intervals.Where(i => i.Drain).ToList();
        var inDrain = drain.Sum(i => i.Total.Requests);
        inDrain.ShouldBeGreaterThan(0); // the last round of requests completed after sending stopped
        result.DrainSeconds.ShouldBeGreaterThan(0.05);
        result.DrainSeconds.ShouldBeLessThan(3);
        result.MeasuredSeconds.ShouldBe(result.DurationSeconds - result.DrainSeconds, 1e-5);
        result.Intervals.Where(i => !i.Drain).Sum(i => i.Total.Requests).ShouldBe(result.Total.Requests - inDrain);

        // The rate counts the window's completions over the window, not the drain's completions or its time.
        var window = result.Intervals.Where(i => !i.Drain && !i.Warmup).Sum(i => i.Total.Requests);
        result.Total.RequestsPerSecond.ShouldBe(window / result.MeasuredSeconds, 1e-3);
        result.Endpoints[0].RequestsPerSecond.ShouldBe(window / result.MeasuredSeconds, 1e-3);
        result.MeasuredSeconds.ShouldBeInRange(1.45, 1.9);
    }
}
