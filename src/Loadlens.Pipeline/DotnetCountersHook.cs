using System.Diagnostics;
using System.Globalization;
using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Diagnostics.Counters;

namespace Loadlens.Pipeline;

/// <summary>
/// The .NET runtime counters of the watched processes (<c>--target-pid</c>; <c>--target-dotnet</c> or detected): before
/// each run (and each sweep step) it opens an EventPipe session on every root process that is a .NET process (and, with
/// <see cref="ProcessTargets.Children"/>, on the .NET children alive at the start) asking the <c>System.Runtime</c>
/// counters once per load interval; after the run it stops the sessions (bounded waits), lines the counters up with the
/// run's intervals and attaches a <see cref="DotnetCounters"/> section (docs/dotnet-counters.md).
/// </summary>
public sealed class DotnetCountersHook : IRunHook
{
    private readonly ProcessTargets _targets;
    private readonly List<DotnetCounterSession> _sessions = [];
    private readonly List<string> _notes = [];

    /// <summary>A hook for <paramref name="targets"/>; <see cref="ProcessTargets.Dotnet"/> false makes it do nothing.</summary>
    public DotnetCountersHook(ProcessTargets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        _targets = targets;
    }

    /// <summary>The hook for the options, or none: without targets or with <see cref="ProcessTargets.Dotnet"/> false.</summary>
    public static IReadOnlyList<IRunHook> For(ProcessTargets? targets) => targets is { Dotnet: not false } t ? [new DotnetCountersHook(t)] : [];

    /// <summary>The longest wait after the run for the counters of its last interval.</summary>
    public TimeSpan LastCountersWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    public async ValueTask<RunSetup> BeforeRunAsync(RunSetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        await StopAllAsync().ConfigureAwait(false);
        _notes.Clear();
        var required = _targets.Dotnet == true;
        var pids = new List<int>();
        foreach (var pid in _targets.Pids)
        {
            if (DotnetCounterSession.IsDotnet(pid))
            {
                pids.Add(pid);
            }
            else if (required)
            {
                throw new InputFormatException(Directory.Exists($"/proc/{pid}")
                    ? $"--target-dotnet: process {pid} is not a .NET process (it publishes no diagnostics port); leave --target-dotnet off to watch it without runtime counters"
                    : $"--target-dotnet: there is no process {pid}");
            }
        }

        if (_targets.Children)
        {
            pids.AddRange(Descendants(_targets.Pids).Where(p => !pids.Contains(p) && DotnetCounterSession.IsDotnet(p)));
        }

        foreach (var pid in pids)
        {
            try
            {
                _sessions.Add(await DotnetCounterSession.StartAsync(pid, setup.Options.IntervalLength, cancellationToken).ConfigureAwait(false));
            }
            catch (DiagnosticsSessionException ex) when (!required)
            {
                _notes.Add(ex.Message + "; its runtime counters are not read");
            }
            catch (DiagnosticsSessionException ex)
            {
                await StopAllAsync().ConfigureAwait(false);
                throw new RunHookException("--target-dotnet: " + ex.Message, ex);
            }
        }

        return setup;
    }

    /// <inheritdoc/>
    public async ValueTask<RunResult> AfterRunAsync(RunSetup setup, RunResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (_sessions.Count == 0)
        {
            return _notes.Count == 0 ? result : result.WithSection(DotnetCounters.SectionName, new DotnetCounters { Notes = [.. _notes] });
        }

        // The runtime publishes a window's counters at its end: wait (bounded) until every session has published past the run's end.
        var end = result.StartedAt + TimeSpan.FromSeconds(result.DurationSeconds);
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < LastCountersWait && _sessions.Any(s => !s.EndedEarly && (s.Readings is not [.., var last] || last.At < end)))
        {
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }

        var sessions = _sessions.ToList();
        await StopAllAsync().ConfigureAwait(false);
        var processes = new List<DotnetProcessCounters>();
        var notes = new List<string>(_notes);
        foreach (var session in sessions)
        {
            var readings = session.Readings;
            notes.AddRange(session.Notes);
            if (readings.Count == 0)
            {
                notes.Add($"process {session.Pid} ({session.Name}) published no runtime counters during the run ({session.Events} events)");
                continue;
            }

            processes.Add(CounterAlignment.Align(session.Pid, session.Name, session.RuntimeVersion, readings, session.Pauses, result));
        }

        return result.WithSection(DotnetCounters.SectionName, new DotnetCounters { Processes = processes, Notes = notes });
    }

    /// <inheritdoc/>
    public async ValueTask RunAbandonedAsync(RunSetup setup, Exception error) => await StopAllAsync().ConfigureAwait(false);

    private async Task StopAllAsync()
    {
        var sessions = _sessions.ToList();
        _sessions.Clear();
        await Task.WhenAll(sessions.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    /// <summary>Every live descendant of <paramref name="roots"/> (from <c>/proc/*/stat</c>'s parent pids).</summary>
    private static List<int> Descendants(IReadOnlyList<int> roots)
    {
        var parents = new Dictionary<int, int>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    continue;
                }

                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
                {
                    // The process exited while we looked.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var found = new List<int>();
        var frontier = new Queue<int>(roots);
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent && !found.Contains(pid) && !roots.Contains(pid))
                {
                    found.Add(pid);
                    frontier.Enqueue(pid);
                }
            }
        }

        return found;
    }
}
