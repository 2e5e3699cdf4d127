using System.Net.Sockets;
using System.Reflection;

namespace Loadlens.Engine.Transport;

/// <summary>
/// .NET's Unix socket engine reads <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> once, with
/// <c>Environment.GetEnvironmentVariable</c>, into a static readonly field of the internal
/// <c>SocketAsyncEngine</c> when the first socket is registered; there is no AppContext switch or
/// runtimeconfig knob. Setting the variable in-process before any socket exists therefore switches
/// it on (the managed environment is what GetEnvironmentVariable reads). Inline completions run
/// socket continuations on the epoll thread instead of queueing them to the thread pool — half the
/// CPU per request for a load generator whose continuations never block.
/// </summary>
internal static class InlineSocketCompletions
{
    internal const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Ask for inline completions; returns whether they are active (null: cannot tell on this platform).</summary>
    public static bool? Enable()
    {
        if (!OperatingSystem.IsWindows() && Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }

        return IsActive();
    }

    /// <summary>Whether the socket engine runs completions inline (null: unknown, e.g. Windows or a changed runtime).</summary>
    public static bool? IsActive()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            var field = typeof(Socket).Assembly.GetType("System.Net.Sockets.SocketAsyncEngine")
                ?.GetField("InlineSocketCompletionsEnabled", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public);
            return field?.GetValue(null) as bool?;
        }
        catch (Exception ex) when (ex is TargetInvocationException or TypeInitializationException or MemberAccessException)
        {
            return null;
        }
    }
}
