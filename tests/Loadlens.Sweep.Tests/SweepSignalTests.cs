using System.Diagnostics;
using System.Runtime.InteropServices;
using Loadlens.Core.Serialization;
using Loadlens.TestUtils;

namespace Loadlens.Sweep.Tests;

/// <summary>Runs the real <c>loadlens sweep</c> as a child process and interrupts it mid-sweep.</summary>
[Collection("loopback sweeps")]
public sealed partial class SweepSignalTests
{
    private const int SIGINT = 2;

    // SIGTERM takes the same path (ShutdownSignal); Loadlens.Cli.Tests covers both signals for `run`.
    [Theory]
    [InlineData(SIGINT)]
    public async Task Interrupting_a_sweep_keeps_the_completed_steps(int signal)
    {
        await using var target = await CapacityTarget.StartAsync();
        var outDir = Path.Combine(Path.GetTempPath(), "loadlens-sweep-signal-" + Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "loadlens.dll"), "sweep", new Uri(target.BaseAddress, "/parallel").ToString(), "--users", "1,2,4,8,16", "--step", "1s", "--step-warmup", "0.2s", "-o", outDir })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["CI"] = "true";
        using var process = Process.Start(psi)!;
        var thirdStep = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("step 3/5", StringComparison.Ordinal) == true)
            {
                thirdStep.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        var stderrTask = process.StandardError.ReadToEndAsync();
        try
        {
            await thirdStep.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(400);
            Kill(process.Id, signal).ShouldBe(0);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        try
        {
            var stderr = await stderrTask;
            process.ExitCode.ShouldBe(3, stderr);
            stderr.ShouldNotContain("   at ");
            var sweep = await SweepResultJson.ReadAsync(Path.Combine(outDir, "sweep.json"));
            sweep.Outcome.Completed.ShouldBeFalse();
            sweep.Outcome.StopReason.ShouldBe("cancelled");
            sweep.Steps.Select(s => s.Level).ShouldBe([1, 2]);
            File.Exists(Path.Combine(outDir, "sweep.md")).ShouldBeTrue();
            File.Exists(Path.Combine(outDir, "throughput.png")).ShouldBeTrue();
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
