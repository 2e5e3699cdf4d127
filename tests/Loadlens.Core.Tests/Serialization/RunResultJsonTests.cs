using Loadlens.Core.Metrics;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Core.Serialization;

namespace Loadlens.Core.Tests.Serialization;

public sealed class RunResultJsonTests
{
    internal static RunResult Sample()
    {
        var h = LatencyHistograms.Create();
        for (var i = 1; i <= 500; i++)
        {
            h.RecordValue(1000 + (i * 97 % 40_000));
        }

        var stats = LatencyHistograms.ToStats(h);
        var encoded = LatencyHistograms.Encode(h);
        var endpoint = new EndpointResult
        {
            Name = "GET /a, \"b\"",
            Method = "GET",
            Requests = 500,
            Failures = 3,
            Latency = stats,
            RequestsPerSecond = 250,
            BytesSent = 1234,
            BytesReceived = 5678,
            StatusCodes = new Dictionary<string, long> { ["200"] = 497, ["503"] = 3 },
            ErrorCategories = new Dictionary<string, long> { ["Http5xx"] = 3 },
            Histogram = encoded,
        };
        return new RunResult
        {
            Name = "sample",
            Source = new RunSource("loadlens", "native"),
            Environment = new RunEnvironment("m", "os", 2, ".NET", "loadlens", "0.1.0"),
            StartedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            DurationSeconds = 3,
            WarmupSeconds = 1,
            Settings = new RunSettings { Model = "closed", Target = "http://127.0.0.1:1/", Users = 4, TimeoutSeconds = 30 },
            Scenario = new ScenarioDefinition
            {
                Name = "sample",
                BaseUrl = new Uri("http://127.0.0.1:1/"),
                Endpoints = [new EndpointDefinition { Name = "GET /a", Path = "/a" }],
                Load = new LoadProfile { Users = 4, Duration = TimeSpan.FromSeconds(3) },
            },
            Outcome = RunOutcome.Complete,
            Endpoints = [endpoint],
            Total = endpoint with { Name = EndpointResult.AggregatedName, Method = string.Empty },
            Intervals =
            [
                new TimeSeriesInterval
                {
                    Index = 0,
                    StartSeconds = 0,
                    DurationSeconds = 1,
                    Endpoints = [new IntervalEndpoint { Name = "GET /a", Requests = 500, Failures = 3, Latency = stats, Histogram = encoded }],
                    Total = new IntervalEndpoint { Name = "Aggregated", Requests = 500, Failures = 3, Latency = stats, Histogram = encoded },
                },
            ],
            Errors = [new ErrorSummary { Endpoint = "GET /a", Method = "GET", Category = "Http5xx", StatusCode = 503, Count = 3, Message = "HTTP 503" }],
            Sla = [new SlaTarget { Endpoint = "*", P99Ms = 500 }],
        };
    }

