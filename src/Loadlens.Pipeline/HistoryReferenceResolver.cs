using Loadlens.History;

namespace Loadlens.Pipeline;

/// <summary>
/// History references for <see cref="LoadlensPipeline.CompareAsync"/>: <c>@last</c>, <c>@last:BRANCH</c>, <c>@SHA</c> and run ids
/// (or id prefixes) resolved in a run history (<see cref="IRunStore.ResolveAsync"/>); anything else is left to the file resolver.
/// </summary>
/// <param name="store">The history store.</param>
/// <param name="scenario">When set, <c>@…</c> references only consider runs of this scenario (for <c>run --baseline</c>).</param>
/// <param name="sweeps">True: only sweeps; false: only runs and imports; null: both.</param>
/// <param name="replicates">For <c>@last</c> / <c>@last:BRANCH</c> naming a run: also take the next newest runs of its scenario (and branch), this many in all.</param>
public sealed class HistoryReferenceResolver(IRunStore store, string? scenario = null, bool? sweeps = null, int replicates = 1) : IRunReferenceResolver
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
        if (stored.Sweep is { } sweep)
        {
            return CompareInput.FromSweep(sweep, label);
        }

        var input = CompareInput.FromRun(stored.Run!, label);
        if (replicates <= 1 || !reference.StartsWith("@last", StringComparison.OrdinalIgnoreCase))
        {
            return input;
        }

        var branch = reference.Length > "@last:".Length && reference[5] == ':' ? reference[6..] : null;
        var newest = await store.ListAsync(new RunFilter { Scenario = info.Scenario, Branch = branch, Sweeps = false, Limit = replicates + 1 }, cancellationToken).ConfigureAwait(false);
        var more = new List<Core.Results.RunResult>();
        foreach (var other in newest.Where(r => r.Id != info.Id && r.StartedAt <= info.StartedAt).Take(replicates - 1))
        {
            if (await store.GetAsync(other.Id, cancellationToken).ConfigureAwait(false) is { Run: { } run })
            {
                more.Add(run);
            }
        }

        return input with { Label = $"{label} + {more.Count} earlier run{(more.Count == 1 ? string.Empty : "s")}", Replicates = more };
    }
}
