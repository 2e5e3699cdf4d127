using Spectre.Console;

namespace Loadlens.Cli.Infrastructure;

/// <summary>Console, streams and clock of one CLI invocation (swappable in tests).</summary>
internal sealed record CliContext(IAnsiConsole Console, TextWriter Out, TextWriter Error, bool Interactive, TimeProvider TimeProvider)
{
    public static CliContext FromEnvironment()
    {
        var ci = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        var interactive = !ci && !System.Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        var console = AnsiConsole.Console;
        if (System.Console.IsOutputRedirected || ci)
        {
            // Logs and pipes have no width: use a wide, colourless table instead of wrapping every cell.
            console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(System.Console.Out),
            });
            console.Profile.Width = 200;
        }

        return new CliContext(console, System.Console.Out, System.Console.Error, interactive, TimeProvider.System);
    }
}
