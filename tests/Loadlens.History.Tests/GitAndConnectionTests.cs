using System.Diagnostics;

namespace Loadlens.History.Tests;

/// <summary>Git detection from a real repository and CI variables; connection texts.</summary>
public sealed class GitAndConnectionTests
{
    [Fact]
    public void Commit_and_branch_come_from_the_working_directorys_repository_and_CI_variables_win()
    {
        var repo = Path.Combine(Path.GetTempPath(), "loadlens-git-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(repo);
        try
        {
            Git(repo, "init", "-q", "-b", "trunk");
            File.WriteAllText(Path.Combine(repo, "a.txt"), "a");
            Git(repo, "add", "a.txt");
            Git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "one");
            var head = Git(repo, "rev-parse", "HEAD");
            head.Length.ShouldBe(40);

            GitInfo.Detect(repo, _ => null).ShouldBe(new GitInfo(head, "trunk"));

            var github = new Dictionary<string, string> { ["GITHUB_SHA"] = "ABCDEF1234", ["GITHUB_REF_NAME"] = "main" };
            GitInfo.Detect(repo, k => github.GetValueOrDefault(k)).ShouldBe(new GitInfo("abcdef1234", "main"));
            var jenkins = new Dictionary<string, string> { ["GIT_COMMIT"] = "99aa", ["GIT_BRANCH"] = "origin/release" };
            GitInfo.Detect(repo, k => jenkins.GetValueOrDefault(k)).ShouldBe(new GitInfo("99aa", "release"));
            var gitlabBranchOnly = new Dictionary<string, string> { ["CI_COMMIT_REF_NAME"] = "mr-5" };
            GitInfo.Detect(repo, k => gitlabBranchOnly.GetValueOrDefault(k)).ShouldBe(new GitInfo(head, "mr-5"));

            // Detached head: a commit but no branch.
            Git(repo, "checkout", "-q", "--detach");
            GitInfo.Detect(repo, _ => null).ShouldBe(new GitInfo(head, null));
        }
        finally
        {
            Directory.Delete(repo, recursive: true);
        }

        var empty = Path.Combine(Path.GetTempPath(), "loadlens-nogit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        GitInfo.Detect(empty, _ => null).ShouldBe(GitInfo.None with { });
        Directory.Delete(empty);
    }

    [Fact]
    public void Postgres_urls_map_to_npgsql_settings_and_messages_never_show_the_password()
    {
        HistoryStore.Redact("postgres://user:s3cret@db:5432/h").ShouldBe("postgres://user:***@db:5432/h");
        HistoryStore.Redact("postgres://db/h").ShouldBe("postgres://db/h");
        var dialect = HistoryStore.Postgres("postgresql://u%40x:p%3Aw@127.0.0.1:6543/hist?schema=team_a&sslmode=disable");
        dialect.Location.ShouldBe("postgresql://u%40x:***@127.0.0.1:6543/hist?schema=team_a&sslmode=disable");
        Should.Throw<HistoryStoreException>(() => HistoryStore.Postgres("postgres://u:p@h/db?schema=a;drop")).IsUsageError.ShouldBeTrue();
        Should.Throw<HistoryStoreException>(() => HistoryStore.Postgres("postgres://u:p@h/db?bogus=1")).Message.ShouldContain("unknown connection parameter 'bogus'");
        Should.Throw<HistoryStoreException>(() => HistoryStore.Postgres("postgres://u:s3cret@h")).Message.ShouldNotContain("s3cret");
        HistoryStore.LooksLikeReference("@last:main").ShouldBeTrue();
        HistoryStore.LooksLikeReference("01m8svkw76").ShouldBeTrue();
        HistoryStore.LooksLikeReference("results/result.json").ShouldBeFalse();
    }

    private static string Git(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        p.ExitCode.ShouldBe(0, error);
        return output.Trim();
    }
}
