using System.CommandLine;
using System.Diagnostics;
using Loadlens.Cli.Infrastructure;
using Loadlens.DemoApi;

namespace Loadlens.Cli.Commands;

/// <summary>
/// <c>loadlens demo-api</c> (hidden): runs the demo booking API (<see cref="DemoApiHost"/>) in this process, so that
/// <c>loadlens demo</c> can measure its CPU and memory apart from the load generator. Prints one line
/// (<see cref="ReadyPrefix"/> address, profiler key, database, pid) on stdout when it listens, then serves until
/// Ctrl-C/SIGTERM, or, with <c>--parent-pid</c>, that process ending or closing our stdin.
/// </summary>
internal static class DemoApiCommand
{
    /// <summary>The start of the ready line: <c>demo-api listening URL key KEY db PATH pid PID</c>.</summary>
    internal const string ReadyPrefix = "demo-api listening ";

    private static readonly Option<string> Flaws = new("--flaws") { Description = "all, none or a comma list (n-plus-one, unindexed-filter, uncached-aggregate, single-writer, small-pool, sync-over-async, bloated-response)", DefaultValueFactory = _ => "none" };
    private static readonly Option<int> Port = new("--port") { Description = "Port on 127.0.0.1 (0: a free one)", DefaultValueFactory = _ => 0 };
    private static readonly Option<string?> Otlp = new("--otlp") { Description = "Where the profiler exports spans (OTLP/HTTP URL)" };
    private static readonly Option<string?> Db = new("--db") { Description = "SQLite file (default: a new temporary copy of the seeded database)" };
    private static readonly Option<int?> ParentPid = new("--parent-pid") { Description = "Exit when this process ends" };

    public static Command Create(Func<CliContext> context)
    {
        var command = new Command("demo-api", "Run the demo booking API (used by 'loadlens demo')") { Flaws, Port, Otlp, Db, ParentPid };
        command.Hidden = true;
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            if (!DemoFlawNames.TryParse(parse.GetValue(Flaws), out var flaws, out var error))
            {
                cli.Error.WriteLine("error: " + error);
                return ExitCodes.UsageError;
            }

            Uri? otlp = null;
            if (parse.GetValue(Otlp) is { } text && (!Uri.TryCreate(text, UriKind.Absolute, out otlp) || otlp.Scheme is not ("http" or "https")))
            {
                cli.Error.WriteLine($"error: --otlp: '{text}' is not an http(s) URL");
                return ExitCodes.UsageError;
            }

            var port = parse.GetValue(Port);
            if (port is < 0 or > 65535)
            {
                cli.Error.WriteLine("error: --port must be between 0 and 65535");
                return ExitCodes.UsageError;
            }

            await using var host = await DemoApiHost.StartAsync(new DemoApiOptions { Flaws = flaws, Port = port, OtlpEndpoint = otlp, DatabasePath = parse.GetValue(Db) }, ct);
            cli.Out.WriteLine($"{ReadyPrefix}{host.BaseAddress} key {host.ProfilerKey} db {host.DatabasePath} pid {Environment.ProcessId}");
            cli.Out.Flush();

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var parent = parse.GetValue(ParentPid);
            var watch = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    if (parent is { } pid && !Alive(pid))
                    {
                        break;
                    }

                    await Task.Delay(500, stop.Token).ConfigureAwait(false);
                }
            }, CancellationToken.None);
            // Started by 'loadlens demo' (--parent-pid), stdin is a pipe the parent closes to stop us.
            var stdin = parent is null ? Task.Delay(Timeout.Infinite, stop.Token) : Task.Run(() => Console.In.ReadToEnd(), CancellationToken.None);
            try
            {
                await Task.WhenAny(watch, stdin, Task.Delay(Timeout.Infinite, stop.Token));
            }
            catch (OperationCanceledException)
            {
            }

            await stop.CancelAsync();
            return ExitCodes.Ok;
        });
        return command;
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
