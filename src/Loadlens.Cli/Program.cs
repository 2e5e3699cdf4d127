using System.CommandLine;
using Loadlens.Cli;

return await LoadlensCli.RunAsync(args);
