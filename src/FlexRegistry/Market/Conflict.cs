using FlexRegistry.Assets;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Shared;

namespace FlexRegistry.Market;

public enum ConflictStatus
{
    Open,
    Resolved,

    /// <summary>The overlap no longer exists (a contract, membership or product changed): closed by the register.</summary>
    Cleared,
}

/// <summary>
/// An entry of the conflict register (seed 003's FO–FSP common register): one asset committed under two contracts
/// whose products' service windows overlap, where the products are not stackable or the asset's committed capacities
/// exceed its capacity. One entry per asset and pair of contracts (unique in the database); detection refreshes it,
/// clears it when the overlap is gone and reopens it if it comes back. It names both sides in full, but
/// <see cref="ConflictView"/> shows each viewer only its own side's commercial terms.
/// </summary>
public sealed class Conflict : EventSource
{
    private Conflict() { }

    public ConflictId Id { get; private set; }
    public AssetId AssetId { get; private set; }
    public string Rule { get; private set; } = "";
    public ContractId ContractA { get; private set; }
    public ContractId ContractB { get; private set; }
    public ProductId ProductA { get; private set; }
    public ProductId ProductB { get; private set; }
    public AssetId PortfolioA { get; private set; }
    public AssetId PortfolioB { get; private set; }
    public ParticipantId SellerA { get; private set; }
    public ParticipantId SellerB { get; private set; }
    public ParticipantId BuyerA { get; private set; }
    public ParticipantId BuyerB { get; private set; }
    public double? CommittedKwA { get; private set; }
    public double? CommittedKwB { get; private set; }
    public double? AssetCapacityKw { get; private set; }
    public DateTimeOffset FirstStart { get; private set; }
    public DateTimeOffset FirstEnd { get; private set; }
    public DateTimeOffset LastEnd { get; private set; }
    public int Occurrences { get; private set; }
    public ConflictStatus Status { get; private set; }

    /// <summary>Everyone the conflict concerns (sellers, buyers, the asset's parties), space-delimited with leading/trailing spaces.</summary>
    public string Parties { get; private set; } = " ";

    /// <summary>Parties that have acknowledged it, in the same form; their notice goes away.</summary>
    public string AcknowledgedBy { get; private set; } = " ";
    public string? Resolution { get; private set; }
    public ParticipantId? ResolvedBy { get; private set; }
    public DateTimeOffset DetectedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public IReadOnlyList<string> PartyList => Parties.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public bool HasParty(ParticipantId participant) => Parties.Contains(" " + participant.Value + " ", StringComparison.Ordinal);

    public bool IsAcknowledgedBy(ParticipantId participant) => AcknowledgedBy.Contains(" " + participant.Value + " ", StringComparison.Ordinal);

    public static Conflict Detect(FoundConflict found, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(found);
        var conflict = new Conflict { Id = ConflictId.New(now), AssetId = found.AssetId, ContractA = found.A.Contract, ContractB = found.B.Contract, DetectedAt = now };
        conflict.Apply(found, now);
        conflict.Status = ConflictStatus.Open;
        conflict.Record("conflict.detected", conflict.Id.ToString(), conflict.EventData(), [.. conflict.PartyList]);
        return conflict;
    }

    /// <summary>
    /// Detection found it again: its details are brought up to date; a cleared conflict that is back is open again.
    /// Returns whether anything changed.
    /// </summary>
    public bool Refresh(FoundConflict found, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(found);
        var changed = found.Rule != Rule || found.Overlap.FirstStart != FirstStart || found.Overlap.LastEnd != LastEnd
                      || found.Overlap.Occurrences != Occurrences || found.A.CommittedKw != CommittedKwA || found.B.CommittedKw != CommittedKwB
                      || found.AssetCapacityKw != AssetCapacityKw || found.Parties.Count != PartyList.Count;
        var reopened = Status == ConflictStatus.Cleared;
        if (!changed && !reopened)
            return false;
        Apply(found, now);
        if (reopened)
        {
            Status = ConflictStatus.Open;
            AcknowledgedBy = " ";
            Resolution = null;
            ResolvedBy = null;
            Record("conflict.detected", Id.ToString(), EventData(), [.. PartyList]);
        }
        return true;
    }

    public void Clear(DateTimeOffset now)
    {
        if (Status == ConflictStatus.Cleared)
            return;
        Status = ConflictStatus.Cleared;
        UpdatedAt = now;
        Record("conflict.cleared", Id.ToString(), EventData(), [.. PartyList]);
    }

    public void Acknowledge(ParticipantId by, DateTimeOffset now)
    {
        if (Status != ConflictStatus.Open)
            throw new DomainRuleException(MarketErrors.ConflictTransition, $"Conflict {Id} is {Status.ToString().ToLowerInvariant()}.");
        if (IsAcknowledgedBy(by))
            return;
        AcknowledgedBy += by.Value + " ";
        UpdatedAt = now;
        var data = EventData();
        data["acknowledgedBy"] = by.Value;
        Record("conflict.acknowledged", Id.ToString(), data, [.. PartyList]);
    }

    /// <summary>A party (or the registry operator) records how the conflict was settled, e.g. which buyer has primacy.</summary>
    public void Resolve(ParticipantId by, string resolution, DateTimeOffset now)
    {
        if (Status != ConflictStatus.Open)
            throw new DomainRuleException(MarketErrors.ConflictTransition, $"Conflict {Id} is {Status.ToString().ToLowerInvariant()}.");
        Status = ConflictStatus.Resolved;
        Resolution = resolution;
        ResolvedBy = by;
        UpdatedAt = now;
        var data = EventData();
        data["resolvedBy"] = by.Value;
        Record("conflict.resolved", Id.ToString(), data, [.. PartyList]);
    }

    private void Apply(FoundConflict f, DateTimeOffset now)
    {
        Rule = f.Rule;
        ProductA = f.A.Product;
        ProductB = f.B.Product;
        PortfolioA = f.A.Portfolio;
        PortfolioB = f.B.Portfolio;
        SellerA = f.A.Seller;
        SellerB = f.B.Seller;
        BuyerA = f.A.Buyer;
        BuyerB = f.B.Buyer;
        CommittedKwA = f.A.CommittedKw;
        CommittedKwB = f.B.CommittedKw;
        AssetCapacityKw = f.AssetCapacityKw;
        FirstStart = f.Overlap.FirstStart;
        FirstEnd = f.Overlap.FirstEnd;
        LastEnd = f.Overlap.LastEnd;
        Occurrences = f.Overlap.Occurrences;
        Parties = " " + string.Join(' ', f.Parties) + " ";
        UpdatedAt = now;
    }

    /// <summary>Thin and free of commercial terms: the asset, the rule and the first overlap; the API shows the rest to whom it may.</summary>
    private Dictionary<string, object?> EventData() => new()
    {
        ["conflictId"] = Id.ToString(),
        ["assetId"] = AssetId.Value,
        ["rule"] = Rule,
        ["status"] = Status.ToString().ToLowerInvariant(),
        ["firstStart"] = FirstStart,
        ["firstEnd"] = FirstEnd,
    };
}

/// <summary>One side of a conflict as detection found it.</summary>
public sealed record ConflictSideData(ContractId Contract, ProductId Product, AssetId Portfolio, ParticipantId Seller, ParticipantId Buyer, double? CommittedKw);

/// <summary>A conflict as detection found it, sides ordered by contract ID.</summary>
public sealed record FoundConflict(AssetId AssetId, string Rule, ConflictSideData A, ConflictSideData B, WindowOverlap Overlap, double? AssetCapacityKw,
    IReadOnlyList<string> Parties);
