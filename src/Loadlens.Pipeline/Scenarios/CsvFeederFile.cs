using System.Text;

using Loadlens.Core;
using Loadlens.Core.Scenarios;

namespace Loadlens.Pipeline.Scenarios;

/// <summary>
/// Reads a CSV file for a feeder: RFC 4180 style (comma separated, a header row, fields optionally in double quotes
/// with <c>""</c> for a quote, quoted fields may span lines). Blank lines are skipped.
/// </summary>
internal sealed class CsvFeederFile
{
    private CsvFeederFile(IReadOnlyList<string> header, IReadOnlyList<CsvRow> rows)
    {
        Header = header;
        Rows = rows;
    }

    /// <summary>Column names (trimmed).</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Data rows, each with as many fields as the header.</summary>
    public IReadOnlyList<CsvRow> Rows { get; }

    /// <summary>Parse CSV text; throws <see cref="FormatException"/> with a message naming the CSV line.</summary>
    public static CsvFeederFile Parse(string text)
    {
        var records = ReadRecords(text);
        if (records.Count == 0)
        {
            throw new FormatException("the CSV file is empty (expected a header row)");
        }

        var header = records[0].Fields.Select(f => f.Trim()).ToArray();
        var rows = new List<CsvRow>(records.Count - 1);
        foreach (var record in records.Skip(1))
        {
            if (record.Fields.Count != header.Length)
            {
                throw new FormatException($"CSV line {record.Line} has {record.Fields.Count} field(s) but the header has {header.Length}");
            }

            rows.Add(record);
        }

        return new CsvFeederFile(header, rows);
    }

    private static List<CsvRow> ReadRecords(string text)
    {
        var records = new List<CsvRow>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var i = 0;
        var atRecordStart = true;
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            i = 1;
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (atRecordStart && (c == '\n' || c == '\r'))
            {
                // blank line
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                line++;
                continue;
            }

            if (atRecordStart)
            {
                recordLine = line;
                atRecordStart = false;
            }

            if (c == '"' && field.Length == 0)
            {
                // quoted field
                var quoteLine = line;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException($"CSV line {quoteLine}: a quoted field is not closed");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    if (text[i] == '\n')
                    {
                        line++;
                    }

                    field.Append(text[i]);
                    i++;
                }

                if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    throw new FormatException($"CSV line {line}: unexpected text after a closing quote");
                }

                continue;
            }

            switch (c)
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    i++;
                    break;
                case '\r' or '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add(new CsvRow(recordLine, fields.ToArray()));
                    fields.Clear();
                    atRecordStart = true;
                    i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                    line++;
                    break;
                default:
                    field.Append(c);
                    i++;
                    break;
            }
        }

        if (!atRecordStart)
        {
            fields.Add(field.ToString());
            records.Add(new CsvRow(recordLine, fields.ToArray()));
        }

        return records;
    }
}

/// <summary>One CSV record and the line it starts on.</summary>
internal sealed record CsvRow(int Line, IReadOnlyList<string> Fields);
