using FlexRegistry.Assets;
using FlexRegistry.Events;
using FlexRegistry.Participants;

namespace FlexRegistry.Market;

/// <summary>
/// An asset's membership of a portfolio for a period (from, to; open-ended when <see cref="To"/> is null). An asset may
/// be in several portfolios; its periods in one portfolio never overlap (the database refuses it: an exclusion
/// constraint on PostgreSQL, a trigger on SQLite). <see cref="CapacityKw"/> is the share of the asset the portfolio
/// commits (null: its rated capacity); splitting an asset between portfolios is giving it a share in each.
/// </summary>
public sealed class PortfolioMember : EventSource
{
    private PortfolioMember() { }

    public MembershipId Id { get; private set; }
    public AssetId PortfolioId { get; private set; }
    public AssetId AssetId { get; private set; }
    public string AssetType { get; private set; } = "";
    public double? CapacityKw { get; private set; }
    public DateTimeOffset From { get; private set; }
    public DateTimeOffset? To { get; private set; }
    public ParticipantId AddedBy { get; private set; }
    public DateTimeOffset AddedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }

    public static PortfolioMember Add(AssetId portfolio, Asset asset, double? capacityKw, DateTimeOffset from, DateTimeOffset? to,
        ParticipantId by, IEnumerable<string> audience, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var member = new PortfolioMember
        {
            Id = MembershipId.New(now),
            PortfolioId = portfolio,
            AssetId = asset.Id,
            AssetType = asset.Type,
            CapacityKw = capacityKw,
            From = from,
            To = to,
            AddedBy = by,
            AddedAt = now,
        };
        member.Record("portfolio.member_added", portfolio.Value, member.EventData(), [.. audience]);
        return member;
    }

    public bool CoversAt(DateTimeOffset at) => From <= at && (To is null || at < To);

    /// <summary>Ends the membership at <paramref name="at"/> (a membership not yet begun ends before it starts: it never applied).</summary>
    public void End(DateTimeOffset at, IEnumerable<string> audience, DateTimeOffset now)
    {
        To = at < From ? From : at;
        EndedAt = now;
        Record("portfolio.member_removed", PortfolioId.Value, EventData(), [.. audience]);
    }

    private Dictionary<string, object?> EventData() => new()
    {
        ["portfolioId"] = PortfolioId.Value,
        ["assetId"] = AssetId.Value,
        ["membershipId"] = Id.ToString(),
        ["from"] = From,
        ["to"] = To,
    };
}
