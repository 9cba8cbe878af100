using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets;

/// <summary>
/// BUC.2 steps 1c, 7a and 7c: the asset's parties — several access points, one asset ID. An owner or installer is
/// attached by invitation (the registrant or owner names it; it accepts) or by claim (it asks; the registrant or owner
/// accepts), with the owner's consent evidence when the owner is a household; either side detaches it. Every step is
/// dated, evented to the asset's parties and audited; the database keeps one open attachment per asset, participant
/// and role, and one active owner per asset.
/// </summary>
public sealed class AssetParties(RegistryDbContext db, Journal journal, AssetPartyRoles roles, IAssetOperators operators, TimeProvider time)
{
    private const AssetRoles Deciders = AssetRoles.Registrant | AssetRoles.Owner | AssetRoles.RegistryOperator;

    public async Task<AssetPartyResponse> RequestAsync(AssetId id, AssetPartyRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Role))
            errors.Add("role", "field.required", "role is required: owner or installer.");
        else if (!PartyRoles.All.Contains(request.Role.Trim()))
            errors.Add("role", "field.invalid", "role is owner or installer (the registrant is attached by registering; operators by operator claims).");
        var target = caller.ParticipantId;
        if (request.ParticipantId is not null && !ParticipantId.TryParse(request.ParticipantId, out target))
            errors.Add("participantId", ParticipantErrors.InvalidId.Code, $"{request.ParticipantId} is not a participant ID.");
        var consent = ConsentEvidenceValue.Check("ownerConsent", request.OwnerConsent, required: false, Today(now), errors);
        errors.MaxLength("evidence", request.Evidence, 100);
        if (errors.Any)
            throw new RequestValidationException(errors.All, AssetErrors.PartyInvalid);

        var role = request.Role!.Trim();
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw AssetWrites.NotFound(id);
        var held = await roles.OfAsync(asset, caller, ct);
        var claim = target == caller.ParticipantId;
        if (claim && held == AssetRoles.None && !Proves(asset, request.Evidence))
            throw AssetWrites.NotFound(id); // a claimant that cannot name the device learns nothing, not even that the ID exists
        if (!claim && held == AssetRoles.None)
            throw AssetWrites.NotFound(id);
        if (!claim && (held & Deciders) == AssetRoles.None)
            throw new DomainRuleException(AssetErrors.PartyDecisionNotAllowed, "Only the asset's registrant or owner invites parties.");
        if (asset.Status.IsFinal() || asset.AssetType.IsPortfolio)
            throw new DomainRuleException(AssetErrors.InvalidTransition, asset.AssetType.IsPortfolio
                ? "A portfolio has no owner or installer of its own; attach them to its members."
                : $"Asset {id} is {asset.Status.ToWire()}: it takes no new parties.",
                new Dictionary<string, object?> { ["currentStatus"] = asset.Status.ToWire() });
        var participant = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == target && p.Status == ParticipantStatus.Active, ct);
        var needed = PartyRoles.ParticipantRoleFor(role);
        if (participant is null || !participant.Roles.Contains(needed))
            throw new RequestValidationException([new FieldError(request.ParticipantId is null ? "role" : "participantId", "asset.party_role_not_held",
                $"{target} is not an active participant holding the {needed} role.")], AssetErrors.PartyInvalid);
        if (role == PartyRoles.Owner && await roles.OwnerOfAsync(id, ct) is { } owner)
            throw new DomainRuleException(AssetErrors.OwnerExists, $"Asset {id} already has an owner ({owner.ParticipantId}); a new owner comes with POST /api/v1/assets/{id}/change-owner.");

        // The side that must answer: the invitee, or the registrant(s) and owner.
        var answerers = claim ? await DecidersOfAsync(asset, ct) : [target.Value];
        var party = AssetParty.Request(id, target, role, claim ? AssetParty.Claim : AssetParty.Invitation, caller.ParticipantId, consent, answerers, now);
        db.AssetParties.Add(party);
        journal.Append(party.TakeEvents(), AuditEntry.By(caller, "asset.party_request", "asset", id.Value, asset.RegistrantId.Value, "role", "participantId", "ownerConsent"));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolationOn("asset_parties"))
        {
            db.ChangeTracker.Clear();
            var existing = await db.AssetParties.AsNoTracking()
                .FirstOrDefaultAsync(p => p.AssetId == id && p.ParticipantId == target && p.Role == role && (p.Status == AssetPartyStatus.Pending || p.Status == AssetPartyStatus.Active), ct);
            throw new DomainRuleException(AssetErrors.PartyExists, $"{target} already holds or has asked for the {role} role on {id}.",
                new Dictionary<string, object?> { ["existingPartyId"] = existing?.Id.ToString() });
        }
        return ToResponse(party);
    }

    public async Task<AssetPartyResponse> AcceptAsync(AssetId id, string partyId, AcceptAssetPartyRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var consent = ConsentEvidenceValue.Check("ownerConsent", request.OwnerConsent, required: false, Today(now), errors);
        if (errors.Any)
            throw new RequestValidationException(errors.All, AssetErrors.PartyInvalid);

        var (asset, party, held) = await LoadAsync(id, partyId, caller, ct);
        EnsureDecider(party, held, caller);
        if (asset.Status.IsFinal())
            throw new DomainRuleException(AssetErrors.InvalidTransition, $"Asset {id} is {asset.Status.ToWire()}: it takes no new parties.",
                new Dictionary<string, object?> { ["currentStatus"] = asset.Status.ToWire() });
        if (party.Role == PartyRoles.Owner && party.Status == AssetPartyStatus.Pending && await roles.OwnerOfAsync(id, ct) is { } owner)
            throw new DomainRuleException(AssetErrors.OwnerExists, $"Asset {id} already has an owner ({owner.ParticipantId}); a new owner comes with POST /api/v1/assets/{id}/change-owner.");
        // A household owner's consent evidence is on record by the time it is attached.
        if (party.Role == PartyRoles.Owner && party.ConsentReference is null && consent is null
            && await db.Participants.AsNoTracking().AnyAsync(p => p.Id == party.ParticipantId && p.Individual, ct))
            throw new RequestValidationException([new FieldError("ownerConsent", ValidationRule.ConsentRequired.Code,
                "The owner is a household (an individual participant): its consent evidence (reference, method, date) is required.")], AssetErrors.PartyInvalid);

        party.Accept(caller.ParticipantId, consent, await roles.PartiesOfAsync(asset, ct), now);
        journal.Append(party.TakeEvents(), AuditEntry.By(caller, "asset.party_accept", "asset", id.Value, asset.RegistrantId.Value, "partyId", "ownerConsent"));
        await SaveAsync(id, ct);
        return ToResponse(party);
    }

    public async Task<AssetPartyResponse> DeclineAsync(AssetId id, string partyId, AssetPartyDecisionRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.MaxLength("reason", request.Reason, 1000);
        if (errors.Any)
            throw new RequestValidationException(errors.All, AssetErrors.PartyInvalid);
        var (asset, party, held) = await LoadAsync(id, partyId, caller, ct);
        EnsureDecider(party, held, caller);
        party.Decline(caller.ParticipantId, request.Reason?.Trim(), time.GetUtcNow());
        journal.Append(party.TakeEvents(), AuditEntry.By(caller, "asset.party_decline", "asset", id.Value, asset.RegistrantId.Value, "partyId", "reason"));
        await SaveAsync(id, ct);
        return ToResponse(party);
    }

    /// <summary>Detaches an active party, or withdraws a pending request: the party itself, the registrant or owner, or the registry operator.</summary>
    public async Task<AssetPartyResponse> EndAsync(AssetId id, string partyId, AssetPartyDecisionRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("reason", request.Reason, 1000);
        if (errors.Any)
            throw new RequestValidationException(errors.All, AssetErrors.PartyInvalid);
        var (asset, party, held) = await LoadAsync(id, partyId, caller, ct);
        if (party.ParticipantId != caller.ParticipantId && party.RequestedBy != caller.ParticipantId && (held & Deciders) == AssetRoles.None)
            throw new DomainRuleException(AssetErrors.PartyDecisionNotAllowed, "An attachment is ended by its participant, by whoever asked for it, or by the asset's registrant or owner.");
        party.End(caller.ParticipantId, request.Reason!.Trim(), await roles.PartiesOfAsync(asset, ct), time.GetUtcNow());
        journal.Append(party.TakeEvents(), AuditEntry.By(caller, "asset.party_end", "asset", id.Value, asset.RegistrantId.Value, "partyId", "reason"));
        await SaveAsync(id, ct);
        return ToResponse(party);
    }

    /// <summary>
    /// The asset's parties: its registrants, its owner and installers (active and pending; ended and declined ones too
    /// when asked), and its current operators. Each party of the asset and the registry operator see the list; a
    /// participant with only a pending attachment sees that attachment alone.
    /// </summary>
    public async Task<Page<AssetPartyResponse>> ListAsync(AssetId id, bool includeEnded, Caller caller, CancellationToken ct)
    {
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw AssetWrites.NotFound(id);
        var held = await roles.OfAsync(asset, caller, ct);
        var q = db.AssetParties.AsNoTracking().Where(p => p.AssetId == id);
        if (held == AssetRoles.None)
        {
            var me = caller.ParticipantId;
            var mine = await q.Where(p => p.ParticipantId == me || p.RequestedBy == me).OrderBy(p => p.Id).ToListAsync(ct);
            if (mine.Count == 0)
                throw AssetWrites.NotFound(id);
            return new Page<AssetPartyResponse>([.. mine.Select(ToResponse)], null);
        }
        if (!includeEnded)
            q = q.Where(p => p.Status == AssetPartyStatus.Pending || p.Status == AssetPartyStatus.Active);
        var attached = await q.OrderBy(p => p.Id).Take(Relationship.MaxListed).ToListAsync(ct);
        var items = new List<AssetPartyResponse>();
        items.AddRange(asset.PartyList.Select(p => new AssetPartyResponse(null, id.Value, p, AssetRoleCodes.Registrant, "active", null, null, null, null, null, null, null)));
        items.AddRange(attached.Select(ToResponse));
        items.AddRange((await operators.OperatorsOfAsync(id, time.GetUtcNow(), ct)).Select(p =>
            new AssetPartyResponse(null, id.Value, p.Value, AssetRoleCodes.OperatingFsp, "active", null, null, null, null, null, null, null)));
        return new Page<AssetPartyResponse>(items, null);
    }

    /// <summary>The registrant(s) and the owner: those who answer a claim.</summary>
    private async Task<List<string>> DecidersOfAsync(Asset asset, CancellationToken ct)
    {
        var deciders = asset.PartyList.ToList();
        if (await roles.OwnerOfAsync(asset.Id, ct) is { } owner)
            deciders.Add(owner.ParticipantId.Value);
        return deciders;
    }

    /// <summary>Invitations are answered by the invitee; claims by the registrant or owner (or the registry operator).</summary>
    private static void EnsureDecider(AssetParty party, AssetRoles held, Caller caller)
    {
        var allowed = party.AwaitsParticipant ? party.ParticipantId == caller.ParticipantId || caller.IsRegistryOperator : (held & Deciders) != AssetRoles.None;
        if (!allowed)
            throw new DomainRuleException(AssetErrors.PartyDecisionNotAllowed, party.AwaitsParticipant
                ? "Only the invited participant answers an invitation."
                : "Only the asset's registrant or owner answers a claim.");
    }

    /// <summary>The attachment and its asset, when the caller holds a role on the asset or is the attachment's participant or requester.</summary>
    private async Task<(Asset Asset, AssetParty Party, AssetRoles Held)> LoadAsync(AssetId id, string partyId, Caller caller, CancellationToken ct)
    {
        var party = AssetPartyId.TryParse(partyId, out var pid)
            ? await db.AssetParties.FirstOrDefaultAsync(p => p.Id == pid && p.AssetId == id, ct)
            : null;
        var asset = party is null ? null : await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        var held = asset is null ? AssetRoles.None : await roles.OfAsync(asset, caller, ct);
        if (party is null || asset is null || (held == AssetRoles.None && party.ParticipantId != caller.ParticipantId && party.RequestedBy != caller.ParticipantId))
            throw new DomainRuleException(AssetErrors.PartyNotFound, $"Asset {id} has no attachment {partyId} visible to you.");
        return (asset, party, held);
    }

    private async Task SaveAsync(AssetId id, CancellationToken ct)
    {
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainRuleException(CommonErrors.ConcurrencyConflict, "The attachment changed meanwhile; read it again.");
        }
        catch (DbUpdateException e) when (e.IsUniqueViolationOn("asset_parties"))
        {
            throw new DomainRuleException(AssetErrors.OwnerExists, $"Another owner of {id} was attached meanwhile; a new owner comes with POST /api/v1/assets/{id}/change-owner.");
        }
    }

    /// <summary>A claimant names the device: the asset's import or export MPAN, or its serial number (any formatting).</summary>
    private static bool Proves(Asset asset, string? evidence)
    {
        if (string.IsNullOrWhiteSpace(evidence))
            return false;
        if (Mpan.TryParse(evidence, out var mpan) && (mpan.Value == asset.Mpan || mpan.Value == asset.ExportMpan))
            return true;
        var serial = AssetKeys.Normalise(evidence);
        return serial.Length > 0 && serial == AssetKeys.Normalise(asset.SerialNumber);
    }

    private static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);

    internal static AssetPartyResponse ToResponse(AssetParty p) => new(
        p.Id.ToString(), p.AssetId.Value, p.ParticipantId.Value, p.Role, p.Status.ToString().ToLowerInvariant(), p.Initiative, p.RequestedBy.Value,
        p.RequestedAt, p.From, p.EndedAt, p.EndReason,
        p.ConsentReference is null ? null : new OwnerConsentDto { Reference = p.ConsentReference, Method = p.ConsentMethod, Date = p.ConsentDate });
}
