using Loadlens.History;

namespace Loadlens.Pipeline;

/// <summary>
/// History references for <see cref="LoadlensPipeline.CompareAsync"/>: <c>@last</c>, <c>@last:BRANCH</c>, <c>@SHA</c> and run ids
/// (or id prefixes) resolved in a run history (<see cref="IRunStore.ResolveAsync"/>); anything else is left to the file resolver.
/// </summary>
/// <param name="store">The history store.</param>
/// <param name="scenario">When set, <c>@…</c> references only consider runs of this scenario (for <c>run --baseline</c>).</param>
/// <param name="sweeps">True: only sweeps; false: only runs and imports; null: both.</param>
public sealed class HistoryReferenceResolver(IRunStore store, string? scenario = null, bool? sweeps = null) : IRunReferenceResolver
{
    /// <inheritdoc/>
    public async Task<CompareInput?> ResolveAsync(string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!HistoryStore.LooksLikeReference(reference))
        {
            return null;
        }

        var info = await store.ResolveAsync(reference, scenario, sweeps, cancellationToken).ConfigureAwait(false);
        var stored = await store.GetAsync(info.Id, cancellationToken).ConfigureAwait(false)
            ?? throw new Core.InputFormatException($"{reference}: run {info.Id} was removed meanwhile");
        var label = info.Commit is { Length: > 0 } commit ? $"{reference} ({info.Id[..10]}, {commit[..Math.Min(7, commit.Length)]})" : $"{reference} ({info.Id[..10]})";
        return stored.Sweep is { } sweep ? CompareInput.FromSweep(sweep, label) : CompareInput.FromRun(stored.Run!, label);
    }
}
