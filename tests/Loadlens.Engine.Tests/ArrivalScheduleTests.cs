using Loadlens.Core.Scenarios;
using Loadlens.Engine.Scheduling;

namespace Loadlens.Engine.Tests;

public sealed class ArrivalScheduleTests
{
    [Fact]
    public void ConstantRate_ArrivalsAreEvenlySpaced()
    {
        var schedule = new ArrivalSchedule(new LoadProfile { Model = LoadModel.Open, Rate = 200, Duration = TimeSpan.FromSeconds(5) });

        schedule.TimeOf(0).ShouldBe(0);
        schedule.TimeOf(1).ShouldBe(0.005, 1e-12);
        schedule.TimeOf(999).ShouldBe(4.995, 1e-9);
        schedule.TimeOf(1000).ShouldBeGreaterThanOrEqualTo(5.0 - 1e-9);
        schedule.TotalArrivals.ShouldBe(1000, 1e-9);
    }

    [Fact]
    public void LinearRamp_CumulativeArrivalsFollowTheIntegral()
    {
        // 0 → 100 req/s over 10 s: A(t) = 5 t², 500 arrivals in all; then 100 req/s for 5 s.
        var schedule = new ArrivalSchedule(new LoadProfile
        {
            Model = LoadModel.Open,
            Stages = [new LoadStage(TimeSpan.FromSeconds(10), 100), new LoadStage(TimeSpan.FromSeconds(5), 100)],
        });

        schedule.TotalArrivals.ShouldBe(1000, 1e-9);
        schedule.TimeOf(20).ShouldBe(2.0, 1e-9);   // 5 · 2² = 20
        schedule.TimeOf(125).ShouldBe(5.0, 1e-9);  // 5 · 5² = 125
        schedule.TimeOf(600).ShouldBe(11.0, 1e-9); // 500 + 100 · 1
        schedule.RateAt(2.5).ShouldBe(25, 1e-9);
        for (long k = 1; k < 1000; k++)
        {
            schedule.TimeOf(k).ShouldBeGreaterThan(schedule.TimeOf(k - 1));
        }
    }

    [Fact]
    public void RampDown_ToZero_EndsTheArrivals()
    {
        var schedule = new ArrivalSchedule(new LoadProfile
        {
            Model = LoadModel.Open,
            Stages = [new LoadStage(TimeSpan.FromSeconds(2), 50), new LoadStage(TimeSpan.FromSeconds(2), 0)],
        });

        schedule.TotalArrivals.ShouldBe(100, 1e-9);
        schedule.TimeOf(99).ShouldBeLessThan(4.0);
        double.IsPositiveInfinity(schedule.TimeOf(101)).ShouldBeTrue();
    }

    [Fact]
    public void LevelAt_RampsLinearlyFromThePreviousStage()
    {
        var load = new LoadProfile { Stages = [new LoadStage(TimeSpan.FromSeconds(10), 50), new LoadStage(TimeSpan.FromSeconds(10), 10)] };

        load.LevelAt(TimeSpan.Zero).ShouldBe(0);
        load.LevelAt(TimeSpan.FromSeconds(5)).ShouldBe(25, 1e-9);
        load.LevelAt(TimeSpan.FromSeconds(15)).ShouldBe(30, 1e-9);
        load.LevelAt(TimeSpan.FromSeconds(25)).ShouldBe(10);
        load.TotalDuration.ShouldBe(TimeSpan.FromSeconds(20));
        load.PeakLevel.ShouldBe(50);
    }
}
