using Loadlens.DemoApi;

// Standalone entry point:
//   dotnet run --project samples/Loadlens.DemoApi -- --urls http://127.0.0.1:5080
//   dotnet run --project samples/Loadlens.DemoApi -- --port 5080 --db ./demo.db [--wal]
// Without --urls the API listens on 127.0.0.1 only (--port, default 5080). The database defaults to
// loadlens-demo.db in the current directory and is seeded on first start.
var options = new DemoApiOptions { Port = 5080, Quiet = false, DatabasePath = "loadlens-demo.db" };
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
        case "--wal":
            options = options with { UseWriteAheadLog = true };
            break;
        case "--port" or "--db":
            Console.Error.WriteLine($"error: {args[i]} needs a value");
            return 2;
        default:
            hostArgs.Add(args[i]);
            break;
    }
}

var app = DemoApiApp.Build(options, [.. hostArgs]);
app.Logger.LogInformation("Database: {DatabasePath}", Path.GetFullPath(options.DatabasePath!));
await app.RunAsync();
return 0;
