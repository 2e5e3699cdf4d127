using Loadlens.Analysis.Sizing;

namespace Loadlens.Reporting.Sweep;

/// <summary>The sizing advice's sentences, shared by the console, sweep.md, sweep-analysis.json and report.html.</summary>
internal static class SizingText
{
    /// <summary>"Sizing for 500 req/s within p99 ≤ 250 ms, errors ≤ 1% (20 % headroom)".</summary>
    public static string Heading(SizingAdvice advice)
        => $"Sizing for {SizingAdvisor.N(advice.TargetRate)} req/s within {advice.Criteria} ({SizingAdvisor.N(advice.Headroom * 100)} % headroom)";

    /// <summary>The piece's advice, or "data too thin: why".</summary>
    public static string Advice(SizingItem item) => item.Advice ?? "data too thin: " + item.ThinData;

    /// <summary>"service time 32.1 ms (mean latency at 5 req/s …)".</summary>
    public static string Input(SizingInput input)
        => $"{input.Name} {SizingAdvisor.N(input.Value)} {input.Unit} ({input.Source})";
}
