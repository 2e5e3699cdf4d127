using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Loadlens.Core.Scenarios;
using Loadlens.Engine.Feeders;
using Loadlens.Engine.Http;
using Loadlens.Engine.Recording;
using Loadlens.Engine.Transport;

namespace Loadlens.Benchmarks;

/// <summary>
/// One request/response cycle over a real loopback keep-alive connection, including the
/// per-request latency recording (histogram, status and byte counters on the worker's recorder).
/// The epoll and lean transports must show 0 B allocated per operation in steady state; the
/// SocketsHttpHandler transport is measured alongside for comparison.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class TransportBenchmarks
{
    private const int Requests = 2000;
    private FixedResponseServer _server = null!;
    private RunRecorder _recorder = null!;
    private IRequestTransport _transport = null!;
    private UserContext _user = null!;
    private CancellationTokenSource _hardStop = null!;

    [Params("epoll", "lean", "sockets")]
    public string Transport { get; set; } = "lean";

    [Params(false, true)]
    public bool Feeder { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = new FixedResponseServer();
        var scenario = new ScenarioDefinition
        {
            Name = "bench",
            BaseUrl = new Uri($"http://127.0.0.1:{_server.Port}/"),
            Headers = new Dictionary<string, string> { ["Accept"] = "text/plain" },
            Feeders = [new FeederDefinition { Name = "id", Kind = FeederKind.Csv, Values = ["1", "22", "333", "4444"], Order = FeederOrder.Random }],
            Endpoints = [new EndpointDefinition { Name = "hello", Path = Feeder ? "/items/{{id}}" : "/" }],
            Load = new LoadProfile { Users = 1, Iterations = 1 },
        };
        var feeders = new FeederSet(scenario.Feeders);
        var templates = new[] { new RequestTemplate(0, scenario.Endpoints[0], scenario, feeders.IndexOf) };
        _recorder = new RunRecorder([("hello", "GET")], Stopwatch.GetTimestamp());
        _hardStop = new CancellationTokenSource();
        var timeout = TimeSpan.FromSeconds(10);
        _transport = Transport switch
        {
            "epoll" => new EpollHttp1Transport(templates, feeders, _recorder, scenario.BaseUrl, timeout, 1 << 20, eventLoops: 1, _hardStop.Token),
            "lean" => new LeanHttp1Transport(templates, feeders, _recorder, scenario.BaseUrl, timeout, false, 1 << 20, _hardStop.Token),
            _ => new RequestExecutor(templates, feeders, _recorder, timeout, false, 1 << 20, _hardStop.Token),
        };
        _user = new UserContext(0, 1, feeders.Count, new Random(1), _hardStop.Token);
        Cycle().GetAwaiter().GetResult(); // connect, JIT, pools warm
        EnsureNoFailures();
    }

    [Benchmark(OperationsPerInvoke = Requests)]
    public Task RequestResponseAndRecord() => Cycle();

    [GlobalCleanup]
    public void Cleanup()
    {
        EnsureNoFailures();
        _user.Dispose();
        _transport.Dispose();
        _recorder.Dispose();
        _hardStop.Dispose();
        _server.Dispose();
    }

    private async Task Cycle()
    {
        for (var i = 0; i < Requests; i++)
        {
            if (!await _transport.ExecuteAsync(_user, 0, Stopwatch.GetTimestamp()).ConfigureAwait(false))
            {
                throw new InvalidOperationException("request abandoned");
            }
        }
    }

    /// <summary>A benchmark of failing requests proves nothing: every recorded request must have succeeded.</summary>
    private void EnsureNoFailures()
    {
        var interval = _recorder.CollectInterval(Stopwatch.GetTimestamp(), 1, warmup: false);
        if (interval.Total.Failures > 0 || interval.Total.Requests == 0)
        {
            throw new InvalidOperationException($"{interval.Total.Failures} of {interval.Total.Requests} benchmark requests failed");
        }
    }
}
