using System.Runtime.CompilerServices;
using System.Text;

namespace Loadlens.Reporting.Tests;

/// <summary>
/// Byte-for-byte comparison against files committed under <c>tests/Loadlens.Reporting.Tests/Golden/</c>.
/// The folder is found from this source file's path ([CallerFilePath]), never from the bin folder.
/// Set <c>LOADLENS_UPDATE_GOLDEN=1</c> to rewrite the files (the tests then fail once, on purpose).
/// </summary>
internal static class Golden
{
    public const string UpdateVariable = "LOADLENS_UPDATE_GOLDEN";

    public static string Directory { get; } = Path.Combine(SourceDirectory(), "Golden");

    public static void AssertMatches(string fileName, byte[] actual)
    {
        var path = Path.Combine(Directory, fileName);
        if (!System.IO.Directory.Exists(Path.GetDirectoryName(Directory)))
        {
            Assert.Fail($"Cannot find the test project's source folder ({Path.GetDirectoryName(Directory)}); golden files are read from the source tree.");
        }

        var update = Environment.GetEnvironmentVariable(UpdateVariable) == "1";
        if (update || !File.Exists(path))
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllBytes(path, actual);
            Assert.Fail(
                $"Golden file {path} was {(update ? "rewritten" : "missing and has been created")}. " +
                $"Review it (git diff / git status -- tests/Loadlens.Reporting.Tests/Golden), commit it if correct, " +
                $"then run the tests again without {UpdateVariable}=1.");
        }

        var expected = File.ReadAllBytes(path);
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        Assert.Fail(
            $"Output differs from golden file {path}.{System.Environment.NewLine}{Describe(expected, actual)}{System.Environment.NewLine}" +
            $"If the change is intended, run the tests with {UpdateVariable}=1, review the diff of the Golden folder and commit it.");
    }

    public static void AssertMatches(string fileName, string actualPath) =>
        AssertMatches(fileName, File.ReadAllBytes(actualPath));

    private static string Describe(byte[] expected, byte[] actual)
    {
        var common = Math.Min(expected.Length, actual.Length);
        var offset = 0;
        while (offset < common && expected[offset] == actual[offset])
        {
            offset++;
        }

        var line = 1 + expected.AsSpan(0, offset).Count((byte)'\n');
        return $"First difference at byte {offset} (line {line}); expected {expected.Length} bytes, got {actual.Length}.{System.Environment.NewLine}" +
               $"expected: {Visible(LineAt(expected, offset))}{System.Environment.NewLine}" +
               $"actual:   {Visible(LineAt(actual, offset))}";
    }

    private static string LineAt(byte[] bytes, int offset)
    {
        if (bytes.Length == 0)
        {
            return string.Empty;
        }

        offset = Math.Min(offset, bytes.Length - 1);
        var start = offset == 0 ? 0 : Array.LastIndexOf(bytes, (byte)'\n', Math.Max(0, offset - 1)) + 1;
        var end = Array.IndexOf(bytes, (byte)'\n', offset);
        end = end < 0 ? bytes.Length : end + 1;
        return Encoding.UTF8.GetString(bytes, start, end - start);
    }

    private static string Visible(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string SourceDirectory([CallerFilePath] string path = "") =>
        Path.GetDirectoryName(path) ?? throw new InvalidOperationException("no caller file path");
}
