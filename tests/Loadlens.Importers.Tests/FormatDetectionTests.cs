using Loadlens.Core;
using Loadlens.Core.Serialization;

namespace Loadlens.Importers.Tests;

public sealed class FormatDetectionTests
{
    [Theory]
    [InlineData("locust-2.12.1-shop/shop_stats.csv", "locust-csv")]
    [InlineData("jmeter/small.jtl", "jtl")]
    [InlineData("jmeter/noheader.jtl", "jtl")]
    [InlineData("k6/run.ndjson", "k6-json")]
    [InlineData("k6/run.json.gz", "k6-json")]
    [InlineData("k6/summary-export.json", "k6-summary")]
    [InlineData("k6/summary-v1.json", "k6-summary")]
    [InlineData("hlog/wrk2-like.hlog", "hlog")]
    public async Task Detected_from_content_even_under_a_neutral_name(string fixture, string expectedFormat)
    {
        var run = await ResultImporter.ImportAsync(Path.Combine(Fixture.Dir(""), fixture));
        run.Source.Format.ShouldBe(expectedFormat);

        if (fixture.StartsWith("locust", StringComparison.Ordinal))
        {
            return; // a Locust run is a set of files named by prefix
        }

        using var temp = Fixture.Temp();
        var renamed = temp.WriteBytes("input.data", File.ReadAllBytes(Path.Combine(Fixture.Dir(""), fixture)));
        (await ResultImporter.ImportAsync(renamed)).Source.Format.ShouldBe(expectedFormat);
    }

    [Fact]
    public async Task Loadlens_result_json_file_or_folder()
    {
        using var temp = Fixture.Temp();
        var locust = await ResultImporter.ImportAsync(Fixture.ShopPrefix);
        var path = temp.Write("result.json", RunResultJson.Serialize(locust));
        var back = await ResultImporter.ImportAsync(path);
        RunResultJson.Serialize(back).ShouldBe(RunResultJson.Serialize(locust));
        (await ResultImporter.ImportAsync(temp.Path)).Total.Requests.ShouldBe(6259);
        (await ResultImporter.ImportAsync(path, "loadlens")).Total.Requests.ShouldBe(6259);
    }

    [Fact]
    public void Formats_lists_every_importer()
        => ResultImporter.Formats.ShouldBe(["loadlens", "locust", "k6-summary", "k6-json", "jmeter", "hlog"]);

    [Theory]
    [InlineData("hello world\n", null, 1, "cannot tell the format")]
    [InlineData("x", "csv", 0, "unknown format 'csv'")]
    [InlineData("x", "hlog:parsecs", 0, "unknown unit")]
    public async Task Unknown_formats_are_clear_errors(string content, string? format, int line, string problem)
    {
        using var temp = Fixture.Temp();
        var path = temp.Write("mystery.txt", content);
        var ex = await Should.ThrowAsync<InputFormatException>(() => ResultImporter.ImportAsync(path, format));
        ex.Line.ShouldBe(line);
        ex.Problem.ShouldContain(problem);
    }

    [Fact]
    public async Task Missing_paths_are_clear_errors()
    {
        var missing = Path.Combine(Path.GetTempPath(), "loadlens-does-not-exist-" + Guid.NewGuid().ToString("N"));
        (await Should.ThrowAsync<InputFormatException>(() => ResultImporter.ImportAsync(missing))).Problem.ShouldBe("file not found");
        (await Should.ThrowAsync<InputFormatException>(() => ResultImporter.ImportAsync(missing, "jmeter"))).Problem.ShouldBe("file not found");
        using var temp = Fixture.Temp();
        (await Should.ThrowAsync<InputFormatException>(() => ResultImporter.ImportAsync(temp.Path))).Problem.ShouldContain("no Locust *_stats.csv and no result.json");
    }
}
