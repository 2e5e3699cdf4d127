namespace Loadlens.Importers.Text;

/// <summary>Column positions by header name (trimmed, case-insensitive).</summary>
internal sealed class CsvHeader
{
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);
    private readonly CsvReader _reader;

    public CsvHeader(CsvReader reader)
    {
        _reader = reader;
        Names = reader.GetAll();
        for (var i = 0; i < Names.Length; i++)
        {
            _index.TryAdd(Names[i].Trim(), i);
        }
    }

    /// <summary>Header names in file order.</summary>
    public string[] Names { get; }

    /// <summary>Number of columns.</summary>
    public int Count => Names.Length;

    /// <summary>Index of a column that must exist; a clear error names the missing column otherwise.</summary>
    public int Require(string name)
    {
        if (_index.TryGetValue(name, out var i))
        {
            return i;
        }

        throw _reader.Error($"missing column '{name}' in the header (found: {CsvReader.Display(string.Join(",", Names).AsSpan(), 200)})");
    }

    /// <summary>Index of an optional column, or -1.</summary>
    public int Optional(string name) => _index.TryGetValue(name, out var i) ? i : -1;
}
