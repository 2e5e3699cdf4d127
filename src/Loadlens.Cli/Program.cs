using System.CommandLine;
using Loadlens.Cli;

// Before any socket exists: socket continuations run inline on the epoll threads (half the
// generator CPU per request); the runtime reads this setting once. See docs/performance.md.
Loadlens.Engine.LoadRunner.EnableInlineSocketCompletions();
return await LoadlensCli.RunAsync(args);
