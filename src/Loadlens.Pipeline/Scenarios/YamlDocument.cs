using Loadlens.Core;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Loadlens.Pipeline.Scenarios;

/// <summary>Reading and parsing one YAML document so that nothing but <see cref="InputFormatException"/> leaves the loaders.</summary>
internal static class YamlDocument
{
    /// <summary>The text of <paramref name="path"/>; a missing or unreadable file is an <see cref="InputFormatException"/>.</summary>
    public static string ReadFile(string path, string fullPath)
    {
        try
        {
            return File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputFormatException(path, 0, 0, "file not found", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputFormatException(path, 0, 0, $"cannot read the file: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Pre-check, load and hand the first document's root to <paramref name="parse"/>. YAML syntax errors are
    /// located at their mark; an empty document is "the <paramref name="what"/> is empty"; anything unexpected is
    /// "cannot read <paramref name="readWhat"/>".
    /// </summary>
    public static T Parse<T>(string yaml, string sourceName, string what, string readWhat, Func<YamlNode, T> parse)
    {
        try
        {
            // The streaming pre-check guards the representation model against inputs that overflow the stack.
            YamlPreflight.Check(yaml, sourceName);
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0)
            {
                throw new InputFormatException(sourceName, 1, 1, $"the {what} is empty");
            }

            return parse(stream.Documents[0].RootNode);
        }
        catch (InputFormatException)
        {
            throw;
        }
        catch (YamlException ex)
        {
            throw YamlErrors.At(sourceName, ex.Start, "invalid YAML: " + ex.Message, ex);
        }
#pragma warning disable CA1031 // Contract: nothing but InputFormatException leaves the loader.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            throw new InputFormatException(sourceName, 0, 0, $"cannot read {readWhat}: {ex.Message}", ex);
        }
    }
}
