using System.Globalization;

namespace FlexRegistry.Bench;

/// <summary>--name value pairs; every value may also come from FLEXREG_BENCH_NAME (scale knobs for the scripts).</summary>
public sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
            values[args[i].TrimStart('-')] = args[i + 1];
        return new Args(values);
    }

    public string? Get(string name) =>
        values.TryGetValue(name, out var v) ? v : Environment.GetEnvironmentVariable("FLEXREG_BENCH_" + name.ToUpperInvariant().Replace('-', '_'));

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");

    public double Number(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public int Count(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public long Index(string name, long fallback) => Get(name) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
