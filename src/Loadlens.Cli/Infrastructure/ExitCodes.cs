using Loadlens.Pipeline;

namespace Loadlens.Cli.Infrastructure;

/// <summary>Process exit codes (documented in the README); the pipeline's <see cref="Verdict"/> values.</summary>
internal static class ExitCodes
{
    /// <summary>Everything ran; nothing failed.</summary>
    public const int Ok = (int)Verdict.Ok;

    /// <summary>An SLA/threshold failed or a regression was detected.</summary>
    public const int ThresholdFailed = (int)Verdict.ThresholdFailed;

    /// <summary>Bad usage or bad input (arguments, scenario file, result file).</summary>
    public const int UsageError = (int)Verdict.UsageError;

    /// <summary>The run could not be carried out (target unreachable, interrupted).</summary>
    public const int RunFailed = (int)Verdict.RunFailed;
}
