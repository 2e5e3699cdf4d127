using System.Reflection;
using System.Text.Json;

namespace Loadlens.Reporting.Html;

/// <summary>
/// The scripts and styles report.html inlines, embedded in this assembly at build time: the page's own
/// (<c>Html/js/report.js</c>, <c>report.css</c>) and uPlot's, taken from the pinned npm package
/// (<c>Html/js/package-lock.json</c>) with its licence.
/// </summary>
internal static class ReportAssets
{
    private static readonly Lazy<string> LazyUPlotScript = new(() => Read("uPlot.js"));
    private static readonly Lazy<string> LazyUPlotStyle = new(() => Read("uPlot.css"));
    private static readonly Lazy<string> LazyUPlotLicense = new(() => Read("uPlot.LICENSE"));
    private static readonly Lazy<string> LazyUPlotVersion = new(() =>
    {
        using var doc = JsonDocument.Parse(Read("uPlot.package.json"));
        return doc.RootElement.GetProperty("version").GetString() ?? "?";
    });

    private static readonly Lazy<string> LazyScript = new(() => Read("report.js"));
    private static readonly Lazy<string> LazyStyle = new(() => Read("report.css"));

    /// <summary>uPlot, minified (IIFE build: defines the global <c>uPlot</c>).</summary>
    public static string UPlotScript => LazyUPlotScript.Value;

    /// <summary>uPlot's style sheet.</summary>
    public static string UPlotStyle => LazyUPlotStyle.Value;

    /// <summary>uPlot's MIT licence text, shown in the page.</summary>
    public static string UPlotLicense => LazyUPlotLicense.Value;

    /// <summary>The uPlot version embedded ("1.6.32").</summary>
    public static string UPlotVersion => LazyUPlotVersion.Value;

    /// <summary>The page's script.</summary>
    public static string Script => LazyScript.Value;

    /// <summary>The page's style sheet.</summary>
    public static string Style => LazyStyle.Value;

    private static string Read(string name)
    {
        var resource = "Loadlens.Reporting.Html." + name;
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing (the build installs it with npm ci in src/Loadlens.Reporting/Html/js)");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
