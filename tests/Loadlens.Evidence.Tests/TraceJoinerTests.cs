using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Core.Tracing;
using Loadlens.Evidence.Otlp;

namespace Loadlens.Evidence.Tests;

/// <summary>
/// The N+1 "one after another" check on span timestamps as real SDKs write them: OpenTelemetry JS takes a span's start
/// from Date.now() (whole milliseconds, rounded down) and its end from a high-resolution clock.
/// </summary>
public sealed class TraceJoinerTests
{
    private const uint Tag = 0x1234_5678;
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    private static RunResult Run() => new()
    {
        Name = "joiner",
        Source = new RunSource("loadlens", "native"),
        Environment = new RunEnvironment("m", "os", 2, "rt", "loadlens", "0"),
        StartedAt = Start,
        DurationSeconds = 1,
        Settings = new RunSettings { Model = "closed", Target = "http://127.0.0.1/" },
        Outcome = RunOutcome.Complete,
        Endpoints = [new EndpointResult { Name = "GET /list", Method = "GET", Requests = 1, Failures = 0, RequestsPerSecond = 1, Latency = LatencyHistograms.ToStats(LatencyHistograms.Create()) }],
        Total = new EndpointResult { Name = EndpointResult.AggregatedName, Method = string.Empty, Requests = 1, Failures = 0, RequestsPerSecond = 1, Latency = LatencyHistograms.ToStats(LatencyHistograms.Create()) },
        Intervals = [],
        Errors = [],
    };

    /// <summary>One request with six executions of one statement; <paramref name="at"/>(i) gives each one's (start, end) in ns after the server span's start.</summary>
    private static StatementEvidence Statement(Func<int, (ulong Start, ulong End)> at)
    {
        var traceId = LoadlensTraceId.TraceParent(Tag, 0, 1_000, 42).Split('-')[1];
        var t0 = (ulong)(Start.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 + 2_000_000;
        var spans = new List<OtlpSpan> { new() { TraceId = traceId, SpanId = "00000000000000aa", Name = "GET /list", Kind = OtlpSpan.KindServer, StartUnixNano = t0, EndUnixNano = t0 + 50_000_000 } };
        for (var i = 0; i < 6; i++)
        {
            var (s, e) = at(i);
            spans.Add(new OtlpSpan
            {
                TraceId = traceId,
                SpanId = $"00000000000000{i:x2}",
                ParentSpanId = "00000000000000aa",
                Name = "pg.query:SELECT",
                Kind = OtlpSpan.KindClient,
                StartUnixNano = t0 + s,
                EndUnixNano = t0 + e,
                Attributes = new Dictionary<string, object> { ["db.system"] = "postgresql", ["db.statement"] = "SELECT * FROM bookings WHERE chef_id = $1" },
            });
        }

        var joiner = new TraceJoiner(Tag, sql => sql);
        joiner.Add(spans);
        return joiner.Build(Run(), 0).Endpoints.ShouldHaveSingleItem().Statements.ShouldHaveSingleItem();
    }

    [Fact]
    public void Sequential_queries_with_whole_millisecond_starts_before_the_previous_end_are_one_after_another()
    {
        // Each query takes 2.3 ms and the next starts 0.3 ms after it ended: 2.6 ms apart, but the start is rounded down
        // to the millisecond, so it lies up to 0.7 ms before the previous end.
        var s = Statement(i =>
        {
            var exact = (ulong)(i * 2_600_000);
            var rounded = exact / 1_000_000 * 1_000_000;
            return (rounded, exact + 2_300_000);
        });
        s.RepeatedRequests.ShouldBe(1);
        s.PerRequestMean.ShouldBe(6);
    }

    [Fact]
    public void Queries_run_in_parallel_are_not_an_N_plus_one()
    {
        // Promise.all: all six start in the same millisecond and each takes 3 ms.
        Statement(i => (0, 3_000_000 + (ulong)(i * 10_000))).RepeatedRequests.ShouldBe(0);

        // Nanosecond starts (the .NET SDK): a start 0.5 ms before the previous end is overlap, not rounding.
        Statement(i => ((ulong)(i * 2_000_000) + 1, (ulong)(i * 2_000_000) + 2_500_001)).RepeatedRequests.ShouldBe(0);
    }

    [Fact]
    public void Pool_wait_spans_become_the_mean_wait_per_request_and_are_not_database_time()
    {
        // Two requests: one waited 4 ms and 2 ms for connections, the other 0; a database span of 1 ms each.
        var t0 = (ulong)(Start.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 + 2_000_000;
        var spans = new List<OtlpSpan>();
        for (var r = 0; r < 2; r++)
        {
            var traceId = LoadlensTraceId.TraceParent(Tag, 0, 1_000 + r, 42).Split('-')[1];
            var server = $"00000000000000a{r}";
            spans.Add(new() { TraceId = traceId, SpanId = server, Name = "GET /list", Kind = OtlpSpan.KindServer, StartUnixNano = t0, EndUnixNano = t0 + 10_000_000 });
            spans.Add(new() { TraceId = traceId, SpanId = $"00000000000000b{r}", ParentSpanId = server, Name = "sqlite SELECT", Kind = OtlpSpan.KindClient, StartUnixNano = t0 + 7_000_000, EndUnixNano = t0 + 8_000_000, Attributes = new Dictionary<string, object> { ["db.system"] = "sqlite", ["db.query.text"] = "SELECT 1" } });
            if (r == 0)
            {
                spans.Add(new() { TraceId = traceId, SpanId = "00000000000000c0", ParentSpanId = server, Name = TraceJoiner.PoolWaitSpanName, Kind = 1, StartUnixNano = t0, EndUnixNano = t0 + 4_000_000 });
                spans.Add(new() { TraceId = traceId, SpanId = "00000000000000c1", ParentSpanId = server, Name = TraceJoiner.PoolWaitSpanName, Kind = 1, StartUnixNano = t0 + 4_000_000, EndUnixNano = t0 + 6_000_000 });
            }
        }

        var joiner = new TraceJoiner(Tag, sql => sql);
        joiner.Add(spans);
        var e = joiner.Build(Run(), 0).Endpoints.ShouldHaveSingleItem();
        e.Requests.ShouldBe(2);
        e.PoolWaitMeanMs.ShouldBe(3); // (4 + 2 + 0) / 2
        e.DbTimeMeanMs.ShouldBe(1);
        e.DbStatementsMean.ShouldBe(1);
    }
}
