using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Attributes;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Engine.Feeders;
using Loadlens.Engine.Http;
using Loadlens.Engine.Recording;
using Loadlens.Engine.Transport;

namespace Loadlens.Benchmarks;

/// <summary>
/// The raw transports' per-request CPU path without the socket: encode the request (static bytes, or the
/// pre-encoded segments with the <c>traceparent</c> ids patched in), parse the response (with or without a
/// <c>Server-Timing</c> header), record latency, status, bytes and the Server-Timing metrics on the worker's
/// recorder. Every case must allocate 0 B per request; the time ratio between cases is the cost of trace
/// context and of Server-Timing parsing.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class HotPathBenchmarks
{
    private const int Requests = 1000;
    private Http1RequestEncoder _encoder = null!;
    private TraceContextWriter _trace = null!;
    private Http1ResponseParser _parser = null!;
    private RunRecorder _recorder = null!;
    private byte[] _response = null!;
    private byte[] _send = new byte[256];
    private string?[] _values = [];
    private Random _random = null!;

    [Params(false, true)]
    public bool TraceParent { get; set; }

    [Params(false, true)]
    public bool ServerTiming { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var scenario = new ScenarioDefinition
        {
            Name = "bench",
            BaseUrl = new Uri("http://127.0.0.1:8080/"),
            Headers = new Dictionary<string, string> { ["Accept"] = "application/json" },
            Endpoints = [new EndpointDefinition { Name = "product", Path = "/api/products/7" }],
            Load = new LoadProfile { Users = 1, Iterations = 1 },
        };
        var feeders = new FeederSet(scenario.Feeders);
        var template = new RequestTemplate(0, scenario.Endpoints[0], scenario, feeders.IndexOf);
        _encoder = new Http1RequestEncoder(template, TraceParent);
        _trace = new TraceContextWriter(0x5eed1234, Stopwatch.GetTimestamp());
        _parser = new Http1ResponseParser();
        _recorder = new RunRecorder([("product", "GET")], Stopwatch.GetTimestamp());
        _random = new Random(1);
        const string body = "{\"id\":7,\"name\":\"tea\",\"price\":4.5}";
        var timing = ServerTiming ? "Server-Timing: db;dur=53.2;desc=\"select, join\", app;dur=47.2\r\nServer-Timing: cache;desc=hit\r\n" : string.Empty;
        _response = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nDate: Wed, 02 Dec 2026 01:00:00 GMT\r\nServer: Kestrel\r\n{timing}Content-Length: {body.Length}\r\n\r\n{body}");
        Cycle(); // first sight of the metric names (the only allocation, once per name and run), JIT
        Check();
    }

    [Benchmark(OperationsPerInvoke = Requests)]
    public long EncodeParseRecord() => Cycle();

    [GlobalCleanup]
    public void Cleanup()
    {
        Check();
        _recorder.Dispose();
    }

    private long Cycle()
    {
        long bytes = 0;
        var recorder = _recorder.Current;
        for (var i = 0; i < Requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var length = _encoder.StaticBytes is { } s ? s.Length
                : TraceParent ? _encoder.Render(_values, ref _send, _trace.Stamp(0, _random))
                : _encoder.Render(_values, ref _send);
            _parser.Reset(headRequest: false, captureBody: false);
            if (_parser.Parse(_response, out var used) != ParseStatus.Complete || used != _response.Length)
            {
                throw new InvalidOperationException("the response did not parse");
            }

            var now = Stopwatch.GetTimestamp();
            recorder.Record(0, (long)Stopwatch.GetElapsedTime(start, now).TotalMicroseconds, _parser.Status, ErrorCategory.None, length, _parser.BodyBytes, null, now, _parser.ServerTiming);
            bytes += length;
        }

        return bytes;
    }

    /// <summary>A benchmark that measured the wrong path proves nothing: the Server-Timing metrics must have been recorded, or not.</summary>
    private void Check()
    {
        _recorder.CollectInterval(Stopwatch.GetTimestamp(), 1, warmup: false);
        var (endpoints, _, _) = _recorder.BuildTotals(1);
        var timing = endpoints[0].ServerTiming;
        if (ServerTiming != (timing is { Metrics.Count: 3 }) || (ServerTiming && timing!["db"]!.Duration.Count != timing.Responses))
        {
            throw new InvalidOperationException("Server-Timing was not recorded as expected");
        }

        if (TraceParent == (_encoder.StaticBytes is not null))
        {
            throw new InvalidOperationException("traceparent patching was not on the measured path");
        }
    }
}
