namespace Loadlens.Importers.Tests;

/// <summary>Paths of committed golden inputs and scratch folders.</summary>
internal static class Fixture
{
    public static string Dir(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static string File(string folder, string name) => Path.Combine(Dir(folder), name);

    public static string ShopPrefix => Path.Combine(Dir("locust-2.12.1-shop"), "shop");

    /// <summary>A fresh temporary folder, deleted on dispose.</summary>
    public static TempDir Temp() => new();

    internal sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "loadlens-import-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Write(string name, string content)
        {
            var p = System.IO.Path.Combine(Path, name);
            System.IO.File.WriteAllText(p, content);
            return p;
        }

        public string WriteBytes(string name, byte[] content)
        {
            var p = System.IO.Path.Combine(Path, name);
            System.IO.File.WriteAllBytes(p, content);
            return p;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
