using System.Diagnostics.CodeAnalysis;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Shared;

namespace FlexRegistry.Assets;

/// <summary>The ID of an asset party attachment (a version 7 GUID: time-ordered for the index, not guessable).</summary>
public readonly record struct AssetPartyId(Guid Value) : IComparable<AssetPartyId>
{
    public static AssetPartyId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));

    public static bool TryParse([NotNullWhen(true)] string? s, out AssetPartyId id)
    {
        var ok = Guid.TryParse(s, out var guid);
        id = new AssetPartyId(guid);
        return ok;
    }

    public int CompareTo(AssetPartyId other) => Value.CompareTo(other.Value);

    public static bool operator <(AssetPartyId left, AssetPartyId right) => left.CompareTo(right) < 0;

    public static bool operator >(AssetPartyId left, AssetPartyId right) => left.CompareTo(right) > 0;

    public static bool operator <=(AssetPartyId left, AssetPartyId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(AssetPartyId left, AssetPartyId right) => left.CompareTo(right) >= 0;

    public override string ToString() => Value.ToString();
}

/// <summary>Where an attachment stands.</summary>
public enum AssetPartyStatus
{
    /// <summary>Asked for (an invitation the participant has not answered, or a claim the registrant or owner has not).</summary>
    Pending,
    Active,
    Declined,
    Ended,
}

/// <summary>The roles a participant is attached to an asset in (the registrant is attached by registering; operators by claims).</summary>
public static class PartyRoles
{
    public const string Owner = AssetRoleCodes.Owner;
    public const string Installer = AssetRoleCodes.Installer;

    public static readonly IReadOnlyList<string> All = [Owner, Installer];

    public static AssetRoles ToRole(string role) => role switch
    {
        Owner => AssetRoles.Owner,
        Installer => AssetRoles.Installer,
        _ => AssetRoles.None,
    };

    /// <summary>The participant role a holder of this party role must have (flex-owner for owners, installer for installers).</summary>
    public static string ParticipantRoleFor(string role) => role == Owner ? ParticipantRole.FlexOwner : ParticipantRole.Installer;
}

/// <summary>
/// A participant attached to an asset in a role (BUC.2 steps 1c, 7a, 7c: several access points, one asset ID): an owner
/// or an installer. Attached by <em>invitation</em> (the registrant or owner invites, the participant accepts) or by
/// <em>claim</em> (the participant asks, the registrant or owner accepts); detached by either side. Every step is dated,
/// evented to the asset's parties and audited. The database allows one open attachment per asset, participant and role,
/// and one active owner per asset, whatever the races.
/// </summary>
public sealed class AssetParty : EventSource
{
    public const string Invitation = "invitation";
    public const string Claim = "claim";

    private AssetParty() { }

    public AssetPartyId Id { get; private set; }
    public AssetId AssetId { get; private set; }
    public ParticipantId ParticipantId { get; private set; }

    /// <summary>One of <see cref="PartyRoles"/>.</summary>
    public string Role { get; private set; } = "";
    public AssetPartyStatus Status { get; private set; }

    /// <summary><see cref="Invitation"/> or <see cref="Claim"/>.</summary>
    public string Initiative { get; private set; } = "";
    public ParticipantId RequestedBy { get; private set; }
    public DateTimeOffset RequestedAt { get; private set; }
    public ParticipantId? DecidedBy { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }

