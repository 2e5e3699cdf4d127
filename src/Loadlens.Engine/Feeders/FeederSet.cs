using Loadlens.Core.Scenarios;

namespace Loadlens.Engine.Feeders;

/// <summary>Runtime form of the scenario's feeders: hands out one value per placeholder per request.</summary>
internal sealed class FeederSet
{
    private readonly Feeder[] _feeders;

    public FeederSet(IReadOnlyList<FeederDefinition> definitions)
    {
        _feeders = definitions.Select(d => new Feeder(d)).ToArray();
        Names = definitions.Select(d => d.Name).ToArray();
    }

    public IReadOnlyList<string> Names { get; }

    public int Count => _feeders.Length;

    public int IndexOf(string name) => Array.IndexOf((string[])Names, name);

    public string Next(int feeder, Random random) => _feeders[feeder].Next(random);

    private sealed class Feeder
    {
        private readonly FeederDefinition _definition;
        private readonly string[] _values;
        private long _cursor = -1;

        public Feeder(FeederDefinition definition)
        {
            _definition = definition;
            _values = definition.Kind == FeederKind.Csv ? [.. definition.Values] : [];
            if (definition.Kind == FeederKind.Csv && _values.Length == 0)
            {
                throw new ArgumentException($"feeder '{definition.Name}' has no values");
            }

            if (definition.Kind == FeederKind.Range && definition.To < definition.From)
            {
                throw new ArgumentException($"feeder '{definition.Name}' has an empty range");
            }
        }

        public string Next(Random random)
        {
            // Sequential feeders share one cursor across users (one uncontended-in-practice atomic per value).
            if (_definition.Kind == FeederKind.Csv)
            {
                var index = _definition.Order == FeederOrder.Random
                    ? random.Next(_values.Length)
                    : (int)((ulong)Interlocked.Increment(ref _cursor) % (ulong)_values.Length);
                return _values[index];
            }

            var span = (ulong)(_definition.To - _definition.From) + 1;
            var offset = _definition.Order == FeederOrder.Random
                ? (ulong)random.NextInt64(0, span == 0 ? long.MaxValue : (long)Math.Min(span, long.MaxValue))
                : span == 0 ? (ulong)Interlocked.Increment(ref _cursor) : (ulong)Interlocked.Increment(ref _cursor) % span; // span 0: the full 2^64 range
            return ((long)((ulong)_definition.From + offset)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
