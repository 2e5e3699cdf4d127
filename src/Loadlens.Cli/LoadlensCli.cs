using System.CommandLine;
using Loadlens.Cli.Commands;
using Loadlens.Cli.Infrastructure;

namespace Loadlens.Cli;

/// <summary>The composition root: builds the command tree and maps failures to exit codes.</summary>
internal static partial class LoadlensCli
{
    public static async Task<int> RunAsync(string[] args, CliContext? context = null)
    {
        var cli = context ?? CliContext.FromEnvironment();
        var root = new RootCommand("Loadlens: load-test HTTP APIs, profile them from both sides, and learn why they slow down.")
        {
            RunCommand.Create(() => cli),
            DemoCommand.Create(() => cli),
            DemoApiCommand.Create(() => cli),
            AnalyzeCommand.Create(() => cli),
            SweepCommand.Create(() => cli),
            CompareCommand.Create(() => cli),
            HistoryCommand.Create(() => cli),
        };
        root.Options.Add(HistoryCommand.Connection);

        // No response files: '--body @file' means "read the body from file", not "splice file into the arguments".
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                cli.Error.WriteLine($"error: {Explain(error.Message, parse.CommandResult.Command)}");
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

    /// <summary>A parse error, with "did you mean" for a mistyped option (<c>--user</c> → <c>--users</c>).</summary>
    internal static string Explain(string message, Command command)
    {
        var match = UnrecognizedToken().Match(message);
        if (!match.Success || !match.Groups[1].Value.StartsWith('-'))
        {
            return message;
        }

        var token = match.Groups[1].Value;
        var names = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
        return Loadlens.Pipeline.Scenarios.Suggestions.Closest(token, names) is { } suggestion
            ? $"unknown option '{token}' for '{command.Name}'; did you mean '{suggestion}'?"
            : $"unknown option '{token}' for '{command.Name}' (see 'loadlens {command.Name} --help')";
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Unrecognized command or argument '(.+)'\\.?$")]
    private static partial System.Text.RegularExpressions.Regex UnrecognizedToken();
}
