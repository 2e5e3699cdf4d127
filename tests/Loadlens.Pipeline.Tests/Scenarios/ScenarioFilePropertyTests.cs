using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Loadlens.Core;
using Loadlens.Core.Scenarios;
using Loadlens.Pipeline.Scenarios;

namespace Loadlens.Pipeline.Tests.Scenarios;

/// <summary>Whatever the input, the loader either succeeds or throws <see cref="InputFormatException"/>.</summary>
public sealed class ScenarioFilePropertyTests : IDisposable
{
    private const string SourceName = "fuzz.yaml";

    private static readonly string ValidDocument = Yaml.Lines(
        "name: shop",
        "baseUrl: http://127.0.0.1:5000",
        "httpVersion: \"1.1\"",
        "timeout: 10s",
        "headers:",
        "  Authorization: Bearer ${TOKEN}",
        "  X-Env: ${STAGE:-dev}",
        "feeders:",
        "  - name: productId",
        "    range: { from: 1, to: 100 }",
        "    order: random",
        "  - name: user",
        "    csv: { file: users.csv, column: login }",
        "  - name: page",
        "    values: [a, b, c]",
        "endpoints:",
        "  - name: list products",
        "    method: GET",
        "    path: /api/products?page={{page}}",
        "    weight: 5",
        "    headers: {X-Trace: abc}",
        "    expect: { status: [200, 201], bodyContains: \"ok\" }",
        "  - method: POST",
        "    path: /api/orders/{{productId}}",
        "    headers: &h",
        "      X-User: \"{{user}}\"",
        "    body: '{\"id\": {{productId}}}'",
        "  - path: /api/cart",
        "    headers: *h",
        "load:",
        "  model: closed",
        "  stages:",
        "    - { duration: 20s, target: 50 }",
        "    - { duration: 1m30s, target: 10 }",
        "  thinkTime: { min: 0.5s, max: 2s }",
        "  warmUp: 5s",
        "sla:",
        "  - endpoint: \"*\"",
        "    p50: 100ms",
        "    p95: 300ms",
        "    p99: 500ms",
        "    errorRate: 1%",
        "    minThroughput: 10/s");

    /// <summary>Characters that matter to YAML, the schema and the loader's own syntax, plus a few odd ones.</summary>
    private static readonly char[] Interesting =
        " \n\t:-[]{},#&*!|>'\"%@`?~$/\\={}.0123456789abcmsh\r\u00e9\u2028\uFEFF\0".ToCharArray();

    private readonly TempDirectory _dir = new();

    public ScenarioFilePropertyTests() => _dir.Write("users.csv", "id,login\n1,alice\n2,bob\n");

    public void Dispose() => _dir.Dispose();

    private static string? Env(string name) => name == "TOKEN" ? "t0k3n" : null;

    private static Gen<string> InterestingText(int maxLength)
        => Gen.Choose(0, maxLength).SelectMany(n => Gen.ArrayOf(Gen.Elements(Interesting), n)).Select(cs => new string(cs));

    /// <summary>Parse and require success or <see cref="InputFormatException"/> that names the source.</summary>
    private void ParseOnlyThrowsInputFormatException(string yaml)
    {
        try
        {
            ScenarioFile.Parse(yaml, SourceName, _dir.Path, Env);
        }
        catch (InputFormatException ex)
        {
            ex.Source.ShouldBe(SourceName);
            ex.Message.ShouldStartWith(SourceName);
            ex.Line.ShouldBeGreaterThanOrEqualTo(0);
            ex.Column.ShouldBeGreaterThanOrEqualTo(0);
        }
    }

    [Fact]
    public void TheValidDocument_IsValid()
    {
        var scenario = ScenarioFile.Parse(ValidDocument, SourceName, _dir.Path, Env);

        scenario.Endpoints.Count.ShouldBe(3);
        scenario.Endpoints[2].Headers["X-User"].ShouldBe("{{user}}");
        scenario.Feeders[1].Values.ShouldBe(["alice", "bob"]);
    }

    [Property(MaxTest = 300)]
    public void RandomStrings_OnlyThrowInputFormatException(string? text)
        => ParseOnlyThrowsInputFormatException(text ?? string.Empty);

    [Property(MaxTest = 300)]
    public Property RandomYamlishStrings_OnlyThrowInputFormatException()
        => Prop.ForAll(InterestingText(200).ToArbitrary(), ParseOnlyThrowsInputFormatException);

    [Property(MaxTest = 300)]
    public Property TruncatedValidDocument_OnlyThrowsInputFormatException()
        => Prop.ForAll(
            Gen.Choose(0, ValidDocument.Length).ToArbitrary(),
            cut => ParseOnlyThrowsInputFormatException(ValidDocument[..cut]));

    [Property(MaxTest = 500)]
    public Property ValidDocumentWithInsertedCharacters_OnlyThrowsInputFormatException()
        => Prop.ForAll(
            Gen.Choose(0, ValidDocument.Length).ToArbitrary(),
            InterestingText(8).ToArbitrary(),
            (position, inserted) => ParseOnlyThrowsInputFormatException(ValidDocument.Insert(position, inserted)));

    [Property(MaxTest = 500)]
    public Property ValidDocumentWithMultipleMutations_OnlyThrowsInputFormatException()
    {
        // Each mutation: (kind, position, text). Kinds: 0 insert, 1 delete a span, 2 replace a span, 3 duplicate a line.
        var mutation = Gen.Zip(Gen.Choose(0, 3), Gen.Zip(Gen.Choose(0, ValidDocument.Length), InterestingText(6)));
        return Prop.ForAll(
            Gen.ListOf(mutation).ToArbitrary(),
            mutations =>
            {
                var text = ValidDocument;
                foreach (var (kind, (rawPosition, chars)) in mutations)
                {
                    var position = Math.Min(rawPosition, text.Length);
                    var span = Math.Min(chars.Length + 1, text.Length - position);
                    text = kind switch
                    {
                        0 => text.Insert(position, chars),
                        1 => text.Remove(position, span),
                        2 => text.Remove(position, span).Insert(position, chars),
                        _ => DuplicateLine(text, position),
                    };
                }

                ParseOnlyThrowsInputFormatException(text);
            });
    }

    [Property(MaxTest = 300)]
    public Property RandomStringsForDurationsAndRates_ParseAgreesWithTryParseAndOnlyThrowsFormatException()
        => Prop.ForAll(
            InterestingText(20).ToArbitrary(),
            text =>
            {
                if (Durations.TryParse(text, out var duration))
                {
                    Durations.Parse(text).ShouldBe(duration);
                    duration.ShouldBeGreaterThanOrEqualTo(TimeSpan.Zero);
                }
                else
                {
                    Should.Throw<FormatException>(() => Durations.Parse(text));
                }

                if (Rates.TryParse(text, out var rate))
                {
                    Rates.Parse(text).ShouldBe(rate);
                    rate.ShouldBeGreaterThan(0);
                }
                else
                {
                    Should.Throw<FormatException>(() => Rates.Parse(text));
                }
            });

    private static string DuplicateLine(string text, int position)
    {
        var start = text.LastIndexOf('\n', Math.Max(0, position - 1)) + 1;
        var end = text.IndexOf('\n', position);
        if (end < 0)
        {
            return text;
        }

        return text.Insert(end + 1, text[start..(end + 1)]);
    }
}
