using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;

namespace Loadlens.Importers.Tests;

/// <summary>
/// Whatever the bytes, every importer either returns a sane <see cref="RunResult"/> or throws
/// <see cref="InputFormatException"/> naming the file and a line — never anything else.
/// </summary>
public sealed class ImporterFuzzTests : IDisposable
{
    private static readonly string[] Interesting =
    [
        ",", "\"", "\r", "\n", "\r\n", "0", "-1", "N/A", "{", "}", "[", "]", ":", "9999999999999999999999", "NaN", "1e308", "-0",
        "Aggregated", "HISTFAA", "Tag=", "#[StartTime: ", "\"StartTimestamp\"", "timeStamp", "true", "false", "null", "\t", "\0", "é", "\uFFFD",
    ];

    private readonly Fixture.TempDir _temp = Fixture.Temp();

    /// <summary>(format, file name, content) of every single-file golden input.</summary>
    public static TheoryData<string, string> SingleFileSeeds => new()
    {
        { "jmeter", "jmeter/small.jtl" },
        { "jmeter", "jmeter/noheader.jtl" },
        { "k6-json", "k6/run.ndjson" },
        { "k6-json", "k6/run.json.gz" },
        { "k6-summary", "k6/summary-export.json" },
        { "k6-summary", "k6/summary-v1.json" },
        { "hlog", "hlog/wrk2-like.hlog" },
    };

    public static TheoryData<string> LocustFiles => new() { "shop_stats.csv", "shop_stats_history.csv", "shop_failures.csv", "shop_exceptions.csv" };

    private static readonly string[] LocustFileNames = ["shop_stats.csv", "shop_stats_history.csv", "shop_failures.csv", "shop_exceptions.csv"];

    public void Dispose() => _temp.Dispose();

    [Theory]
    [MemberData(nameof(SingleFileSeeds))]
    public void Truncation_at_every_position_only_throws_located_errors(string format, string seedPath)
    {
        var seed = Seed(seedPath);
        var step = Math.Max(1, seed.Length / 1000);
        for (var cut = 0; cut < seed.Length; cut += step)
        {
            Check(format, Path.GetFileName(seedPath), seed[..cut]);
        }
    }

    [Theory]
    [MemberData(nameof(SingleFileSeeds))]
    public void Seeded_mutations_only_throw_located_errors(string format, string seedPath)
    {
        var seed = Seed(seedPath);
        var rngSeed = StableSeed(seedPath);
        var rng = new Random(rngSeed);
        for (var i = 0; i < 300; i++)
        {
            var mutated = Mutate(seed, rng, 1 + rng.Next(4));
            Replayable(rngSeed, i, () => Check(format, Path.GetFileName(seedPath), mutated));
        }
    }

    [Fact]
    public void Seeds_are_FNV_1a_and_the_same_in_every_process()
    {
        StableSeed("a").ShouldBe(0x640c292c); // FNV-1a("a") = 0xe40c292c, sign bit cleared
        StableSeed("jmeter/small.jtl").ShouldBe(StableSeed("jmeter/small.jtl"));
        StableSeed("jmeter/small.jtl").ShouldNotBe(StableSeed("jmeter/noheader.jtl"));
    }

    [Theory]
    [MemberData(nameof(LocustFiles))]
    public void Locust_truncation_and_mutation_of_each_file_only_throw_located_errors(string file)
    {
        var seed = Seed("locust-2.12.1-shop/" + file);
        var step = Math.Max(1, seed.Length / 500);
        for (var cut = 0; cut < seed.Length; cut += step)
        {
            CheckLocust(file, seed[..cut], viaFolder: false);
        }

        var rngSeed = file.Length * 7919;
        var rng = new Random(rngSeed);
        for (var i = 0; i < 200; i++)
        {
            var mutated = Mutate(seed, rng, 1 + rng.Next(4));
            Replayable(rngSeed, i, () => CheckLocust(file, mutated, viaFolder: i % 4 == 0));
        }
    }

