using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Loadlens.Node.Tests;

/// <summary>
/// The real Node.js app (tests/node/evidence-app: Express + pg, traced by the OpenTelemetry JS SDK in tracing.js) started
/// as <c>node --require ./tracing.js app.js</c> on 127.0.0.1 with PORT=0; the port it prints is read from stdout. Its
/// spans go to <c>http://127.0.0.1:&lt;otlpPort&gt;/v1/traces</c> with the given OTLP protocol. Outside CI the tests skip
/// when node is missing; with CI=true they fail. A missing node_modules is installed with <c>npm ci</c> (as .ci/run does).
/// </summary>
internal sealed partial class NodeApp : IAsyncDisposable
{
    private const int SIGTERM = 15;
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeApp(Process process, int otlpPort)
    {
        _process = process;
        OtlpPort = otlpPort;
    }

    /// <summary>The loopback port the app exports its spans to (where a test's receiver listens).</summary>
    public int OtlpPort { get; }

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What the app printed so far (stdout and stderr).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task<NodeApp> StartAsync(NodeDatabase database, int otlpPort, string protocol, IReadOnlyDictionary<string, string>? environment = null)
    {
        var node = FindNode();
        await EnsureDependenciesAsync();
        var info = new ProcessStartInfo(node)
        {
            ArgumentList = { "--require", "./tracing.js", "app.js" },
            WorkingDirectory = NodeDatabase.AppDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["PORT"] = "0";
        info.Environment["DATABASE_URL"] = database.Url;
        info.Environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = $"http://127.0.0.1:{otlpPort}/v1/traces";
        info.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol;
        info.Environment["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start node");
        var app = new NodeApp(process, otlpPort);
        process.OutputDataReceived += (_, e) => app.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => app.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            app.BaseAddress = await app._listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return app;
        }
        catch (TimeoutException)
        {
            var log = app.Log;
            await app.DisposeAsync();
            throw new InvalidOperationException($"the node app did not start:\n{log}");
        }
    }

    /// <summary>SIGTERM, as a process manager stops the app; returns its exit code (the app flushes its spans first).</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            Kill(_process.Id, SIGTERM);
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _listening.TrySetException(new InvalidOperationException($"the node app exited before listening:\n{Log}"));
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } m)
        {
            _listening.TrySetResult(new Uri(m.Groups[1].Value + "/"));
        }
    }

    private static string FindNode()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "node")).FirstOrDefault(File.Exists);
        if (found is null)
        {
            if (InCi)
            {
                throw new InvalidOperationException("CI=true but node is not on PATH: the Node.js evidence tests need Node.js 20+");
            }

            Skip.If(true, "node is not on PATH (the Node.js evidence tests need Node.js 20+)");
        }

        return found!;
    }

    /// <summary>Runs <c>npm ci</c> in the app folder when its node_modules is missing (.ci/run does the same).</summary>
    private static async Task EnsureDependenciesAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(NodeDatabase.AppDirectory, "node_modules", ".package-lock.json")))
            {
                return;
            }

            var info = new ProcessStartInfo("npm")
            {
                ArgumentList = { "ci", "--no-audit", "--no-fund", "--loglevel=error" },
                WorkingDirectory = NodeDatabase.AppDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var npm = Process.Start(info) ?? throw new InvalidOperationException("could not run npm ci");
            var output = npm.StandardOutput.ReadToEndAsync();
            var errors = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {NodeDatabase.AppDirectory} failed (exit {npm.ExitCode}): {await output}{await errors}");
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    [GeneratedRegex(@"^listening on (http://127\.0\.0\.1:\d+)$")]
    private static partial Regex ListeningLine();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
