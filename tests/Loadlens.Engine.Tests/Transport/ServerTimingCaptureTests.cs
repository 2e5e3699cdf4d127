using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Engine.Feeders;
using Loadlens.Engine.Http;
using Loadlens.Engine.Recording;
using Loadlens.Engine.Transport;

namespace Loadlens.Engine.Tests.Transport;

/// <summary>The Server-Timing field parser: the W3C grammar, lenient on malformed entries, never throwing.</summary>
public sealed class ServerTimingCaptureTests
{
    private static List<(string Name, double Dur)> Parse(ServerTimingCapture capture, params string[] fields)
    {
        capture.Clear();
        foreach (var f in fields)
        {
            capture.Add(Encoding.Latin1.GetBytes(f));
        }

        return Enumerable.Range(0, capture.Count).Select(i => (Encoding.ASCII.GetString(capture.Name(i)), capture.DurationMs(i))).ToList();
    }

    [Fact]
    public void Parses_metrics_params_in_any_order_quoted_strings_and_count_only_entries()
    {
        var capture = new ServerTimingCapture();
        Parse(capture, "db;dur=53.2, app;dur=47.2").ShouldBe([("db", 53.2), ("app", 47.2)]);
        Parse(capture, "cache;desc=\"hit, warm; \\\"L1\\\"\";dur=0.25", "  total ;  DUR = 120  ;desc=x,miss").ShouldBe([("cache", 0.25), ("total", 120), ("miss", -1)]);
        capture.Fields.ShouldBe(2);
        capture.Unparsable.ShouldBe(0);
        Parse(capture, "db;dur=1;dur=2").ShouldBe([("db", 1.0)]); // the first dur counts
        Parse(capture, "a;dur=1e2, b;dur=.5").ShouldBe([("a", 100.0), ("b", 0.5)]);
        Parse(capture, ",, ,").ShouldBeEmpty();
        capture.Unparsable.ShouldBe(0);
    }

    [Theory]
    [InlineData("db;dur=abc", 0)]
    [InlineData("db;dur=-3", 0)]
    [InlineData("db;dur=", 0)]
    [InlineData("db;dur", 0)]
    [InlineData("db;dur=NaN", 0)]
    [InlineData("db;dur=Infinity", 0)]
    [InlineData("db;dur=4000000", 0)] // more than an hour
    [InlineData("db;desc=\"unclosed, app;dur=1", 0)] // the quote swallows the rest
    [InlineData(";dur=5, app;dur=1", 1)]
    [InlineData("\"db\";dur=5, app;dur=1", 1)]
    [InlineData("db x;dur=5, app;dur=1", 1)]
    [InlineData("db;=5, app;dur=1", 1)]
    [InlineData("db;desc=\"a,b\" junk, app;dur=1", 1)]
    public void Malformed_entries_are_counted_and_the_rest_still_parses(string field, int kept)
    {
        var capture = new ServerTimingCapture();
        var metrics = Parse(capture, field);
        capture.Unparsable.ShouldBe(1);
        metrics.Count.ShouldBe(kept);
        if (kept == 1)
        {
            metrics[0].ShouldBe(("app", 1.0));
        }
    }

    [Fact]
    public void Long_names_are_unparsable_and_entries_beyond_the_buffer_overflow()
    {
        var capture = new ServerTimingCapture();
        Parse(capture, new string('n', ServerTimingCapture.MaxNameBytes + 1) + ";dur=1").ShouldBeEmpty();
        capture.Unparsable.ShouldBe(1);
        var many = string.Join(", ", Enumerable.Range(0, ServerTimingCapture.MaxEntries + 3).Select(i => $"m{i};dur={i}"));
        Parse(capture, many).Count.ShouldBe(ServerTimingCapture.MaxEntries);
        capture.Overflow.ShouldBe(3);
    }

