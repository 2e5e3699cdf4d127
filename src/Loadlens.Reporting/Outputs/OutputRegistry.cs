using System.Diagnostics.CodeAnalysis;

namespace Loadlens.Reporting.Outputs;

/// <summary>
/// The output writers, in the order they write (a writer may read files an earlier one wrote, e.g. sweep.md
/// links the charts). <see cref="Default"/> holds every built-in output; adding a format is one writer file and one
/// line here.
/// </summary>
public sealed class OutputRegistry
{
    private readonly List<IOutputWriter> _writers;

    /// <summary>An empty registry, or one holding <paramref name="writers"/>.</summary>
    public OutputRegistry(IEnumerable<IOutputWriter>? writers = null) => _writers = [.. writers ?? []];

    /// <summary>Every built-in output: a new registry each time, so callers may add to it freely.</summary>
    public static OutputRegistry Default => new(
    [
        new ResultJsonOutput(),
        new LocustCsvOutput(),
        new SummaryMarkdownOutput(),
        new AnalysisMarkdownOutput(),
        new AnalysisJsonOutput(),
        new SweepJsonOutput(),
        new SweepChartsOutput(),
        new SweepMarkdownOutput(),
        new SweepAnalysisJsonOutput(),
        new HpaYamlOutput(),
        new HtmlReportOutput(),
        new ComparisonMarkdownOutput(),
        new ComparisonJsonOutput(),
        new ComparisonJunitOutput(),
        new TrendJsonOutput(),
        new TrendMarkdownOutput(),
    ]);

    /// <summary>The writers, in writing order.</summary>
    public IReadOnlyList<IOutputWriter> Writers => _writers;

    /// <summary>Add a writer after the others; returns this registry.</summary>
    public OutputRegistry Add(IOutputWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writers.Add(writer);
        return this;
    }

    /// <summary>The document formats (<c>-f</c>) some writer offers for <paramref name="context"/>.</summary>
    public IReadOnlyList<string> Formats(OutputContext context) =>
        [.. _writers.Where(w => w.Format is not null && w.Supports(context)).Select(w => w.Format!).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The writer of the <paramref name="format"/> document for <paramref name="context"/>.</summary>
    public bool TryGetDocumentWriter(string format, OutputContext context, [NotNullWhen(true)] out IOutputWriter? writer)
    {
        writer = _writers.FirstOrDefault(w => string.Equals(w.Format, format, StringComparison.OrdinalIgnoreCase) && w.Supports(context));
        return writer is not null;
    }

    /// <summary>
    /// Write every writer that supports <paramref name="context"/> into <paramref name="directory"/>. A writer that
    /// throws is recorded in <see cref="OutputWriteResult.Failures"/> and the others still write (BenchmarkDotNet's
    /// composite exporter). Cancellation stops between writers.
    /// </summary>
    public async Task<OutputWriteResult> WriteAllAsync(OutputContext context, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        var failures = new List<OutputFailure>();
        var target = new OutputTarget(directory);
        foreach (var writer in _writers.Where(w => w.Supports(context)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                files.AddRange(await writer.WriteAsync(context, target, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
            {
                failures.Add(new OutputFailure(writer.Name, ex.Message, ex));
            }
        }

        return new OutputWriteResult(files, failures);
    }
}

/// <summary>What <see cref="OutputRegistry.WriteAllAsync"/> wrote and which writers failed.</summary>
/// <param name="Files">Paths written, in order.</param>
/// <param name="Failures">Writers that failed, with their error.</param>
public sealed record OutputWriteResult(IReadOnlyList<string> Files, IReadOnlyList<OutputFailure> Failures);

/// <summary>One writer's failure.</summary>
/// <param name="Writer">The writer's <see cref="IOutputWriter.Name"/>.</param>
/// <param name="Message">The error.</param>
/// <param name="Exception">The exception, for callers that log it.</param>
public sealed record OutputFailure(string Writer, string Message, Exception? Exception = null);
