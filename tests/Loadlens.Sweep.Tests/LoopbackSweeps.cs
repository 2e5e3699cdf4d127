namespace Loadlens.Sweep.Tests;

/// <summary>
/// Tests that load a real server run one at a time (they measure throughput, so they must not
/// compete with each other for the two cores), in a process prepared once by <see cref="LoopbackFixture"/>.
/// </summary>
[CollectionDefinition("loopback sweeps")]
public sealed class LoopbackSweeps : ICollectionFixture<LoopbackFixture>;

/// <summary>
/// Server and load generator share the test process: give the thread pool enough threads up front
/// that neither waits for thread injection (in real use the target runs in its own process).
/// </summary>
public sealed class LoopbackFixture
{
    public LoopbackFixture()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }
}
