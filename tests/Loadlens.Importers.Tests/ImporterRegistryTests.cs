using Loadlens.Core;
using Loadlens.Core.Results;

namespace Loadlens.Importers.Tests;

public sealed class ImporterRegistryTests
{
    /// <summary>
    /// A whole new format in one class: "#tiny" files of "name,requests,p50-ms" lines. Registering it is one line;
    /// nothing else in the importers changes.
    /// </summary>
    private sealed class TinyImporter : IResultImporter
    {
        public string Format => "tiny";

        public bool MatchesContent(string head) => head.StartsWith("#tiny", StringComparison.Ordinal);

        public bool MatchesName(string fileName) => fileName.EndsWith(".tiny", StringComparison.OrdinalIgnoreCase);

        public async Task<RunResult> ImportAsync(string path, string? variant, CancellationToken cancellationToken)
        {
            ImporterRegistry.RequireFile(path);
            var endpoints = new List<EndpointResult>();
            var lineNumber = 0;
            foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
            {
                lineNumber++;
                if (line.StartsWith('#') || line.Length == 0)
                {
                    continue;
                }

                var f = line.Split(',');
                if (f.Length != 3 || !long.TryParse(f[1], out var requests) || !double.TryParse(f[2], System.Globalization.CultureInfo.InvariantCulture, out var p50))
                {
                    throw new InputFormatException(path, lineNumber, 1, "expected name,requests,p50");
                }

                endpoints.Add(Endpoint(f[0], requests, p50));
            }

            return new RunResult
            {
                Name = Path.GetFileNameWithoutExtension(path),
                Source = new RunSource("tiny", "tiny", path),
                Environment = new RunEnvironment("unknown", "unknown", 0, "unknown", "tiny", "1"),
                StartedAt = DateTimeOffset.UnixEpoch,
                DurationSeconds = 1,
                Settings = new RunSettings { Model = "closed", Target = string.Empty },
                Outcome = RunOutcome.Complete,
                Endpoints = endpoints,
                Total = Endpoint(EndpointResult.AggregatedName, endpoints.Sum(e => e.Requests), 0) with { Method = string.Empty },
                Intervals = [],
                Errors = [],
            };
        }

        private static EndpointResult Endpoint(string name, long requests, double p50) => new()
        {
            Name = name,
            Method = "GET",
            Requests = requests,
            Failures = 0,
            Latency = LatencyStats.Empty with { Count = requests, P50 = p50 },
            RequestsPerSecond = requests,
        };
    }

    [Fact]
    public async Task A_new_format_is_one_class_and_one_registration_line()
    {
        var registry = ImporterRegistry.CreateDefault().Register(new TinyImporter());

        using var temp = Fixture.Temp();
        var byContent = temp.Write("results.data", "#tiny\n/login,10,12.5\n/items,30,3\n");
        var byName = temp.Write("results.tiny", "/login,10,12.5\n");
        var neutral = temp.Write("plain.txt", "/login,7,1\n");

        registry.Formats.ShouldBe(["loadlens", "locust", "k6-summary", "k6-json", "jmeter", "hlog", "tiny"]);
        registry.Detect(byContent).Format.ShouldBe("tiny");
        registry.Detect(byName).Format.ShouldBe("tiny");

        var detected = await registry.ImportAsync(byContent);
        detected.Source.Format.ShouldBe("tiny");
        detected.Endpoints.Select(e => (e.Name, e.Requests)).ShouldBe([("/login", 10L), ("/items", 30L)]);
        detected.Total.Requests.ShouldBe(40);

        (await registry.ImportAsync(neutral, "tiny")).Total.Requests.ShouldBe(7);
        (await registry.ImportAsync(neutral, "TINY")).Total.Requests.ShouldBe(7);

        // Its own errors and the standard ones come through unchanged.
        var bad = temp.Write("bad.tiny", "#tiny\n/login,ten,1\n");
        var ex = await Should.ThrowAsync<InputFormatException>(() => registry.ImportAsync(bad));
        (ex.Line, ex.Problem).ShouldBe((2, "expected name,requests,p50"));
        (await Should.ThrowAsync<InputFormatException>(() => registry.ImportAsync(Path.Combine(temp.Path, "none.tiny"), "tiny"))).Problem.ShouldBe("file not found");
        (await Should.ThrowAsync<InputFormatException>(() => registry.ImportAsync(neutral, "tiny:x"))).Problem.ShouldStartWith("unknown format 'tiny:x' (expected one of: loadlens, locust, k6-summary, k6-json, jmeter, hlog, tiny;");

        // The built-in formats still read through the extended registry; the default registry is untouched.
        (await registry.ImportAsync(Fixture.File("jmeter", "small.jtl"))).Source.Format.ShouldBe("jtl");
        ImporterRegistry.Default.Formats.ShouldNotContain("tiny");
        (await Should.ThrowAsync<InputFormatException>(() => ResultImporter.ImportAsync(byContent))).Problem.ShouldStartWith("cannot tell the format");
    }

