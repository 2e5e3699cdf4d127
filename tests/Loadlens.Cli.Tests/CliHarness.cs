using Loadlens.Cli;
using Loadlens.Cli.Infrastructure;
using Spectre.Console.Testing;

namespace Loadlens.Cli.Tests;

/// <summary>Runs the CLI in-process with captured output.</summary>
internal sealed class CliHarness : IDisposable
{
    public CliHarness()
    {
        Directory = Path.Combine(Path.GetTempPath(), "loadlens-cli-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public TestConsole Console { get; } = new();

    public async Task<int> RunAsync(params string[] args)
    {
        Console.Profile.Width = 200;
        var context = new CliContext(Console, Out, Error, Interactive: false, TimeProvider.System);
        return await LoadlensCli.RunAsync(args, context);
    }

    public string File(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
