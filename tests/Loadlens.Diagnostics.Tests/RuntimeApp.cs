using System.Diagnostics;

namespace Loadlens.Diagnostics.Tests;

/// <summary>The test target app (tests/apps/Loadlens.RuntimeApp) in one of its modes, as a separate .NET process.</summary>
internal sealed class RuntimeApp : IAsyncDisposable
{
    private readonly Process _process;

    private RuntimeApp(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    public Uri Work => new(BaseAddress, "/work");

    /// <summary>Start <c>dotnet Loadlens.RuntimeApp.dll MODE</c> and wait (≤ 60 s) for its address.</summary>
    public static async Task<RuntimeApp> StartAsync(string mode)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Loadlens.RuntimeApp.dll");
        var info = new ProcessStartInfo("dotnet") { ArgumentList = { dll, mode }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment.Remove("DOTNET_EnableDiagnostics");
        if (mode == "sync")
        {
            // Start the pool at 2 worker threads on any machine, so the starvation does not depend on the core count.
            info.Environment["DOTNET_ThreadPool_ForceMinWorkerThreads"] = "2";
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the runtime app");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                {
                    _ = DrainAsync(process.StandardOutput);
                    var app = new RuntimeApp(process, new Uri(line["listening ".Length..]));
                    await app.WaitForDiagnosticsPortAsync();
                    return app;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        process.Kill(entireProcessTree: true);
        process.Dispose();
        throw new InvalidOperationException($"the runtime app ({mode}) did not print its address");
    }

    private async Task WaitForDiagnosticsPortAsync()
    {
        for (var i = 0; i < 100 && !Counters.DotnetCounterSession.IsDotnet(Pid); i++)
        {
            await Task.Delay(50);
        }
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is not null)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Kill the app now (a target that dies during a run).</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5000);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
