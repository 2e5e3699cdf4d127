using System.CommandLine;
using Loadlens.Analysis.Trends;
using Loadlens.Cli.Infrastructure;
using Loadlens.Core;
using Loadlens.History;
using Loadlens.Pipeline;

namespace Loadlens.Cli.Commands;

/// <summary>
/// <c>loadlens history list|show|trend|rm|import</c> over the run history (SQLite <c>.loadlens/history.db</c> by default,
/// <c>--history</c>/<c>LOADLENS_HISTORY</c> for another file or PostgreSQL), and the <c>--save</c>/<c>--tag</c> options of run,
/// sweep and analyze. Maps arguments to store calls and pipeline options; <see cref="HistoryPrinter"/> prints.
/// </summary>
internal static class HistoryCommand
{
    /// <summary>The global <c>--history</c> option (every command).</summary>
    public static Option<string?> Connection { get; } = new("--history")
    {
        Description = "Run history store: a SQLite file or postgres://user:pass@host:port/db (default: $LOADLENS_HISTORY, else .loadlens/history.db)",
        Recursive = true,
    };

    public static Command Create(Func<CliContext> context)
    {
        var command = new Command("history", "Saved runs: list, show, trend with change points, remove, import");
        command.Add(List(context));
        command.Add(Show(context));
        command.Add(Trend(context));
        command.Add(Remove(context));
        command.Add(Import(context));
        command.Add(CompareCommand.Create(context)); // history compare A B: the same as loadlens compare
        return command;
    }

