using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Loadlens.TestUtils;

/// <summary>
/// A real Python WSGI app (<c>tests/python/single_worker_app.py</c>, Flask) behind <c>gunicorn -w 1</c>: one
/// synchronous worker on 127.0.0.1, the deployment the people Loadlens is for often run. Needs Debian's
/// <c>gunicorn</c> and <c>python3-flask</c> (<c>.ci/run</c> installs them).
/// </summary>
public sealed class GunicornTarget : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringWriter _log = new();

    private GunicornTarget(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>The gunicorn master's process id (its one worker is a child of it).</summary>
    public int Pid => _process.Id;

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseAddress { get; }

    /// <summary>Start gunicorn with one sync worker and wait until it answers /health.</summary>
    public static Task<GunicornTarget> StartAsync() => StartAsync(1, 1);

    /// <summary>
    /// Start gunicorn with <paramref name="workers"/> worker processes of <paramref name="threads"/> threads each (sync
    /// workers for one thread, gthread for more) and wait until it answers.
    /// </summary>
    public static async Task<GunicornTarget> StartAsync(int workers, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var appDirectory = AppDirectory();
        var gunicorn = await EnsureInstalledAsync(appDirectory);
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var info = new ProcessStartInfo(gunicorn)
            {
                ArgumentList = { "--workers", workers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--worker-class", threads > 1 ? "gthread" : "sync", "--bind", $"127.0.0.1:{port}", "--chdir", appDirectory, "--graceful-timeout", "1", "--log-level", "warning", "single_worker_app:app" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start gunicorn");
            var target = new GunicornTarget(process, new Uri($"http://127.0.0.1:{port}/"));
            process.OutputDataReceived += (_, e) => target.Log(e.Data);
            process.ErrorDataReceived += (_, e) => target.Log(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (await target.WaitUntilReadyAsync(TimeSpan.FromSeconds(20)))
            {
                return target;
            }

            var log = target._log.ToString();
            await target.DisposeAsync();
            if (attempt >= 2)
            {
                throw new InvalidOperationException($"gunicorn did not start on 127.0.0.1:{port}:\n{log}");
            }
        }
    }

    /// <summary>tests/python, found from this file's own path (so callers in any folder get the same app).</summary>
    private static string AppDirectory([CallerFilePath] string self = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(self)!, "..", "python"));

    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>The gunicorn binary; on a fresh machine first runs tests/python/ensure-deps.sh (the same install as .ci/run).</summary>
    private static async Task<string> EnsureInstalledAsync(string appDirectory)
    {
        static string? Find() => new[] { "/usr/bin/gunicorn", "/usr/local/bin/gunicorn" }.FirstOrDefault(File.Exists);
        await InstallLock.WaitAsync();
        try
        {
            if (Find() is { } found)
            {
                return found;
            }

            var info = new ProcessStartInfo("bash") { ArgumentList = { Path.Combine(appDirectory, "ensure-deps.sh") }, RedirectStandardOutput = true, RedirectStandardError = true };
            using var install = Process.Start(info) ?? throw new InvalidOperationException("could not run ensure-deps.sh");
            var output = install.StandardOutput.ReadToEndAsync();
            var errors = install.StandardError.ReadToEndAsync();
            await install.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            return Find() ?? throw new InvalidOperationException(
                $"gunicorn is not installed and tests/python/ensure-deps.sh could not install it (exit {install.ExitCode}): {await output}{await errors}; install Debian's gunicorn and python3-flask");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>Requests the app served so far (its own count; /stats excluded).</summary>
    public async Task<long> ServedAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri(BaseAddress, "/stats")));
        return doc.RootElement.GetProperty("requests").GetInt64();
    }

    /// <summary>The worker's own CPU time so far (user + system, Python's <c>time.process_time()</c>), seconds.</summary>
    public async Task<double> WorkerCpuSecondsAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri(BaseAddress, "/stats")));
        return doc.RootElement.GetProperty("cpuSeconds").GetDouble();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
        }

        _process.Dispose();
    }

    private void Log(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }

    private async Task<bool> WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(BaseAddress, "/stats"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
