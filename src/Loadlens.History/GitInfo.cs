using System.Diagnostics;

namespace Loadlens.History;

/// <summary>The git commit and branch a run was made at.</summary>
/// <param name="Commit">Full commit sha (lower case), when known.</param>
/// <param name="Branch">Branch name, when known (null for a detached head outside CI).</param>
public sealed record GitInfo(string? Commit, string? Branch)
{
    /// <summary>Nothing known.</summary>
    public static GitInfo None { get; } = new(null, null);

    /// <summary>
    /// Detect the commit and branch: the usual CI variables first (GitHub Actions <c>GITHUB_SHA</c>/<c>GITHUB_HEAD_REF</c>/<c>GITHUB_REF_NAME</c>,
    /// GitLab <c>CI_COMMIT_SHA</c>/<c>CI_COMMIT_REF_NAME</c>, Jenkins <c>GIT_COMMIT</c>/<c>GIT_BRANCH</c>, Azure <c>BUILD_SOURCEVERSION</c>/<c>BUILD_SOURCEBRANCHNAME</c>,
    /// Bitbucket <c>BITBUCKET_COMMIT</c>/<c>BITBUCKET_BRANCH</c>, CircleCI <c>CIRCLE_SHA1</c>/<c>CIRCLE_BRANCH</c>), then <c>git rev-parse</c> in
    /// <paramref name="workingDirectory"/>. Never throws: without git and CI variables both are null.
    /// </summary>
    public static GitInfo Detect(string workingDirectory, Func<string, string?>? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        string? First(params string[] names) => names.Select(env).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

        var commit = First("GITHUB_SHA", "CI_COMMIT_SHA", "GIT_COMMIT", "BUILD_SOURCEVERSION", "BITBUCKET_COMMIT", "CIRCLE_SHA1");
        var branch = First("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME", "GIT_BRANCH", "BUILD_SOURCEBRANCHNAME", "BITBUCKET_BRANCH", "CIRCLE_BRANCH");
        commit ??= Git(workingDirectory, "rev-parse", "HEAD");
        if (branch is null)
        {
            var head = Git(workingDirectory, "rev-parse", "--abbrev-ref", "HEAD");
            branch = head is "HEAD" ? null : head;
        }

        // Jenkins writes origin/main; keep the branch name.
        if (branch is not null && branch.StartsWith("origin/", StringComparison.Ordinal))
        {
            branch = branch["origin/".Length..];
        }

        return new GitInfo(commit?.ToLowerInvariant(), branch);
    }

    private static string? Git(string workingDirectory, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("git")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            using var process = Process.Start(psi);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            var text = output.GetAwaiter().GetResult().Trim();
            return process.ExitCode == 0 && text.Length > 0 ? text : null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }
}
