namespace Loadlens.Reporting.Html;

/// <summary>
/// A chart as data, drawn in the page by <c>report.js</c> with uPlot. Sections build specs from the results; the
/// script knows nothing about runs or sweeps, only these shapes, so a new view (a comparison, a trend) adds a section
/// that builds a spec and no script. Serialized into the page's JSON data block (camelCase).
/// </summary>
internal sealed record ChartSpec
{
    /// <summary>"line" (series over a numeric x) or "bars" (one group of bars per category, with optional whiskers).</summary>
    public required string Kind { get; init; }

    /// <summary>The x axis; for bars, its label names the categories.</summary>
    public required ChartAxis X { get; init; }

    /// <summary>The left y axis.</summary>
    public required ChartAxis Y { get; init; }

    /// <summary>An optional right y axis, for series with <see cref="ChartSeries.Axis"/> = "y2".</summary>
    public ChartAxis? Y2 { get; init; }

    /// <summary>Shared x values of every series (line charts whose series have no <see cref="ChartSeries.X"/>).</summary>
    public IReadOnlyList<double>? Xs { get; init; }

    /// <summary>Bar charts: the category names, one group of bars each.</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>The series, drawn in order.</summary>
    public required IReadOnlyList<ChartSeries> Series { get; init; }

    /// <summary>Shaded x ranges (the warm-up).</summary>
    public IReadOnlyList<ChartBand> Bands { get; init; } = [];

    /// <summary>Labelled reference lines: vertical at an x (a knee, a change point) or horizontal at a y (an SLA).</summary>
    public IReadOnlyList<ChartMark> Marks { get; init; } = [];

    /// <summary>
    /// What <see cref="ChartSeries.Group"/> names ("endpoint"): the page shows one toggle per group and one per
    /// <see cref="ChartSeries.Variant"/>; null shows one toggle per series.
    /// </summary>
    public string? GroupLabel { get; init; }

    /// <summary>Offer a toggle between a linear and a logarithmic y axis (latency: a spike would flatten the rest).</summary>
    public bool LogToggle { get; init; }
}

/// <summary>An axis.</summary>
/// <param name="Label">What it shows, with its unit, e.g. "latency (ms)".</param>
/// <param name="Unit">The unit of hover values ("ms", "req/s", "%", "s", "users").</param>
/// <param name="Scale">"linear", "log" (base 10), "elapsed" (seconds shown as m:ss) or "percentile" (x = 1/(1−p), labelled 90 / 99 / 99.9 %).</param>
internal sealed record ChartAxis(string Label, string Unit, string Scale = "linear");

/// <summary>One series.</summary>
internal sealed record ChartSeries
{
    /// <summary>The label in toggles and hover values.</summary>
    public required string Label { get; init; }

    /// <summary>The y values (null = no value there: a gap).</summary>
    public required IReadOnlyList<double?> Y { get; init; }

    /// <summary>Its own x values (line charts without <see cref="ChartSpec.Xs"/>); the page aligns such series.</summary>
    public IReadOnlyList<double>? X { get; init; }

    /// <summary>Bars: lower ends of the confidence intervals (whiskers), per category.</summary>
    public IReadOnlyList<double?>? Low { get; init; }

    /// <summary>Bars: upper ends of the confidence intervals, per category.</summary>
    public IReadOnlyList<double?>? High { get; init; }

    /// <summary>The toggle group it belongs to (an endpoint); its colour is the group's.</summary>
    public string? Group { get; init; }

    /// <summary>Its variant inside the group ("p99"); variants are told apart by dash pattern.</summary>
    public string? Variant { get; init; }

    /// <summary>"y" or "y2".</summary>
    public string Axis { get; init; } = "y";

    /// <summary>"line", "points" (markers only), "linepoints", "dashed", "area" or "step".</summary>
    public string Style { get; init; } = "line";

    /// <summary>A palette colour: "c0"…"c9", or a role: "good", "bad", "warn", "muted", "accent".</summary>
    public string? Color { get; init; }

    /// <summary>Whether it is shown when the page opens.</summary>
    public bool Shown { get; init; } = true;
}

/// <summary>A shaded x range.</summary>
/// <param name="From">Start (x units).</param>
/// <param name="To">End (x units).</param>
/// <param name="Label">What it is ("warm-up").</param>
internal sealed record ChartBand(double From, double To, string Label);

/// <summary>A labelled reference line.</summary>
/// <param name="Axis">"x" (a vertical line at <paramref name="Value"/>) or "y" (a horizontal line).</param>
/// <param name="Value">Where.</param>
/// <param name="Label">What it marks.</param>
/// <param name="Color">A palette colour or role (see <see cref="ChartSeries.Color"/>).</param>
internal sealed record ChartMark(string Axis, double Value, string Label, string Color = "muted");
