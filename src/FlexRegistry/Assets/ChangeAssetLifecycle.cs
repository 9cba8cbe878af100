using FlexRegistry.Assets.Confirmation;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets;

/// <summary>
/// BUC.2 step 7, lifecycle changes: change of owner, move to a new meter point, upgrade, decommission (commissioning is a
/// PATCH; merge a duplicate-case decision). Each is a row of <see cref="AssetLifecycle"/>: the handler checks the row
/// (start status, the writer's roles), applies the change through the same validation rules as a registration, and
/// writes it as one new version with its history row, its event to every party of the asset and its audit record.
/// Each needs If-Match, like any change (<see cref="AssetWrites.ConflictRule"/>).
/// </summary>
public sealed class ChangeAssetLifecycle(RegistryDbContext db, Journal journal, AssetWrites writes, AssetPartyRoles roles, IAssetDecommissioning decommissioning,
    ICapacityRechecks capacities, AssetConfirmationQueue confirmations, TrustedSources sources, TimeProvider time)
{
    public async Task<(AssetResponse Response, Guid Version)> ChangeOwnerAsync(AssetId id, ChangeOwnerRequest body, IfMatch? ifMatch, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        AssetWrites.RequireVersion(ifMatch);
        var errors = new FieldErrors();
        var consent = ConsentEvidenceValue.Check("ownerConsent", body.OwnerConsent, required: true, writes.Today(), errors);
        ParticipantId? newOwnerId = null;
        if (body.NewOwnerId is not null)
        {
            if (ParticipantId.TryParse(body.NewOwnerId, out var parsed))
                newOwnerId = parsed;
            else
                errors.Add("newOwnerId", ParticipantErrors.InvalidId.Code, $"{body.NewOwnerId} is not a participant ID.");
        }
        errors.MaxLength("reason", body.Reason, 1000);
        ThrowIfAny(errors);

        var (asset, held) = await writes.LoadAsync(id, ifMatch, caller, ct);
        AssetWrites.EnsureAllowed(AssetLifecycle.Find(AssetLifecycle.ChangeOwner), asset, held);
        if (newOwnerId is { } named)
            await EnsureParticipantHoldsAsync(named, ParticipantRole.FlexOwner, "newOwnerId", ct);

        var now = time.GetUtcNow();
        var by = AssetWrites.Actor(caller, held);
        var audience = await roles.PartiesOfAsync(asset, ct);
        // The old owner's attachment ends; the new owner, when it is a participant, is attached on its consent evidence.
        var oldOwner = await roles.OwnerOfAsync(asset.Id, ct);
        oldOwner?.End(caller.ParticipantId, "Change of owner" + (body.Reason is { Length: > 0 } r ? ": " + r : "."), audience, now);
        var newOwner = newOwnerId is { } owner ? AssetParty.AttachNow(asset.Id, owner, PartyRoles.Owner, caller.ParticipantId, consent, audience, now) : null;
        if (newOwner is not null)
            db.AssetParties.Add(newOwner);
        var data = AssetValidation.Validate(AssetWrites.ToRequest(asset) with
        {
            OwnerConsent = new OwnerConsentDto { Reference = consent!.Reference, Method = consent.Method, Date = consent.Date },
        }, writes.Today()).ThrowIfInvalid();
        asset.ChangeOwner(data, by, newOwnerId?.Value, body.Reason, now);
        if (newOwnerId is { } told)
            asset.ShareWith([told.Value]);
        try
        {
            await writes.SaveAsync(asset, held, AuditEntry.By(caller, "asset.change_owner", "asset", id.Value, asset.RegistrantId.Value, "ownerConsent", "newOwnerId", "reason"), ct,
                [.. new[] { oldOwner, newOwner }.OfType<AssetParty>()]);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolationOn("asset_parties"))
        {
            throw new DomainRuleException(AssetErrors.PartyExists, $"{newOwnerId} is already attached to {id}, or another owner was attached meanwhile; read the asset's parties again.");
        }
        return (AssetWrites.Represent(asset, held), asset.Version);
    }

    public async Task<(AssetResponse Response, Guid Version)> MoveMeterPointAsync(AssetId id, MoveMeterPointRequest body, IfMatch? ifMatch, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        AssetWrites.RequireVersion(ifMatch);
        var errors = new FieldErrors();
        errors.Required("mpan", body.Mpan);
        errors.MaxLength("reason", body.Reason, 1000);
        ThrowIfAny(errors);

        var (asset, held) = await writes.LoadAsync(id, ifMatch, caller, ct);
        AssetWrites.EnsureAllowed(AssetLifecycle.Find(AssetLifecycle.MoveMeterPoint), asset, held);
        // The new meter point goes through the same published rules (MPAN check digit, DNO area) as a registration.
        var data = AssetValidation.Validate(AssetWrites.ToRequest(asset) with { Mpan = body.Mpan, ExportMpan = body.ExportMpan ?? asset.ExportMpan }, writes.Today())
            .ThrowIfInvalid();
        if (data.Mpan == asset.Mpan && data.ExportMpan == asset.ExportMpan)
            throw new RequestValidationException([new FieldError("mpan", "asset.meter_point_unchanged", $"Asset {id} is already at this meter point.")], AssetErrors.LifecycleInvalid);

        var now = time.GetUtcNow();
        asset.MoveMeterPoint(data, AssetWrites.Actor(caller, held), body.Reason, now);
        // Changed declared data awaits a trusted source again; with none covering the asset it is settled in this change.
        var confirmable = sources.AwaitConfirmation(asset, now);
        try
        {
            await writes.SaveAsync(asset, held, AuditEntry.By(caller, "asset.move_meter_point", "asset", id.Value, asset.RegistrantId.Value, "mpan", "exportMpan", "reason"), ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolationOn("assets"))
        {
            // The exact meter key moved with the asset and another asset already holds it: the database said no.
            throw await writes.DuplicateAsync(asset, ct);
        }
        if (confirmable)
            confirmations.Wake();
        return (AssetWrites.Represent(asset, held), asset.Version);
    }

    public async Task<(AssetResponse Response, Guid Version)> UpgradeAsync(AssetId id, UpgradeAssetRequest body, IfMatch? ifMatch, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        AssetWrites.RequireVersion(ifMatch);
        var errors = new FieldErrors();
        if (body.ImportCapacityKw is null && body.ExportCapacityKw is null && body.StorageCapacityKwh is null && body.ConnectionVoltageKv is null)
            errors.Add("importCapacityKw", "field.required", "An upgrade changes at least one of importCapacityKw, exportCapacityKw, storageCapacityKwh, connectionVoltageKv.");
        errors.Required("reason", body.Reason, 1000);
        ThrowIfAny(errors);

        var (asset, held) = await writes.LoadAsync(id, ifMatch, caller, ct);
        AssetWrites.EnsureAllowed(AssetLifecycle.Find(AssetLifecycle.Upgrade), asset, held);
        var current = AssetWrites.ToRequest(asset);
        var data = AssetValidation.Validate(current with
        {
            ImportCapacityKw = body.ImportCapacityKw ?? current.ImportCapacityKw,
            ExportCapacityKw = body.ExportCapacityKw ?? current.ExportCapacityKw,
            StorageCapacityKwh = body.StorageCapacityKwh ?? current.StorageCapacityKwh,
            ConnectionVoltageKv = body.ConnectionVoltageKv ?? current.ConnectionVoltageKv,
        }, writes.Today()).ThrowIfInvalid();

        var capacity = asset.RatedCapacityKw;
        var now = time.GetUtcNow();
        asset.Upgrade(data, AssetWrites.Actor(caller, held), body.Reason!.Trim(), now);
        if (!asset.HasPendingChanges)
            throw new RequestValidationException([new FieldError("importCapacityKw", "asset.upgrade_unchanged", "The upgrade gives the values the asset already has.")],
                AssetErrors.LifecycleInvalid);
        var confirmable = sources.AwaitConfirmation(asset, now);
        // A changed capacity owes the asset a conflict re-check, committed with the upgrade and run right after it.
        if (asset.RatedCapacityKw != capacity)
            capacities.Queue(id);
        await writes.SaveAsync(asset, held, AuditEntry.By(caller, "asset.upgrade", "asset", id.Value, asset.RegistrantId.Value,
            "importCapacityKw", "exportCapacityKw", "storageCapacityKwh", "connectionVoltageKv", "reason"), ct);
        await capacities.CommittedAsync(ct);
        if (confirmable)
            confirmations.Wake();
        return (AssetWrites.Represent(asset, held), asset.Version);
    }

    public async Task<(AssetResponse Response, Guid Version)> DecommissionAsync(AssetId id, DecommissionAssetRequest body, IfMatch? ifMatch, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        AssetWrites.RequireVersion(ifMatch);
        var errors = new FieldErrors();
        errors.Required("reason", body.Reason, 1000);
        ThrowIfAny(errors);

        var (asset, held) = await writes.LoadAsync(id, ifMatch, caller, ct);
        AssetWrites.EnsureAllowed(AssetLifecycle.Find(AssetLifecycle.Decommission), asset, held);
        var now = time.GetUtcNow();
        asset.Decommission(AssetWrites.Actor(caller, held), body.Reason!.Trim(), now);
        var audience = await roles.PartiesOfAsync(asset, ct);
        // The asset's row first, then what it holds in the market, in one transaction: a claim or membership being added
        // meanwhile either waited for the row and is refused by the database, or committed before and is ended here.
        await writes.AppendAsync(asset, AuditEntry.By(caller, "asset.decommission", "asset", id.Value, asset.RegistrantId.Value, "status", "reason"), ct);
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            await strategy.ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await journal.SaveAsync(ct);
                var ended = await decommissioning.EndAsync(asset, audience, now, ct);
                journal.Append([.. ended.SelectMany(e => e.TakeEvents())]);
                await journal.CommitAsync(transaction, ct);
            });
        }
        catch (DbUpdateException e) when (AssetWrites.IsStale(e))
        {
            throw await writes.StaleAsync(id, held, ct);
        }
        await decommissioning.CommittedAsync(ct);
        return (AssetWrites.Represent(asset, held), asset.Version);
    }

    private async Task EnsureParticipantHoldsAsync(ParticipantId participant, string role, string field, CancellationToken ct)
    {
        var holds = await db.Participants.AsNoTracking()
            .AnyAsync(p => p.Id == participant && p.Status == ParticipantStatus.Active && p.Roles.Contains(role), ct);
        if (!holds)
            throw new RequestValidationException([new FieldError(field, "asset.party_role_not_held", $"{participant} is not an active participant holding the {role} role.")],
                AssetErrors.LifecycleInvalid);
    }

    private static void ThrowIfAny(FieldErrors errors)
    {
        if (errors.Any)
            throw new RequestValidationException(errors.All, AssetErrors.LifecycleInvalid);
    }
}
