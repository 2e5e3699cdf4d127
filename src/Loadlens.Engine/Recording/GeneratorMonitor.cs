using System.Diagnostics;
using System.Globalization;
using Loadlens.Core.Results;

namespace Loadlens.Engine.Recording;

/// <summary>
/// Watches the generator itself: process CPU time per interval (collector thread only), peak RSS
/// (VmHWM), and whether the generator rather than the target was the bottleneck.
/// </summary>
internal sealed class GeneratorMonitor
{
    /// <summary>Average CPU use (fraction of the usable cores) from which the generator counts as saturated.</summary>
    internal const double SaturatedUtilization = 0.85;

    /// <summary>Share of open-model arrivals sent late from which the generator counts as behind schedule.</summary>
    internal const double BehindScheduleFraction = 0.10;

    private readonly int _cores = Math.Max(1, Environment.ProcessorCount);
    private readonly TimeSpan _startCpu;
    private readonly long _startTimestamp;
    private TimeSpan _lastCpu;
    private long _lastTimestamp;
    private double _peak;
    private double _measuredCpuSeconds;
    private double _measuredWallSeconds;

    public GeneratorMonitor(long startTimestamp)
    {
        _startCpu = _lastCpu = Environment.CpuUsage.TotalTime;
        _startTimestamp = _lastTimestamp = startTimestamp;
    }

    /// <summary>Close one interval: its CPU use as a fraction of the usable cores.</summary>
    public double Sample(long now, bool warmup)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var wall = Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        var used = (cpu - _lastCpu).TotalSeconds;
        _lastCpu = cpu;
        _lastTimestamp = now;
        if (wall <= 0.05)
        {
            return 0; // a sliver of an interval says nothing about utilisation
        }

        var utilization = used / (wall * _cores);
        if (!warmup)
        {
            _peak = Math.Max(_peak, utilization);
            _measuredCpuSeconds += used;
            _measuredWallSeconds += wall;
        }

        return utilization;
    }

    public GeneratorStats Build(long end, long requests, string transport, bool? inlineCompletions, ArrivalAccounting? arrivals)
    {
        var cpu = (Environment.CpuUsage.TotalTime - _startCpu).TotalSeconds;
        var wall = Stopwatch.GetElapsedTime(_startTimestamp, end).TotalSeconds;
        var average = _measuredWallSeconds > 0 ? _measuredCpuSeconds / (_measuredWallSeconds * _cores) : (wall > 0 ? cpu / (wall * _cores) : 0);
        string? reason = null;
        if (average >= SaturatedUtilization && _measuredWallSeconds >= 1)
        {
            reason = string.Create(CultureInfo.InvariantCulture,
                $"the generator process used {average:P0} of its {_cores} usable core{(_cores == 1 ? string.Empty : "s")} on average: it, not the target, may have limited the load");
        }
        else if (arrivals is { Intended: > 0 } a && a.Late > a.Intended * BehindScheduleFraction)
        {
            reason = string.Create(CultureInfo.InvariantCulture,
                $"the open model fell behind schedule: {(double)a.Late / a.Intended:P1} of arrivals were sent more than {a.LateThresholdMs:0.#} ms late (max lag {a.MaxSendLagMs:0.#} ms)");
        }

        return new GeneratorStats
        {
            Transport = transport,
            CpuSeconds = Math.Round(cpu, 6),
            CpuMicrosPerRequest = requests > 0 ? Math.Round(cpu * 1e6 / requests, 3) : 0,
            CpuUtilization = Math.Round(average, 4),
            PeakCpuUtilization = Math.Round(Math.Max(_peak, average), 4),
            PeakRssBytes = PeakRssBytes(),
            Saturated = reason is not null,
            SaturationReason = reason,
            Cores = _cores,
            InlineSocketCompletions = inlineCompletions,
        };
    }

    /// <summary>VmHWM from /proc/self/status (Linux); the process's peak working set elsewhere.</summary>
    internal static long PeakRssBytes()
    {
        try
        {
            if (File.Exists("/proc/self/status"))
            {
                foreach (var line in File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        var digits = line.AsSpan(6).Trim();
                        var space = digits.IndexOf(' ');
                        return long.Parse(space < 0 ? digits : digits[..space], CultureInfo.InvariantCulture) * 1024;
                    }
                }
            }

            using var process = Process.GetCurrentProcess();
            return process.PeakWorkingSet64;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return 0;
        }
    }
}
