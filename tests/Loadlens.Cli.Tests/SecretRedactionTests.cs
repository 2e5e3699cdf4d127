using Loadlens.Core.Scenarios;
using Loadlens.Core.Serialization;
using Loadlens.TestUtils;

namespace Loadlens.Cli.Tests;

/// <summary>Secrets never reach an output: a real run sends them, and no file of its output folder, nor the console, holds them.</summary>
public sealed class SecretRedactionTests
{
    [Fact]
    public async Task RealRun_WithCredentialHeadersEnvValuesAndFeeder_WritesNoSecretAnywhere()
    {
        const string envToken = "env-token-7f3a9c";
        const string envBody = "env-body-51d2e8";
        const string cliProxy = "cli-proxy-c0ffee";
        const string cliKey = "cli-key-b16b00b5";
        const string feederValue = "feeder-value-8e4d21";
        var tokenVar = "LOADLENS_TEST_TOKEN_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var bodyVar = "LOADLENS_TEST_BODY_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(tokenVar, envToken);
        Environment.SetEnvironmentVariable(bodyVar, envBody);
        try
        {
            await using var target = await TestTarget.StartAsync();
            using var cli = new CliHarness();
            var outDir = Path.Combine(cli.Directory, "out");
            var scenario = cli.File("secrets.yaml", $$$"""
                name: secrets
                baseUrl: {{{target.BaseAddress}}}
                headers:
                  Authorization: Bearer ${{{{tokenVar}}}}
                  Cookie: session=abc-cookie
                  X-Session: "{{session}}"
                redact: [X-Session]
                feeders:
                  - name: session
                    values: [{{{feederValue}}}]
                endpoints:
                  - path: /record
                    method: POST
                    body: '{"secret": "${{{{bodyVar}}}}"}'
                load: { users: 2, duration: 2s, warmUp: 0.5s }
                """);

            var exit = await cli.RunAsync("run", scenario, "-H", $"Proxy-Authorization: Basic {cliProxy}", "-H", $"X-Api-Key: {cliKey}", "--redact", "X-Api-Key", "-o", outDir);

            exit.ShouldBe(0, cli.Error.ToString());

            // The secrets were really sent: the server saw every one of them.
            var seen = string.Join("\n", target.Recorded);
            foreach (var secret in new[] { envToken, envBody, cliProxy, cliKey, feederValue })
            {
                seen.ShouldContain(secret);
            }

            // ... and none of them is in any file written, nor in what the CLI printed.
            var files = Directory.GetFiles(outDir, "*", SearchOption.AllDirectories);
            files.Length.ShouldBeGreaterThanOrEqualTo(5);
            var texts = files.Select(f => (Name: Path.GetFileName(f), Text: File.ReadAllText(f)))
                .Append(("stdout", cli.Out.ToString())).Append(("stderr", cli.Error.ToString())).Append(("console", cli.Console.Output));
            foreach (var (name, text) in texts)
            {
                foreach (var secret in new[] { envToken, envBody, cliProxy, cliKey, feederValue, "abc-cookie" })
                {
                    text.ShouldNotContain(secret, customMessage: $"{secret} in {name}");
                }
            }

            // What is written keeps ${NAME} and marks the redacted values.
            var written = RunResultJson.Deserialize(await File.ReadAllTextAsync(Path.Combine(outDir, "result.json"))).Scenario!;
            written.Headers["Authorization"].ShouldBe(ScenarioRedaction.Marker);
            written.Headers["Cookie"].ShouldBe(ScenarioRedaction.Marker);
            written.Headers["Proxy-Authorization"].ShouldBe(ScenarioRedaction.Marker);
            written.Headers["X-Api-Key"].ShouldBe(ScenarioRedaction.Marker);
            written.Headers["X-Session"].ShouldBe(ScenarioRedaction.Marker);
            written.Endpoints.ShouldHaveSingleItem().Body.ShouldBe($"{{\"secret\": \"${{{bodyVar}}}\"}}");
            written.Redact.ShouldBe(["X-Session", "X-Api-Key"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(tokenVar, null);
            Environment.SetEnvironmentVariable(bodyVar, null);
        }
    }

    [Fact]
    public async Task EnvReferenceInAnOrdinaryHeader_IsWrittenAsTheReference()
    {
        const string value = "plain-env-value-3b9f";
        var name = "LOADLENS_TEST_PLAIN_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(name, value);
        try
        {
            await using var target = await TestTarget.StartAsync();
            using var cli = new CliHarness();
            var outDir = Path.Combine(cli.Directory, "out");
            var scenario = cli.File("env.yaml", $$"""
                baseUrl: {{target.BaseAddress}}
                headers: { X-Tenant: "t-${{{name}}}" }
                endpoints: [{ path: /record }]
                load: { users: 1, iterations: 20 }
                """);

            (await cli.RunAsync("run", scenario, "-o", outDir)).ShouldBe(0, cli.Error.ToString());

            string.Join("\n", target.Recorded).ShouldContain("X-Tenant: t-" + value);
            var json = await File.ReadAllTextAsync(Path.Combine(outDir, "result.json"));
            json.ShouldNotContain(value);
            RunResultJson.Deserialize(json).Scenario!.Headers["X-Tenant"].ShouldBe("t-${" + name + "}");
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public async Task OlderResultJsonHoldingASecret_IsRedactedWhenReadAndRewritten()
    {
        const string secret = "old-file-secret-41c7";
        using var cli = new CliHarness();
        var run = new Core.Results.RunResult
        {
            Name = "old",
            Source = new Core.Results.RunSource("loadlens", "native"),
            Environment = Core.Results.RunEnvironment.Current(),
            StartedAt = DateTimeOffset.UnixEpoch,
            DurationSeconds = 1,
            Settings = new Core.Results.RunSettings { Model = "closed", Target = "http://127.0.0.1:1/" },
            Scenario = new ScenarioDefinition
            {
                Name = "old",
                BaseUrl = new Uri("http://127.0.0.1:1/"),
                Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + secret },
                Endpoints = [new EndpointDefinition { Name = "GET /", Path = "/" }],
                Load = new LoadProfile(),
            },
            Outcome = Core.Results.RunOutcome.Complete,
            Endpoints = [],
            Total = new Core.Results.EndpointResult { Name = Core.Results.EndpointResult.AggregatedName, Method = string.Empty, Requests = 0, Failures = 0, Latency = Core.Results.LatencyStats.Empty, RequestsPerSecond = 0 },
            Intervals = [],
            Errors = [],
        };
        var file = cli.File("result.json", RunResultJson.Serialize(run));
        var outDir = Path.Combine(cli.Directory, "again");

        await Pipeline.LoadlensPipeline.AnalyzeAsync(new Pipeline.AnalyzeOptions { Input = file, OutputDirectory = outDir });

        var files = Directory.GetFiles(outDir, "*", SearchOption.AllDirectories);
        files.ShouldContain(f => Path.GetFileName(f) == "result.json");
        foreach (var f in files)
        {
            (await File.ReadAllTextAsync(f)).ShouldNotContain(secret, customMessage: f);
        }
    }
}
