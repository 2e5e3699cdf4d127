using Loadlens.DemoApi;

// Standalone entry point:
//   dotnet run --project samples/Loadlens.DemoApi -- --urls http://127.0.0.1:5080
//   dotnet run --project samples/Loadlens.DemoApi -- --port 5080 --db ./demo.db --flaws all|none|n-plus-one,small-pool,...
// Without --urls the API listens on 127.0.0.1 only (--port, default 5080). The database defaults to
// loadlens-demo.db in the current directory (a copy of the seeded database cached in the temp folder).
// --flaws (default none) switches the flaws on (README.md next to this file); --otlp URL exports the profiler's spans.
// The Loadlens profiler's endpoints (/_loadlens/profile, /_loadlens/metrics) need the key in LOADLENS_PROFILER_KEY
// (header X-Loadlens-Key); without it a random key is made and the endpoints stay closed to everyone.
var options = new DemoApiOptions
{
    Port = 5080,
    Quiet = false,
    DatabasePath = "loadlens-demo.db",
    ProfilerKey = Environment.GetEnvironmentVariable("LOADLENS_PROFILER_KEY") is { Length: > 0 } key ? key : null,
};
var hostArgs = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], out var port):
            options = options with { Port = port };
            i++;
            break;
        case "--db" when i + 1 < args.Length:
            options = options with { DatabasePath = args[++i] };
            break;
        case "--flaws" when i + 1 < args.Length:
            if (!DemoFlawNames.TryParse(args[++i], out var flaws, out var error))
            {
                Console.Error.WriteLine("error: " + error);
                return 2;
            }

            options = options with { Flaws = flaws };
            break;
        case "--otlp" when i + 1 < args.Length && Uri.TryCreate(args[i + 1], UriKind.Absolute, out var otlp):
            options = options with { OtlpEndpoint = otlp };
            i++;
            break;
        case "--port" or "--db" or "--flaws" or "--otlp":
            Console.Error.WriteLine($"error: {args[i]} needs a valid value");
            return 2;
        default:
            hostArgs.Add(args[i]);
            break;
    }
}

var app = DemoApiApp.Build(options, [.. hostArgs]);
app.Logger.LogInformation("Database: {DatabasePath}; flaws: {Flaws}", Path.GetFullPath(options.DatabasePath!), DemoFlawNames.Format(options.Flaws));
app.Logger.LogInformation("Loadlens profiler: /_loadlens/profile and /_loadlens/metrics ({KeySource})", options.ProfilerKey is null ? "random key: set LOADLENS_PROFILER_KEY to use them" : "key from LOADLENS_PROFILER_KEY");
await app.RunAsync();
return 0;
