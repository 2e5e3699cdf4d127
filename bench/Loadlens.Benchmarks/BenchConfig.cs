using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Loadlens.Benchmarks;

/// <summary>A short job (the machine is shared); inline socket completions on, as the CLI runs.</summary>
internal sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(8)
            .WithEnvironmentVariables(new EnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1")));
    }
}
