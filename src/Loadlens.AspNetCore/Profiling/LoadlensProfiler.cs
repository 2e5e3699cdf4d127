using Loadlens.AspNetCore.Export;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Loadlens.AspNetCore.Profiling;

/// <summary>The profiler of one application: whether it is on, its aggregates and its exporter.</summary>
internal sealed class LoadlensProfiler
{
    public LoadlensProfiler(LoadlensProfilerOptions options, IHostEnvironment environment, TimeProvider time, IServiceProvider services)
    {
        Options = options;
        Time = time;
        var development = environment.IsDevelopment();
        var hasKey = !string.IsNullOrEmpty(options.Key);
        Enabled = options.Enabled ?? (development || hasKey);
        if (Enabled && !development && !hasKey)
        {
            throw new InvalidOperationException(
                $"Loadlens profiler: enabled in the '{environment.EnvironmentName}' environment without a key; set LoadlensProfilerOptions.Key (its endpoints then require it) or enable it only in Development.");
        }

        if (!options.PathPrefix.StartsWith('/') || options.PathPrefix.Length < 2)
        {
            throw new InvalidOperationException($"Loadlens profiler: PathPrefix must start with '/' and name a path (got '{options.PathPrefix}').");
        }

        Aggregator = new ProfileAggregator(options, time);
        ServiceName = string.IsNullOrWhiteSpace(options.ServiceName) ? environment.ApplicationName : options.ServiceName;
        Exporter = Enabled && options.OtlpEndpoint is not null ? services.GetService<OtlpExporter>() : null;
    }

    public LoadlensProfilerOptions Options { get; }

    public TimeProvider Time { get; }

    /// <summary>On in Development or with a key, unless <see cref="LoadlensProfilerOptions.Enabled"/> says otherwise.</summary>
    public bool Enabled { get; }

    public string ServiceName { get; }

    public ProfileAggregator Aggregator { get; }

    /// <summary>The OTLP exporter when an endpoint is configured and the profiler is on.</summary>
    public OtlpExporter? Exporter { get; }
}
