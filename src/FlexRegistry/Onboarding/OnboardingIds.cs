using System.Diagnostics.CodeAnalysis;

namespace FlexRegistry.Onboarding;

// Identifiers of published markets and onboardings: version 7 GUIDs, their text on the wire, one type each.

public readonly record struct MarketId(Guid Value) : IComparable<MarketId>
{
    public int CompareTo(MarketId other) => Value.CompareTo(other.Value);

    public static bool operator <(MarketId left, MarketId right) => left.CompareTo(right) < 0;

    public static bool operator >(MarketId left, MarketId right) => left.CompareTo(right) > 0;

    public static bool operator <=(MarketId left, MarketId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(MarketId left, MarketId right) => left.CompareTo(right) >= 0;

    public static MarketId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));

    public static bool TryParse([NotNullWhen(true)] string? s, out MarketId id)
    {
        var ok = Guid.TryParse(s, out var guid);
        id = new MarketId(guid);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

public readonly record struct OnboardingId(Guid Value) : IComparable<OnboardingId>
{
    public int CompareTo(OnboardingId other) => Value.CompareTo(other.Value);

    public static bool operator <(OnboardingId left, OnboardingId right) => left.CompareTo(right) < 0;

    public static bool operator >(OnboardingId left, OnboardingId right) => left.CompareTo(right) > 0;

    public static bool operator <=(OnboardingId left, OnboardingId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(OnboardingId left, OnboardingId right) => left.CompareTo(right) >= 0;

    public static OnboardingId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));

    public static bool TryParse([NotNullWhen(true)] string? s, out OnboardingId id)
    {
        var ok = Guid.TryParse(s, out var guid);
        id = new OnboardingId(guid);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

public readonly record struct OnboardingRequestId(Guid Value)
{
    public static OnboardingRequestId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));

    public static bool TryParse([NotNullWhen(true)] string? s, out OnboardingRequestId id)
    {
        var ok = Guid.TryParse(s, out var guid);
        id = new OnboardingRequestId(guid);
        return ok;
    }

    public override string ToString() => Value.ToString();
}
