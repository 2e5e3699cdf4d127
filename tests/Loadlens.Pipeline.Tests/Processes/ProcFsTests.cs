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
}
