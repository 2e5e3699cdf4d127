namespace Loadlens.Cli.Infrastructure;

/// <summary>Process exit codes (documented in the README).</summary>
internal static class ExitCodes
{
    /// <summary>Everything ran; nothing failed.</summary>
    public const int Ok = 0;

    /// <summary>An SLA/threshold failed or a regression was detected.</summary>
    public const int ThresholdFailed = 1;

    /// <summary>Bad usage or bad input (arguments, scenario file, result file).</summary>
    public const int UsageError = 2;

    /// <summary>The run could not be carried out (target unreachable, interrupted).</summary>
    public const int RunFailed = 3;
}
