using Loadlens.Core.Metrics;
using Loadlens.Core.Scenarios;

using Loadlens.TestUtils;

namespace Loadlens.Engine.Tests;

public sealed class LoadRunnerTests
{
    [Fact]
    public async Task ClosedModel_FixedIterations_ServerCountsExactlyTheReportedRequests()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/count", new LoadProfile { Users = 8, Iterations = 500 });

        var result = await LoadRunner.RunAsync(scenario);

        target.Count.ShouldBe(500);
        result.Total.Requests.ShouldBe(500);
        result.Endpoints.Single().Requests.ShouldBe(500);
        result.Total.Failures.ShouldBe(0);
        result.Endpoints.Single().StatusCodes["200"].ShouldBe(500);
        result.Outcome.Completed.ShouldBeTrue();
        result.Intervals.Sum(i => i.Total.Requests).ShouldBe(500);
    }

    [Fact]
    public async Task OpenModel_200PerSecondFor5s_AchievesRateWithin3Percent()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/count", new LoadProfile
        {
            Model = LoadModel.Open,
            Rate = 200,
            Duration = TimeSpan.FromSeconds(5),
        });

        var result = await LoadRunner.RunAsync(scenario);

        result.Arrivals.ShouldNotBeNull();
        result.Arrivals.Intended.ShouldBe(1000);
        result.Arrivals.Dropped.ShouldBe(0);
        result.Arrivals.IntendedRate.ShouldBe(200, 200 * 0.005); // exact schedule over the planned window
        result.Arrivals.AchievedRate.ShouldBe(200, 200 * 0.03);
        result.Total.RequestsPerSecond.ShouldBe(200, 200 * 0.03);
        result.Total.Requests.ShouldBe(1000);
        target.Count.ShouldBe(1000);
        result.Intervals.Sum(i => i.IntendedRequests).ShouldBe(1000);
    }

    [Fact]
    public async Task FixedDelay20ms_MedianWithin20To24ms()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/delay/20", new LoadProfile
        {
            Users = 2,
            Duration = TimeSpan.FromSeconds(3),
            WarmUp = TimeSpan.FromSeconds(1),
        });

        var result = await LoadRunner.RunAsync(scenario);

        result.Total.Requests.ShouldBeGreaterThan(50);
        result.Total.Latency.P50.ShouldBeInRange(20.0, 24.0);
        result.Total.Latency.Min.ShouldBeGreaterThanOrEqualTo(19.9);
    }

    [Fact]
    public async Task OpenModel_ServerStalls300msEverySecond_P99ShowsTheStall()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/stall", new LoadProfile
        {
            Model = LoadModel.Open,
            Rate = 100,
            Duration = TimeSpan.FromSeconds(4),
        });

        var result = await LoadRunner.RunAsync(scenario);

        result.Total.Latency.P99.ShouldBeGreaterThanOrEqualTo(250);
        result.Total.Latency.P50.ShouldBeLessThan(250);
    }

    [Fact]
    public async Task WarmUp_IsMarkedAndExcludedFromTotals()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/count", new LoadProfile
        {
            Model = LoadModel.Open,
            Rate = 50,
            Duration = TimeSpan.FromSeconds(3),
            WarmUp = TimeSpan.FromSeconds(1),
        });

        var result = await LoadRunner.RunAsync(scenario);

        result.WarmupSeconds.ShouldBe(1.0, 0.05);
        result.Intervals[0].Warmup.ShouldBeTrue();
        result.Intervals.Skip(1).ShouldAllBe(i => !i.Warmup);
        // Completions can shift between intervals when a cold, shared machine stalls the process, so
        // the schedule is checked on intended arrivals and the exclusion on exact counts.
        result.Intervals[0].IntendedRequests.ShouldBeInRange(45, 55);
        result.Arrivals!.IntendedRate.ShouldBe(50, 2.5);
        var warm = result.Intervals.Where(i => i.Warmup).Sum(i => i.Total.Requests);
        result.Total.Requests.ShouldBe(target.Count - warm);
        result.Total.Requests.ShouldBeLessThan(target.Count);
        result.Total.RequestsPerSecond.ShouldBe(result.Total.Requests / result.MeasuredSeconds, 0.01);
    }

    [Fact]
    public async Task UnexpectedStatus_IsAFailureClassifiedByStatusClass()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = new ScenarioDefinition
        {
            Name = "mix",
            BaseUrl = target.BaseAddress,
            Endpoints =
            [
                new EndpointDefinition { Name = "ok", Path = "/text", Weight = 1, ExpectBodyContains = "loadlens" },
                new EndpointDefinition { Name = "fail", Path = "/status/503", Weight = 1 },
                new EndpointDefinition { Name = "missing", Path = "/status/404", Weight = 1 },
                new EndpointDefinition { Name = "check", Path = "/text", Weight = 1, ExpectBodyContains = "absent" },
            ],
            Load = new LoadProfile { Users = 4, Iterations = 400 },
        };

        var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Seed = 7 });

        result.Total.Requests.ShouldBe(400);
        var byName = result.Endpoints.ToDictionary(e => e.Name);
        byName["ok"].Failures.ShouldBe(0);
        byName["ok"].Requests.ShouldBeGreaterThan(50);
        byName["fail"].Failures.ShouldBe(byName["fail"].Requests);
        byName["fail"].ErrorCategories["Http5xx"].ShouldBe(byName["fail"].Requests);
        byName["missing"].ErrorCategories["Http4xx"].ShouldBe(byName["missing"].Requests);
        byName["check"].ErrorCategories["CheckFailed"].ShouldBe(byName["check"].Requests);
        result.Errors.ShouldContain(e => e.Endpoint == "fail" && e.StatusCode == 503 && e.Message.StartsWith("HTTP 503"));
        result.Total.Failures.ShouldBe(byName["fail"].Requests + byName["missing"].Requests + byName["check"].Requests);
    }

    [Fact]
    public async Task ConnectionAborts_AreClassifiedAsConnectionErrors()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/abort", new LoadProfile { Users = 2, Iterations = 20 });

        var result = await LoadRunner.RunAsync(scenario);

        result.Total.Requests.ShouldBe(20);
        result.Total.Failures.ShouldBe(20);
        result.Endpoints.Single().ErrorCategories.Keys.ShouldBe(["ConnectionReset"]);
        result.Errors.Single().Message.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Feeders_SubstitutePlaceholdersPerRequest()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = new ScenarioDefinition
        {
            Name = "feed",
            BaseUrl = target.BaseAddress,
            Feeders = [new FeederDefinition { Name = "id", Kind = FeederKind.Range, From = 1, To = 5 }],
            Endpoints = [new EndpointDefinition { Name = "echo", Path = "/echo/{{id}}", ExpectBodyContains = "" }],
            Load = new LoadProfile { Users = 1, Iterations = 10 },
        };

        var result = await LoadRunner.RunAsync(scenario);

        result.Total.Requests.ShouldBe(10);
        result.Total.Failures.ShouldBe(0);
        // sequential range 1..5 twice: bodies "1".."5" → 2 bytes total per pair of cycles
        result.Total.BytesReceived.ShouldBe(10);
    }

    [Fact]
    public async Task Stages_RampUsersUpAndRecordActiveUsers()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/delay/5", new LoadProfile
        {
            Stages = [new LoadStage(TimeSpan.FromSeconds(2), 10), new LoadStage(TimeSpan.FromSeconds(1), 10)],
        });

        var result = await LoadRunner.RunAsync(scenario);

        result.Intervals.Count.ShouldBeGreaterThanOrEqualTo(3);
        result.Intervals[0].ActiveUsers.ShouldBeInRange(3, 7);
        result.Intervals.Max(i => i.ActiveUsers).ShouldBe(10); // reached by the end of the ramp (the last interval may already be draining)
        result.Settings.Users.ShouldBe(10);
    }

    [Fact]
    public async Task Cancellation_ReturnsPartialResultMarkedCancelled()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/delay/10", new LoadProfile { Users = 4, Duration = TimeSpan.FromSeconds(30) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        var result = await LoadRunner.RunAsync(scenario, null, cts.Token);

        result.Outcome.Completed.ShouldBeFalse();
        result.Outcome.StopReason.ShouldBe("cancelled");
        result.DurationSeconds.ShouldBeLessThan(6);
        result.Total.Requests.ShouldBeGreaterThan(50);
    }

    [Fact]
    public async Task UnreachableTarget_ThrowsTargetUnreachable()
    {
        var scenario = Scenarios.Get(new Uri("http://127.0.0.1:1/"), "/", new LoadProfile { Users = 1, Iterations = 1 });

        var ex = await Should.ThrowAsync<TargetUnreachableException>(() => LoadRunner.RunAsync(scenario));

        ex.Message.ShouldContain("connection refused");
    }

    [Fact]
    public async Task NonLoopbackTarget_IsRefusedWithoutOptIn()
    {
        var scenario = Scenarios.Get(new Uri("http://192.0.2.1:80/"), "/", new LoadProfile { Users = 1, Iterations = 1 });

        await Should.ThrowAsync<TargetNotAllowedException>(() => LoadRunner.RunAsync(scenario));
    }

    [Fact]
    public async Task Http2_PriorKnowledge_IsUsedWhenAsked()
    {
        await using var target = await TestTarget.StartAsync(Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
        var scenario = Scenarios.Get(target.BaseAddress, "/version", new LoadProfile { Users = 2, Iterations = 20 }) with { HttpVersion = "2" };
        scenario = scenario with { Endpoints = [scenario.Endpoints[0] with { ExpectBodyContains = "HTTP/2" }] };

        var result = await LoadRunner.RunAsync(scenario);

        result.Total.Requests.ShouldBe(20);
        result.Total.Failures.ShouldBe(0);
    }

    [Fact]
    public async Task IntervalHistograms_MergeToTheTotals()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/delay/2", new LoadProfile { Users = 3, Duration = TimeSpan.FromSeconds(2.5) });

        var result = await LoadRunner.RunAsync(scenario);

        var merged = LatencyHistograms.Merge(result.Intervals.Where(i => !i.Warmup && i.Total.Histogram is not null)
            .Select(i => LatencyHistograms.Decode(i.Total.Histogram!)));
        LatencyHistograms.ToStats(merged).ShouldBe(result.Total.Latency);
        result.Intervals[^1].DurationSeconds.ShouldBeLessThan(1.0);
    }

    [Fact]
    public async Task OpenModel_InFlightCapReached_CountsDroppedArrivals()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/delay/100", new LoadProfile
        {
            Model = LoadModel.Open,
            Rate = 100,
            Duration = TimeSpan.FromSeconds(2),
            MaxInFlight = 2,
        });

        var result = await LoadRunner.RunAsync(scenario);

        result.Arrivals.ShouldNotBeNull();
        result.Arrivals.Intended.ShouldBe(200);
        result.Arrivals.Dropped.ShouldBeGreaterThan(100);
        result.Arrivals.Sent.ShouldBe(result.Arrivals.Intended - result.Arrivals.Dropped);
        result.Arrivals.AchievedRate.ShouldBeLessThan(result.Arrivals.IntendedRate / 2);
        result.Intervals.Sum(i => i.DroppedRequests).ShouldBe(result.Arrivals.Dropped);
        target.Count.ShouldBe(0);
    }

    [Fact]
    public async Task RequestTimeout_IsClassifiedAsTimeout()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/delay/2000", new LoadProfile { Users = 2, Iterations = 4 })
            with { RequestTimeout = TimeSpan.FromMilliseconds(200) };

        var result = await LoadRunner.RunAsync(scenario);

        result.Total.Requests.ShouldBe(4);
        result.Endpoints.Single().ErrorCategories["Timeout"].ShouldBe(4);
        result.Total.Latency.Min.ShouldBeInRange(195, 600);
    }

    [Fact]
    public async Task TargetDiesMidRun_ConnectionErrorsAreRecordedAndTheRunCompletes()
    {
        var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/delay/5", new LoadProfile { Users = 2, Duration = TimeSpan.FromSeconds(3) });
        var run = LoadRunner.RunAsync(scenario);
        await Task.Delay(1200);
        await target.DisposeAsync();

        var result = await run;

        result.Outcome.Completed.ShouldBeTrue();
        result.Total.Requests.ShouldBeGreaterThan(result.Total.Failures);
        result.Total.Failures.ShouldBeGreaterThan(0);
        result.Endpoints.Single().ErrorCategories.Keys.ShouldContain(k => k == "ConnectionRefused" || k == "ConnectionReset");
        result.Errors.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task ThinkTime_PacesEachUser()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/count", new LoadProfile
        {
            Users = 2,
            Duration = TimeSpan.FromSeconds(2),
            ThinkTimeMin = TimeSpan.FromMilliseconds(80),
            ThinkTimeMax = TimeSpan.FromMilliseconds(120),
        });

        var result = await LoadRunner.RunAsync(scenario);

        // 2 users × 2 s / ~100 ms per cycle ≈ 40 requests. The upper bound proves the pacing (without
        // think time this would be thousands); the lower bound is loose because a cold test process on
        // a shared machine can stall for a few hundred ms.
        result.Total.Requests.ShouldBeInRange(14, 44);
        result.Settings.ThinkTimeMinMs.ShouldBe(80);
    }

    [Fact]
    public async Task Https_SelfSignedCertificate_IsATlsErrorUnlessAccepted()
    {
        await using var target = await TestTarget.StartAsync(https: true);
        target.BaseAddress.Scheme.ShouldBe("https");
        var scenario = Scenarios.Get(target.BaseAddress, "/count", new LoadProfile { Users = 1, Iterations = 3 });

        var rejected = await LoadRunner.RunAsync(scenario);
        var accepted = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { AcceptAnyServerCertificate = true });

        rejected.Total.Failures.ShouldBe(3);
        rejected.Endpoints.Single().ErrorCategories.Keys.ShouldBe(["Tls"]);
        accepted.Total.Failures.ShouldBe(0);
        target.Count.ShouldBe(3);
    }

    [Fact]
    public async Task FeederValueThatBreaksTheRequest_IsARecordedFailureNotACrash()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = new ScenarioDefinition
        {
            Name = "bad-values",
            BaseUrl = target.BaseAddress,
            Feeders = [new FeederDefinition { Name = "v", Kind = FeederKind.Csv, Values = ["ok", "bad\r\nX-Injected: 1"] }],
            Endpoints = [new EndpointDefinition { Name = "h", Path = "/count", Headers = new Dictionary<string, string> { ["X-Value"] = "{{v}}" } }],
            Load = new LoadProfile { Users = 1, Iterations = 10 },
        };

        var result = await LoadRunner.RunAsync(scenario);

        result.Total.Requests.ShouldBe(10);
        result.Total.Failures.ShouldBe(5);
        target.Count.ShouldBe(5);
        result.Errors.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task OpenModel_RampDownToZero_StillLastsThePlannedTime()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/count", new LoadProfile
        {
            Model = LoadModel.Open,
            Stages = [new LoadStage(TimeSpan.FromSeconds(1), 20), new LoadStage(TimeSpan.FromSeconds(1), 0), new LoadStage(TimeSpan.FromSeconds(1), 0)],
        });

        var result = await LoadRunner.RunAsync(scenario);

        result.DurationSeconds.ShouldBeGreaterThanOrEqualTo(2.95);
        result.Arrivals!.Intended.ShouldBe(20);
        result.Arrivals.IntendedRate.ShouldBe(20 / 3.0, 0.2);
    }

    [Fact]
    public async Task OpenModel_ScheduleWithoutArrivals_IsRejected()
    {
        var scenario = Scenarios.Get(new Uri("http://127.0.0.1:9/"), "/", new LoadProfile
        {
            Model = LoadModel.Open,
            Stages = [new LoadStage(TimeSpan.FromSeconds(3), 0)],
        });

        var ex = await Should.ThrowAsync<ArgumentException>(() => LoadRunner.RunAsync(scenario));
        ex.Message.ShouldContain("no arrivals");
    }

    [Fact]
    public async Task ClosedModel_IterationsWithAStageTrough_KeepGoingAfterTheTrough()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/delay/5", new LoadProfile
        {
            Stages = [new LoadStage(TimeSpan.FromSeconds(1), 2), new LoadStage(TimeSpan.FromSeconds(1), 0), new LoadStage(TimeSpan.FromSeconds(1), 2)],
            Iterations = 1_000_000_000,
        });

        var result = await LoadRunner.RunAsync(scenario);

        result.DurationSeconds.ShouldBeGreaterThanOrEqualTo(2.9);
        result.Intervals[^1].Total.Requests.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task InvalidContentType_IsRejectedBeforeTheRun()
    {
        var scenario = Scenarios.Get(new Uri("http://127.0.0.1:9/"), "/", new LoadProfile { Users = 1, Iterations = 1 }, "POST");
        scenario = scenario with
        {
            Endpoints = [scenario.Endpoints[0] with { Body = "x", Headers = new Dictionary<string, string> { ["Content-Type"] = "json" } }],
        };

        var ex = await Should.ThrowAsync<ArgumentException>(() => LoadRunner.RunAsync(scenario, new LoadRunnerOptions { CheckTargetFirst = false }));
        ex.Message.ShouldContain("Content-Type");
    }

    [Fact]
    public async Task ThrowingProgressObserver_DoesNotBreakTheRun()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = Scenarios.Get(target.BaseAddress, "/count", new LoadProfile { Users = 2, Duration = TimeSpan.FromSeconds(2.2) });
        var progress = new ThrowingProgress();

        var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions { Progress = progress });

        progress.Calls.ShouldBeGreaterThanOrEqualTo(2);
        result.Outcome.Completed.ShouldBeTrue();
        result.Total.Requests.ShouldBe(target.Count);
    }

    [Fact]
    public async Task SequentialFeederOverTheFullInt64Range_DoesNotCrash()
    {
        await using var target = await TestTarget.StartAsync();
        var scenario = new ScenarioDefinition
        {
            Name = "range",
            BaseUrl = target.BaseAddress,
            Feeders = [new FeederDefinition { Name = "n", Kind = FeederKind.Range, From = long.MinValue, To = long.MaxValue }],
            Endpoints = [new EndpointDefinition { Name = "echo", Path = "/echo/{{n}}" }],
            Load = new LoadProfile { Users = 1, Iterations = 3 },
        };

        var result = await LoadRunner.RunAsync(scenario);

        result.Total.Requests.ShouldBe(3);
        result.Total.Failures.ShouldBe(0);
    }

    private sealed class ThrowingProgress : IProgress<LiveSnapshot>
    {
        public int Calls;

        public void Report(LiveSnapshot value)
        {
            Calls++;
            throw new InvalidOperationException("observer bug");
        }
    }
}
