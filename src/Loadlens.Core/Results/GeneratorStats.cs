namespace Loadlens.Core.Results;

/// <summary>
/// How hard the load generator itself worked. A generator that runs out of CPU measures itself,
/// not the target; analysis turns <see cref="Saturated"/> into a <c>generator-saturation</c> finding.
/// Null on <see cref="RunResult.Generator"/> when unknown (e.g. imported results).
/// </summary>
public sealed record GeneratorStats
{
    /// <summary>Name of the transport that sent the requests ("lean-http1", "sockets-http-handler", …).</summary>
    public string? Transport { get; init; }

    /// <summary>Process CPU time (user + system) spent during the run, in seconds.</summary>
    public required double CpuSeconds { get; init; }

    /// <summary>CPU time per completed request, in microseconds.</summary>
    public double CpuMicrosPerRequest { get; init; }

    /// <summary>Average CPU use over the run as a fraction of the machine's cores (0–1).</summary>
    public double CpuUtilization { get; init; }

    /// <summary>Highest per-interval CPU use as a fraction of the machine's cores (0–1).</summary>
    public double PeakCpuUtilization { get; init; }

    /// <summary>Peak resident set size of the generator process, in bytes.</summary>
    public long PeakRssBytes { get; init; }

    /// <summary>True when the generator was the bottleneck; <see cref="SaturationReason"/> says why.</summary>
    public bool Saturated { get; init; }

    /// <summary>Human-readable reason when <see cref="Saturated"/> is true.</summary>
    public string? SaturationReason { get; init; }

    /// <summary>Cores the generator process could use (its CPU affinity), the denominator of the utilisation figures.</summary>
    public int Cores { get; init; }

    /// <summary>Whether .NET's socket engine ran completions inline on its event threads (null: unknown).</summary>
    public bool? InlineSocketCompletions { get; init; }
}
