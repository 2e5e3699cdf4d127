using Loadlens.Cli;
using Loadlens.Cli.Infrastructure;
using Spectre.Console.Testing;

namespace Loadlens.History.Tests;

/// <summary>Runs the loadlens CLI in-process with captured output (as Loadlens.Cli.Tests does).</summary>
internal sealed class CliRunner : IDisposable
{
    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public TestConsole Console { get; } = new();

    public async Task<int> RunAsync(params string[] args)
    {
        Console.Profile.Width = 250;
        Out.GetStringBuilder().Clear();
        Error.GetStringBuilder().Clear();
        Console.Clear(home: true);
        return await LoadlensCli.RunAsync(args, new CliContext(Console, Out, Error, Interactive: false, TimeProvider.System));
    }

    public void Dispose()
    {
        Out.Dispose();
        Error.Dispose();
        Console.Dispose();
    }
}