    [Property(MaxTest = 3000)]
    public bool Random_bytes_never_throw_and_every_entry_is_accounted_for(byte[] data)
    {
        // Spans are bounds-checked: a read out of bounds would throw, which this property forbids.
        var capture = new ServerTimingCapture();
        capture.Add(data);
        var entries = capture.Count + capture.Overflow + capture.Unparsable;
        if (entries > data.Count(b => b == (byte)',') + 1)
        {
            return false; // entries are separated by commas
        }

        for (var i = 0; i < capture.Count; i++)
        {
            if (capture.Name(i).IsEmpty || capture.Name(i).Length > ServerTimingCapture.MaxNameBytes || (capture.DurationMs(i) < 0 && capture.DurationMs(i) != -1))
            {
                return false;
            }
        }

        return entries <= data.Length;
    }

    [Property(MaxTest = 2000)]
    public bool Mutated_valid_fields_never_throw(PositiveInt position, byte value)
    {
        var bytes = "db;dur=53.2;desc=\"a, b; \\\"c\\\"\", app ; dur = 47.2, cache"u8.ToArray();
        var original = bytes[position.Get % bytes.Length];
        bytes[position.Get % bytes.Length] = value;
        var capture = new ServerTimingCapture();
        capture.Add(bytes);
        var entries = capture.Count + capture.Unparsable;
        // Entries are separated by commas: never more entries than commas + 1, and the unchanged field parses as 3 metrics.
        return entries >= 1 && entries <= bytes.Count(b => b == (byte)',') + 1 && (value != original || (capture.Count == 3 && capture.Unparsable == 0));
    }

    private static readonly Gen<string> Ows = Gen.Elements("", " ", "  ", "\t", " \t ");

    private static readonly Gen<string> Token =
        from length in Gen.Choose(1, 12)
        from chars in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~".ToCharArray()), length)
        select new string(chars);

    private static readonly Gen<string> Quoted =
        from count in Gen.Choose(0, 5)
        from parts in Gen.ArrayOf(Gen.Elements("a", "b c", ",", ";", "=", "\\\"", "\\\\", "x y, z"), count)
        select "\"" + string.Concat(parts) + "\"";

    private static readonly Gen<(string Text, string Name, double Dur)> Metric =
        from name in Token
        from millis in Gen.Choose(-1, 5_000_000)
        from desc in Gen.OneOf(Token, Quoted, Gen.Constant(string.Empty))
        from durFirst in Gen.Elements(true, false)
        from upper in Gen.Elements(true, false)
        from ows in Gen.ArrayOf(Ows, 6)
        let durText = millis < 0 ? null : (millis / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)
        let durParam = durText is null ? null : $";{ows[0]}{(upper ? "DUR" : "dur")}{ows[1]}={ows[2]}{durText}"
        let descParam = desc.Length == 0 ? null : $";{ows[3]}desc{ows[4]}={ows[5]}{desc}"
        select (name + (durFirst ? durParam + descParam : descParam + durParam), name, durText is null ? -1 : double.Parse(durText, CultureInfo.InvariantCulture));

