using System.Text;
using Loadlens.Core.Results;

namespace Loadlens.Engine.Recording;

/// <summary>
/// One endpoint's Server-Timing metric names, fixed at first sight and shared by every thread: at most
/// <see cref="ServerTimingSummary.MaxNames"/>. Lookups compare bytes without allocating or locking; only a name
/// seen for the first time takes the lock and allocates (at most <see cref="ServerTimingSummary.MaxNames"/> times
/// per endpoint and run).
/// </summary>
internal sealed class ServerTimingNames
{
    private readonly byte[][] _names = new byte[ServerTimingSummary.MaxNames][];
    private readonly string[] _text = new string[ServerTimingSummary.MaxNames];
    private int _count;

    /// <summary>Names known so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The name in slot <paramref name="slot"/>.</summary>
    public string this[int slot] => _text[slot];

    /// <summary>The slot of <paramref name="name"/>, adding it when there is room; -1 when the table is full.</summary>
    public int Intern(ReadOnlySpan<byte> name)
    {
        var count = Volatile.Read(ref _count);
        for (var i = 0; i < count; i++)
        {
            if (name.SequenceEqual(_names[i]))
            {
                return i;
            }
        }

        if (count >= ServerTimingSummary.MaxNames)
        {
            return -1;
        }

        lock (_names)
        {
            count = _count;
            for (var i = 0; i < count; i++)
            {
                if (name.SequenceEqual(_names[i]))
                {
                    return i;
                }
            }

            if (count >= ServerTimingSummary.MaxNames)
            {
                return -1;
            }

            _names[count] = name.ToArray();
            _text[count] = Encoding.ASCII.GetString(name);
            Volatile.Write(ref _count, count + 1);
            return count;
        }
    }
}