    [Theory]
    [InlineData("locust", "locust-2.12.1-shop/shop_stats.csv")]
    [InlineData("locust", "locust-2.12.1-shop/shop_stats_history.csv")]
    [InlineData("locust", "locust-2.12.1-shop/shop_failures.csv")]
    [InlineData("jmeter", "jmeter/small.jtl")]
    public async Task Swapped_columns_give_the_same_result_and_missing_columns_give_clear_errors(string format, string seedPath)
    {
        var rows = CsvLines(Encoding.UTF8.GetString(Seed(seedPath)));
        var width = rows[0].Count;
        var original = await Import(format, seedPath, rows);
        var rng = new Random(width);
        for (var n = 0; n < 6; n++)
        {
            var a = rng.Next(width);
            var b = rng.Next(width);
            await ReplayableAsync(width, n, async () =>
            {
                // The same columns in another order: the importers pick columns by header name.
                var swapped = rows.Select(r => Swap(r, a, b)).ToList();
                Comparable(await Import(format, seedPath, swapped)).ShouldBe(Comparable(original));

                // A column dropped everywhere: fine if optional, else an error naming the column.
                var dropped = rows.Select(r => r.Where((_, i) => i != a).ToList()).ToList();
                await ImportOrLocatedError(format, seedPath, dropped, rows[0][a]);

                // Only the header changed: names no longer match the data.
                var headerSwapped = rows.Select((r, i) => i == 0 ? Swap(r, a, b) : r).ToList();
                await ImportOrLocatedError(format, seedPath, headerSwapped, null);
                var headerShort = rows.Select((r, i) => i == 0 ? r.Where((_, j) => j != a).ToList() : r).ToList();
                await ImportOrLocatedError(format, seedPath, headerShort, null);
            });
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 150)]
    public void Random_bytes_only_throw_located_errors(byte[] data, NonNegativeInt formatIndex)
    {
        var formats = ResultImporter.Formats;
        var format = formats[formatIndex.Get % formats.Count];
        if (format == "locust")
        {
            CheckLocust("shop_stats.csv", data ?? []);
        }
        else
        {
            Check(format, "random.bin", data ?? []);
        }

        Check(null, "random.jtl", data ?? []);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property Random_token_soup_only_throws_located_errors()
        => Prop.ForAll(
            Gen.Elements(Interesting).ArrayOf().Select(string.Concat).ToArbitrary(),
            Gen.Elements(ResultImporter.Formats.ToArray()).ToArbitrary(),
            (text, format) =>
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                if (format == "locust")
                {
                    CheckLocust("shop_stats_history.csv", bytes);
                }
                else
                {
                    Check(format, "soup.txt", bytes);
                }
            });

    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property Golden_inputs_with_inserted_tokens_only_throw_located_errors()
    {
        var seeds = ((IEnumerable<object[]>)SingleFileSeeds).Select(row => ((string)row[0], (string)row[1])).ToArray();
        return Prop.ForAll(
            Gen.Elements(seeds).ToArbitrary(),
            Gen.Choose(0, 100_000).ToArbitrary(),
            Gen.Elements(Interesting).ArrayOf().Select(string.Concat).ToArbitrary(),
            (seed, position, inserted) =>
            {
                var bytes = Seed(seed.Item2);
                var at = position % (bytes.Length + 1);
                Check(seed.Item1, Path.GetFileName(seed.Item2), [.. bytes[..at], .. Encoding.UTF8.GetBytes(inserted), .. bytes[at..]]);
            });
    }

