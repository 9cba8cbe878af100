using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets;

/// <summary>
/// What every change to an asset shares — PATCH and each lifecycle transition: the If-Match precondition, the
/// writer's roles, the 412 that hands back the current version, and the save that writes the change with its history
/// row, events (to every party) and audit record in one commit. The conflict rule (BUC.2 step 7b) lives here.
/// </summary>
public sealed class AssetWrites(RegistryDbContext db, Journal journal, AssetPartyRoles roles, TimeProvider time)
{
    /// <summary>The published rule for simultaneous divergent updates (docs/assets.md, the 412 problem, the field-ownership reference).</summary>
    public const string ConflictRule =
        "First writer wins, nothing is merged silently: every change names the version it was based on (If-Match with the ETag read). " +
        "Of two changes based on the same version the first to commit becomes the next version; the other is refused whole with 412 " +
        "resource.precondition_failed, carrying the current version, its ETag and its representation, and changes nothing. The refused writer " +
        "reconciles against that version and sends its change again with the new ETag. Who may change which field group is settled before " +
        "(GET /api/v1/reference/field-ownership), so writers of different roles rarely collide; every accepted change is a version in " +
        "GET /api/v1/assets/{id}/history and an event to every party of the asset.";

    /// <summary>
    /// 428 unless the change names the version it is based on: checked first, before the body, so that a client learns the
    /// conditional-request rule whatever else is wrong with its request.
    /// </summary>
    public static IfMatch RequireVersion(IfMatch? ifMatch)
    {
        if (ifMatch is not { } condition)
            throw new DomainRuleException(AssetErrors.PreconditionRequired, "Send If-Match with the ETag from GET /api/v1/assets/{id}.");
        if (condition.AnyVersion)
            throw new DomainRuleException(AssetErrors.PreconditionRequired,
                "If-Match: * would overwrite whatever version is current; name the version your change is based on (the ETag you read).");
        return condition;
    }

    public async Task<(Asset Asset, AssetRoles Roles)> LoadAsync(AssetId id, IfMatch? ifMatch, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var condition = RequireVersion(ifMatch);
        var asset = await db.Assets.FirstOrDefaultAsync(a => a.Id == id, ct);
        var held = asset is null ? AssetRoles.None : await roles.OfAsync(asset, caller, ct);
        if (asset is null || held == AssetRoles.None)
            throw NotFound(id);
        if (!condition.IsMetBy(asset.Version))
            throw Stale(asset, held);
        return (asset, held);
    }

