namespace Loadlens.Core;

/// <summary>
/// Bad user input (a scenario file, a result file, an imported file) with its location.
/// The CLI prints <see cref="Exception.Message"/> (already "file:line:column: problem") and exits 2.
/// </summary>
public sealed class InputFormatException : Exception
{
    /// <summary>Create an error at a location.</summary>
    public InputFormatException(string? source, int line, int column, string problem, Exception? inner = null)
        : base(Format(source, line, column, problem), inner)
    {
        Source = source;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>Create an error without a location.</summary>
    public InputFormatException(string message)
        : base(message)
    {
        Problem = message;
    }

    /// <summary>Create an error without a location.</summary>
    public InputFormatException(string message, Exception inner)
        : base(message, inner)
    {
        Problem = message;
    }

    /// <summary>Not used; required by analyzers.</summary>
    public InputFormatException()
        : base("invalid input")
    {
        Problem = "invalid input";
    }

    /// <summary>File name (or null).</summary>
    public new string? Source { get; }

    /// <summary>1-based line, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column, or 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The problem without the location.</summary>
    public string Problem { get; }

    private static string Format(string? source, int line, int column, string problem)
        => line > 0 ? $"{source ?? "<input>"}:{line}:{column}: {problem}" : $"{source ?? "<input>"}: {problem}";
}
