using System.Diagnostics;
using Loadlens.Core.Results;
using Loadlens.Engine.Recording;

namespace Loadlens.Engine.Tests.Transport;

public sealed class GeneratorMonitorTests
{
    [Fact]
    public void OpenModelBehindSchedule_IsSaturation_WithTheLateShareInTheReason()
    {
        var monitor = new GeneratorMonitor(Stopwatch.GetTimestamp());
        var arrivals = new ArrivalAccounting { Intended = 1000, Sent = 1000, Dropped = 0, IntendedRate = 100, AchievedRate = 100, Late = 150, LateThresholdMs = 10, MaxSendLagMs = 42 };

        var stats = monitor.Build(Stopwatch.GetTimestamp(), 1000, "lean-http1", true, arrivals);

        stats.Saturated.ShouldBeTrue();
        stats.SaturationReason.ShouldBe("the open model fell behind schedule: 15.0 % of arrivals were sent more than 10 ms late (max lag 42 ms)");
    }

    [Fact]
    public void FewLateArrivals_AndAnIdleGenerator_AreNotSaturation()
    {
        var monitor = new GeneratorMonitor(Stopwatch.GetTimestamp());
        var arrivals = new ArrivalAccounting { Intended = 1000, Sent = 1000, Dropped = 0, IntendedRate = 100, AchievedRate = 100, Late = 50, LateThresholdMs = 10 };

        var stats = monitor.Build(Stopwatch.GetTimestamp(), 1000, "lean-http1", null, arrivals);

        stats.Saturated.ShouldBeFalse();
        stats.SaturationReason.ShouldBeNull();
        stats.InlineSocketCompletions.ShouldBeNull();
        stats.PeakRssBytes.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task BusyGenerator_IsSaturation()
    {
        var start = Stopwatch.GetTimestamp();
        var monitor = new GeneratorMonitor(start);
        var cores = Environment.ProcessorCount;

        // Keep every usable core busy for ~1.2 s, sampling like the collector does.
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(1200));
        var spinners = Enumerable.Range(0, cores).Select(_ => Task.Factory.StartNew(() =>
        {
            var x = 0L;
            while (!stop.IsCancellationRequested)
            {
                x++;
            }

            return x;
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(spinners);
        monitor.Sample(Stopwatch.GetTimestamp(), warmup: false);

        var stats = monitor.Build(Stopwatch.GetTimestamp(), 10, "lean-http1", true, null);

        // On a shared machine the spinners may not get every core; the measured figures must be consistent either way.
        stats.CpuUtilization.ShouldBeGreaterThan(0.02);
        stats.Saturated.ShouldBe(stats.CpuUtilization >= GeneratorMonitor.SaturatedUtilization);
        if (stats.Saturated)
        {
            stats.SaturationReason.ShouldNotBeNull().ShouldContain("usable core");
        }
    }
}
