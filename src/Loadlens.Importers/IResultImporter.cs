using Loadlens.Core.Results;

namespace Loadlens.Importers;

/// <summary>
/// One result format: its <c>--input-format</c> name, how it is recognised, and its reader. Register an
/// implementation with <see cref="ImporterRegistry.Register"/>; detection asks the importers stage by stage
/// (path, then content, then file name) in descending <see cref="Precedence"/>, and the first that
/// recognises the input reads it.
/// </summary>
public interface IResultImporter
{
    /// <summary>The name <c>--input-format</c> takes (lower case, no <c>:</c>), e.g. <c>jmeter</c>.</summary>
    string Format { get; }

    /// <summary>
    /// Order among the importers when more than one recognises an input at the same stage: the highest asks
    /// first (equal ones in registration order). The built-in importers use 10 (jmeter) to 60 (locust); 0 asks last.
    /// </summary>
    int Precedence => 0;

    /// <summary>
    /// Recognised by path alone, before any content is read: a folder, a path that is not a file (a prefix of
    /// several files) or a file name only this format uses.
    /// </summary>
    bool MatchesPath(string path) => false;

    /// <summary>Recognised by the first characters of the file (up to 4,096; byte order mark and leading white space removed).</summary>
    bool MatchesContent(string head) => false;

    /// <summary>Recognised by file name (an extension) when no importer recognised the content.</summary>
    bool MatchesName(string fileName) => false;

    /// <summary>What a folder holds for <see cref="MatchesPath"/> to claim it (for the error when none does), or null.</summary>
    string? FolderHint => null;

    /// <summary>
    /// How <c>format:variant</c> forms of this format are written (for the unknown-format error), or null when
    /// the format has no variants (then <c>name:anything</c> is an unknown format).
    /// </summary>
    string? VariantHelp => null;

    /// <summary>
    /// Reads <paramref name="path"/>. <paramref name="variant"/> is the part after <c>:</c> of a forced format
    /// (e.g. <c>ns</c> for <c>hlog:ns</c>; only when <see cref="VariantHelp"/> is not null), null otherwise.
    /// Bad input throws <see cref="Core.InputFormatException"/>; <see cref="ImporterRegistry.RequireFile"/> gives the
    /// standard errors for a path that is not a file.
    /// </summary>
    Task<RunResult> ImportAsync(string path, string? variant, CancellationToken cancellationToken);
}
