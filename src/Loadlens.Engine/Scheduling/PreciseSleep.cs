using System.Runtime.InteropServices;

namespace Loadlens.Engine.Scheduling;

/// <summary>
/// Sub-millisecond sleeping for the open-model dispatcher. <see cref="Thread.Sleep(TimeSpan)"/>
/// truncates to whole milliseconds (so waits under 1 ms busy-spin as Sleep(0)); on Linux and macOS
/// nanosleep gives ~50–100 µs precision without burning a core.
/// </summary>
internal static partial class PreciseSleep
{
    private static readonly bool UseNanosleep = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    public static void Sleep(double seconds)
    {
        if (seconds <= 0)
        {
            return;
        }

        if (UseNanosleep)
        {
            var whole = (long)seconds;
            var spec = new TimeSpec { Seconds = whole, Nanoseconds = (long)((seconds - whole) * 1e9) };
            _ = NanoSleep(ref spec, IntPtr.Zero); // an early wake-up (signal) just loops in the caller
            return;
        }

        Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(seconds * 1000))));
    }

    [LibraryImport("libc", EntryPoint = "nanosleep", SetLastError = true)]
    private static partial int NanoSleep(ref TimeSpec request, IntPtr remaining);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
