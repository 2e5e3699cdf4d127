using System.Diagnostics;
using System.Runtime.InteropServices;
using Loadlens.Core.Serialization;
using Loadlens.TestUtils;

namespace Loadlens.Cli.Tests;

/// <summary>Runs the real CLI as a child process and interrupts it like a user would.</summary>
public sealed partial class SignalTests
{
    private const int SIGINT = 2;
    private const int SIGTERM = 15;

    [Theory]
    [InlineData(SIGINT)]
    [InlineData(SIGTERM)]
    public async Task Interrupt_WritesPartialResults(int signal)
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "out");
        var dll = Path.Combine(AppContext.BaseDirectory, "loadlens.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { dll, "run", new Uri(target.BaseAddress, "/delay/5").ToString(), "-u", "4", "-d", "60s", "-o", outDir })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["CI"] = "true";
        using var process = Process.Start(psi)!;
        var stdout = new System.Text.StringBuilder();
        var started = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stdout)
            {
                stdout.AppendLine(e.Data);
            }

            if (e.Data.StartsWith('['))
            {
                started.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        var stderrTask = process.StandardError.ReadToEndAsync();
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(1500);
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

        var stderr = await stderrTask;
        process.ExitCode.ShouldBe(3, stderr);
        stderr.ShouldNotContain("   at ");
        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        result.Outcome.Completed.ShouldBeFalse();
        result.Outcome.StopReason.ShouldBe("cancelled");
        result.DurationSeconds.ShouldBeLessThan(30);
        result.Total.Requests.ShouldBeGreaterThan(10);
        File.Exists(Path.Combine(outDir, "loadlens_stats.csv")).ShouldBeTrue();
        (await File.ReadAllTextAsync(Path.Combine(outDir, "summary.md"))).ShouldContain("artial");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
