using System.Net;
using Loadlens.AspNetCore;
using Loadlens.DemoApi.Data;

namespace Loadlens.DemoApi;

/// <summary>Builds the demo API application; shared by the standalone program and <see cref="DemoApiHost"/>.</summary>
public static class DemoApiApp
{
    /// <summary>
    /// Builds (but does not start) the demo API. The database at <see cref="DemoApiOptions.DatabasePath"/> is
    /// created (a copy of the cached seed) if it is new; the flaws of <see cref="DemoApiOptions.Flaws"/> are switched on.
    /// </summary>
    /// <param name="options">Options; <see cref="DemoApiOptions.DatabasePath"/> must be set.</param>
    /// <param name="args">
    /// Command-line arguments passed to the ASP.NET Core host configuration. If they contain <c>--urls</c>,
    /// Kestrel binds those URLs; otherwise it listens on 127.0.0.1 at <see cref="DemoApiOptions.Port"/> only.
    /// </param>
    /// <returns>The application, ready to be started.</returns>
    /// <exception cref="ArgumentException"><see cref="DemoApiOptions.DatabasePath"/> is null or empty.</exception>
    public static WebApplication Build(DemoApiOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            throw new ArgumentException("DatabasePath must be set (DemoApiHost.StartAsync creates a temporary one).", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort, nameof(options));

        args ??= [];
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(DemoApiApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        if (options.Quiet)
        {
            builder.Logging.ClearProviders();
        }
        else
        {
            // Keep startup/shutdown messages ("Now listening on: ...") but not one line per request.
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        if (!HasUrlsArgument(args))
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        }

        // Malformed JSON or unparsable query values are answered with 400, in every environment.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        builder.Services.AddProblemDetails();

        // The Loadlens profiler, always on in the demo and guarded by a key (a random one unless given).
        var profilerKey = options.ProfilerKey ?? Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        builder.Services.AddLoadlensProfiler(o =>
        {
            o.Key = profilerKey;
            o.OtlpEndpoint = options.OtlpEndpoint;
            o.ServiceName = "loadlens-demo-api";
        });

        var database = new DemoDatabase(options.DatabasePath, options.Flaws, options.SmallPoolSize);
        database.Initialize();
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(new StatsCache(options.TimeProvider, options.StatsCacheTtl));
        var compress = !options.Flaws.HasFlag(DemoFlaws.BloatedResponse);
        if (compress)
        {
            // The fix of the bloated response (with the lean projection): gzip for clients that accept it.
            builder.Services.AddResponseCompression(o => o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProvider>());
            builder.Services.Configure<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        }

        var app = builder.Build();
        app.UseLoadlensProfiler();
        if (database.Pool is not null)
        {
            // The small-pool flaw: a session per request keeps its connection until the request is done.
            app.Use(async (context, next) =>
            {
                using var lease = database.BeginRequest();
                await next(context);
            });
        }
        if (compress)
        {
            app.UseResponseCompression();
        }

        Endpoints.Map(app);
        return app;
    }

    private static bool HasUrlsArgument(string[] args) =>
        args.Any(a => a.Equals("--urls", StringComparison.OrdinalIgnoreCase)
                      || a.StartsWith("--urls=", StringComparison.OrdinalIgnoreCase));
}