    private static Command List(Func<CliContext> context)
    {
        var scenario = new Option<string?>("--scenario", "-s") { Description = "Only runs of this scenario (run name)" };
        var tags = TagOption("Only runs with this tag key=value (repeatable)");
        var branch = new Option<string?>("--branch") { Description = "Only runs on this git branch" };
        var limit = new Option<int?>("--limit", "-n") { Description = "At most this many (newest first)" };
        var format = FormatOption("console", "json");
        var command = new Command("list", "List saved runs, newest first") { scenario, tags, branch, limit, format };
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            if (!SharedOptions.TryMap(cli, () => new RunFilter { Scenario = parse.GetValue(scenario), Tags = Tags(parse.GetValue(tags)), Branch = parse.GetValue(branch), Limit = parse.GetValue(limit) }, out var filter))
            {
                return ExitCodes.UsageError;
            }

            return await WithStoreAsync(parse, cli, async store =>
            {
                var runs = await store.ListAsync(filter, ct);
                HistoryPrinter.List(cli, runs, store.Location, parse.GetValue(format) == "json");
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static Command Show(Func<CliContext> context)
    {
        var reference = new Argument<string>("run") { Description = "A run id (or its first characters), @last, @last:BRANCH or @COMMIT" };
        var format = FormatOption("console", "json");
        var command = new Command("show", "Show a saved run (json: its result.json or sweep.json)") { reference, format };
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            return await WithStoreAsync(parse, cli, async store =>
            {
                var info = await store.ResolveAsync(parse.GetValue(reference)!, cancellationToken: ct);
                var run = await store.GetAsync(info.Id, ct) ?? throw new InputFormatException($"run {info.Id} was removed meanwhile");
                HistoryPrinter.Show(cli, run, parse.GetValue(format) == "json");
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static Command Trend(Func<CliContext> context)
    {
        var scenario = new Argument<string>("scenario") { Description = "The scenario (run name) to follow" };
        var endpoint = new Option<string?>("--endpoint", "-e") { Description = "Endpoint name (or 'METHOD name'); default Aggregated (all endpoints)" };
        var metric = new Option<string?>("--metric", "-m") { Description = "p50, p95 (default), p99, mean, max, throughput, error-rate, unfinished" };
        var branch = new Option<string?>("--branch") { Description = "Only runs on this git branch" };
        var tags = TagOption("Only runs with this tag key=value (repeatable)");
        var limit = new Option<int?>("--limit", "-n") { Description = "Only the newest N runs" };
        var format = FormatOption("console", "json", "md", "html");
        var command = new Command("trend", "A metric across saved runs with its change points (E-Divisive means, permutation test)") { scenario, endpoint, metric, branch, tags, limit, format };
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            if (!SharedOptions.TryMap(cli, () => TrendOptions(parse, scenario, endpoint, metric, branch, tags, limit, format), out var options))
            {
                return ExitCodes.UsageError;
            }

            var done = await LoadlensPipeline.TrendAsync(options, ct);
            if (done.Document is { } document)
            {
                cli.Out.Write(document);
            }
            else if (done.Trend is { } trend)
            {
                Reporting.Console.TrendConsoleRenderer.Write(cli.Console, trend);
            }

            foreach (var message in done.Messages)
            {
                cli.Error.WriteLine(message);
            }

            return done.ExitCode;
        });
        return command;
    }

    private static TrendOptions TrendOptions(ParseResult parse, Argument<string> scenario, Option<string?> endpoint, Option<string?> metric, Option<string?> branch, Option<string[]> tags, Option<int?> limit, Option<string> format)
    {
        var metricText = parse.GetValue(metric) ?? "p95";
        if (!TrendMetrics.TryParse(metricText, out var m))
        {
            throw new InputFormatException($"--metric must be one of {string.Join(", ", TrendMetrics.All.Select(TrendMetrics.Name))}, got '{metricText}'");
        }

        if (parse.GetValue(limit) is < 1)
        {
            throw new InputFormatException("--limit must be at least 1");
        }

        var f = parse.GetValue(format);
        return new TrendOptions
        {
            Scenario = parse.GetValue(scenario)!,
            Endpoint = parse.GetValue(endpoint) ?? Core.Results.EndpointResult.AggregatedName,
            Metric = m,
            Filter = new RunFilter { Branch = parse.GetValue(branch), Tags = Tags(parse.GetValue(tags)), Limit = parse.GetValue(limit) },
            History = new HistoryOptions { Connection = parse.GetValue(Connection) },
            Format = f == "console" ? null : f,
        };
    }

    private static Command Remove(Func<CliContext> context)
    {
        var id = new Argument<string>("id") { Description = "The run id (or its first characters)" };
        var command = new Command("rm", "Remove a saved run") { id };
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            var text = parse.GetValue(id)!;
            if (text.StartsWith('@'))
            {
                cli.Error.WriteLine("error: history rm takes a run id (see 'loadlens history list'), not a reference such as @last");
                return ExitCodes.UsageError;
            }

            return await WithStoreAsync(parse, cli, async store =>
            {
                var info = await store.ResolveAsync(text, cancellationToken: ct);
                if (!await store.RemoveAsync(info.Id, ct))
                {
                    throw new InputFormatException($"run {info.Id} was removed meanwhile");
                }

                cli.Out.WriteLine($"Removed {info.Id} ({info.Scenario}, {info.StartedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC) from {store.Location}");
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static Command Import(Func<CliContext> context)
    {
        var path = new Argument<string>("path") { Description = "A result to save: result.json, sweep.json or their folder, a Locust CSV prefix, k6, JTL or hlog file" };
        var inputFormat = new Option<string?>("--input-format") { Description = "Force the input format instead of detecting it (an importer format, or sweep)" };
        var tags = TagOption("Tag the saved run key=value (repeatable)");
        var command = new Command("import", "Save a result file or run folder to the history") { path, inputFormat, tags };
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            if (!SharedOptions.TryMap(cli, () => new AnalyzeOptions { Input = parse.GetValue(path)!, InputFormat = parse.GetValue(inputFormat), Save = Save(parse, tags, always: true) }, out var options))
            {
                return ExitCodes.UsageError;
            }

            var done = await LoadlensPipeline.AnalyzeAsync(options, ct);
            if (done.SavedId is { } saved)
            {
                cli.Out.WriteLine($"Saved {saved} to {done.SavedTo}");
                return ExitCodes.Ok;
            }

            foreach (var message in done.Messages)
            {
                cli.Error.WriteLine(message);
            }

            return done.ExitCode == ExitCodes.Ok ? ExitCodes.RunFailed : done.ExitCode;
        });
        return command;
    }

    /// <summary>A <c>--tag key=value</c> option (repeatable).</summary>
    public static Option<string[]> TagOption(string description) => new("--tag") { Description = description, AllowMultipleArgumentsPerToken = false };

    /// <summary>The <c>--save</c> option of run, sweep and analyze.</summary>
    public static Option<bool> SaveOption() => new("--save") { Description = "Save the result to the run history (see --history; tagged with the git commit/branch and --tag)" };

    /// <summary>The save options of a command line: null unless <paramref name="always"/> or <c>--save</c>.</summary>
    public static HistoryOptions? Save(ParseResult parse, Option<string[]> tags, Option<bool>? save = null, bool always = false)
    {
        var tagged = Tags(parse.GetValue(tags));
        if (!always && !(save is not null && parse.GetValue(save)))
        {
            return tagged.Count > 0 ? throw new InputFormatException("--tag labels a saved run: add --save") : null;
        }

        return new HistoryOptions { Connection = parse.GetValue(Connection), Tags = tagged };
    }

    /// <summary>Parse <c>key=value</c> tags.</summary>
    public static IReadOnlyDictionary<string, string> Tags(string[]? values)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in values ?? [])
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new InputFormatException($"--tag '{text}': expected key=value");
            }

            tags[text[..eq].Trim()] = text[(eq + 1)..].Trim();
        }

        return tags;
    }

    private static Option<string> FormatOption(params string[] formats) => new Option<string>("--format", "-f")
    {
        Description = "Output: " + string.Join(", ", formats) + " (default " + formats[0] + ")",
        DefaultValueFactory = _ => formats[0],
    }.AcceptOnlyFromAmong(formats);

    /// <summary>Open the store, run <paramref name="action"/>, close it; store and reference errors become exit 2/3 with one line.</summary>
    private static async Task<int> WithStoreAsync(ParseResult parse, CliContext cli, Func<IRunStore, Task<int>> action)
    {
        IRunStore store;
        try
        {
            store = await HistoryStore.OpenAsync(parse.GetValue(Connection));
        }
        catch (HistoryStoreException ex)
        {
            cli.Error.WriteLine("error: " + ex.Message);
            return ex.IsUsageError ? ExitCodes.UsageError : ExitCodes.RunFailed;
        }

        await using (store)
        {
            try
            {
                return await action(store);
            }
            catch (InputFormatException ex)
            {
                cli.Error.WriteLine("error: " + ex.Message);
                return ExitCodes.UsageError;
            }
            catch (HistoryStoreException ex)
            {
                cli.Error.WriteLine("error: " + ex.Message);
                return ex.IsUsageError ? ExitCodes.UsageError : ExitCodes.RunFailed;
            }
            catch (System.Data.Common.DbException ex)
            {
                cli.Error.WriteLine($"error: the history store {store.Location} failed: {ex.Message.Split('\n')[0]}");
                return ExitCodes.RunFailed;
            }
        }
    }
}
