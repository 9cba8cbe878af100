using System.Globalization;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// The market's notices, derived from its state so that each goes away once settled: a conflict the caller is a party
/// to and has not acknowledged; a contract the other side proposed, awaiting the caller's answer; a competing operator
/// claim (for both operators) while the held claim still overlaps what was asked and the contest is recent.
/// </summary>
public sealed class MarketNotices(RegistryDbContext db, OperatorClaimOptions options, TimeProvider time) : INoticeSource
{
    public const string Conflict = "conflict";
    public const string ContractProposal = "contract-proposal";
    public const string ClaimContested = "operator-claim-contested";

    public async Task<IReadOnlyList<NoticeResponse>> ListAsync(Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var me = caller.ParticipantId;
        var party = " " + me.Value + " ";
        var notices = new List<NoticeResponse>();

        var conflicts = await db.Conflicts.AsNoTracking()
            .Where(c => c.Status == ConflictStatus.Open && c.Parties.Contains(party) && !c.AcknowledgedBy.Contains(party))
            .OrderBy(c => c.Id).Take(200).ToListAsync(ct);
        foreach (var c in conflicts)
        {
            var raisedBy = await Notices.RaisedByAsync(db, "flexregistry.conflict.detected", c.Id.ToString(), null, ct);
            notices.Add(new NoticeResponse($"{Conflict}:{c.Id}", Conflict, c.AssetId.Value,
                "Two commitments of this asset overlap in time and break a stacking rule. Agree with the other parties which gives way (or split the capacity), then acknowledge or resolve the conflict.",
                $"Rule {c.Rule}; first overlap {c.FirstStart.ToString("O", CultureInfo.InvariantCulture)}.", $"/api/v1/conflicts/{c.Id}", c.DetectedAt,
                raisedBy?.Id.ToString(), raisedBy?.Sequence.ToString(CultureInfo.InvariantCulture)));
        }

        var proposals = await db.Contracts.AsNoTracking()
            .Where(c => c.Status == ContractStatus.Proposed && (c.SellerId == me || c.BuyerId == me) && c.ProposedBy != me)
            .OrderBy(c => c.Id).Take(200).ToListAsync(ct);
        foreach (var c in proposals)
        {
            var raisedBy = await Notices.RaisedByAsync(db, "flexregistry.contract.proposed", c.Id.ToString(), null, ct);
            notices.Add(new NoticeResponse($"{ContractProposal}:{c.Id}", ContractProposal, c.Id.ToString(),
                $"{c.ProposedBy} proposed a contract to you. Accept it or decline it.",
                $"Portfolio {c.PortfolioId}, product {c.ProductId}.", $"/api/v1/contracts/{c.Id}", c.ProposedAt,
                raisedBy?.Id.ToString(), raisedBy?.Sequence.ToString(CultureInfo.InvariantCulture)));
        }

        var since = time.GetUtcNow() - options.ContestNotice;
        var contests = await (
                from k in db.ClaimContests
                join held in db.OperatorClaims on k.HeldClaimId equals held.Id
                where (k.ClaimantId == me || k.HolderId == me) && k.RaisedAt > since
                      // Still contested: the held claim still holds part of what was asked.
                      && (held.To == null || (held.From < held.To && k.RequestedFrom < held.To)) && (k.RequestedTo == null || held.From < k.RequestedTo)
                orderby k.RaisedAt
                select k)
            .AsNoTracking().Take(200).ToListAsync(ct);
        foreach (var k in contests)
        {
            var holder = k.HolderId == me;
            notices.Add(new NoticeResponse($"{ClaimContested}:{k.Id}", ClaimContested, k.AssetId.Value,
                holder
                    ? $"{k.ClaimantId} claims to operate this asset for {k.ServiceClass}, which you hold. If the owner has moved to them, end your claim or let them switch; otherwise settle it with them."
                    : $"Another operator holds this asset for {k.ServiceClass}. Ask the owner; to take over, claim with enough notice to switch.",
                $"Asked from {k.RequestedFrom.ToString("O", CultureInfo.InvariantCulture)}.", $"/api/v1/operator-claims?asset={k.AssetId}", k.RaisedAt, null, null));
        }
        return notices;
    }
}

/// <summary>Contracts relate their two sides (BUC.4 step 9: a change to one's corporate information reaches the other).</summary>
public sealed class ContractRelationships(RegistryDbContext db) : IRelationshipSource
{
    public async Task<IReadOnlyList<ParticipantId>> RelatedToAsync(ParticipantId participant, DateTimeOffset at, CancellationToken ct)
    {
        var sides = await db.Contracts.AsNoTracking()
            .Where(c => (c.SellerId == participant || c.BuyerId == participant) && (c.Status == ContractStatus.Active || c.Status == ContractStatus.Proposed) && c.To > at)
            .Select(c => new { c.SellerId, c.BuyerId }).ToListAsync(ct);
        return [.. sides.Select(s => s.SellerId == participant ? s.BuyerId : s.SellerId).Distinct()];
    }
}
