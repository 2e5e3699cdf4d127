using System.Diagnostics;
using Loadlens.Cli.Commands;
using Loadlens.DemoApi;

namespace Loadlens.Cli.Infrastructure;

/// <summary>
/// The demo API as a child process (<c>loadlens demo-api</c>), so its CPU and memory are its own: started from this tool's
/// own executable, ready when it prints its address; disposing closes its stdin, waits briefly and kills it (and it exits by
/// itself when this process ends: <c>--parent-pid</c>), so no API is left behind.
/// </summary>
internal sealed class DemoApiProcess : IAsyncDisposable
{
    private readonly Process _process;

    private DemoApiProcess(Process process, Uri baseAddress, string key, string database)
    {
        _process = process;
        BaseAddress = baseAddress;
        ProfilerKey = key;
        DatabasePath = database;
    }

    public Uri BaseAddress { get; }

    public string ProfilerKey { get; }

    public string DatabasePath { get; }

    public int ProcessId => _process.Id;

    /// <summary>
    /// The readiness probe a deploy runs before it sends traffic: each GET endpoint of the demo mix once, one at a time,
    /// so the JIT and SQLite's page cache are warm and a run needs only a short warm-up. One request at a time blocks at
    /// most one thread, so the probe does not grow the thread pool (which would hide sync-over-async).
    /// </summary>
    /// <exception cref="InvalidOperationException">A probe did not answer 200.</exception>
    public async Task WarmAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var path in new[] { "api/chefs?page=1&pageSize=20", "api/chefs/1", "api/chefs/1/reviews", "api/bookings?date=2025-10-10", "api/stats/cuisines" })
        {
            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync(path, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                throw new InvalidOperationException($"the demo API did not answer its warm-up request GET /{path}: {ex.Message}", ex);
            }

            using var _ = response;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"the demo API answered {(int)response.StatusCode} to its warm-up request GET /{path}");
            }
        }
    }

    /// <summary>Starts <c>loadlens demo-api</c> and waits (up to <paramref name="timeout"/>) for its ready line.</summary>
    /// <exception cref="InvalidOperationException">It exited or did not become ready; the message has its last error line.</exception>
    public static async Task<DemoApiProcess> StartAsync(DemoFlaws flaws, string databasePath, Uri? otlp, TimeSpan timeout, CancellationToken ct)
    {
        var info = StartInfo();
        foreach (var a in new[] { "demo-api", "--flaws", DemoFlawNames.Format(flaws), "--port", "0", "--db", databasePath, "--parent-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        if (otlp is not null)
        {
            info.ArgumentList.Add("--otlp");
            info.ArgumentList.Add(otlp.ToString());
        }

        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the demo API process");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                errors.Enqueue(line);
                while (errors.Count > 20)
                {
                    errors.TryDequeue(out string? _);
                }
            }
        };
        process.BeginErrorReadLine();
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(timeout);
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(wait.Token);
                if (line is null)
                {
                    await process.WaitForExitAsync(CancellationToken.None);
                    throw new InvalidOperationException($"the demo API exited with code {process.ExitCode}: {string.Join(" | ", errors.TakeLast(3))}");
                }

                if (!line.StartsWith(DemoApiCommand.ReadyPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                // demo-api listening URL key KEY db PATH pid PID
                var parts = line[DemoApiCommand.ReadyPrefix.Length..].Split(' ');
                var db = line[(line.IndexOf(" db ", StringComparison.Ordinal) + 4)..line.LastIndexOf(" pid ", StringComparison.Ordinal)];
                _ = DrainAsync(process);
                return new DemoApiProcess(process, new Uri(parts[0]), parts[2], db);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Kill(process);
            throw new InvalidOperationException($"the demo API did not start within {timeout.TotalSeconds:0} s: {string.Join(" | ", errors.TakeLast(3))}");
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    /// <summary>This tool again: its apphost next to the assembly, else <c>dotnet loadlens.dll</c>.</summary>
    private static ProcessStartInfo StartInfo()
    {
        var assembly = typeof(DemoApiProcess).Assembly.Location;
        var directory = Path.GetDirectoryName(assembly)!;
        var apphost = Path.Combine(directory, Path.GetFileNameWithoutExtension(assembly) + (OperatingSystem.IsWindows() ? ".exe" : string.Empty));
        if (File.Exists(apphost))
        {
            return new ProcessStartInfo(apphost);
        }

        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? p : "dotnet";
        var info = new ProcessStartInfo(host);
        info.ArgumentList.Add(assembly);
        return info;
    }

    private static async Task DrainAsync(Process process)
    {
        try
        {
            while (await process.StandardOutput.ReadLineAsync() is not null)
            {
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close(); // asks it to stop
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
        }
        finally
        {
            Kill(_process);
            _process.Dispose();
        }
    }
}