    [Property(MaxTest = 1000)]
    public Property Generated_valid_fields_round_trip()
    {
        var gen =
            from count in Gen.Choose(1, ServerTimingCapture.MaxEntries)
            from metrics in Gen.ArrayOf(Metric, count)
            from separators in Gen.ArrayOf(Gen.Elements(",", " ,", ", ", " , ", "\t,\t", ",,"), metrics.Length)
            from fields in Gen.Choose(1, 3)
            select (metrics, separators, fields);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (metrics, separators, fields) = t;
            var capture = new ServerTimingCapture();
            var perField = (metrics.Length + fields - 1) / fields;
            foreach (var chunk in metrics.Select((m, i) => (m, i)).Chunk(perField))
            {
                var text = string.Concat(chunk.Select(c => c.m.Text + separators[c.i]));
                capture.Add(Encoding.Latin1.GetBytes(text));
            }

            var parsed = Enumerable.Range(0, capture.Count).Select(i => (Encoding.ASCII.GetString(capture.Name(i)), capture.DurationMs(i))).ToArray();
            var expected = metrics.Select(m => (m.Name, m.Dur)).ToArray();
            return capture.Unparsable == 0 && capture.Overflow == 0 && parsed.SequenceEqual(expected);
        });
    }

    [Fact]
    public void The_response_parser_collects_server_timing_from_head_and_trailers_and_forgets_it_on_reset()
    {
        var parser = new Http1ResponseParser();
        parser.Reset(headRequest: false, captureBody: false);
        var response = "HTTP/1.1 103 Early Hints\r\nServer-Timing: early;dur=1\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nSERVER-TIMING: db;dur=12.5\r\nTransfer-Encoding: chunked\r\nserver-timing: app;dur=30\r\n\r\n"
            + "2\r\nok\r\n0\r\nServer-Timing: total;dur=50.5\r\n\r\n";
        parser.Parse(Encoding.ASCII.GetBytes(response), out var used).ShouldBe(ParseStatus.Complete);
        used.ShouldBe(response.Length);
        var timing = parser.ServerTiming;
        Enumerable.Range(0, timing.Count).Select(i => (Encoding.ASCII.GetString(timing.Name(i)), timing.DurationMs(i)))
            .ShouldBe([("db", 12.5), ("app", 30.0), ("total", 50.5)]); // the interim response's metrics are not the final response's
        timing.Fields.ShouldBe(3);
        parser.Reset(headRequest: false, captureBody: false);
        parser.ServerTiming.Count.ShouldBe(0);
        parser.ServerTiming.Fields.ShouldBe(0);
    }

    [Fact]
    public void Encoding_with_traceparent_parsing_server_timing_and_recording_allocate_nothing_per_request()
    {
        var scenario = new ScenarioDefinition
        {
            Name = "alloc",
            BaseUrl = new Uri("http://127.0.0.1:8080/"),
            Endpoints = [new EndpointDefinition { Name = "product", Path = "/api/products/7" }],
            Load = new LoadProfile { Users = 1, Iterations = 1 },
        };
        var feeders = new FeederSet(scenario.Feeders);
        var encoder = new Http1RequestEncoder(new RequestTemplate(0, scenario.Endpoints[0], scenario, feeders.IndexOf), traceContext: true);
        var trace = new TraceContextWriter(7, System.Diagnostics.Stopwatch.GetTimestamp());
        var parser = new Http1ResponseParser();
        using var recorder = new RunRecorder([("product", "GET")], System.Diagnostics.Stopwatch.GetTimestamp());
        var response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nServer-Timing: db;dur=53.2;desc=\"select, join\", app;dur=47.2\r\nServer-Timing: cache;desc=hit, bad;dur=x\r\nContent-Length: 2\r\n\r\nok");
        var send = new byte[256];
        string?[] values = [];
        var random = new Random(1);
        void Cycle(int n)
        {
            var worker = recorder.Current;
            for (var i = 0; i < n; i++)
            {
                var length = encoder.Render(values, ref send, trace.Stamp(0, random));
                parser.Reset(headRequest: false, captureBody: false);
                if (parser.Parse(response, out _) != ParseStatus.Complete)
                {
                    throw new InvalidOperationException("the response did not parse"); // not Shouldly: it allocates
                }

                worker.Record(0, 100 + i, parser.Status, ErrorCategory.None, length, parser.BodyBytes, null, System.Diagnostics.Stopwatch.GetTimestamp(), parser.ServerTiming);
            }
        }

        Cycle(10); // first sight of the names and each buffer's histograms: the only allocations
        var least = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            // The least of 3 rounds: a GC started by another test's thread can retire this thread's allocation context
            // and count its unused bytes once (≈ 8 KB); an allocation per request would show in every round.
            var before = GC.GetAllocatedBytesForCurrentThread();
            Cycle(2000);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        least.ShouldBe(0);

        recorder.CollectInterval(System.Diagnostics.Stopwatch.GetTimestamp(), 1, warmup: false);
        var timing = recorder.BuildTotals(1).Endpoints[0].ServerTiming.ShouldNotBeNull();
        timing.Responses.ShouldBe(6010);
        timing["db"]!.Duration.Mean.ShouldBe(53.2, 1e-9);
        timing["cache"]!.Count.ShouldBe(6010);
        timing.UnparsableEntries.ShouldBe(6010);
    }
}
