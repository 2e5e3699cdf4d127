using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Importers.Common;
using Loadlens.Importers.Hlog;
using Loadlens.Importers.JMeter;
using Loadlens.Importers.K6;
using Loadlens.Importers.Locust;
using Loadlens.Importers.RunJson;

namespace Loadlens.Importers;

/// <summary>
/// The result formats Loadlens reads, by name and by detection. <see cref="Default"/> holds the built-in
/// importers and is what <see cref="ResultImporter"/> uses; a new format is one <see cref="IResultImporter"/>
/// class and one <see cref="Register"/> line in <see cref="CreateDefault"/>.
/// </summary>
public sealed class ImporterRegistry
{
    private readonly Lock _lock = new();
    private IResultImporter[] _importers = [];
    private IResultImporter[] _byPrecedence = [];
    private string[] _formats = [];

    /// <summary>The registry behind <see cref="ResultImporter"/>: the built-in importers.</summary>
    public static ImporterRegistry Default { get; } = CreateDefault();

    /// <summary>Format names, in registration order (the order they are documented).</summary>
    public IReadOnlyList<string> Formats => _formats;

    /// <summary>The importers, in registration order.</summary>
    public IReadOnlyList<IResultImporter> Importers => _importers;

    /// <summary>A new registry with the built-in importers (extend it without touching <see cref="Default"/>).</summary>
    public static ImporterRegistry CreateDefault() => new ImporterRegistry()
        .Register(new LoadlensFormat())
        .Register(new LocustFormat())
        .Register(new K6SummaryFormat())
        .Register(new K6JsonFormat())
        .Register(new JMeterFormat())
        .Register(new HlogFormat());

    /// <summary>Adds an importer; its <see cref="IResultImporter.Format"/> must be new here. Returns this registry.</summary>
    public ImporterRegistry Register(IResultImporter importer)
    {
        ArgumentNullException.ThrowIfNull(importer);
        var name = importer.Format;
        if (string.IsNullOrWhiteSpace(name) || name.Contains(':', StringComparison.Ordinal) || name != name.Trim())
        {
            throw new ArgumentException($"format name '{name}' must be non-empty, without spaces around it and without ':'", nameof(importer));
        }

        lock (_lock)
        {
            if (Find(name) is not null)
            {
                throw new ArgumentException($"format '{name}' is already registered", nameof(importer));
            }

            IResultImporter[] importers = [.. _importers, importer];
            _byPrecedence = [.. importers.OrderByDescending(i => i.Precedence)]; // stable: ties keep registration order
            _formats = [.. importers.Select(i => i.Format)];
            _importers = importers;
        }

        return this;
    }

    /// <summary>The importer named <paramref name="format"/> (case-insensitive, without a variant), or null.</summary>
    public IResultImporter? Find(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return Array.Find(_importers, i => string.Equals(i.Format, format, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The importer for <paramref name="path"/> and the variant to pass it: <paramref name="format"/> (a name or
    /// <c>name:variant</c>) forces one, null detects it. Throws <see cref="InputFormatException"/> when the format
    /// is unknown or nothing recognises the input.
    /// </summary>
    public (IResultImporter Importer, string? Variant) Resolve(string path, string? format)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        format = format?.Trim();
        if (format is null)
        {
            return (Detect(path), null);
        }

        var colon = format.IndexOf(':', StringComparison.Ordinal);
        var named = Find(colon < 0 ? format : format[..colon]);
        if (named is not null && (colon < 0 || named.VariantHelp is not null))
        {
            return (named, colon < 0 ? null : format[(colon + 1)..]);
        }

        var help = string.Concat(_importers.Select(i => i.VariantHelp).OfType<string>().Select(h => "; " + h));
        throw new InputFormatException(path, 0, 0, $"unknown format '{format}' (expected one of: {string.Join(", ", Formats)}{help})");
    }

    /// <summary>The importer that recognises <paramref name="path"/>: by path, then by content, then by file name; a clear error when none does.</summary>
    public IResultImporter Detect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var importers = _byPrecedence;
        var byPath = Array.Find(importers, i => i.MatchesPath(path));
        if (Directory.Exists(path))
        {
            var hints = importers.Select(i => i.FolderHint).OfType<string>();
            return byPath ?? throw new InputFormatException(path, 0, 0, $"folder holds no {string.Join(" and no ", hints)}; name a result file");
        }

        if (byPath is not null)
        {
            return byPath;
        }

        if (!File.Exists(path))
        {
            throw new InputFormatException(path, 0, 0, "file not found");
        }

        var head = InputFiles.Head(path).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var name = Path.GetFileName(path);
        return Array.Find(importers, i => i.MatchesContent(head))
            ?? Array.Find(importers, i => i.MatchesName(name))
            ?? throw new InputFormatException(path, 1, 1, $"cannot tell the format of this file; pass --input-format ({string.Join(", ", Formats)})");
    }

    /// <summary>
    /// Reads <paramref name="path"/> with the importer <paramref name="format"/> names (null detects it). Bad input,
    /// and any unexpected failure of an importer, throws <see cref="InputFormatException"/>.
    /// </summary>
    public async Task<RunResult> ImportAsync(string path, string? format = null, CancellationToken cancellationToken = default)
    {
        var (importer, variant) = Resolve(path, format);
        try
        {
            return await importer.ImportAsync(path, variant, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw CannotRead(path, ex);
        }
        catch (Exception ex) when (ex is not (InputFormatException or OperationCanceledException or OutOfMemoryException))
        {
            // Safety net: bad input must never surface as a crash. The fuzz tests fail on this message.
            throw new InputFormatException(path, 0, 0, $"{ResultImporter.InternalErrorPrefix} {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Throws the standard error when <paramref name="path"/> is not an existing file ("file not found", "is a folder, not a result file").</summary>
    public static void RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputFormatException(path, 0, 0, Directory.Exists(path) ? "is a folder, not a result file" : "file not found");
        }
    }

    /// <summary>The error for a file that exists but cannot be read.</summary>
    internal static InputFormatException CannotRead(string path, Exception ex) => new(path, 0, 0, "cannot read the file: " + ex.Message, ex);
}
