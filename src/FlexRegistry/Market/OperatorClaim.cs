using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Shared;

namespace FlexRegistry.Market;

/// <summary>
/// BUC.2 step 3, the right to operate: "participant X operates asset A for service class S from <see cref="From"/> to
/// <see cref="To"/>" (open-ended when null), on the owner's consent. Two operators for one asset, service class and
/// moment are impossible: the database refuses overlapping periods (a PostgreSQL exclusion constraint over a
/// <c>tstzrange</c>; SQLite triggers, which run under its single write lock). A claim that ends is trimmed, never
/// deleted, so the period it held stays on record.
/// </summary>
public sealed class OperatorClaim : EventSource
{
    public const string EndedByOperator = "ended-by-operator";
    public const string Switched = "switched";
    public const string ConsentWithdrawn = "consent-withdrawn";
    public const string AssetDecommissioned = "asset-decommissioned";

    private OperatorClaim() { }

    public OperatorClaimId Id { get; private set; }
    public AssetId AssetId { get; private set; }
    public string ServiceClass { get; private set; } = "";
    public ParticipantId OperatorId { get; private set; }
    public DateTimeOffset From { get; private set; }
    public DateTimeOffset? To { get; private set; }
    public string ConsentReference { get; private set; } = "";
    public string ConsentMethod { get; private set; } = "";
    public DateOnly ConsentDate { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public string? EndReason { get; private set; }

    /// <summary>App-managed concurrency token: two changes to one claim (a switch and a withdrawal) cannot both win.</summary>
    public Guid Version { get; private set; }

    public static OperatorClaim Accept(AssetId asset, string serviceClass, ParticipantId by, DateTimeOffset from, DateTimeOffset? to,
        ConsentEvidence consent, IEnumerable<string> audience, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(consent);
        var claim = new OperatorClaim
        {
            Id = OperatorClaimId.New(now),
            AssetId = asset,
            ServiceClass = serviceClass,
            OperatorId = by,
            From = from,
            To = to,
            ConsentReference = consent.Reference,
            ConsentMethod = consent.Method,
            ConsentDate = consent.Date,
            CreatedAt = now,
            Version = Guid.NewGuid(),
        };
        claim.Record("operator_claim.accepted", asset.Value, claim.EventData(), [by.Value, .. audience]);
        return claim;
    }

    /// <summary>Whether this claim holds any moment of [from, to): an ended-before-it-began claim holds none.</summary>
    public bool Overlaps(DateTimeOffset from, DateTimeOffset? to) =>
        From < (To ?? DateTimeOffset.MaxValue) && From < (to ?? DateTimeOffset.MaxValue) && from < (To ?? DateTimeOffset.MaxValue);

    public string StatusAt(DateTimeOffset now) =>
        To is { } end && end <= From ? "withdrawn" : To is { } t && t <= now ? "ended" : From > now ? "future" : "current";

    /// <summary>
    /// A switch (Elhub FIS's pattern): the new operator's accepted claim starts at <paramref name="at"/>, so this claim
    /// is trimmed to end then. The old operator, the new one and the asset's parties (its owner) are told.
    /// </summary>
    public void TrimForSwitch(DateTimeOffset at, ParticipantId newOperator, IEnumerable<string> audience, DateTimeOffset now)
    {
        End(at, Switched, now);
        var data = EventData();
        data["newOperatorId"] = newOperator.Value;
        Record("operator_claim.switched", AssetId.Value, data, [OperatorId.Value, newOperator.Value, .. audience]);
    }

    /// <summary>The operator ends its own claim at <paramref name="at"/> (not in the past).</summary>
    public void EndByOperator(DateTimeOffset at, IEnumerable<string> audience, DateTimeOffset now)
    {
        if (at < now || (To is { } to && (to <= now || at > to)))
            throw new DomainRuleException(MarketErrors.ClaimEndInvalid, "A claim ends now or later, before its own end, and only while it has not ended.");
        End(at, EndedByOperator, now);
        Record("operator_claim.ended", AssetId.Value, EventData(), [OperatorId.Value, .. audience]);
    }

    /// <summary>The owner withdraws consent: the claim ends now (a claim not yet begun never applies), and the operator is told.</summary>
    public void WithdrawConsent(string? reason, IEnumerable<string> audience, DateTimeOffset now)
    {
        if (To is { } to && to <= now)
            throw new DomainRuleException(MarketErrors.ClaimEndInvalid, "This claim has already ended.");
        End(now, ConsentWithdrawn, now);
        var data = EventData();
        data["reason"] = reason;
        Record("operator_claim.consent_withdrawn", AssetId.Value, data, [OperatorId.Value, .. audience]);
    }

    /// <summary>The asset was decommissioned: a claim in force ends now, one not yet begun never applies; the operator is told.</summary>
    public void EndForDecommissioning(IEnumerable<string> audience, DateTimeOffset now)
    {
        End(now, AssetDecommissioned, now);
        Record("operator_claim.ended", AssetId.Value, EventData(), [OperatorId.Value, .. audience]);
    }

    private void End(DateTimeOffset at, string reason, DateTimeOffset now)
    {
        To = at < From ? From : at;
        EndedAt = now;
        EndReason = reason;
        Version = Guid.NewGuid();
    }

    private Dictionary<string, object?> EventData() => new()
    {
        ["claimId"] = Id.ToString(),
        ["assetId"] = AssetId.Value,
        ["serviceClass"] = ServiceClass,
        ["operatorId"] = OperatorId.Value,
        ["from"] = From,
        ["to"] = To,
        ["endReason"] = EndReason,
    };

    public OperatorClaimResponse ToResponse(DateTimeOffset now, bool withConsent) => new(
        Id.ToString(), AssetId.Value, ServiceClass, OperatorId.Value, From, To, StatusAt(now),
        withConsent ? new ConsentEvidenceDto { Reference = ConsentReference, Method = ConsentMethod, Date = ConsentDate } : null,
        EndReason, CreatedAt);
}

/// <summary>The owner's consent evidence an operator claim carries, validated.</summary>
public sealed record ConsentEvidence(string Reference, string Method, DateOnly Date)
{
    public static readonly IReadOnlyList<string> Methods = ["signed-contract", "online-form", "installer-declaration", "recorded-call", "other"];

