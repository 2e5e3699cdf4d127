using System.IO.Compression;
using System.Text;
using Loadlens.Core;

namespace Loadlens.Importers.Common;

/// <summary>Opening input files: existence checks, gzip sniffing, BOM-aware text decoding.</summary>
internal static class InputFiles
{
    /// <summary>Open a file for streaming text reading; gzip (magic 1F 8B) is decompressed transparently.</summary>
    public static StreamReader OpenText(string path)
    {
        var stream = OpenStream(path);
        return new StreamReader(stream, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }

    /// <summary>Open a file as a byte stream (gzip decompressed when the content is gzip).</summary>
    public static Stream OpenStream(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputFormatException(path, 0, 0, "cannot open: " + ex.Message, ex);
        }

        Span<byte> magic = stackalloc byte[2];
        var n = file.Read(magic);
        file.Position = 0;
        if (n == 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            return new GZipStream(file, CompressionMode.Decompress);
        }

        return file;
    }

    /// <summary>The first <paramref name="maxChars"/> characters of a file (for format sniffing); empty on failure.</summary>
    public static string Head(string path, int maxChars = 4096)
    {
        try
        {
            using var reader = OpenText(path);
            var buffer = new char[maxChars];
            var total = 0;
            while (total < maxChars)
            {
                var read = reader.Read(buffer, total, maxChars - total);
                if (read <= 0)
                {
                    break;
                }

                total += read;
            }

            return new string(buffer, 0, total);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or InputFormatException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    /// <summary>Wrap a decompression failure (a corrupt .gz) as a located input error.</summary>
    public static InputFormatException Corrupt(string path, int line, Exception ex)
        => new(path, line, 1, "cannot read the file: " + ex.Message, ex);
}
