using System.Diagnostics;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;
using Loadlens.TestUtils;

namespace Loadlens.Cli.Tests;

/// <summary><c>--target-pid … --target-dotnet</c>: the .NET runtime counters from the command line, and its exit codes.</summary>
public sealed class TargetDotnetCliTests
{
    [Fact]
    public async Task Target_dotnet_on_a_process_that_is_not_dotnet_is_a_usage_error_before_any_request()
    {
        await using var target = await TestTarget.StartAsync();
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            using var cli = new CliHarness();
            var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/count").ToString(), "-u", "1", "-n", "5",
                "--target-pid", sleeper.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--target-dotnet", "-o", Path.Combine(cli.Directory, "out"));

            exit.ShouldBe(2);
            cli.Error.ToString().ShouldContain($"--target-dotnet: process {sleeper.Id} is not a .NET process");
            cli.Error.ToString().ShouldNotContain("   at "); // one line, no stack trace
            target.Count.ShouldBe(0);
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public async Task Target_dotnet_on_a_dotnet_process_writes_its_runtime_counters_into_result_json()
    {
        // The test host is a .NET process serving the target in-process: watch it.
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/count").ToString(), "-u", "2", "-d", "3s",
            "--target-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--target-dotnet", "-o", Path.Combine(cli.Directory, "out"));

        exit.ShouldBe(0, cli.Error.ToString());
        var result = await RunResultJson.ReadAsync(Path.Combine(cli.Directory, "out", "result.json"));
        result.TryGetSection<DotnetCounters>(DotnetCounters.SectionName, out var counters).ShouldBeTrue();
        var process = counters.Processes.ShouldHaveSingleItem();
        process.Pid.ShouldBe(Environment.ProcessId);
        process.Samples.Count.ShouldBe(result.Intervals.Count);
        process.Samples.ShouldContain(s => s.ThreadPoolThreads > 0 && s.HeapBytes > 0);
        process.Summary.AllocatedBytesPerRequest.ShouldNotBeNull().ShouldBeGreaterThan(0);
    }
}
