using System.Diagnostics.CodeAnalysis;

namespace FlexRegistry.Market;

// The market's identifiers: one type each, so a contract ID can never be passed where a product ID is expected.
// Version 7 GUIDs (time-ordered for the indexes, random enough not to be guessed); the wire form is the GUID's text.

public readonly record struct ProductId(Guid Value) : IComparable<ProductId>
{
    public static ProductId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));

    public static bool TryParse([NotNullWhen(true)] string? s, out ProductId id)
    {
        var ok = Guid.TryParse(s, out var guid);
        id = new ProductId(guid);
        return ok;
    }

    public int CompareTo(ProductId other) => Value.CompareTo(other.Value);

    public static bool operator <(ProductId left, ProductId right) => left.CompareTo(right) < 0;

    public static bool operator >(ProductId left, ProductId right) => left.CompareTo(right) > 0;

    public static bool operator <=(ProductId left, ProductId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ProductId left, ProductId right) => left.CompareTo(right) >= 0;

    public override string ToString() => Value.ToString();
}

public readonly record struct ContractId(Guid Value) : IComparable<ContractId>
{
    public static ContractId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));

    public static bool TryParse([NotNullWhen(true)] string? s, out ContractId id)
    {
        var ok = Guid.TryParse(s, out var guid);
        id = new ContractId(guid);
        return ok;
    }

    public int CompareTo(ContractId other) => Value.CompareTo(other.Value);

    public static bool operator <(ContractId left, ContractId right) => left.CompareTo(right) < 0;

    public static bool operator >(ContractId left, ContractId right) => left.CompareTo(right) > 0;

    public static bool operator <=(ContractId left, ContractId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ContractId left, ContractId right) => left.CompareTo(right) >= 0;

    public override string ToString() => Value.ToString();
}

public readonly record struct OperatorClaimId(Guid Value) : IComparable<OperatorClaimId>
{
    public int CompareTo(OperatorClaimId other) => Value.CompareTo(other.Value);

    public static bool operator <(OperatorClaimId left, OperatorClaimId right) => left.CompareTo(right) < 0;

    public static bool operator >(OperatorClaimId left, OperatorClaimId right) => left.CompareTo(right) > 0;

    public static bool operator <=(OperatorClaimId left, OperatorClaimId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(OperatorClaimId left, OperatorClaimId right) => left.CompareTo(right) >= 0;

    public static OperatorClaimId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));

    public static bool TryParse([NotNullWhen(true)] string? s, out OperatorClaimId id)
    {
        var ok = Guid.TryParse(s, out var guid);
        id = new OperatorClaimId(guid);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

public readonly record struct ClaimContestId(Guid Value)
{
    public static ClaimContestId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));

    public override string ToString() => Value.ToString();
}

public readonly record struct MembershipId(Guid Value) : IComparable<MembershipId>
{
    public int CompareTo(MembershipId other) => Value.CompareTo(other.Value);

    public static bool operator <(MembershipId left, MembershipId right) => left.CompareTo(right) < 0;

    public static bool operator >(MembershipId left, MembershipId right) => left.CompareTo(right) > 0;

    public static bool operator <=(MembershipId left, MembershipId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(MembershipId left, MembershipId right) => left.CompareTo(right) >= 0;

    public static MembershipId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));

    public override string ToString() => Value.ToString();
}

public readonly record struct ConflictId(Guid Value) : IComparable<ConflictId>
{
    public int CompareTo(ConflictId other) => Value.CompareTo(other.Value);

    public static bool operator <(ConflictId left, ConflictId right) => left.CompareTo(right) < 0;

    public static bool operator >(ConflictId left, ConflictId right) => left.CompareTo(right) > 0;

    public static bool operator <=(ConflictId left, ConflictId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ConflictId left, ConflictId right) => left.CompareTo(right) >= 0;

    public static ConflictId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));

    public static bool TryParse([NotNullWhen(true)] string? s, out ConflictId id)
    {
        var ok = Guid.TryParse(s, out var guid);
        id = new ConflictId(guid);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

public readonly record struct OwnerSessionId(Guid Value)
{
    public static OwnerSessionId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));

    public override string ToString() => Value.ToString();
}
