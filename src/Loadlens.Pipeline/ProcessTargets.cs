namespace Loadlens.Pipeline;

/// <summary>
/// The server processes to watch while a run loads them (<c>--target-pid</c>, repeatable; <c>--target-children</c>;
/// <c>--target-dotnet</c>). The process monitor samples <c>/proc</c> for them (<see cref="Core.Results.ProcessWatch"/>),
/// the runtime monitor reads the .NET runtime counters of the .NET ones over EventPipe
/// (<see cref="Core.Results.DotnetCounters"/>).
/// </summary>
/// <param name="Pids">The root processes.</param>
/// <param name="Children">Also follow every descendant of the roots (e.g. gunicorn's workers under the master), including ones started during the run.</param>
/// <param name="Dotnet">
/// Read the .NET runtime counters: true requires them (a root that is not a .NET process is a usage error), false turns them
/// off, null (the default) reads them for every watched process that is a .NET process.
/// </param>
public sealed record ProcessTargets(IReadOnlyList<int> Pids, bool Children = false, bool? Dotnet = null);
