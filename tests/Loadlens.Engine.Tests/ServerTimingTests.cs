using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.TestUtils;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Loadlens.Engine.Tests;

/// <summary>
/// Server-Timing headers of a real Kestrel endpoint, loaded by every transport: what the engine aggregates is
/// what the server sent (the server's own record of the values as the oracle).
/// </summary>
public sealed class ServerTimingTests
{
    private static ScenarioDefinition Scenario(Uri baseUrl, int iterations, bool http2 = false) => new()
    {
        Name = "server-timing",
        BaseUrl = baseUrl,
        Endpoints =
        [
            new EndpointDefinition { Name = "timed", Path = "/server-timing" },
            new EndpointDefinition { Name = "plain", Path = "/text" },
        ],
        Load = new LoadProfile { Users = 4, Iterations = iterations },
        RequestTimeout = TimeSpan.FromSeconds(5),
        HttpVersion = http2 ? "2" : "1.1",
    };

    /// <summary>HdrHistogram's percentile: the value at rank max(1, round-half-up(p % × count)) of the sorted values.</summary>
    private static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = Math.Max(1, (long)((p / 100.0 * sorted.Length) + 0.5));
        return sorted[Math.Clamp((int)rank - 1, 0, sorted.Length - 1)];
    }

    private static void ShouldMatch(ServerTimingMetric metric, IReadOnlyList<double> sent)
    {
        metric.Count.ShouldBe(sent.Count);
        metric.Duration.Count.ShouldBe(sent.Count);
        metric.Duration.Mean.ShouldBe(sent.Average(), 1e-6); // exact: a sum, not the histogram's mean
        metric.Duration.P50.ShouldBe(Percentile(sent, 50), Percentile(sent, 50) * 0.002); // 3 significant digits
        metric.Duration.P95.ShouldBe(Percentile(sent, 95), Percentile(sent, 95) * 0.002);
        metric.Duration.Max.ShouldBe(sent.Max(), sent.Max() * 0.002);
        metric.Histogram.ShouldNotBeNull();
    }

    [Theory]
    [InlineData(TransportKind.Epoll, false)]
    [InlineData(TransportKind.Lean, false)]
    [InlineData(TransportKind.Sockets, false)]
    [InlineData(TransportKind.Sockets, true)]
    public async Task Aggregated_server_timing_matches_what_the_server_sent(TransportKind transport, bool http2)
    {
        await using var target = await TestTarget.StartAsync(http2 ? HttpProtocols.Http2 : HttpProtocols.Http1);
        var result = await LoadRunner.RunAsync(Scenario(target.BaseAddress, 400, http2), new LoadRunnerOptions { Transport = transport, Seed = 3 });

        result.Total.Failures.ShouldBe(0);
        var timed = result.Endpoints.Single(e => e.Name == "timed");
        var sent = target.ServerTimingSent.ToList();
        sent.Count.ShouldBe((int)timed.Requests);
        sent.Count.ShouldBeGreaterThan(50);

        var timing = timed.ServerTiming.ShouldNotBeNull();
        timing.Responses.ShouldBe(sent.Count);
        timing.Metrics.Select(m => m.Name).Order().ShouldBe(["app", "cache", "db"]); // "bad" is malformed, not a name
        ShouldMatch(timing["db"].ShouldNotBeNull(), sent.Select(s => s.Db).ToList());
        ShouldMatch(timing["app"].ShouldNotBeNull(), sent.Select(s => s.App).ToList());
        var cache = timing["cache"].ShouldNotBeNull(); // count only: no dur
        cache.Count.ShouldBe(sent.Count);
        cache.Duration.Count.ShouldBe(0);
        cache.Histogram.ShouldBeNull();
        timing.UnparsableEntries.ShouldBe(sent.Count); // one "bad;dur=abc" per response, never a failed request
        timing.DroppedEntries.ShouldBe(0);

        result.Endpoints.Single(e => e.Name == "plain").ServerTiming.ShouldBeNull();
        result.Total.ServerTiming.ShouldBeNull();
    }
}
