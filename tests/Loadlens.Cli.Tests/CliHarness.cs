using Loadlens.Cli;
using Loadlens.Cli.Infrastructure;
using Spectre.Console.Testing;

namespace Loadlens.Cli.Tests;

/// <summary>Runs the CLI in-process with captured output, in a temp folder of its own (also compiled into Loadlens.Sweep.Tests).</summary>
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

    /// <summary>The console width tables are laid out for.</summary>
    public int Width { get; init; } = 200;

    public async Task<int> RunAsync(params string[] args)
    {
        Console.Profile.Width = Width;
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
