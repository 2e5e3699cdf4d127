using System.Net;
using Loadlens.DemoApi.Data;

namespace Loadlens.DemoApi;

/// <summary>Builds the demo API application; shared by the standalone program and <see cref="DemoApiHost"/>.</summary>
public static class DemoApiApp
{
    /// <summary>
    /// Builds (but does not start) the demo API. The database at <see cref="DemoApiOptions.DatabasePath"/> is
    /// created and seeded if it is new.
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

        var database = new DemoDatabase(options.DatabasePath, options.UseWriteAheadLog);
        database.Initialize();
        builder.Services.AddSingleton(database);

        var app = builder.Build();
        Endpoints.Map(app);
        return app;
    }

    private static bool HasUrlsArgument(string[] args) =>
        args.Any(a => a.Equals("--urls", StringComparison.OrdinalIgnoreCase)
                      || a.StartsWith("--urls=", StringComparison.OrdinalIgnoreCase));
}
