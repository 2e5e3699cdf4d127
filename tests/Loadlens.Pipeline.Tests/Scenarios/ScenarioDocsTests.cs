using System.Text.RegularExpressions;
using Loadlens.Core.Scenarios;
using Loadlens.Pipeline.Scenarios;

namespace Loadlens.Pipeline.Tests.Scenarios;

/// <summary>The examples in docs/scenario-format.md stay valid.</summary>
public sealed partial class ScenarioDocsTests
{
    private static List<string> YamlBlocks()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Loadlens.slnx")))
        {
            dir = dir.Parent;
        }

        dir.ShouldNotBeNull("repository root (Loadlens.slnx) not found above the test binaries");
        var markdown = File.ReadAllText(Path.Combine(dir.FullName, "docs", "scenario-format.md"));
        return YamlBlock().Matches(markdown).Select(m => m.Groups[1].Value).ToList();
    }

    [Fact]
    public void FullExample_IsValid()
    {
        using var temp = new TempDirectory();
        temp.Write("users.csv", "id,login\n1,alice\n");

        var scenario = ScenarioFile.Parse(YamlBlocks()[0], "shop.yaml", temp.Path, name => name == "TOKEN" ? "t" : null);

        scenario.Name.ShouldBe("shop");
        scenario.Feeders.Count.ShouldBe(3);
        scenario.Endpoints.Select(e => e.Name).ShouldBe(["list products", "POST /api/orders"]);
        scenario.Headers["X-Client"].ShouldBe("loadlens");
        scenario.Sla.Count.ShouldBe(2);
    }

    [Fact]
    public void LoadExamples_AreValid()
    {
        var loadBlocks = YamlBlocks().Skip(1).ToList();
        loadBlocks.Count.ShouldBe(2);

        foreach (var block in loadBlocks)
        {
            var yaml = "baseUrl: http://localhost:5000\nendpoints: [{path: /a}]\n" + block;
            ScenarioFile.Parse(yaml, "load.yaml", "/", _ => null).Load.Model.ShouldBe(LoadModel.Open);
        }
    }

    [GeneratedRegex("```yaml\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