    [Fact]
    public void SerializeDeserialize_IsByteExactAndKeepsStatistics()
    {
        var json = RunResultJson.Serialize(Sample());

        var back = RunResultJson.Deserialize(json);

        RunResultJson.Serialize(back).ShouldBe(json);
        back.Endpoints[0].Latency.ShouldBe(Sample().Endpoints[0].Latency);
        LatencyHistograms.ToStats(LatencyHistograms.Decode(back.Endpoints[0].Histogram!)).ShouldBe(back.Endpoints[0].Latency);
        back.Scenario!.Load.Duration.ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Server_timing_round_trips_and_a_version_1_document_still_reads()
    {
        var h = LatencyHistograms.Create();
        h.RecordValue(12_500);
        h.RecordValue(20_100);
        var db = new ServerTimingMetric { Name = "db", Count = 2, Duration = LatencyHistograms.ToStats(h) with { Mean = 16.3 }, Histogram = LatencyHistograms.Encode(h) };
        var cache = new ServerTimingMetric { Name = "cache", Count = 5, Duration = LatencyStats.Empty };
        var sample = Sample();
        var run = sample with
        {
            Endpoints = [sample.Endpoints[0] with { ServerTiming = new ServerTimingSummary { Responses = 5, Metrics = [db, cache], DroppedEntries = 1, UnparsableEntries = 2 } }],
        };

        var json = RunResultJson.Serialize(run);
        json.ShouldContain($"\"schemaVersion\": {RunResult.CurrentSchemaVersion}");
        RunResult.CurrentSchemaVersion.ShouldBe(2);
        var back = RunResultJson.Deserialize(json);
        RunResultJson.Serialize(back).ShouldBe(json);
        var timing = back.Endpoints[0].ServerTiming.ShouldNotBeNull();
        timing.Responses.ShouldBe(5);
        timing.DroppedEntries.ShouldBe(1);
        timing.UnparsableEntries.ShouldBe(2);
        timing["db"]!.Duration.Mean.ShouldBe(16.3);
        LatencyHistograms.ToStats(LatencyHistograms.Decode(timing["db"]!.Histogram!)).P95.ShouldBe(db.Duration.P95);
        timing["cache"]!.Count.ShouldBe(5);
        timing["cache"]!.Histogram.ShouldBeNull();
        timing["DB"].ShouldBeNull(); // names are case-sensitive

        // A version 1 file (before Server-Timing) reads as before: the part is absent, not an error.
        var v1 = RunResultJson.Serialize(Sample()).Replace($"\"schemaVersion\": {RunResult.CurrentSchemaVersion}", "\"schemaVersion\": 1", StringComparison.Ordinal);
        var old = RunResultJson.Deserialize(v1);
        old.SchemaVersion.ShouldBe(1);
        old.Endpoints[0].ServerTiming.ShouldBeNull();
        RunResultJson.Serialize(Sample()).ShouldNotContain("serverTiming"); // absent when no response carried it
    }

    [Fact]
    public void Deserialize_NewerSchema_IsRejectedClearly()
    {
        var json = RunResultJson.Serialize(Sample()).Replace($"\"schemaVersion\": {RunResult.CurrentSchemaVersion}", "\"schemaVersion\": 99", StringComparison.Ordinal);

        var ex = Should.Throw<InputFormatException>(() => RunResultJson.Deserialize(json, "r.json"));

        ex.Message.ShouldContain("schemaVersion 99");
    }

    [Fact]
    public void Deserialize_BadValue_ReportsLineAndColumn()
    {
        var json = RunResultJson.Serialize(Sample()).Replace("\"durationSeconds\": 3", "\"durationSeconds\": \"x\"", StringComparison.Ordinal);
        var line = json[..json.IndexOf("\"durationSeconds\"", StringComparison.Ordinal)].Count(c => c == '\n') + 1;

        var ex = Should.Throw<InputFormatException>(() => RunResultJson.Deserialize(json, "r.json"));

        ex.Line.ShouldBe(line);
        ex.Message.ShouldStartWith($"r.json:{line}:");
    }

    [Fact]
    public void Deserialize_FuzzedDocuments_OnlyEverThrowInputFormatException()
    {
        var json = RunResultJson.Serialize(Sample());
        var random = new Random(12345);
        const string alphabet = "{}[]\",:0123456789.-eE truefalsnl\\\n";
        for (var i = 0; i < 3000; i++)
        {
            var chars = json.ToCharArray().ToList();
            var mutations = 1 + random.Next(4);
            for (var m = 0; m < mutations && chars.Count > 0; m++)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(4))
                {
                    case 0:
                        chars.RemoveRange(at, chars.Count - at); // truncate
                        break;
                    case 1:
                        chars[at] = alphabet[random.Next(alphabet.Length)];
                        break;
                    case 2:
                        chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        chars.RemoveAt(at);
                        break;
                }
            }

            var text = new string([.. chars]);
            try
            {
                RunResultJson.Deserialize(text, "fuzz.json");
            }
            catch (InputFormatException ex)
            {
                ex.Message.ShouldStartWith("fuzz.json");
            }
        }
    }

    [Fact]
    public void Deserialize_NullWhereAValueIsRequired_IsAnInputError()
    {
        var json = RunResultJson.Serialize(Sample()).Replace("\"name\": \"sample\"", "\"name\": null", StringComparison.Ordinal);

        Should.Throw<InputFormatException>(() => RunResultJson.Deserialize(json, "r.json"));
    }
}
