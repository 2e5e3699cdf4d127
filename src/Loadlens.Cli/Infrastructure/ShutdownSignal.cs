using System.Runtime.InteropServices;

namespace Loadlens.Cli.Infrastructure;

/// <summary>
/// Turns Ctrl-C (SIGINT) and SIGTERM into a cancellation token, so a run stops gracefully and
/// still writes its outputs. A second Ctrl-C terminates at once.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration? _term;
    private int _count;

    public ShutdownSignal(TextWriter notices)
    {
        Console.CancelKeyPress += (_, e) =>
        {
            if (Interlocked.Increment(ref _count) == 1)
            {
                e.Cancel = true;
                notices.WriteLine("Stopping: finishing in-flight requests and writing results (Ctrl-C again to abort)…");
                _cts.Cancel();
            }
        };
        if (!OperatingSystem.IsWindows())
        {
            _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
            {
                ctx.Cancel = true;
                _cts.Cancel();
            });
        }
    }

    public CancellationToken Token => _cts.Token;

    public void Dispose()
    {
        _term?.Dispose();
        _cts.Dispose();
    }
}
