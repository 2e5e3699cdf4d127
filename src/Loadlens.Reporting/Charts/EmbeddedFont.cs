using SkiaSharp;

namespace Loadlens.Reporting.Charts;

/// <summary>
/// Charts must render text on a bare machine (CI containers have no system fonts, and the
/// NoDependencies Skia build does not use fontconfig), so they use DejaVu Sans embedded in this
/// assembly (Bitstream Vera licence, see Charts/Fonts/LICENSE-DejaVu.txt) for every text element.
/// </summary>
internal sealed class EmbeddedFont : ScottPlot.IFontResolver
{
    public const string Name = "Loadlens DejaVu Sans";

    private static readonly Lazy<SKTypeface> Regular = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> Bold = new(() => Load("DejaVuSans-Bold.ttf"));
    private static int _registered;

    /// <summary>Register with ScottPlot once per process and make it the default font.</summary>
    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            ScottPlot.Fonts.FontResolvers.Insert(0, new EmbeddedFont());
            ScottPlot.Fonts.Default = Name;
            ScottPlot.Fonts.Sans = Name;
        }
    }

    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic)
        => string.Equals(fontName, Name, StringComparison.Ordinal) ? (bold ? Bold.Value : Regular.Value) : null;

    public SKTypeface? CreateTypeface(string fontName, ScottPlot.FontWeight weight, ScottPlot.FontSlant slant, ScottPlot.FontSpacing spacing)
        => CreateTypeface(fontName, (int)weight >= (int)ScottPlot.FontWeight.SemiBold, slant != ScottPlot.FontSlant.Upright);

    private static SKTypeface Load(string file)
    {
        var assembly = typeof(EmbeddedFont).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith(file, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded font {file} is missing");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        using var data = SKData.CreateCopy(memory.ToArray());
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"embedded font {file} cannot be read");
    }
}
