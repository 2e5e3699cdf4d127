using Loadlens.Core.Results;
using Loadlens.History;

namespace Loadlens.Pipeline;

/// <summary>
/// The pipeline's history step: the store is opened before the run (an unusable store fails fast, before any load is
/// sent) and the finished result is saved after the outputs are written, in one transaction.
/// </summary>
internal sealed class HistorySession : IAsyncDisposable
{
    private readonly HistoryOptions? _options;
    private readonly bool _owned;

    private HistorySession(HistoryOptions? options, IRunStore? store, bool owned, PipelineResult? failure)
    {
        _options = options;
        Store = store;
        _owned = owned;
        Failure = failure;
    }

    /// <summary>The store, or null when nothing is to be saved.</summary>
    public IRunStore? Store { get; }

    /// <summary>Why the store could not be opened (the command's result), or null.</summary>
    public PipelineResult? Failure { get; }

    /// <summary>Open the store of <paramref name="options"/> (none when null).</summary>
    public static async Task<HistorySession> OpenAsync(HistoryOptions? options, CancellationToken cancellationToken)
    {
        if (options is null)
        {
            return new HistorySession(null, null, false, null);
        }

        if (options.Store is { } given)
        {
            return new HistorySession(options, given, false, null);
        }

        try
        {
            var store = await HistoryStore.OpenAsync(options.Connection, options.WorkingDirectory, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new HistorySession(options, store, true, null);
        }
        catch (HistoryStoreException ex)
        {
            return new HistorySession(options, null, false, new PipelineResult { Verdict = ex.IsUsageError ? Verdict.UsageError : Verdict.RunFailed, Messages = ["error: " + ex.Message] });
        }
    }

    /// <summary>Save a run; null (with a message) when it is not saved or the save failed.</summary>
    public Task<string?> SaveAsync(RunResult run, List<string> messages) =>
        SaveAsync(run.Outcome.Completed, "run", messages, (store, o) => store.SaveAsync(run, o with { Kind = _options!.Kind }));

    /// <summary>Save a sweep; null (with a message) when it is not saved or the save failed.</summary>
    public Task<string?> SaveAsync(SweepResult sweep, List<string> messages) =>
        SaveAsync(sweep.Outcome.Completed, "sweep", messages, (store, o) => store.SaveAsync(sweep, o));

    private async Task<string?> SaveAsync(bool completed, string what, List<string> messages, Func<IRunStore, SaveOptions, Task<string>> save)
    {
        if (Store is not { } store || _options is null)
        {
            return null;
        }

        if (!completed)
        {
            messages.Add($"warning: not saved to the history: the {what} did not complete");
            return null;
        }

        var git = _options.Git ?? GitInfo.Detect(_options.WorkingDirectory ?? Directory.GetCurrentDirectory());
        try
        {
            // Saving is not cancelled: a run that finished is kept even after Ctrl-C.
            return await save(store, new SaveOptions { Git = git, Tags = _options.Tags }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException or HistoryStoreException)
        {
            messages.Add($"error: could not save the {what} to the history {store.Location}: {ex.Message.Split('\n')[0].TrimEnd('.')}");
            return null;
        }
    }

    public ValueTask DisposeAsync() => _owned && Store is not null ? Store.DisposeAsync() : ValueTask.CompletedTask;
}
