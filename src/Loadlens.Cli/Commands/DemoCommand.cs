using System.CommandLine;
using Loadlens.Cli.Infrastructure;
using Loadlens.Core.Scenarios;
using Loadlens.DemoApi;
using Loadlens.Pipeline;

namespace Loadlens.Cli.Commands;

/// <summary>
/// <c>loadlens demo</c>: starts the embedded demo API (ASP.NET Core + SQLite) in-process on
/// 127.0.0.1 with a free port, runs a short mixed load test against it through the pipeline and writes all outputs.
/// </summary>
internal static class DemoCommand
{
    private static readonly Option<string?> Duration = new("--duration", "-d") { Description = "Length of the demo run (default 20s)" };
    private static readonly Option<int?> Users = new("--users", "-u") { Description = "Virtual users (default 16)" };
    private static readonly Option<string?> Out = new("--out", "-o") { Description = "Output folder (default ./loadlens-results/demo-<timestamp>/)" };

    public static Command Create(Func<CliContext> context)
    {
        var command = new Command("demo", "Start the embedded demo API and load-test it (the whole pipeline in one command)")
        {
            Duration, Users, Out,
        };
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            if (!SharedOptions.TryMap(cli, () => parse.GetValue(Duration) is { } d ? OptionText.Duration(d, "--duration") : TimeSpan.FromSeconds(20), out var duration))
            {
                return ExitCodes.UsageError;
            }

            var users = parse.GetValue(Users) ?? 16;
            if (users < 1 || duration <= TimeSpan.FromSeconds(2))
            {
                cli.Error.WriteLine("error: the demo needs at least 1 user and more than 2 s");
                return ExitCodes.UsageError;
            }

            await using var host = await DemoApiHost.StartAsync(new DemoApiOptions(), ct);
            cli.Out.WriteLine($"Demo API (ASP.NET Core + SQLite at {host.DatabasePath}) listening on {host.BaseAddress}");
            var options = new RunOptions
            {
                Scenario = ScenarioRequest.For(Scenario(host.BaseAddress, users, duration)),
                Runner = new() { Seed = 42, TimeProvider = cli.TimeProvider },
                OutputDirectory = parse.GetValue(Out),
                Hooks = [new ConsoleRunHook(cli)],
            };
            return ResultPrinter.Print(await LoadlensPipeline.RunAsync(options, ct), cli);
        });
        return command;
    }

    /// <summary>A typical product-API mix: mostly reads, some writes.</summary>
    internal static ScenarioDefinition Scenario(Uri baseUrl, int users, TimeSpan duration) => new()
    {
        Name = "demo",
        BaseUrl = baseUrl,
        Feeders =
        [
            new FeederDefinition { Name = "productId", Kind = FeederKind.Range, From = 1, To = 500, Order = FeederOrder.Random },
            new FeederDefinition { Name = "page", Kind = FeederKind.Range, From = 1, To = 20, Order = FeederOrder.Random },
            new FeederDefinition { Name = "quantity", Kind = FeederKind.Range, From = 1, To = 3, Order = FeederOrder.Random },
        ],
        Endpoints =
        [
            new EndpointDefinition { Name = "GET /health", Path = "/health", Weight = 1, ExpectStatus = [200] },
            new EndpointDefinition { Name = "GET /api/products", Path = "/api/products?page={{page}}&pageSize=20", Weight = 6, ExpectStatus = [200] },
            new EndpointDefinition { Name = "GET /api/products/{id}", Path = "/api/products/{{productId}}", Weight = 8, ExpectStatus = [200] },
            new EndpointDefinition { Name = "GET /api/products/{id}/reviews", Path = "/api/products/{{productId}}/reviews", Weight = 3, ExpectStatus = [200] },
            new EndpointDefinition
            {
                Name = "POST /api/orders",
                Method = "POST",
                Path = "/api/orders",
                Body = "{\"productId\": {{productId}}, \"quantity\": {{quantity}}}",
                Weight = 2,
                ExpectStatus = [201],
            },
        ],
        Load = new LoadProfile
        {
            Users = users,
            Duration = duration,
            WarmUp = TimeSpan.FromSeconds(Math.Min(3, duration.TotalSeconds / 5)),
        },
        Sla =
        [
            new SlaTarget { Endpoint = "*", P95Ms = 300, P99Ms = 500, MaxErrorRate = 0.01 },
        ],
        RequestTimeout = TimeSpan.FromSeconds(10),
    };
}