    /// <summary>When the attachment became active.</summary>
    public DateTimeOffset? From { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public ParticipantId? EndedBy { get; private set; }
    public string? EndReason { get; private set; }

    /// <summary>The owner's consent evidence, required when the owner is a household (an individual participant).</summary>
    public string? ConsentReference { get; private set; }
    public string? ConsentMethod { get; private set; }
    public DateOnly? ConsentDate { get; private set; }

    /// <summary>App-managed concurrency token: an acceptance and a withdrawal cannot both win.</summary>
    public Guid Version { get; private set; }

    public bool IsOpen => Status is AssetPartyStatus.Pending or AssetPartyStatus.Active;

    /// <summary>Who must answer a pending attachment: the invitee (invitation), or the registrant or owner (claim).</summary>
    public bool AwaitsParticipant => Initiative == Invitation;

    public static AssetParty Request(AssetId asset, ParticipantId participant, string role, string initiative, ParticipantId requestedBy,
        ConsentEvidenceValue? consent, IEnumerable<string> answerers, DateTimeOffset now)
    {
        var party = new AssetParty
        {
            Id = AssetPartyId.New(now),
            AssetId = asset,
            ParticipantId = participant,
            Role = role,
            Status = AssetPartyStatus.Pending,
            Initiative = initiative,
            RequestedBy = requestedBy,
            RequestedAt = now,
            Version = Guid.NewGuid(),
        };
        party.SetConsent(consent);
        party.Record("asset.party_requested", asset.Value, party.EventData(), [requestedBy.Value, .. answerers]);
        return party;
    }

    /// <summary>Attached at once, without a pending step (a change of owner carrying the new owner's consent evidence).</summary>
    public static AssetParty AttachNow(AssetId asset, ParticipantId participant, string role, ParticipantId by, ConsentEvidenceValue? consent,
        IEnumerable<string> audience, DateTimeOffset now)
    {
        var party = new AssetParty
        {
            Id = AssetPartyId.New(now),
            AssetId = asset,
            ParticipantId = participant,
            Role = role,
            Status = AssetPartyStatus.Active,
            Initiative = Invitation,
            RequestedBy = by,
            RequestedAt = now,
            DecidedBy = by,
            DecidedAt = now,
            From = now,
            Version = Guid.NewGuid(),
        };
        party.SetConsent(consent);
        party.Record("asset.party_attached", asset.Value, party.EventData(), [participant.Value, .. audience]);
        return party;
    }

    public void Accept(ParticipantId by, ConsentEvidenceValue? consent, IEnumerable<string> audience, DateTimeOffset now)
    {
        EnsurePending();
        if (consent is not null)
            SetConsent(consent);
        Status = AssetPartyStatus.Active;
        DecidedBy = by;
        DecidedAt = now;
        From = now;
        Version = Guid.NewGuid();
        Record("asset.party_attached", AssetId.Value, EventData(), [ParticipantId.Value, .. audience]);
    }

    public void Decline(ParticipantId by, string? reason, DateTimeOffset now)
    {
        EnsurePending();
        Status = AssetPartyStatus.Declined;
        DecidedBy = by;
        DecidedAt = now;
        EndReason = reason;
        Version = Guid.NewGuid();
        Record("asset.party_declined", AssetId.Value, EventData(), RequestedBy.Value, ParticipantId.Value);
    }

    /// <summary>Detaches an active attachment, or withdraws a pending one.</summary>
    public void End(ParticipantId by, string reason, IEnumerable<string> audience, DateTimeOffset now)
    {
        if (!IsOpen)
            throw new DomainRuleException(AssetErrors.PartyNotOpen, $"Attachment {Id} is already {Status.ToString().ToLowerInvariant()}.");
        var wasActive = Status == AssetPartyStatus.Active;
        Status = AssetPartyStatus.Ended;
        EndedAt = now;
        EndedBy = by;
        EndReason = reason;
        Version = Guid.NewGuid();
        Record(wasActive ? "asset.party_detached" : "asset.party_withdrawn", AssetId.Value, EventData(), [ParticipantId.Value, RequestedBy.Value, .. audience]);
    }

    private void EnsurePending()
    {
        if (Status != AssetPartyStatus.Pending)
            throw new DomainRuleException(AssetErrors.PartyNotOpen, $"Attachment {Id} is {Status.ToString().ToLowerInvariant()}, not pending.");
    }

    private void SetConsent(ConsentEvidenceValue? consent)
    {
        ConsentReference = consent?.Reference;
        ConsentMethod = consent?.Method;
        ConsentDate = consent?.Date;
    }

    private Dictionary<string, object?> EventData() => new()
    {
        ["assetId"] = AssetId.Value,
        ["partyId"] = Id.ToString(),
        ["partyParticipantId"] = ParticipantId.Value,
        ["role"] = Role,
        ["initiative"] = Initiative,
        ["partyStatus"] = Status.ToString().ToLowerInvariant(),
    };
}

/// <summary>Owner consent evidence as the register keeps it (checked by <see cref="ConsentEvidenceValue.Check"/>).</summary>
public sealed record ConsentEvidenceValue(string Reference, string Method, DateOnly Date)
{
    public static ConsentEvidenceValue? Check(string field, Client.Contracts.OwnerConsentDto? dto, bool required, DateOnly today, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (dto is null)
        {
            if (required)
                errors.Add(field, ValidationRule.ConsentRequired.Code, $"{field} (reference, method, date) is required.");
            return null;
        }
        var before = errors.All.Count;
        errors.Required(field + ".reference", dto.Reference, 200);
        errors.Required(field + ".method", dto.Method, 200);
        if (dto.Date is null)
            errors.Add(field + ".date", ValidationRule.ConsentRequired.Code, $"{field}.date is required.");
        else if (dto.Date > today)
            errors.Add(field + ".date", ValidationRule.ConsentDateInFuture.Code, $"{field}.date is in the future.");
        return errors.All.Count == before ? new ConsentEvidenceValue(dto.Reference!.Trim(), dto.Method!.Trim(), dto.Date!.Value) : null;
    }
}