    public static ConsentEvidence? Validate(ConsentEvidenceDto? dto, DateOnly today, FieldErrors errors)
    {
        if (dto is null)
        {
            errors.Add("consent", "operator_claim.consent_required", "consent is required: the owner's consent evidence (reference, method, date).");
            return null;
        }
        var before = errors.All.Count;
        errors.Required("consent.reference", dto.Reference, 200);
        if (string.IsNullOrWhiteSpace(dto.Method))
            errors.Add("consent.method", "field.required", "consent.method is required.");
        else if (!Methods.Contains(dto.Method.Trim()))
            errors.Add("consent.method", "field.invalid", $"consent.method is one of {string.Join(", ", Methods)}.");
        if (dto.Date is null)
            errors.Add("consent.date", "field.required", "consent.date is required.");
        else if (dto.Date > today)
            errors.Add("consent.date", "field.out_of_range", "consent.date cannot be in the future: consent is evidence of what the owner has agreed.");
        return errors.All.Count == before ? new ConsentEvidence(dto.Reference!.Trim(), dto.Method!.Trim(), dto.Date!.Value) : null;
    }
}

/// <summary>
/// A competing claim that was turned down because another operator holds the asset (BUC.2 step 3: conflicting claims
/// are surfaced to both parties). Kept so that both see a notice until the overlap is gone or the contest lapses; the
/// claimant learns the other claim's period only, never who holds it or on what consent.
/// </summary>
public sealed class ClaimContest : EventSource
{
    private ClaimContest() { }

    public ClaimContestId Id { get; private set; }
    public AssetId AssetId { get; private set; }
    public string ServiceClass { get; private set; } = "";
    public ParticipantId ClaimantId { get; private set; }
    public OperatorClaimId HeldClaimId { get; private set; }
    public ParticipantId HolderId { get; private set; }
    public DateTimeOffset RequestedFrom { get; private set; }
    public DateTimeOffset? RequestedTo { get; private set; }
    public DateTimeOffset RaisedAt { get; private set; }

    public static ClaimContest Raise(AssetId asset, string serviceClass, ParticipantId claimant, OperatorClaim held,
        DateTimeOffset from, DateTimeOffset? to, IEnumerable<string> owners, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(held);
        var contest = new ClaimContest
        {
            Id = ClaimContestId.New(now),
            AssetId = asset,
            ServiceClass = serviceClass,
            ClaimantId = claimant,
            HeldClaimId = held.Id,
            HolderId = held.OperatorId,
            RequestedFrom = from,
            RequestedTo = to,
            RaisedAt = now,
        };
        var common = new Dictionary<string, object?>
        {
            ["contestId"] = contest.Id.ToString(),
            ["assetId"] = asset.Value,
            ["serviceClass"] = serviceClass,
            ["requestedFrom"] = from,
            ["requestedTo"] = to,
            ["heldFrom"] = held.From,
            ["heldTo"] = held.To,
        };
        // The holder (and the owner) learn who contests; the claimant learns the held period only.
        contest.Record("operator_claim.contested", asset.Value, new Dictionary<string, object?>(common) { ["claimantId"] = claimant.Value },
            [held.OperatorId.Value, .. owners.Where(o => o != claimant.Value)]);
        contest.Record("operator_claim.contested", asset.Value, common, claimant.Value);
        return contest;
    }
}
