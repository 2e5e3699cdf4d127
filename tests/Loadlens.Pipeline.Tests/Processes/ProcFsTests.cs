using Loadlens.Pipeline.Processes;

namespace Loadlens.Pipeline.Tests.Processes;

/// <summary>Parsing /proc text (proc(5)) and reading this test process's own /proc entry.</summary>
public sealed class ProcFsTests
{
    [Fact]
    public void Stat_fields_are_read_after_the_last_parenthesis_of_the_name()
    {
        // A comm with spaces and a ')' of its own.
        var stat = "4242 (my (odd) worker) S 17 4242 4242 0 -1 4194560 100 0 0 0 356 58 0 0 20 0 3 0 2821203 44318720 8876 18446744073709551615";

        var parsed = ProcFs.ParseStat(stat).ShouldNotBeNull();

        parsed.ParentPid.ShouldBe(17);
        parsed.UserTicks.ShouldBe(356);
        parsed.SystemTicks.ShouldBe(58);
        parsed.StartTime.ShouldBe(2821203);
        ProcFs.ParseStat("garbage").ShouldBeNull();
        ProcFs.IsZombie(stat).ShouldBeFalse();
        ProcFs.IsZombie("4242 (gone (soon)) Z 17 0 0").ShouldBeTrue();
    }

    [Theory]
    [InlineData("max 100000", null)]
    [InlineData("150000 100000", 1.5)]
    [InlineData("50000 100000\n", 0.5)]
    [InlineData("", null)]
    public void Cgroup_cpu_max_is_quota_over_period(string text, double? cores) => ProcFs.CpuMaxCores(text).ShouldBe(cores);

    [Theory]
    [InlineData("0-3,6,8-9", 7)]
    [InlineData("0", 1)]
    [InlineData("0-1", 2)]
    public void Cpu_lists_are_counted(string list, int count) => ProcFs.CountCpus(list).ShouldBe(count);

    [Fact]
    public void Status_and_schedstat_values_are_read_by_key()
    {
        const string status = "Name:\tdotnet\nThreads:\t17\nVmRSS:\t  123456 kB\nvoluntary_ctxt_switches:\t42\nnonvoluntary_ctxt_switches:\t7\n";

        ProcFs.StatusValue(status, "VmRSS:").ShouldBe(123456);
        ProcFs.StatusValue(status, "Threads:").ShouldBe(17);
        ProcFs.StatusValue(status, "voluntary_ctxt_switches:").ShouldBe(42);
        ProcFs.StatusValue(status, "nonvoluntary_ctxt_switches:").ShouldBe(7);
        ProcFs.StatusValue(status, "VmSwap:").ShouldBe(0);
        ProcFs.RunDelay("4150698063 2531475821 1449\n").ShouldBe(2531475821);
    }

    [Fact]
    public void This_process_reads_as_itself()
    {
        var proc = new ProcFs();
        var pid = Environment.ProcessId;

        var reading = proc.Read(pid).ShouldNotBeNull();

        proc.Available.ShouldBeTrue();
        reading.Pid.ShouldBe(pid);
        reading.Threads.ShouldBeGreaterThan(1); // the .NET runtime's own threads
        reading.RssBytes.ShouldBeGreaterThan(Environment.WorkingSet / 2);
        reading.OpenFileDescriptors.ShouldBeGreaterThan(2);
        proc.Name(pid).ShouldNotBeNullOrWhiteSpace();
        ProcFs.ClockTicksPerSecond.ShouldBe(100); // sysconf(_SC_CLK_TCK) on every mainstream Linux kernel build
        proc.Read(int.MaxValue).ShouldBeNull();
    }

    [Fact]
    public void Context_switches_and_core_waits_count_every_thread_not_only_the_main_one()
    {
        // /proc/PID/status and /proc/PID/schedstat describe the main thread alone; a server's work runs on other threads.
        var proc = new ProcFs();
        var pid = Environment.ProcessId;
        var before = proc.Read(pid).ShouldNotBeNull();

        // Threads that sleep 1 ms 200 times each (a voluntary switch per sleep), then more spinning threads than cores for
        // 300 ms, which must wait for a core in turn. Each stays alive until both readings are taken: an exited thread takes
        // its counts with it.
        using var release = new ManualResetEventSlim();
        var spinnerCount = (2 * Environment.ProcessorCount) + 1;
        using var worked = new CountdownEvent(3 + spinnerCount);
        var sleepers = Enumerable.Range(0, 3).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                Thread.Sleep(1);
            }

            worked.Signal();
            release.Wait();
        })).ToList();
        var spinners = Enumerable.Range(0, spinnerCount).Select(_ => new Thread(() =>
        {
            var until = DateTime.UtcNow.AddMilliseconds(300);
            while (DateTime.UtcNow < until)
            {
                Thread.SpinWait(1000);
            }

            worked.Signal();
            release.Wait();
        })).ToList();
        var all = sleepers.Concat(spinners).ToList();
        all.ForEach(t => t.Start());
        worked.Wait(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        var late = proc.Read(pid).ShouldNotBeNull();
        release.Set();
        all.ForEach(t => t.Join());

        late.Threads.ShouldBeGreaterThanOrEqualTo(all.Count);
        (late.VoluntarySwitches - before.VoluntarySwitches).ShouldBeGreaterThan(300, "3 threads × 200 sleeps, not the main thread's few");
        // More runnable threads than cores for 300 ms: together they waited well over 100 ms for a core.
        (late.RunDelayNs - before.RunDelayNs).ShouldBeGreaterThan(100_000_000L);
    }
}
