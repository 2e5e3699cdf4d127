using Loadlens.Core.Serialization;
using Loadlens.TestUtils;

namespace Loadlens.History.Tests;

/// <summary>The history holds the redacted RunResult: a secret header of a saved run is in no table and no stored document.</summary>
public sealed class SecretTests
{
    [Fact]
    public async Task A_saved_run_with_an_authorization_header_stores_no_secret()
    {
        await using var target = await TestTarget.StartAsync();
        await using var t = TestStore.Create("sqlite");
        using var cli = new CliRunner();
        var output = Path.Combine(Path.GetTempPath(), "loadlens-history-secret-" + Guid.NewGuid().ToString("N"));
        const string Secret = "s3cr3t-t0ken-7f1d";
        (await cli.RunAsync("run", new Uri(target.BaseAddress, "text").ToString(), "-n", "20", "-u", "1", "-H", $"Authorization: Bearer {Secret}", "-H", $"Cookie: session={Secret}", "-o", output, "--save", "--history", t.Connection)).ShouldBe(0, cli.Error.ToString());

        await using var store = await t.OpenAsync();
        var saved = (await store.ListAsync()).ShouldHaveSingleItem();
        RunResultJson.Serialize((await store.GetAsync(saved.Id))!.Run!).ShouldNotContain(Secret);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(t.File!)!))
        {
            System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)).ShouldNotContain(Secret, customMessage: file);
        }

        (await cli.RunAsync("history", "show", saved.Id, "--format", "json", "--history", t.Connection)).ShouldBe(0);
        cli.Out.ToString().ShouldNotContain(Secret);
        cli.Out.ToString().ShouldContain("[redacted]");
        Directory.Delete(output, recursive: true);
    }
}