    [Fact]
    public void Format_names_are_unique_and_plain()
    {
        var registry = ImporterRegistry.CreateDefault();
        Should.Throw<ArgumentException>(() => registry.Register(new RenamedImporter("JMETER")));
        Should.Throw<ArgumentException>(() => registry.Register(new RenamedImporter("a:b")));
        Should.Throw<ArgumentException>(() => registry.Register(new RenamedImporter(" ")));
        registry.Find("Hlog")!.Format.ShouldBe("hlog");
        registry.Find("csv").ShouldBeNull();
    }

    [Theory]
    [InlineData("{\"schemaVersion\": 1, \"metrics\": {}}", "k6-summary")] // schemaVersion alone loses to k6 summary markers
    [InlineData("{\"schemaVersion\": 1, \"Endpoints\": [], \"metrics\": {}}", "loadlens")] // ... schemaVersion with endpoints wins
    [InlineData("{\"schemaVersion\": 1}", "loadlens")]
    [InlineData("{\"root_group\": {}}", "k6-summary")]
    [InlineData("{\"type\":\"Point\",\"metric\":\"http_req_duration\",\"schemaVersion\":1}\n", "k6-json")]
    [InlineData("timeStamp,elapsed,label\n", "jmeter")]
    [InlineData("1714550400000,12,label\n", "jmeter")]
    [InlineData("timeStamp,elapsed,label,HISTFAA\n", "hlog")] // ",HISTFAA" anywhere beats a JTL header
    [InlineData("1714550400000,12,label,x,HISTFAA\n", "hlog")] // ",HISTFAA" anywhere beats a header-less JTL
    [InlineData("\uFEFF  Type,Name,Request Count,HISTFAA\n", "locust")]
    [InlineData("#[StartTime: 1]\n", "hlog")]
    public void Content_detection_keeps_its_precedence(string head, string format)
    {
        using var temp = Fixture.Temp();
        ImporterRegistry.Default.Detect(temp.Write("input.data", head)).Format.ShouldBe(format);
    }

    [Fact]
    public void A_folder_with_a_result_json_is_a_Loadlens_folder_even_with_Locust_CSVs_in_it()
    {
        using var temp = Fixture.Temp();
        foreach (var f in Directory.GetFiles(Fixture.Dir("locust-2.12.1-shop")))
        {
            File.Copy(f, Path.Combine(temp.Path, Path.GetFileName(f)));
        }

        ImporterRegistry.Default.Detect(temp.Path).Format.ShouldBe("locust");

        // loadlens run writes result.json next to its Locust-compatible CSVs: the exact result wins.
        temp.Write("result.json", "{}");
        ImporterRegistry.Default.Detect(temp.Path).Format.ShouldBe("loadlens");

        // Naming the prefix or a CSV still reads the Locust files.
        ImporterRegistry.Default.Detect(Path.Combine(temp.Path, "shop_stats.csv")).Format.ShouldBe("locust");
        ImporterRegistry.Default.Detect(Path.Combine(temp.Path, "shop")).Format.ShouldBe("locust");
    }

    private sealed class RenamedImporter(string format) : IResultImporter
    {
        public string Format => format;

        public Task<RunResult> ImportAsync(string path, string? variant, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
