using System.Globalization;
using System.Text.RegularExpressions;
using Loadlens.Core.Results;

namespace Loadlens.Importers.Common;

/// <summary>Maps other tools' failure descriptions to Loadlens <see cref="ErrorCategory"/> values.</summary>
internal static partial class ErrorClassifier
{
    /// <summary>Category of an HTTP status that counted as a failure.</summary>
    public static ErrorCategory FromStatus(int status) => status switch
    {
        >= 400 and < 500 => ErrorCategory.Http4xx,
        >= 500 and < 600 => ErrorCategory.Http5xx,
        >= 100 and < 400 => ErrorCategory.CheckFailed,
        _ => ErrorCategory.Other,
    };

    /// <summary>Category from a free-text error (exception name or message), when no status explains it.</summary>
    public static ErrorCategory FromMessage(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return ErrorCategory.Other;
        }

        var m = message;
        if (Has(m, "refused") || Has(m, "ConnectException") || Has(m, "ECONNREFUSED"))
        {
            return ErrorCategory.ConnectionRefused;
        }

        if (Has(m, "timeout") || Has(m, "timed out") || Has(m, "Timeout"))
        {
            return ErrorCategory.Timeout;
        }

        if (Has(m, "reset") || Has(m, "RemoteDisconnected") || Has(m, "NoHttpResponse") || Has(m, "EOF")
            || Has(m, "broken pipe") || Has(m, "closed by") || Has(m, "aborted"))
        {
            return ErrorCategory.ConnectionReset;
        }

        if (Has(m, "UnknownHost") || Has(m, "NameResolution") || Has(m, "no such host") || Has(m, "Name or service not known")
            || Has(m, "getaddrinfo"))
        {
            return ErrorCategory.Dns;
        }

        if (Has(m, "SSL") || Has(m, "TLS") || Has(m, "certificate") || Has(m, "x509"))
        {
            return ErrorCategory.Tls;
        }

        if (Has(m, "CatchResponseError") || Has(m, "assert") || Has(m, "check"))
        {
            return ErrorCategory.CheckFailed;
        }

        return ErrorCategory.Other;
    }

    /// <summary>An HTTP status named in a message such as "HTTPError('500 Server Error: …')"; null when none.</summary>
    public static int? StatusInMessage(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return null;
        }

        var match = StatusPattern().Match(message);
        if (!match.Success)
        {
            return null;
        }

        var digits = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
        return int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>Status first, message otherwise.</summary>
    public static ErrorCategory Classify(int? status, string? message)
        => status is { } s ? FromStatus(s) : FromMessage(message);

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\b([1-5][0-9]{2}) (?:Client|Server) Error|\bstatus(?:[ _]?code)?\s*[=:]?\s*([1-5][0-9]{2})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex StatusPattern();
}
