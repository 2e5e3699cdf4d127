using System.Net;
using System.Net.Sockets;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;

namespace Loadlens.Engine;

/// <summary>
/// The public entry point of the load generator.
/// <code>
/// var result = await LoadRunner.RunAsync(scenario, new LoadRunnerOptions(), cancellationToken);
/// </code>
/// Cancelling the token stops the run gracefully: the returned <see cref="RunResult"/> holds
/// everything measured so far, with <see cref="RunOutcome.Completed"/> false.
/// </summary>
public static class LoadRunner
{
    /// <summary>
    /// Make .NET's socket engine run I/O completions inline on its event threads instead of the
    /// thread pool (Linux/macOS) — about half the generator CPU per request. It must be called
    /// before the process creates its first socket (the runtime reads the setting once); the
    /// <c>loadlens</c> CLI calls it first thing. It affects every socket of the process, so only
    /// call it when no code in the process blocks inside socket continuations.
    /// </summary>
    /// <returns>Whether inline completions are active (null: cannot tell on this platform).</returns>
    public static bool? EnableInlineSocketCompletions() => Transport.InlineSocketCompletions.Enable();

    /// <summary>Run a scenario against its target and return the measured result.</summary>
    /// <exception cref="TargetUnreachableException">The target could not be connected to before the run.</exception>
    /// <exception cref="TargetNotAllowedException">The target is not a loopback address and the options do not allow that.</exception>
    /// <exception cref="ArgumentException">The scenario is inconsistent.</exception>
    public static async Task<RunResult> RunAsync(ScenarioDefinition scenario, LoadRunnerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        options ??= new LoadRunnerOptions();
        Validate(scenario);
        using var run = new LoadRun(scenario, options); // builds every request template: bad input fails here, before any network traffic
        await CheckTargetAsync(scenario.BaseUrl, options, cancellationToken).ConfigureAwait(false);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static void Validate(ScenarioDefinition scenario)
    {
        if (ScenarioValidation.Problem(scenario) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        if (scenario.Load.Model == LoadModel.Open && !(new Scheduling.ArrivalSchedule(scenario.Load).TotalArrivals >= 1))
        {
            throw new ArgumentException("the open-model schedule has no arrivals (every rate is 0)");
        }
    }

    private static async Task CheckTargetAsync(Uri baseUrl, LoadRunnerOptions options, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(baseUrl.DnsSafeHost, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(baseUrl.DnsSafeHost, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new TargetUnreachableException($"cannot resolve host '{baseUrl.Host}': {ex.Message}", ex);
            }
        }

        if (addresses.Length == 0)
        {
            throw new TargetUnreachableException($"host '{baseUrl.Host}' has no addresses");
        }

        if (!options.AllowNonLoopbackTargets && addresses.Any(a => !IPAddress.IsLoopback(a)))
        {
            throw new TargetNotAllowedException(
                $"target {baseUrl.Host} resolves to a non-loopback address ({string.Join(", ", addresses.Where(a => !IPAddress.IsLoopback(a)))}); " +
                "Loadlens only loads loopback targets unless remote targets are explicitly allowed (--allow-remote)");
        }

        if (!options.CheckTargetFirst)
        {
            return;
        }

        using var socket = new Socket(addresses[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(addresses[0], baseUrl.Port), timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            var what = ex.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : ex.Message;
            throw new TargetUnreachableException($"cannot connect to {baseUrl.GetLeftPart(UriPartial.Authority)}: {what}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TargetUnreachableException($"cannot connect to {baseUrl.GetLeftPart(UriPartial.Authority)}: no answer within 5 s", ex);
        }
    }
}
