namespace FlexRegistry.Shared.Matching;

/// <summary>
/// One level of a Fellegi–Sunter comparison, as in Splink: <see cref="M"/> is the probability of this level when the two
/// records describe one thing, <see cref="U"/> when they describe two things that blocking put side by side. The level adds
/// its match weight, log2(m/u) bits, to the pair's total: positive when the level is more typical of one thing than of two.
/// </summary>
public sealed record ComparisonLevel(string Name, double M, double U, string Meaning)
{
    public double Weight { get; } = Math.Log2(M / U);
}

/// <summary>One field's comparison: its levels, most to least alike. A field missing on either side adds nothing.</summary>
public sealed record Comparison(string Field, string Description, IReadOnlyList<ComparisonLevel> Levels)
{
    public ComparisonLevel Level(string name) => Levels.FirstOrDefault(l => l.Name == name)
        ?? throw new ArgumentException($"{Field} has no level {name}.", nameof(name));
}

/// <summary>What one field said about a pair: the level its values fell into and the weight that level carries.</summary>
public sealed record FieldEvidence(string Field, string Level, double Weight)
{
    public static FieldEvidence Of(Comparison comparison, ComparisonLevel level) =>
        new(comparison.Field, level.Name, Math.Round(level.Weight, 2));

    public static FieldEvidence Missing(Comparison comparison) => new(comparison.Field, "missing", 0);
}

/// <summary>The sum of a pair's evidence: the prior plus every field's weight, in bits (log2 odds), and what it means as a probability.</summary>
public static class MatchWeight
{
    /// <summary>log2 of the prior odds that a pair is one thing.</summary>
    public static double Prior(double probability) => Math.Log2(probability / (1 - probability));

    public static double Probability(double weight) => 1 / (1 + Math.Pow(2, -weight));
}