    /// <summary>
    /// A seed that is the same in every process (FNV-1a of the case name; <see cref="string.GetHashCode()"/> is
    /// randomised per process), so a failing case can be replayed with <c>new Random(seed)</c>.
    /// </summary>
    internal static int StableSeed(string name)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash & int.MaxValue);
    }

    /// <summary>Runs one seeded case; a failure names the seed and the iteration that replay it.</summary>
    private static void Replayable(int seed, int iteration, Action check)
    {
        try
        {
            check();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Replay(seed, iteration, ex);
        }
    }

    private static async Task ReplayableAsync(int seed, int iteration, Func<Task> check)
    {
        try
        {
            await check();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Replay(seed, iteration, ex);
        }
    }

    private static Xunit.Sdk.XunitException Replay(int seed, int iteration, Exception ex)
        => new($"seed {seed}, iteration {iteration} (replay: new Random({seed}) and draw up to iteration {iteration}): {ex.Message}", ex);

    private static byte[] Seed(string relative) => File.ReadAllBytes(Path.Combine(Fixture.Dir(""), relative));

    private static byte[] Mutate(byte[] seed, Random rng, int mutations)
    {
        var data = new List<byte>(seed);
        for (var m = 0; m < mutations; m++)
        {
            var pos = rng.Next(data.Count + 1);
            switch (rng.Next(6))
            {
                case 0 when data.Count > 0:
                    data[Math.Min(pos, data.Count - 1)] = (byte)rng.Next(256);
                    break;
                case 1:
                    data.InsertRange(pos, Encoding.UTF8.GetBytes(Interesting[rng.Next(Interesting.Length)]));
                    break;
                case 2 when data.Count > 0:
                    data.RemoveRange(Math.Min(pos, data.Count - 1), Math.Min(1 + rng.Next(20), data.Count - Math.Min(pos, data.Count - 1)));
                    break;
                case 3:
                {
                    // duplicate a line
                    var text = data.ToArray();
                    var start = Array.LastIndexOf(text, (byte)'\n', Math.Max(0, Math.Min(pos, text.Length - 1))) + 1;
                    var end = Array.IndexOf(text, (byte)'\n', start);
                    if (end > start)
                    {
                        data.InsertRange(start, text[start..(end + 1)]);
                    }

                    break;
                }

                case 4 when data.Count > 0:
                {
                    // replace a digit run with an extreme number
                    var i = Math.Min(pos, data.Count - 1);
                    if (data[i] is >= (byte)'0' and <= (byte)'9')
                    {
                        data.InsertRange(i, "99999999999999999999"u8.ToArray());
                    }

                    break;
                }

                default:
                    data.Insert(pos, (byte)rng.Next(256));
                    break;
            }
        }

        return [.. data];
    }

    private void Check(string? format, string fileName, byte[] content)
    {
        var path = Path.Combine(_temp.Path, fileName);
        File.WriteAllBytes(path, content);
        Verify(path, format);
    }

    private void CheckLocust(string mutatedFile, byte[] content, bool viaFolder = true)
    {
        var dir = Path.Combine(_temp.Path, "locust");
        Directory.CreateDirectory(dir);
        foreach (var f in LocustFileNames)
        {
            File.WriteAllBytes(Path.Combine(dir, f), f == mutatedFile ? content : Seed("locust-2.12.1-shop/" + f));
        }

        Verify(Path.Combine(dir, "shop"), "locust");
        if (viaFolder)
        {
            Verify(dir, null);
        }
    }

    private static void Verify(string path, string? format)
    {
        try
        {
            var result = ResultImporter.ImportAsync(path, format).GetAwaiter().GetResult();
            Sane(result);
        }
        catch (InputFormatException ex)
        {
            ex.Source.ShouldNotBeNullOrEmpty();
            ex.Problem.ShouldNotStartWith(ResultImporter.InternalErrorPrefix, customMessage: ex.InnerException?.ToString());
            ex.Line.ShouldBeGreaterThan(0, $"no line for: {ex.Message}");
        }
    }

    private static void Sane(RunResult result)
    {
        RunResultJson.Serialize(result).ShouldNotBeNullOrEmpty();
        result.DurationSeconds.ShouldBeGreaterThanOrEqualTo(0);
        foreach (var e in result.Endpoints.Append(result.Total))
        {
            e.Requests.ShouldBeGreaterThanOrEqualTo(0);
            e.Failures.ShouldBeInRange(0, Math.Max(0, e.Requests));
            Finite(e.Latency);
            double.IsFinite(e.RequestsPerSecond).ShouldBeTrue();
        }

        foreach (var i in result.Intervals)
        {
            foreach (var e in i.Endpoints.Append(i.Total))
            {
                e.Requests.ShouldBeGreaterThanOrEqualTo(0);
                Finite(e.Latency);
            }
        }
    }

    private static void Finite(LatencyStats s)
    {
        double[] all = [s.Min, s.Mean, s.StdDev, s.P50, s.P66, s.P75, s.P80, s.P90, s.P95, s.P98, s.P99, s.P999, s.P9999, s.Max];
        all.ShouldAllBe(v => double.IsFinite(v));
    }

    // ---- column surgery helpers (a tiny RFC 4180 splitter/joiner for the committed inputs)

    private static List<List<string>> CsvLines(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                row.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        return rows;
    }

    private static string Join(List<List<string>> rows)
        => string.Concat(rows.Select(r => string.Join(",", r.Select(f => f.Contains(',') || f.Contains('"') ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f)) + "\r\n"));

    private static List<string> Swap(List<string> row, int a, int b)
    {
        var copy = new List<string>(row);
        if (a < copy.Count && b < copy.Count)
        {
            (copy[a], copy[b]) = (copy[b], copy[a]);
        }

        return copy;
    }

    private async Task<RunResult> Import(string format, string seedPath, List<List<string>> rows)
    {
        var path = Write(format, seedPath, rows);
        return await ResultImporter.ImportAsync(path, format);
    }

    private async Task ImportOrLocatedError(string format, string seedPath, List<List<string>> rows, string? droppedColumn)
    {
        var path = Write(format, seedPath, rows);
        try
        {
            Sane(await ResultImporter.ImportAsync(path, format));
        }
        catch (InputFormatException ex)
        {
            ex.Line.ShouldBeGreaterThan(0);
            ex.Problem.ShouldNotStartWith(ResultImporter.InternalErrorPrefix);
            if (droppedColumn is not null && ex.Problem.StartsWith("missing column", StringComparison.Ordinal))
            {
                ex.Problem.ShouldContain($"'{droppedColumn}'");
            }
        }
    }

    private string Write(string format, string seedPath, List<List<string>> rows)
    {
        if (format != "locust")
        {
            return _temp.Write("columns.jtl", Join(rows));
        }

        var dir = Path.Combine(_temp.Path, "cols");
        Directory.CreateDirectory(dir);
        foreach (var f in LocustFileNames)
        {
            File.WriteAllBytes(Path.Combine(dir, f), Seed("locust-2.12.1-shop/" + f));
        }

        File.WriteAllText(Path.Combine(dir, Path.GetFileName(seedPath)), Join(rows));
        return Path.Combine(dir, "shop");
    }

    private static string Comparable(RunResult r) => RunResultJson.Serialize(r with { Source = r.Source with { Path = null } });
}
