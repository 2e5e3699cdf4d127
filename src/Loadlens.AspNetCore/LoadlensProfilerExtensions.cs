using System.Data.Common;
using Loadlens.AspNetCore.Data;
using Loadlens.AspNetCore.Export;
using Loadlens.AspNetCore.Profiling;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Loadlens.AspNetCore;

/// <summary>Adds the Loadlens profiler to an ASP.NET Core application.</summary>
public static class LoadlensProfilerExtensions
{
    /// <summary>
    /// Registers the profiler. It is on in the Development environment, or anywhere once
    /// <see cref="LoadlensProfilerOptions.Key"/> is set; then add <see cref="UseLoadlensProfiler"/> to the pipeline and
    /// open the app's database connections through <see cref="WithLoadlensProfiling"/>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets the options (key, OTLP endpoint, limits).</param>
    public static IServiceCollection AddLoadlensProfiler(this IServiceCollection services, Action<LoadlensProfilerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new LoadlensProfilerOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.AddSingleton(sp => new LoadlensProfiler(options, sp.GetRequiredService<IHostEnvironment>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sp));
        if (options.OtlpEndpoint is not null)
        {
            services.AddSingleton(sp => new OtlpExporter(
                options,
                string.IsNullOrWhiteSpace(options.ServiceName) ? sp.GetRequiredService<IHostEnvironment>().ApplicationName : options.ServiceName,
                sp.GetService<TimeProvider>() ?? TimeProvider.System));
            services.AddHostedService(sp => sp.GetRequiredService<OtlpExporter>());
        }

        return services;
    }

    /// <summary>
    /// Adds the profiler's middleware (early in the pipeline, so that it times the whole request) and its endpoints
    /// <c>/_loadlens/profile</c> and <c>/_loadlens/metrics</c>. Does nothing when the profiler is off, so the endpoints
    /// answer 404.
    /// </summary>
    /// <param name="app">The application's pipeline.</param>
    public static IApplicationBuilder UseLoadlensProfiler(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var profiler = app.ApplicationServices.GetService<LoadlensProfiler>()
            ?? throw new InvalidOperationException("Loadlens profiler: call builder.Services.AddLoadlensProfiler() before app.UseLoadlensProfiler().");
        return profiler.Enabled ? app.UseMiddleware<ProfilerMiddleware>(profiler) : app;
    }

    /// <summary>
    /// Wraps a provider connection (Microsoft.Data.Sqlite, Npgsql, …) so that every command it runs is recorded into
    /// the current request's profile: its normalised text and duration, never its parameter values. Pass the result to
    /// raw ADO.NET code or to EF Core (<c>UseSqlite(connection)</c>, <c>UseNpgsql(connection)</c>). Outside a profiled
    /// request it only forwards.
    /// </summary>
    /// <param name="connection">The provider's connection (opened or not).</param>
    /// <param name="dbSystem">The OpenTelemetry <c>db.system</c> name; by default taken from the connection's type
    /// (<c>sqlite</c>, <c>postgresql</c>, <c>mssql</c>, <c>mysql</c>, else <c>other_sql</c>).</param>
    public static DbConnection WithLoadlensProfiling(this DbConnection connection, string? dbSystem = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection as ProfiledDbConnection ?? new ProfiledDbConnection(connection, dbSystem ?? DbSystem(connection));
    }

    private static string DbSystem(DbConnection connection) => connection.GetType().Name switch
    {
        "SqliteConnection" => "sqlite",
        "NpgsqlConnection" => "postgresql",
        "SqlConnection" => "mssql",
        "MySqlConnection" => "mysql",
        _ => "other_sql",
    };
}
