using Loadlens.Analysis.Trends;
using Loadlens.Core;
using Loadlens.Reporting.Outputs;

namespace Loadlens.Pipeline;

public static partial class LoadlensPipeline
{
    /// <summary>
    /// A trend across saved runs (<c>loadlens history trend</c>): the scenario × endpoint × metric series read from the
    /// store's metrics table, its change points (E-Divisive means, <see cref="TrendAnalyzer"/>), and the requested document.
    /// </summary>
    public static async Task<PipelineResult> TrendAsync(TrendOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var history = await HistorySession.OpenAsync(options.History, cancellationToken).ConfigureAwait(false);
        if (history.Failure is { } unusable)
        {
            return unusable;
        }

        TrendReport trend;
        try
        {
            var points = await history.Store!.TrendAsync(options.Scenario, options.Endpoint, options.Metric, options.Filter, cancellationToken).ConfigureAwait(false);
            trend = TrendAnalyzer.Analyze(options.Scenario, options.Endpoint.Trim(), options.Metric, points, options.ChangePoints);
        }
        catch (InputFormatException ex)
        {
            return Failed(Verdict.UsageError, "error: " + ex.Message);
        }

        var context = OutputContext.ForTrend(trend);
        string? document = null;
        if (options.Format is { } format)
        {
            var registry = options.Outputs ?? OutputRegistry.Default;
            if (!registry.TryGetDocumentWriter(format, context, out var writer) || writer is not ITextOutputWriter text)
            {
                return Failed(Verdict.UsageError, $"error: no '{format}' output for a trend (available: console, {string.Join(", ", registry.Formats(context))})");
            }

            document = text.Render(context);
        }

        var messages = new List<string>();
        if (trend.Points.Count < 2 * (options.ChangePoints ?? new TrendAnalyzer.Settings()).MinSegment)
        {
            messages.Add($"note: {trend.Points.Count} saved run(s): change points need at least {2 * (options.ChangePoints ?? new TrendAnalyzer.Settings()).MinSegment}");
        }

        return new PipelineResult { Verdict = Verdict.Ok, Trend = trend, Document = document, Messages = messages };
    }
}
