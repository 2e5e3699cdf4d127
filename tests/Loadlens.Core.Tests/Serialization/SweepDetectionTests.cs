using System.Text;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;

namespace Loadlens.Core.Tests.Serialization;

/// <summary><see cref="SweepResultJson.IsSweepDocument"/>: a sweep is told from a single run by content.</summary>
public sealed class SweepDetectionTests
{
    private static SweepResult Sample() => new()
    {
        Name = "sample",
        Model = "closed",
        Target = "http://127.0.0.1:1/",
        StartedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        PlannedLevels = [1, 2],
        StepSeconds = 3,
        Steps = [new SweepStep { Index = 0, Level = 1, Result = RunResultJsonTests.Sample() }],
        Outcome = RunOutcome.Complete,
        Environment = new RunEnvironment("m", "os", 2, ".NET", "loadlens", "0.1.0"),
    };

    private static bool Detect(string text) => SweepResultJson.IsSweepDocument(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void A_serialized_sweep_is_a_sweep_and_a_run_result_is_not()
    {
        Detect(SweepResultJson.Serialize(Sample())).ShouldBeTrue();
        Detect(RunResultJson.Serialize(RunResultJsonTests.Sample())).ShouldBeFalse();
    }

    [Fact]
    public void A_truncated_sweep_is_still_recognised_so_the_error_names_the_sweep_reader()
    {
        var json = SweepResultJson.Serialize(Sample());
        var cut = json.IndexOf("\"steps\"", StringComparison.Ordinal) + 40;
        Detect(json[..cut]).ShouldBeTrue();
    }

    [Fact]
    public void Names_are_matched_case_insensitively_and_a_bom_or_reordering_does_not_matter()
    {
        Detect("\uFEFF{\"PlannedLevels\": [1]}").ShouldBeTrue();
        Detect("{\"name\": \"x\", \"notes\": [\"steps\"], \"steps\": []}").ShouldBeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1, 2]")]
    [InlineData("{\"endpoints\": [], \"steps\": []}")] // a run's property first: a run (the run reader reports the problem)
    [InlineData("{\"settings\": {\"steps\": [1]}}")] // nested "steps" is not the sweep's
    [InlineData("{\"name\" \"x\", \"steps\": []}")] // malformed before the telling property
    [InlineData("Type,Name,Request Count")]
    public void Other_documents_are_not_sweeps(string text) => Detect(text).ShouldBeFalse();

    [Fact]
    public void A_missing_file_is_not_a_sweep()
        => SweepResultJson.IsSweepFile(Path.Combine(Path.GetTempPath(), "loadlens-missing-" + Guid.NewGuid().ToString("N") + ".json")).ShouldBeFalse();
}
