using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Pipeline.Processes;

namespace Loadlens.Pipeline;

/// <summary>
/// Watches the server's own processes while a run loads them (<c>--target-pid</c>, <c>--target-children</c>): before each run
/// (and each sweep step) it checks every pid exists and starts sampling Linux <c>/proc</c> once per load interval on its own
/// thread; after the run it aligns the samples with the run's intervals and attaches a <see cref="ProcessWatch"/> section
/// (CPU, RSS, threads, descriptors, context switches, CPU per request, RSS growth per 1,000 requests). A process that exits
/// during the run becomes a note; the run goes on (docs/process-watch.md).
/// </summary>
public sealed class ProcessWatchHook : IRunHook
{
    private readonly ProcessTargets _targets;
    private readonly ProcFs _proc;
    private ProcSampler? _sampler;

    /// <summary>A hook watching <paramref name="targets"/>.</summary>
    public ProcessWatchHook(ProcessTargets targets)
        : this(targets, new ProcFs())
    {
    }

    internal ProcessWatchHook(ProcessTargets targets, ProcFs proc)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Pids.Count == 0)
        {
            throw new ArgumentException("at least one process id is needed", nameof(targets));
        }

        _targets = targets;
        _proc = proc;
    }

    /// <summary>The sampler's own time reading <c>/proc</c> in the last run (its cost), or zero.</summary>
    public TimeSpan LastSamplerBusy { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="InputFormatException">Not on Linux, or a pid names no process ("no process with id N").</exception>
    public ValueTask<RunSetup> BeforeRunAsync(RunSetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        Stop();
        if (!_proc.Available)
        {
            throw new InputFormatException("--target-pid needs Linux /proc (the process monitor reads it); it is not available here");
        }

        foreach (var pid in _targets.Pids)
        {
            if (!_proc.Exists(pid))
            {
                throw new InputFormatException($"--target-pid: no process with id {pid}");
            }
        }

        var sampler = new ProcSampler(_proc, _targets.Pids, _targets.Children, setup.Options.IntervalLength, setup.Options.TimeProvider);
        sampler.Start();
        _sampler = sampler;
        return ValueTask.FromResult(setup);
    }

    /// <inheritdoc/>
    public ValueTask<RunResult> AfterRunAsync(RunSetup setup, RunResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(result);
        if (_sampler is not { } sampler)
        {
            return ValueTask.FromResult(result);
        }

        _sampler = null;
        var (snapshots, processes, notes) = sampler.Stop();
        var time = setup.Options.TimeProvider;
        LastSamplerBusy = TimeSpan.FromSeconds(sampler.BusyTicks / (double)time.TimestampFrequency);
        var watch = ProcessWatchBuilder.Build(
            result, snapshots, processes, notes, sampler.Started.Timestamp, sampler.Started.Wall, time.TimestampFrequency,
            ProcFs.ClockTicksPerSecond, sampler.MachineCores, sampler.CpuLimitCores);
        sampler.Dispose();
        return ValueTask.FromResult(result.WithSection(ProcessWatch.SectionName, watch with { SamplerBusySeconds = LastSamplerBusy.TotalSeconds }));
    }

    /// <inheritdoc/>
    public ValueTask RunAbandonedAsync(RunSetup setup, Exception error)
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (_sampler is { } sampler)
        {
            _sampler = null;
            sampler.Dispose();
        }
    }
}
