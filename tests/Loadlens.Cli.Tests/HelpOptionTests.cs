using System.Text.RegularExpressions;

namespace Loadlens.Cli.Tests;

/// <summary><c>sweep</c> accepts every load, transport and request option of <c>run</c>: compared on their <c>--help</c>.</summary>
public sealed partial class HelpOptionTests
{
    [Fact]
    public async Task Sweep_help_lists_every_option_run_help_lists()
    {
        var run = await OptionsInHelpAsync("run");
        var sweep = await OptionsInHelpAsync("sweep");

        run.Count.ShouldBeGreaterThan(25); // the option list was found at all (names and aliases)
        run.ShouldContain("--transport");
        run.ShouldContain("--event-loops");
        run.ShouldContain("--http2");
        // Run-only by design: a sweep has no per-run findings (so no slow-query threshold) and compares against one
        // baseline sweep (no replicates).
        string[] runOnly = ["--slow-query", "--baseline-runs"];
        run.Except(sweep).Except(runOnly).ShouldBeEmpty($"run: {string.Join(" ", run)}\nsweep: {string.Join(" ", sweep)}");
        sweep.ShouldNotContain("--slow-query");
    }

    [Fact]
    public async Task Sweep_maps_the_run_options_it_shares_onto_every_step()
    {
        using var cli = new CliHarness();
        var exit = await cli.RunAsync("sweep", "http://127.0.0.1:9/x", "--users", "1,2", "--transport", "epoll", "--event-loops", "0");
        exit.ShouldBe(2);
        cli.Error.ToString().ShouldContain("--event-loops must be at least 1");
    }

    private static async Task<List<string>> OptionsInHelpAsync(string command)
    {
        using var cli = new CliHarness();
        (await cli.RunAsync(command, "--help")).ShouldBe(0);
        var help = cli.Out.ToString() + cli.Console.Output;
        var options = help[help.IndexOf("Options:", StringComparison.Ordinal)..];
        return [.. OptionName().Matches(options).Select(m => m.Groups[1].Value).Where(o => o is not ("--help" or "-h" or "-?")).Distinct().Order(StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"(?:^|[\s,])(--?[a-zA-Z][a-zA-Z0-9-]*)(?=[\s,<]|$)", RegexOptions.Multiline)]
    private static partial Regex OptionName();
}
