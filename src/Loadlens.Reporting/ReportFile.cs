using System.Text;

namespace Loadlens.Reporting;

/// <summary>How every report file is written: UTF-8 without BOM, the folder created when missing.</summary>
internal static class ReportFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Write <paramref name="text"/> to <paramref name="path"/>, replacing the file.</summary>
    public static void Write(string path, string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, text, Utf8NoBom);
    }
}
