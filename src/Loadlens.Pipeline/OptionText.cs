using System.Globalization;
using Loadlens.Core;
using Loadlens.Core.Scenarios;

namespace Loadlens.Pipeline;

/// <summary>
/// Parses the compact text forms of options ("0.5s-2s", "200,201", "20s:50,1m:50", "1,5,10", "1%") the same
/// way for every command. Every problem is an <see cref="InputFormatException"/> that names the option.
/// </summary>
internal static class OptionText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A listening address "HOST:PORT" (an IP address or localhost), e.g. "127.0.0.1:4318".</summary>
    public static System.Net.IPEndPoint EndPoint(string text, string option)
    {
        var trimmed = text.Trim();
        var colon = trimmed.LastIndexOf(':');
        if (colon > 0 && trimmed[..colon].Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = "127.0.0.1" + trimmed[colon..];
        }

        return System.Net.IPEndPoint.TryParse(trimmed, out var endPoint) && endPoint.Port > 0
            ? endPoint
            : throw new Core.InputFormatException($"{option}: '{text}' is not HOST:PORT (an IP address or localhost and a port, e.g. 127.0.0.1:4318)");
    }

    /// <summary>A duration such as 30s, 1m30s or 250ms.</summary>
    public static TimeSpan Duration(string text, string option) => Parse(Durations.Parse, text, option);

    /// <summary>A rate such as 200/s or 1200/m, in requests per second.</summary>
    public static double Rate(string text, string option) => Parse(Rates.Parse, text, option);

    /// <summary>Think time: <c>1s</c> or a uniform range <c>0.5s-2s</c>.</summary>
    public static ThinkTime Think(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var min = Duration(dash > 0 ? text[..dash] : text, option);
        var max = dash > 0 ? Duration(text[(dash + 1)..], option) : min;
        return max < min ? throw new InputFormatException($"{option}: the upper bound is below the lower bound") : new ThinkTime(min, max);
    }

    /// <summary>HTTP status codes: <c>200,201</c>.</summary>
    public static IReadOnlyList<int> Statuses(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            list.Add(int.TryParse(part, NumberStyles.None, Invariant, out var code) && code is >= 100 and <= 599
                ? code
                : throw new InputFormatException($"{option}: '{part}' is not an HTTP status code (100-599)"));
        }

        return list;
    }

    /// <summary>A header <c>Name: value</c>.</summary>
    public static KeyValuePair<string, string> Header(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0
            ? throw new InputFormatException($"{option} must look like 'Name: value', got '{text}'")
            : new KeyValuePair<string, string>(text[..colon].Trim(), text[(colon + 1)..].Trim());
    }

    /// <summary>Headers <c>Name: value</c>, later ones replacing earlier ones of the same name.</summary>
    public static IReadOnlyDictionary<string, string> Headers(IEnumerable<string>? texts, string option)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in texts ?? [])
        {
            var (name, value) = Header(text, option);
            headers[name] = value;
        }

        return headers;
    }

    /// <summary>Stages <c>DURATION:TARGET,…</c>: targets are users (closed model) or rates such as 100/s (open model; 0 needs no unit).</summary>
    public static List<LoadStage> Stages(string text, LoadModel model, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stages = new List<LoadStage>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.LastIndexOf(':');
            if (colon <= 0)
            {
                throw new InputFormatException($"{option}: '{part}' must look like DURATION:TARGET, e.g. 20s:50");
            }

            var duration = Duration(part[..colon], option);
            var targetText = part[(colon + 1)..];
            double target;
            if (model == LoadModel.Open)
            {
                target = targetText.Trim() == "0" ? 0 : Rate(targetText, option);
            }
            else if (!double.TryParse(targetText, NumberStyles.Float, Invariant, out target) || target < 0)
            {
                throw new InputFormatException($"{option}: '{targetText}' is not a number of users");
            }

            stages.Add(new LoadStage(duration, target));
        }

        return stages.Count == 0 ? throw new InputFormatException($"{option}: no stages given") : stages;
    }

    /// <summary>Increasing whole numbers of users: <c>1,5,10,25</c>.</summary>
    public static List<double> UserLevels(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var levels = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            levels.Add(int.TryParse(part, NumberStyles.None, Invariant, out var n) && n >= 1
                ? n
                : throw new InputFormatException($"{option}: '{part}' is not a whole number of users ≥ 1 (e.g. {option} 1,5,10,25)"));
        }

        return Ascending(levels, option);
    }

    /// <summary>Increasing rates: <c>50,100,200/s</c> (the last unit applies to levels without one).</summary>
    public static List<double> RateLevels(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var last = parts[^1];
        var slash = last.IndexOf('/', StringComparison.Ordinal);
        var unit = slash >= 0 ? last[slash..] : "/s";
        var levels = parts.Select(p => Rate(p.Contains('/', StringComparison.Ordinal) ? p : p + unit, option)).ToList();
        return Ascending(levels, option);
    }

    /// <summary>An error-rate limit: <c>1%</c> or <c>0.01</c>, as a fraction.</summary>
    public static double ErrorRate(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var percent = trimmed.EndsWith('%');
        return double.TryParse(percent ? trimmed[..^1] : trimmed, NumberStyles.Float, Invariant, out var v) && v >= 0 && (percent ? v <= 100 : v <= 1)
            ? (percent ? v / 100 : v)
            : throw new InputFormatException($"{option}: '{text}' is not an error rate (e.g. 1% or 0.01)");
    }

    /// <summary>A relative threshold: <c>5%</c> or <c>0.05</c>, as a fraction (at most 1000 %).</summary>
    public static double Percentage(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var percent = trimmed.EndsWith('%');
        return double.TryParse(percent ? trimmed[..^1] : trimmed, NumberStyles.Float, Invariant, out var v) && v >= 0 && (percent ? v <= 1000 : v <= 10)
            ? (percent ? v / 100 : v)
            : throw new InputFormatException($"{option}: '{text}' is not a percentage (e.g. 5% or 0.05)");
    }

    /// <summary>A positive latency in milliseconds, written as a duration (<c>300ms</c>, <c>1.5s</c>).</summary>
    public static double Milliseconds(string text, string option)
    {
        var value = Duration(text, option);
        return value > TimeSpan.Zero ? value.TotalMilliseconds : throw new InputFormatException($"{option}: must be positive");
    }

    /// <summary>A number that must be at least <paramref name="minimum"/>.</summary>
    public static T AtLeast<T>(T value, T minimum, string option)
        where T : struct, IComparable<T>
        => value.CompareTo(minimum) >= 0 ? value : throw new InputFormatException($"{option} must be at least {minimum}");

    private static List<double> Ascending(List<double> levels, string option)
    {
        for (var i = 1; i < levels.Count; i++)
        {
            if (!(levels[i] > levels[i - 1]))
            {
                throw new InputFormatException($"{option}: levels must increase, but {levels[i].ToString("0.##", Invariant)} follows {levels[i - 1].ToString("0.##", Invariant)}");
            }
        }

        return levels;
    }

    private static T Parse<T>(Func<string, T> parse, string text, string option)
    {
        try
        {
            return parse(text);
        }
        catch (FormatException ex)
        {
            throw new InputFormatException($"{option}: {ex.Message}");
        }
    }
}
