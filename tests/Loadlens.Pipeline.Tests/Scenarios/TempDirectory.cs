namespace Loadlens.Pipeline.Tests.Scenarios;

/// <summary>A temporary folder for scenario and CSV files, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("loadlens-scenario-").FullName;

    public string Path { get; }

    /// <summary>Write <paramref name="content"/> to <paramref name="name"/> in the folder; returns the full path.</summary>
    public string Write(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Helpers to write YAML as lines, so line numbers in tests are easy to count.</summary>
internal static class Yaml
{
    public static string Lines(params string[] lines) => string.Join('\n', lines) + "\n";
}