    /// <summary>The writer as its history entry records it.</summary>
    public static AssetActor Actor(Caller caller, AssetRoles held)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new AssetActor(caller.ParticipantId, caller.Actor,
            caller.IsRegistryOperator ? ChangeSource.RegistryOperator : ChangeSource.Party, held);
    }

    /// <summary>
    /// Writes the change: the asset's history rows, its events (shared with every party of the asset) and those of
    /// <paramref name="others"/>, and the audit record, in one commit. A write that lost the race for the version is
    /// answered like a stale If-Match (412 with the winner's version).
    /// </summary>
    public async Task SaveAsync(Asset asset, AssetRoles held, AuditEntry audit, CancellationToken ct, params EventSource[] others)
    {
        await AppendAsync(asset, audit, ct, others);
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (IsStale(e))
        {
            throw await StaleAsync(asset.Id, held, ct);
        }
    }

    /// <summary>
    /// Hands the change's history row, events and audit record to the unit of work (the asset's events go to all its
    /// parties); the caller saves, in its own transaction, and answers <see cref="IsStale"/> with <see cref="StaleAsync"/>
    /// once that transaction is over.
    /// </summary>
    public async Task AppendAsync(Asset asset, AuditEntry audit, CancellationToken ct, params EventSource[] others)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(others);
        var parties = await roles.PartiesOfAsync(asset, ct);
        asset.ShareWith(parties.Except(asset.PartyList, StringComparer.Ordinal));
        db.AssetChanges.AddRange(asset.TakeChanges());
        journal.Append([.. asset.TakeEvents(), .. others.SelectMany(o => o.TakeEvents())], audit);
    }

    /// <summary>
    /// Another change based on the same version committed first: the row's concurrency token (or, had that been
    /// bypassed, the history's primary key on asset and version) refused this one.
    /// </summary>
    public static bool IsStale(DbUpdateException exception) =>
        exception is DbUpdateConcurrencyException || exception.IsUniqueViolationOn("asset_changes");

    /// <summary>The 412 (or 404) for a refused change, read after its transaction ended (PostgreSQL reads nothing in a failed one).</summary>
    public async Task<DomainRuleException> StaleAsync(AssetId id, AssetRoles held, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var current = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        return current is null ? NotFound(id) : Stale(current, held);
    }

    /// <summary>
    /// 412: the change was based on an older version. The problem carries the current version number, ETag (also as the
    /// ETag header) and representation, so the writer can reconcile without another read, and the conflict rule.
    /// </summary>
    public static DomainRuleException Stale(Asset current, AssetRoles held)
    {
        ArgumentNullException.ThrowIfNull(current);
        var etag = EntityTags.ETag(current.Version);
        return new DomainRuleException(CommonErrors.PreconditionFailed,
            $"Asset {current.Id} is at version {current.VersionNumber}; your change was based on another version and was not applied. Reconcile with the current version below and send your change again with If-Match {etag}.",
            new Dictionary<string, object?>
            {
                ["currentVersion"] = current.VersionNumber,
                ["currentETag"] = etag,
                ["current"] = Represent(current, held),
                ["conflictRule"] = ConflictRule,
            })
        {
            Headers = new Dictionary<string, string> { ["ETag"] = etag },
        };
    }

    /// <summary>The asset as a holder of <paramref name="held"/> reads it: the field groups the visibility rule shows those roles.</summary>
    public static AssetResponse Represent(Asset asset, AssetRoles held) => AssetVisibility.ToResponse(asset, GroupsFor(held));

    /// <summary>
    /// The field groups the visibility rule shows a holder of these roles on the asset, through the rule's relationships:
    /// an owner and an installer hold the owner column (the rule has no installer column).
    /// </summary>
    public static GroupSet GroupsFor(AssetRoles held)
    {
        var relations = Relation.None;
        if ((held & AssetRoles.Registrant) != 0)
            relations |= Relation.Registrant;
        if ((held & (AssetRoles.Owner | AssetRoles.Installer)) != 0)
            relations |= Relation.Owner;
        if ((held & AssetRoles.OperatingFsp) != 0)
            relations |= Relation.OperatingFsp;
        if ((held & AssetRoles.RegistryOperator) != 0)
            relations |= Relation.RegistryOperator;
        return VisibilityRule.Visible(VisibilityRule.Asset, relations, GroupSet.None);
    }

    public static DomainRuleException NotFound(AssetId id) => new(AssetErrors.NotFound, $"No asset {id} is visible to you.");

    /// <summary>Refuses a transition the asset's status or the writer's roles do not allow (the published lifecycle table).</summary>
    public static void EnsureAllowed(LifecycleTransition transition, Asset asset, AssetRoles held)
    {
        ArgumentNullException.ThrowIfNull(transition);
        ArgumentNullException.ThrowIfNull(asset);
        if ((transition.Roles & held) == AssetRoles.None)
            throw new DomainRuleException(AssetErrors.TransitionNotAllowed,
                $"{transition.Code} is made by {string.Join(", ", AssetRoleCodes.Codes(transition.Roles))}; you hold {(held == AssetRoles.None ? "no role" : string.Join(" and ", AssetRoleCodes.Codes(held)))} on this asset.",
                new Dictionary<string, object?> { ["transition"] = transition.Code, ["roles"] = AssetRoleCodes.Codes(held).ToArray() });
        if (!transition.StartsFrom(asset.Status))
            throw new DomainRuleException(AssetErrors.InvalidTransition,
                $"{transition.Code} starts from {string.Join(" or ", transition.From.Select(s => s.ToWire()))}; asset {asset.Id} is {asset.Status.ToWire()}.",
                new Dictionary<string, object?> { ["transition"] = transition.Code, ["currentStatus"] = asset.Status.ToWire() });
    }

    /// <summary>Today, for the validation rules that compare dates.</summary>
    public DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Answers a change that would give the asset another's exact identity key (409 naming the holder).</summary>
    public async Task<DomainRuleException> DuplicateAsync(Asset asset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(asset);
        db.ChangeTracker.Clear();
        var id = asset.Id;
        var key = new { asset.IdentityKey, asset.MeterKey };
        var other = await db.Assets.AsNoTracking()
            .Where(a => a.Id != id && ((key.IdentityKey != null && a.IdentityKey == key.IdentityKey) || (key.MeterKey != null && a.MeterKey == key.MeterKey)))
            .Select(a => a.MergedInto ?? a.Id).FirstOrDefaultAsync(ct);
        return new DomainRuleException(AssetErrors.Duplicate, $"The change would make this asset the same as {other}.",
            new Dictionary<string, object?> { ["existingAssetId"] = other.Value });
    }

    /// <summary>The request shape of the asset as it is (what a merge patch or a lifecycle change applies to).</summary>
    public static RegisterAssetRequest ToRequest(Asset a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new()
        {
            Type = a.Type,
            Mpan = a.Mpan,
            ExportMpan = a.ExportMpan,
            Manufacturer = a.Manufacturer,
            Model = a.Model,
            SerialNumber = a.SerialNumber,
            Address = a.AddressLine1 is null && a.Town is null && a.Postcode is null ? null : new AssetAddressDto { Line1 = a.AddressLine1, Town = a.Town, Postcode = a.Postcode },
            Location = a.Latitude is null ? null : new LocationDto { Latitude = a.Latitude, Longitude = a.Longitude },
            ImportCapacityKw = (decimal?)a.ImportCapacityKw,
            ExportCapacityKw = (decimal?)a.ExportCapacityKw,
            StorageCapacityKwh = (decimal?)a.StorageCapacityKwh,
            ConnectionVoltageKv = (decimal?)a.ConnectionVoltageKv,
            Status = a.Status.ToWire(),
            CommissioningDate = a.CommissioningDate,
            OwnerConsent = a.ConsentReference is null ? null : new OwnerConsentDto { Reference = a.ConsentReference, Method = a.ConsentMethod, Date = a.ConsentDate },
            MarketQualifications = a.MarketQualifications,
        };
    }

    internal static ParticipantId? Participant(string? id) => id is not null && ParticipantId.TryParse(id, out var p) ? p : null;
}
