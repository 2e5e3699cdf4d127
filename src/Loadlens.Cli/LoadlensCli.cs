using System.CommandLine;
using Loadlens.Cli.Commands;
using Loadlens.Cli.Infrastructure;

namespace Loadlens.Cli;

/// <summary>The composition root: builds the command tree and maps failures to exit codes.</summary>
internal static class LoadlensCli
{
    public static async Task<int> RunAsync(string[] args, CliContext? context = null)
    {
        var cli = context ?? CliContext.FromEnvironment();
        var root = new RootCommand("Loadlens: load-test HTTP APIs, profile them from both sides, and learn why they slow down.")
        {
            RunCommand.Create(() => cli),
            DemoCommand.Create(() => cli),
            AnalyzeCommand.Create(() => cli),
            SweepCommand.Create(() => cli),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                cli.Error.WriteLine($"error: {error.Message}");
            }

            cli.Error.WriteLine("Run 'loadlens --help' for usage.");
            return ExitCodes.UsageError;
        }

        using var shutdown = new ShutdownSignal(cli.Error);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false, Output = cli.Out, Error = cli.Error }, shutdown.Token);
        }
        catch (Loadlens.Core.InputFormatException ex)
        {
            cli.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.UsageError;
        }
        catch (IOException ex)
        {
            cli.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.RunFailed;
        }
        catch (UnauthorizedAccessException ex)
        {
            cli.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.RunFailed;
        }
    }
}
