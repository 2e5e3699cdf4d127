using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Pipeline.Scenarios;
using Loadlens.Reporting.Json;
using Loadlens.Reporting.Markdown;
using static Loadlens.Analysis.Tests.Synthetic;

namespace Loadlens.Analysis.Tests;

/// <summary>Fuzzing: the analyzer accepts any shape of result, the SLA loader only throws InputFormatException.</summary>
public sealed class PropertyTests
{
    private const string ValidSla = "sla:\n  - endpoint: \"*\"\n    p95: 300ms\n    p99: 1s\n    errorRate: 1%\n  - endpoint: /api/orders\n    minThroughput: 50/s\n";
    private static readonly char[] Interesting = " \n\t:-[]{},#&*!|>'\"%@`?~$/\\=.0123456789abcmsp\r\u00e9\0".ToCharArray();

    private static Gen<string> Text(int max) => Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(Interesting), n)).Select(cs => new string(cs));

    private static void SlaOnlyThrowsInputFormatException(string yaml)
    {
        try
        {
            SlaFile.Parse(yaml, "sla.yaml");
        }
        catch (InputFormatException ex)
        {
            ex.Message.ShouldStartWith("sla.yaml");
        }
    }

    [Property(MaxTest = 300)]
    public Property Sla_file_mutations_only_throw_input_format_exceptions()
        => Prop.ForAll(
            Gen.Choose(0, ValidSla.Length).ToArbitrary(),
            Gen.Choose(0, ValidSla.Length).ToArbitrary(),
            Text(8).ToArbitrary(),
            (at, cut, inserted) =>
            {
                SlaOnlyThrowsInputFormatException(ValidSla[..cut]);
                SlaOnlyThrowsInputFormatException(ValidSla.Insert(at, inserted));
            });

    private static readonly Gen<double> Ms = Gen.Elements(0.0, 0.01, 0.5, 1, 3, 15, 100, 450, 700, 5000, 1e6);

    private static readonly Gen<IntervalEndpoint> IntervalPoint =
        from requests in Gen.Choose(0, 500)
        from failures in Gen.Choose(0, 50)
        from mean in Ms
        from p99 in Ms
        from min in Ms
        select Iv("GET /e" + (requests % 3), requests, mean, p99, Math.Min(failures, requests), min);

    private static readonly Gen<RunResult> Runs =
        from endpointCount in Gen.Choose(0, 4)
        from requests in Gen.ArrayOf(Gen.Choose(0, 100_000), endpointCount)
        from means in Gen.ArrayOf(Ms, endpointCount)
        from mins in Gen.ArrayOf(Ms, endpointCount)
        from p99s in Gen.ArrayOf(Ms, endpointCount)
        from failures in Gen.ArrayOf(Gen.Choose(0, 1000), endpointCount)
        from intervalCount in Gen.Choose(0, 40)
        from points in Gen.ArrayOf(IntervalPoint, intervalCount)
        from users in Gen.Choose(0, 50)
        from think in Gen.Elements(0.0, 100)
        from model in Gen.Elements("closed", "open")
        from tool in Gen.Elements("loadlens", "locust")
        select Run(
            Enumerable.Range(0, endpointCount).Select(i => Endpoint(
                "GET /e" + i,
                requests[i],
                10,
                Stats(means[i], mins[i], means[i], p99s[i], Math.Max(p99s[i], means[i])),
                failures: Math.Min(failures[i], requests[i]),
                status: new Dictionary<string, long> { ["200"] = requests[i], ["429"] = failures[i] % 7 },
                categories: new Dictionary<string, long> { ["Timeout"] = failures[i] % 5, ["weird-category"] = 1 })).ToList(),
            points.Select((p, i) => Interval(i, (users + i) % 51, p)).ToList(),
            model,
            tool,
            users,
            think);

    [Property(MaxTest = 300)]
    public Property Any_result_shape_is_analyzed_and_rendered_without_errors()
        => Prop.ForAll(Runs.ToArbitrary(), run =>
        {
            var report = Analyzer.Analyze(run, new AnalysisOptions { Sla = [new SlaTarget { Endpoint = "*", P99Ms = 500, MaxErrorRate = 0.01, MinThroughput = 1 }] });
            report.Summary.Count.ShouldBeInRange(3, 5);
            foreach (var f in report.Findings)
            {
                f.Title.ShouldNotBeNullOrWhiteSpace();
                f.Evidence.ShouldAllBe(e => double.IsFinite(e.Value));
            }

            report.Recommendations.ShouldAllBe(r => r.MotivatedBy.Count > 0);
            AnalysisReportWriter.Render(run, report).ShouldContain("## Executive summary");
            AnalysisJsonWriter.Render(report).ShouldContain("\"schemaVersion\": 1");
        });
}
