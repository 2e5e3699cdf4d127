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
    private readonly ConsoleCancelEventHandler _onCancel;
    private int _count;
    private int _disposed;

    public ShutdownSignal(TextWriter notices)
    {
        _onCancel = (_, e) =>
        {
            if (Volatile.Read(ref _disposed) == 0 && Interlocked.Increment(ref _count) == 1)
            {
                e.Cancel = true;
                notices.WriteLine("Stopping: finishing in-flight requests and writing results (Ctrl-C again to abort)…");
                _cts.Cancel();
            }
        };
        Console.CancelKeyPress += _onCancel;
        if (!OperatingSystem.IsWindows())
        {
            _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
            {
                if (Volatile.Read(ref _disposed) == 0)
                {
                    ctx.Cancel = true;
                    _cts.Cancel();
                }
            });
        }
    }

    public CancellationToken Token => _cts.Token;

    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        Console.CancelKeyPress -= _onCancel;
        _term?.Dispose();
        _cts.Dispose();
    }
}
