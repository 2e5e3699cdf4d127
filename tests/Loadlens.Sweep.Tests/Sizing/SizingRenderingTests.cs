using System.Runtime.CompilerServices;
using System.Text.Json;
using Loadlens.Analysis.Capacity;
using Loadlens.Analysis.Sizing;
using Loadlens.Reporting.Html;
using Loadlens.Reporting.Json;
using Loadlens.Reporting.Outputs;
using Loadlens.Reporting.Sizing;
using Loadlens.Reporting.Sweep;
using Spectre.Console.Testing;
using YamlDotNet.RepresentationModel;
using static Loadlens.Sweep.Tests.Sizing.SizingSweeps;

namespace Loadlens.Sweep.Tests.Sizing;

/// <summary>The sizing advice as every sweep format renders it, on the CPU-bound constructed sweep (golden text in Golden/).</summary>
public sealed class SizingRenderingTests
{
    private static (Core.Results.SweepResult Sweep, CapacityReport Report) CpuBound()
    {
        var sweep = WithCpu(SingleWorker(), cpuMsPerRequest: 38);
        var report = CapacityAnalyzer.Analyze(sweep);
        return (sweep, report with { Sizing = SizingAdvisor.Advise(sweep, report, 100) });
    }

    [Fact]
    public void Console_sizing_matches_golden()
    {
        var (_, report) = CpuBound();
        var console = new TestConsole().Width(400);
        SweepConsoleRenderer.WriteSizing(console, report.Sizing!);
        AssertMatches("sizing-console.txt", console.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Sweep_markdown_holds_the_sizing_section_and_matches_golden()
    {
        var (sweep, report) = CpuBound();
        var md = SweepMarkdownWriter.Render(sweep, report, []);
        var start = md.IndexOf("## Sizing for 100 req/s", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, md);
        var end = md.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        AssertMatches("sizing-sweep.md", end < 0 ? md[start..] : md[start..(end + 1)]);
    }

    [Fact]
    public void Sweep_analysis_json_holds_the_sizing_figures()
    {
        var (sweep, report) = CpuBound();
        using var doc = JsonDocument.Parse(SweepAnalysisJsonWriter.Render(sweep, report));
        var sizing = doc.RootElement.GetProperty("sizing");
        sizing.GetProperty("targetRate").GetDouble().ShouldBe(100);
        sizing.GetProperty("headroom").GetDouble().ShouldBe(0.2);
        var workers = sizing.GetProperty("workers");
        workers.GetProperty("kind").GetString().ShouldBe("cpu-bound");
        workers.GetProperty("processes").GetInt32().ShouldBe(7);
        workers.GetProperty("threadsPerProcess").GetInt32().ShouldBe(1);
        workers.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ShouldContain("CPU per request");
        sizing.GetProperty("pool").GetProperty("size").ValueKind.ShouldBe(JsonValueKind.Null);
        sizing.GetProperty("pool").GetProperty("thinData").GetString()!.ShouldContain("no server evidence");
        sizing.GetProperty("replicas").GetProperty("count").GetInt32().ShouldBe(9);
        sizing.GetProperty("autoscale").GetProperty("cpuTargetPercent").GetInt32().ShouldBe(22);

        // Without --target-rate the document has no sizing property (the existing shape is unchanged).
        using var plain = JsonDocument.Parse(SweepAnalysisJsonWriter.Render(sweep, CapacityAnalyzer.Analyze(sweep)));
        plain.RootElement.TryGetProperty("sizing", out _).ShouldBeFalse();
    }

    [Fact]
    public void Hpa_manifest_parses_back_as_an_autoscaling_v2_horizontal_pod_autoscaler()
    {
        var (_, report) = CpuBound();
        var yaml = HorizontalPodAutoscaler.Render(report.Sizing!)!;

        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents.ShouldHaveSingleItem().RootNode;
        Scalar(root, "apiVersion").ShouldBe("autoscaling/v2");
        Scalar(root, "kind").ShouldBe("HorizontalPodAutoscaler");
        Scalar(Map(root, "metadata"), "name").ShouldBe("synthetic");
        var spec = Map(root, "spec");
        var target = Map(spec, "scaleTargetRef");
        Scalar(target, "apiVersion").ShouldBe("apps/v1");
        Scalar(target, "kind").ShouldBe("Deployment");
        Scalar(target, "name").ShouldBe("synthetic");
        Scalar(spec, "minReplicas").ShouldBe("2");
        Scalar(spec, "maxReplicas").ShouldBe("9");
        var metric = (YamlMappingNode)((YamlSequenceNode)spec.Children[new YamlScalarNode("metrics")]).Children.ShouldHaveSingleItem();
        Scalar(metric, "type").ShouldBe("Resource");
        var resource = Map(metric, "resource");
        Scalar(resource, "name").ShouldBe("cpu");
        Scalar(Map(resource, "target"), "type").ShouldBe("Utilization");
        Scalar(Map(resource, "target"), "averageUtilization").ShouldBe("22");
        // Only the API's own fields: nothing null or extra was serialized.
        root.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ShouldBe(["apiVersion", "kind", "metadata", "spec"]);
        spec.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ShouldBe(["scaleTargetRef", "minReplicas", "maxReplicas", "metrics"]);
        yaml.ShouldStartWith("# Loadlens sizing for 100 req/s within p99 ≤ 250 ms, errors ≤ 1%");
        AssertMatches("sizing-hpa.yaml", yaml);
    }

    [Fact]
    public void Hpa_yaml_is_written_only_when_the_sweep_measured_enough()
    {
        var (sweep, report) = CpuBound();
        var writer = new OutputRegistry().Add(new HpaYamlOutput());
        writer.Formats(OutputContext.ForSweep(sweep, report)).ShouldBe(["hpa"]);

        var thin = SingleWorker();
        var thinReport = CapacityAnalyzer.Analyze(thin);
        writer.Formats(OutputContext.ForSweep(thin, thinReport with { Sizing = SizingAdvisor.Advise(thin, thinReport, 100) })).ShouldBeEmpty();
        writer.Formats(OutputContext.ForSweep(sweep, CapacityAnalyzer.Analyze(sweep))).ShouldBeEmpty();
        OutputRegistry.Default.Writers.ShouldContain(w => w is HpaYamlOutput);
    }

    [Fact]
    public void Report_html_shows_the_sizing_section_with_the_manifest()
    {
        var (sweep, report) = CpuBound();
        var html = HtmlReport.Render(OutputContext.ForSweep(sweep, report));
        html.ShouldContain("id=\"sizing\"");
        html.ShouldContain("7 worker processes, 1 thread each");
        html.ShouldContain("averageUtilization: 22");
        html.ShouldContain("data too thin: no server evidence, so");
        HtmlReport.Render(OutputContext.ForSweep(sweep, CapacityAnalyzer.Analyze(sweep))).ShouldNotContain("id=\"sizing\"");
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string? Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value;

    private static void AssertMatches(string fileName, string actual, [CallerFilePath] string source = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(source))!, "Golden", fileName);
        if (Environment.GetEnvironmentVariable("LOADLENS_UPDATE_GOLDEN") == "1" || !File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            Assert.Fail($"Golden file {path} was written; review and commit it, then run again without LOADLENS_UPDATE_GOLDEN=1.");
        }

        actual.ShouldBe(File.ReadAllText(path), $"output differs from {path}; run with LOADLENS_UPDATE_GOLDEN=1 if the change is intended");
    }
}
