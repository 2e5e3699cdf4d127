using Loadlens.Core.Results;

namespace Loadlens.Core.Statistics;

/// <summary>
/// Rates over a measured window: the one definition of "requests per second" that the engine, the importers,
/// the analysis and the reports share.
/// </summary>
public static class RequestRates
{
    /// <summary>Decimals a rate is stored with in a <see cref="RunResult"/> (<see cref="EndpointResult.RequestsPerSecond"/>).</summary>
    public const int StoredDecimals = 6;

    /// <summary><paramref name="count"/> per second over <paramref name="seconds"/>; 0 when the window is empty (≤ 0 s).</summary>
    /// <param name="count">Requests (or failures, arrivals, …) in the window.</param>
    /// <param name="seconds">Length of the window in seconds.</param>
    public static double PerSecond(long count, double seconds) => seconds > 0 ? count / seconds : 0;

    /// <summary>
    /// <see cref="PerSecond"/> rounded to <see cref="StoredDecimals"/> decimals, as producers of a
    /// <see cref="RunResult"/> store it in <see cref="EndpointResult.RequestsPerSecond"/>.
    /// </summary>
    /// <param name="count">Requests in the window.</param>
    /// <param name="seconds">Length of the window in seconds.</param>
    public static double Stored(long count, double seconds) => Math.Round(PerSecond(count, seconds), StoredDecimals);

    /// <summary>
    /// The throughput of <paramref name="endpoint"/>: its recorded <see cref="EndpointResult.RequestsPerSecond"/>
    /// when there is one (&gt; 0), otherwise its requests over <paramref name="measuredSeconds"/>.
    /// </summary>
    /// <param name="endpoint">The endpoint (or the aggregate).</param>
    /// <param name="measuredSeconds">The run's measured seconds (<see cref="RunResult.MeasuredSeconds"/>).</param>
    public static double Of(EndpointResult endpoint, double measuredSeconds)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.RequestsPerSecond > 0 ? endpoint.RequestsPerSecond : PerSecond(endpoint.Requests, measuredSeconds);
    }
}
