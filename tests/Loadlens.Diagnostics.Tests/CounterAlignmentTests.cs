using Loadlens.Core.Results;
using Loadlens.Diagnostics.Counters;

namespace Loadlens.Diagnostics.Tests;

/// <summary>How counters published at the runtime's own times land in the run's intervals (pure; constructed readings).</summary>
public sealed class CounterAlignmentTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static LatencyStats Latency() => new() { Count = 1, Min = 1, Mean = 1, P50 = 1, P66 = 1, P75 = 1, P80 = 1, P90 = 1, P95 = 1, P98 = 1, P99 = 1, P999 = 1, P9999 = 1, Max = 1 };

    /// <summary>Five 1-second intervals, the first a warm-up and the last a drain, 100·(i+1) requests each.</summary>
    private static RunResult Run()
    {
        var intervals = Enumerable.Range(0, 5).Select(i => new TimeSeriesInterval
        {
            Index = i,
            StartSeconds = i,
            DurationSeconds = 1,
            Warmup = i == 0,
            Drain = i == 4,
            Endpoints = [],
            Total = new IntervalEndpoint { Name = EndpointResult.AggregatedName, Requests = 100 * (i + 1), Failures = 0, Latency = Latency() },
        }).ToList();
        var total = new EndpointResult { Name = EndpointResult.AggregatedName, Method = "", Requests = 1500, Failures = 0, Latency = Latency(), RequestsPerSecond = 300, StatusCodes = new Dictionary<string, long>(), ErrorCategories = new Dictionary<string, long>() };
        return new RunResult
        {
            Name = "aligned",
            Source = new RunSource("loadlens", "native"),
            Environment = new RunEnvironment("m", "os", 2, "rt", "loadlens", "0"),
            StartedAt = Start,
            DurationSeconds = 5,
            WarmupSeconds = 1,
            DrainSeconds = 1,
            Settings = new RunSettings { Model = "closed", Target = "http://127.0.0.1/", Users = 1 },
            Outcome = RunOutcome.Complete,
            Endpoints = [],
            Total = total,
            Intervals = intervals,
            Errors = [],
        };
    }

    private static CounterReading At(double seconds, string name, double value) => new(Start + TimeSpan.FromSeconds(seconds), 1, name, value);

    [Fact]
    public void Increments_count_in_the_interval_holding_their_window_middle_and_gauges_at_their_time_carried_forward()
    {
        var readings = new List<CounterReading>
        {
            // Published at 1.4 s for the window 0.4–1.4 s: its middle 0.9 s is in interval 0 (the warm-up).
            At(1.4, RuntimeCounterNames.Gen0, 3), At(1.4, RuntimeCounterNames.AllocRate, 1_000_000),
            // Published at 2.4 s: window middle 1.9 s → interval 1; the gauges published at 2.4 s → interval 2.
            At(2.4, RuntimeCounterNames.Gen0, 2), At(2.4, RuntimeCounterNames.Gen2, 1), At(2.4, RuntimeCounterNames.AllocRate, 3_000_000),
            At(2.4, RuntimeCounterNames.LockContention, 7), At(2.4, RuntimeCounterNames.Exceptions, 4), At(2.4, RuntimeCounterNames.GcPause, 12.5),
            At(2.4, RuntimeCounterNames.HeapSize, 42.5), At(2.4, RuntimeCounterNames.QueueLength, 9), At(2.4, RuntimeCounterNames.Threads, 6),
            At(1.4, RuntimeCounterNames.HeapSize, 40), At(1.4, RuntimeCounterNames.Threads, 5),
            At(3.4, RuntimeCounterNames.Threads, 8), // interval 3; no heap or queue there: carried forward from interval 2
            At(9, RuntimeCounterNames.Gen0, 50), // after the run: dropped
        };

        var c = CounterAlignment.Align(7, "app", "10.0.1", readings, [], Run());

        c.Samples.Count.ShouldBe(5);
        c.Samples.Select(s => s.Gen0Collections).ShouldBe([3L, 2, 0, 0, 0]);
        c.Samples[1].Gen2Collections.ShouldBe(1);
        c.Samples[1].GcPauseMs.ShouldBe(12.5);
        c.Samples[1].LockContentions.ShouldBe(7);
        c.Samples[1].Exceptions.ShouldBe(4);
        c.Samples.Select(s => s.AllocatedBytesPerSecond).ShouldBe([1e6, 3e6, 0, 0, 0]);
        c.Samples.Select(s => s.HeapBytes).ShouldBe([0L, 40_000_000, 42_500_000, 42_500_000, 42_500_000]);
        c.Samples.Select(s => s.ThreadPoolThreads).ShouldBe([0, 5, 6, 8, 8]);
        c.Samples.Select(s => s.ThreadPoolQueueLength).ShouldBe([0L, 0, 9, 9, 9]);
        c.Samples.Select(s => s.CompletedRequests).ShouldBe([100L, 200, 300, 400, 500]);
        c.Samples.Select(s => (s.Warmup, s.Drain)).ShouldBe([(true, false), (false, false), (false, false), (false, false), (false, true)]);

        // The summary leaves the warm-up and the drain out (the peaks cover every interval).
        c.Summary.Gen0Collections.ShouldBe(2);
        c.Summary.GcPauseMs.ShouldBe(12.5);
        c.Summary.AllocatedBytesPerRequest.ShouldBe(3333.3); // 3 MB over 900 requests, rounded to 0.1 byte
        c.Summary.MeanAllocatedBytesPerSecond.ShouldBe(1e6);
        c.Summary.ThreadPoolThreadsStart.ShouldBe(5);
        c.Summary.PeakThreadPoolThreads.ShouldBe(8);
        c.Summary.PeakHeapBytes.ShouldBe(42_500_000);
        c.Summary.PeakThreadPoolQueueLength.ShouldBe(9);
    }

    [Fact]
    public void Gc_pause_events_count_in_the_interval_they_end_in_and_replace_the_pause_counter()
    {
        var readings = new List<CounterReading> { At(2.4, RuntimeCounterNames.GcPause, 99) };
        var pauses = new List<GcPause>
        {
            new(Start + TimeSpan.FromSeconds(1.95), 100, 2), // 1.95 s → 2.05 s: ends in interval 2
            new(Start + TimeSpan.FromSeconds(3.1), 5, 0),
            new(Start + TimeSpan.FromSeconds(3.5), 7, 0),
        };

        var c = CounterAlignment.Align(7, "app", null, readings, pauses, Run());

        c.Samples.Select(s => s.GcPauseMs).ShouldBe([0, 0, 100, 12, 0]);
        c.Summary.GcPauseMs.ShouldBe(112);
    }

    [Fact]
    public void Growth_per_1000_requests_is_the_least_squares_slope_against_requests_served()
    {
        // 500 requests per interval, the heap 1 MB + 300 bytes per request served (plus noise that cancels out).
        var points = Enumerable.Range(1, 8).Select(i => (500.0, 1e6 + (300.0 * 500 * i) + (i % 2 == 0 ? 1000 : -1000))).ToList();
        CounterAlignment.GrowthPer1kRequests(points).ShouldNotBeNull().ShouldBe(300_000, 2000);
        CounterAlignment.GrowthPer1kRequests(points.Take(2).ToList()).ShouldBeNull();
        CounterAlignment.GrowthPer1kRequests([(0, 1), (0, 2), (0, 3)]).ShouldBeNull(); // no requests served: no slope
    }
}
