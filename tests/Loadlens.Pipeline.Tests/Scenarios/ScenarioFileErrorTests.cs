using Loadlens.Core;
using Loadlens.Core.Scenarios;
using Loadlens.Pipeline.Scenarios;

namespace Loadlens.Pipeline.Tests.Scenarios;

/// <summary>Every validation error names the file and the 1-based line and column of the offending node.</summary>
public sealed class ScenarioFileErrorTests
{
    /// <summary>Write <paramref name="yaml"/> to a temp file, load it, and return the error.</summary>
    private static (InputFormatException Error, string Path) LoadFails(string yaml, string fileName = "scenario.yaml", Action<TempDirectory>? setUp = null)
    {
        using var dir = new TempDirectory();
        setUp?.Invoke(dir);
        var path = dir.Write(fileName, yaml);
        var error = Should.Throw<InputFormatException>(() => ScenarioFile.Load(path));
        return (error, path);
    }

    private static void ShouldBeAt(InputFormatException error, string path, int line, int column, string problemStart)
    {
        error.Source.ShouldBe(path);
        error.Line.ShouldBe(line);
        error.Column.ShouldBe(column);
        error.Message.ShouldStartWith($"{path}:{line}:{column}: {problemStart}");
    }

    [Fact]
    public void UnknownKey_IsReportedAtTheKeyWithSuggestionAndAllowedKeys()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "name: shop",
            "baseUrl: http://localhost:5000",
            "load: {users: 2, duration: 10s}",
            "endpoints:",
            "  - path: /a",
            "  - path: /b",
            "    wieght: 2"));

        ShouldBeAt(error, path, 7, 5, "unknown key 'wieght' in the endpoint; did you mean 'weight'?");
        error.Message.ShouldEndWith("(allowed keys: name, method, path, weight, headers, body, expect)");
    }

    [Fact]
    public void UnknownKey_WithoutCloseMatch_HasNoSuggestion()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}",
            "protocol: h2"));

        ShouldBeAt(error, path, 4, 1, "unknown key 'protocol' in the scenario (allowed keys: name, baseUrl, httpVersion, timeout, headers, feeders, endpoints, load, sla, redact)");
    }

    [Fact]
    public void Redact_NotAName_IsReportedAtTheItem()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}",
            "redact: [X-Key, 'not a name']"));

        ShouldBeAt(error, path, 4, 17, "'redact' lists header or feeder names, got 'not a name'");
    }

    [Theory]
    [InlineData("base_url", "baseUrl")]
    [InlineData("BaseURL", "baseUrl")]
    [InlineData("endpoint", "endpoints")]
    [InlineData("feders", "feeders")]
    [InlineData("tiemout", "timeout")]
    public void UnknownKey_SuggestsTheClosestKey(string typo, string expected)
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}",
            $"{typo}: x"));

        ShouldBeAt(error, path, 4, 1, $"unknown key '{typo}' in the scenario; did you mean '{expected}'?");
    }

    [Fact]
    public void UnknownKey_InNestedFlowMapping_IsReportedAtThatKey()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "feeders:",
            "  - name: id",
            "    range: { from: 1, too: 5 }",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 4, 23, "unknown key 'too' in 'range'; did you mean 'to'?");
    }

    [Fact]
    public void MappingWhereScalarExpected_IsReportedAtTheValue()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "name:",
            "  first: shop",
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 2, 3, "'name' must be text, got a mapping");
    }

    [Fact]
    public void NonNumericUsers_IsReportedAtTheValue()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load:",
            "  users: abc",
            "  duration: 10s"));

        ShouldBeAt(error, path, 4, 10, "'users' must be a whole number, got 'abc'");
    }

    [Fact]
    public void UsersBelowOne_IsReportedAtTheValue()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load:",
            "  duration: 10s",
            "  users: 0"));

        ShouldBeAt(error, path, 5, 10, "'users' must be at least 1, got '0'");
    }

    [Fact]
    public void BadDuration_IsReportedAtTheValue()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load:",
            "  users: 5",
            "  duration: 10x"));

        ShouldBeAt(error, path, 5, 13, "'duration': invalid duration '10x': unknown unit 'x'");
    }

    [Fact]
    public void NegativeTimeout_IsReportedAtTheValue()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "timeout: -5s",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 2, 10, "'timeout': a duration cannot be negative");
    }

    [Fact]
    public void BadRate_IsReportedAtTheValue()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load:",
            "  model: open",
            "  rate: 200/day",
            "  duration: 10s"));

        ShouldBeAt(error, path, 5, 9, "'rate': invalid rate '200/day': unknown unit '/day'");
    }

    [Fact]
    public void MissingBaseUrl_IsReportedAtTheRootMapping()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "# shop scenario",
            "name: shop",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 2, 1, "the scenario is missing the required key 'baseUrl'");
    }

    [Fact]
    public void MissingLoad_IsReportedAtTheRootMapping()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]"));

        ShouldBeAt(error, path, 1, 1, "the scenario is missing the required key 'load'");
    }

    [Fact]
    public void MissingEndpoints_IsReportedAtTheRootMapping()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "",
            "  baseUrl: http://localhost:5000",
            "  load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 2, 3, "the scenario is missing the required key 'endpoints'");
    }

    [Fact]
    public void EmptyEndpoints_IsReportedAtTheList()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: []",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 2, 12, "'endpoints' must list at least one endpoint");
    }

    [Fact]
    public void MissingPath_IsReportedAtTheEndpointMapping()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints:",
            "  - path: /a",
            "  - name: orders",
            "    method: POST",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 4, 5, "the endpoint is missing the required key 'path'");
    }

    [Fact]
    public void OpenModelWithoutRateOrStages_IsReportedAtTheLoadMapping()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load:",
            "  model: open",
            "  duration: 10s"));

        ShouldBeAt(error, path, 4, 3, "the open model needs 'rate' (e.g. 200/s) or 'stages'");
    }

    [Fact]
    public void ClosedModelWithRate_IsReportedAtTheRateKey()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load:",
            "  users: 10",
            "  rate: 100/s",
            "  duration: 10s"));

        ShouldBeAt(error, path, 5, 3, "'rate' applies only to the open model");
    }

    [Fact]
    public void IterationsWithOpenModel_IsReportedAtTheIterationsKey()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load:",
            "  model: open",
            "  rate: 100/s",
            "  iterations: 1000"));

        ShouldBeAt(error, path, 6, 3, "'iterations' applies only to the closed model");
    }

    [Fact]
    public void LoadWithoutDurationIterationsOrStages_IsReportedAtTheLoadMapping()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load:",
            "  users: 10",
            "  warmUp: 5s"));

        ShouldBeAt(error, path, 4, 3, "'load' needs 'duration', 'iterations' or 'stages'");
    }

    [Fact]
    public void DurationAndStagesTogether_IsReportedAtTheSecondKey()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load:",
            "  duration: 10s",
            "  stages:",
            "    - { duration: 5s, target: 3 }"));

        ShouldBeAt(error, path, 5, 3, "use only one of 'duration', 'iterations' and 'stages'");
    }

    [Fact]
    public void UnknownPlaceholderInPath_IsReportedAtThePathWithSuggestion()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "feeders:",
            "  - name: productId",
            "    values: [1, 2]",
            "endpoints:",
            "  - path: /products/{{productID}}",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 6, 11, "unknown placeholder '{{productID}}' in 'path': no feeder is named 'productID'; did you mean 'productId'?");
    }

    [Fact]
    public void UnknownPlaceholderInBody_WithoutFeeders_IsReportedAtTheBody()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints:",
            "  - path: /orders",
            "    method: POST",
            "    body: |",
            "      {\"id\": {{orderId}}}",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 5, 11, "unknown placeholder '{{orderId}}' in 'body': no feeder is named 'orderId' (no feeders are defined");
    }

    [Fact]
    public void UnknownPlaceholderInHeader_IsReportedAtTheHeaderValue()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "feeders: [{name: user, values: [a]}]",
            "endpoints:",
            "  - path: /orders",
            "    headers: {X-User: \"{{ usr }}\"}",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 5, 23, "unknown placeholder '{{ usr }}' in header 'X-User': no feeder is named 'usr'; did you mean 'user'? (feeders: user)");
    }

    [Fact]
    public void DuplicateEndpointNames_IsReportedAtTheSecondName()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints:",
            "  - name: list",
            "    path: /a",
            "  - name: list",
            "    path: /b",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 5, 11, "duplicate endpoint name 'list' (also used by the endpoint on line 3)");
    }

    [Fact]
    public void DuplicateDefaultEndpointNames_IsReportedAtTheSecondEndpoint()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints:",
            "  - path: /orders",
            "    method: POST",
            "    body: a",
            "  - path: /orders",
            "    method: post",
            "    body: b",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 6, 5, "this endpoint's default name 'POST /orders' is already used by the endpoint on line 3");
    }

    [Fact]
    public void DefaultNameCollidingWithExplicitName_IsAnError()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints:",
            "  - path: /a",
            "  - name: GET /a",
            "    path: /b",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 3, 5, "this endpoint's default name 'GET /a' is already used by the endpoint on line 4");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    public void WeightNotPositive_IsReportedAtTheValue(string weight)
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints:",
            "  - path: /a",
            $"    weight: {weight}",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 4, 13, $"'weight' must be greater than 0, got '{weight}'");
    }

    [Fact]
    public void UndefinedEnvironmentVariable_IsReportedAtTheNodeUsingIt()
    {
        var yaml = Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "headers:",
            "  Accept: application/json",
            "  Authorization: Bearer ${LOADLENS_TEST_UNSET_TOKEN}",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}");

        var error = Should.Throw<InputFormatException>(() => ScenarioFile.Parse(yaml, "env.yaml", "/", _ => null));

        ShouldBeAt(error, "env.yaml", 4, 18, "header 'Authorization': environment variable 'LOADLENS_TEST_UNSET_TOKEN' is not set (write ${LOADLENS_TEST_UNSET_TOKEN:-default}");
    }

    [Fact]
    public void UndefinedEnvironmentVariableInBaseUrl_IsReportedAtBaseUrl()
    {
        var yaml = Yaml.Lines(
            "name: x",
            "baseUrl: http://${API_HOST}:5000",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}");

        var error = Should.Throw<InputFormatException>(() => ScenarioFile.Parse(yaml, "env.yaml", "/", _ => null));

        ShouldBeAt(error, "env.yaml", 2, 10, "'baseUrl': environment variable 'API_HOST' is not set");
    }

    [Fact]
    public void BaseUrlNotHttp_IsReportedAtTheValue()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: ftp://localhost",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 1, 10, "'baseUrl' must be an absolute http or https URL");
    }

    [Fact]
    public void MissingCsvFile_IsReportedAtTheFileValue()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "feeders:",
            "  - name: id",
            "    csv:",
            "      file: missing.csv",
            "      column: id",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 5, 13, "CSV file 'missing.csv' not found");
    }

    [Fact]
    public void MissingCsvColumn_IsReportedAtTheColumnValue()
    {
        var (error, path) = LoadFails(
            Yaml.Lines(
                "baseUrl: http://localhost:5000",
                "feeders:",
                "  - name: id",
                "    csv:",
                "      file: ids.csv",
                "      column: Id",
                "endpoints: [{path: /a}]",
                "load: {users: 2, duration: 10s}"),
            setUp: dir => dir.Write("ids.csv", "id,name\n1,a\n"));

        ShouldBeAt(error, path, 6, 15, "column 'Id' not found in 'ids.csv'; did you mean 'id'? (columns: id, name)");
    }

    [Fact]
    public void MalformedCsv_IsReportedAtTheFileValue()
    {
        var (error, path) = LoadFails(
            Yaml.Lines(
                "baseUrl: http://localhost:5000",
                "feeders: [{name: id, csv: {file: ids.csv, column: id}}]",
                "endpoints: [{path: /a}]",
                "load: {users: 2, duration: 10s}"),
            setUp: dir => dir.Write("ids.csv", "id,name\n1,a\n2\n"));

        ShouldBeAt(error, path, 2, 34, "CSV file 'ids.csv': CSV line 3 has 1 field(s) but the header has 2");
    }

    [Fact]
    public void SlaEndpointMatchingNothing_IsReportedAtTheEndpointValue()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{name: checkout, path: /a}]",
            "load: {users: 2, duration: 10s}",
            "sla:",
            "  - endpoint: chekout",
            "    p95: 300ms"));

        ShouldBeAt(error, path, 5, 15, "SLA endpoint 'chekout' matches no endpoint; did you mean 'checkout'?");
    }

    [Fact]
    public void SlaLatencyWithoutUnit_IsReportedAtTheValue()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}",
            "sla:",
            "  - endpoint: \"*\"",
            "    p95: 300"));

        ShouldBeAt(error, path, 6, 10, "'p95' needs a unit, e.g. 300ms");
    }

    [Fact]
    public void ErrorRateAboveOne_IsReportedAtTheValue()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}",
            "sla: [{endpoint: \"*\", errorRate: 5}]"));

        ShouldBeAt(error, path, 4, 34, "'errorRate' 5 is above 1; write a fraction (0.05) or a percentage (5%)");
    }

    [Fact]
    public void YamlSyntaxError_BecomesInputFormatExceptionWithLocation()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints:",
            "  - path: /a",
            "   method: GET",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 4, 4, "invalid YAML: While parsing a block collection");
    }

    [Fact]
    public void UnclosedFlowSequence_NamesWhereItWasOpened()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}",
            "load: {users: 2, duration: 10s}"));

        error.Source.ShouldBe(path);
        error.Line.ShouldBe(3);
        error.Message.ShouldStartWith($"{path}:3:");
        error.Problem.ShouldContain("line 2, column 12");
    }

    [Fact]
    public void DuplicateKey_IsReportedAtTheSecondKey()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}",
            "baseUrl: http://localhost:6000"));

        ShouldBeAt(error, path, 4, 1, "invalid YAML: Duplicate key");
    }

    [Fact]
    public void EmptyFile_IsAnError()
    {
        var (error, path) = LoadFails("# nothing here\n");

        ShouldBeAt(error, path, 1, 1, "the scenario file is empty");
    }

    [Fact]
    public void RootNotAMapping_IsReportedAtTheRoot()
    {
        var (error, path) = LoadFails(Yaml.Lines("", "- path: /a"));

        ShouldBeAt(error, path, 2, 1, "the scenario must be a mapping");
    }

    [Fact]
    public void SecondDocument_IsReportedAtItsStart()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}",
            "---",
            "name: other"));

        ShouldBeAt(error, path, 4, 1, "a scenario file holds a single YAML document");
    }

    [Fact]
    public void RecursiveAliasAsKey_IsRejectedWithoutCrashing()
    {
        // YamlDotNet's representation model overflows the stack on this input; the pre-check must stop it.
        var (error, path) = LoadFails(Yaml.Lines("? &x [*x]", ": 1"));

        ShouldBeAt(error, path, 1, 3, "mapping keys must be plain text");
    }

    [Fact]
    public void DeepNesting_IsRejectedWithoutCrashing()
    {
        var (error, path) = LoadFails("name: " + new string('[', 200_000));

        ShouldBeAt(error, path, 1, 6 + YamlPreflight.MaxDepth, "nesting is too deep");
    }

    [Fact]
    public void EmptyKeyInSequenceItem_IsReportedOnItsLineWithoutCrashing()
    {
        // YamlDotNet's parser drops the value after an empty key here and its representation model then throws
        // an ArgumentException without a location; the pre-check reports it instead.
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load: {users: 2, duration: 10s}",
            "sla:",
            "  - : \"*\"",
            "    p50: 100ms"));

        error.Line.ShouldBe(5);
        error.Message.ShouldStartWith($"{path}:5:");
        error.Problem.ShouldBe("invalid YAML: a mapping key here has no value (empty keys such as '- : x' are not supported)");
    }

    [Fact]
    public void UnknownAlias_IsReportedAtTheAlias()
    {
        var (error, path) = LoadFails(Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a, headers: *common}]",
            "load: {users: 2, duration: 10s}"));

        ShouldBeAt(error, path, 2, 33, "unknown alias '*common'");
    }

    [Fact]
    public void Load_MissingFile_ReportsFileNotFound()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "nope.yaml");

        var error = Should.Throw<InputFormatException>(() => ScenarioFile.Load(path));

        error.Source.ShouldBe(path);
        error.Line.ShouldBe(0);
        error.Column.ShouldBe(0);
        error.Problem.ShouldBe("file not found");
        error.Message.ShouldBe($"{path}: file not found");
    }

    [Fact]
    public void Load_MissingFolder_ReportsFileNotFound()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "no-such-dir", "s.yaml");

        Should.Throw<InputFormatException>(() => ScenarioFile.Load(path)).Message.ShouldBe($"{path}: file not found");
    }
}
