using System.Runtime.CompilerServices;
using System.Text;

namespace Loadlens.Analysis.Tests;

/// <summary>
/// Byte-for-byte comparison against files committed under <c>tests/Loadlens.Analysis.Tests/Golden/</c>, found
/// from this source file's path. Set <c>LOADLENS_UPDATE_GOLDEN=1</c> to rewrite them (the tests then fail once).
/// </summary>
internal static class Golden
{
    public static string Directory { get; } = Path.Combine(SourceDirectory(), "Golden");

    public static void AssertMatches(string fileName, string actual)
    {
        var path = Path.Combine(Directory, fileName);
        var bytes = new UTF8Encoding(false).GetBytes(actual);
        var update = Environment.GetEnvironmentVariable("LOADLENS_UPDATE_GOLDEN") == "1";
        if (update || !File.Exists(path))
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllBytes(path, bytes);
            Assert.Fail($"Golden file {path} was {(update ? "rewritten" : "missing and has been created")}; review and commit it, then run again.");
        }

        var expected = File.ReadAllText(path);
        if (expected == actual)
        {
            return;
        }

        var at = 0;
        while (at < Math.Min(expected.Length, actual.Length) && expected[at] == actual[at])
        {
            at++;
        }

        var line = expected[..Math.Min(at, expected.Length)].Count(c => c == '\n') + 1;
        Assert.Fail($"Output differs from {path} at line {line}:\nexpected: {Excerpt(expected, at)}\nactual:   {Excerpt(actual, at)}\nRun with LOADLENS_UPDATE_GOLDEN=1 if the change is intended.");
    }

    private static string Excerpt(string text, int at)
    {
        var start = Math.Max(0, text.LastIndexOf('\n', Math.Max(0, Math.Min(at, text.Length - 1))) + 1);
        var end = text.IndexOf('\n', Math.Min(at, text.Length));
        return text[start..(end < 0 ? text.Length : end)];
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
