using System.Text;

namespace Loadlens.Pipeline;

/// <summary>Names the default output folder of a run or sweep.</summary>
public static class OutputFolder
{
    /// <summary>The parent of default output folders, relative to the working directory.</summary>
    public const string Root = "loadlens-results";

    /// <summary>The default folder: <c>./loadlens-results/&lt;name&gt;-&lt;yyyyMMdd-HHmmss&gt;/</c>.</summary>
    public static string Default(string name, DateTimeOffset startedAt)
        => Path.Combine(Root, $"{Sanitize(name)}-{startedAt.UtcDateTime:yyyyMMdd-HHmmss}");

    /// <summary><paramref name="name"/> reduced to letters, digits, '-', '_' and '.', at most 60 characters.</summary>
    public static string Sanitize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        var s = sb.ToString().Trim('-', '.');
        return s.Length == 0 ? "run" : s[..Math.Min(s.Length, 60)];
    }
}
