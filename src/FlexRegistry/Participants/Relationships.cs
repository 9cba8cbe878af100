using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

/// <summary>BUC.4 step 5: a provider expresses (and withdraws) interest in a market operator's markets.</summary>
public sealed class MarketInterests(RegistryDbContext db, Journal journal, TimeProvider time)
{
    /// <summary>Roles that express interest.</summary>
    public static readonly IReadOnlyList<string> ProviderRoles = [ParticipantRole.Fsp, ParticipantRole.Aggregator];

    /// <summary>Roles that run markets, and so can be the object of interest.</summary>
    public static readonly IReadOnlyList<string> MarketRoles = [ParticipantRole.MarketOperator, ParticipantRole.SystemOperator, ParticipantRole.MarketplacePlatform];

    public async Task<MarketInterestResponse> ExpressAsync(ParticipantId id, ExpressInterestRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("marketOperatorId", request.MarketOperatorId);
        errors.MaxLength("note", request.Note, 500);
        var marketOperator = default(ParticipantId);
        if (!string.IsNullOrWhiteSpace(request.MarketOperatorId) && !ParticipantId.TryParse(request.MarketOperatorId, out marketOperator))
            errors.Add("marketOperatorId", ParticipantErrors.InvalidId.Code, $"{request.MarketOperatorId} is not a participant ID.");
        errors.ThrowIfAny();

        var participant = await Relationship.LoadAdministeredAsync(db, id, caller, ct);
        if (!participant.Roles.Any(ProviderRoles.Contains))
            throw new DomainRuleException(ParticipantErrors.InterestNotAllowed, $"{id} holds neither the fsp nor the aggregator role.");
        var target = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == marketOperator, ct);
        if (target is null || target.Status != ParticipantStatus.Active || !target.Roles.Any(MarketRoles.Contains))
            throw new DomainRuleException(ParticipantErrors.InterestNotAllowed, $"{marketOperator} is not an active participant that runs markets.");

        var interest = MarketInterest.Express(id, marketOperator, string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(), caller.Actor, time.GetUtcNow());
        db.MarketInterests.Add(interest);
        journal.Append(interest.TakeEvents(), AuditEntry.By(caller, "market_interest.express", "market_interest", interest.Id.ToString(), id.Value, "marketOperatorId", "note"));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            var existing = await db.MarketInterests.AsNoTracking()
                .FirstOrDefaultAsync(i => i.ParticipantId == id && i.MarketOperatorId == marketOperator && i.WithdrawnAt == null, ct);
            throw new DomainRuleException(ParticipantErrors.InterestExists, $"{id} has already expressed interest in {marketOperator}'s markets.",
                new Dictionary<string, object?> { ["existingInterestId"] = existing?.Id.ToString() });
        }
        return ToResponse(interest);
    }

    public async Task WithdrawAsync(ParticipantId id, string interestId, Caller caller, CancellationToken ct)
    {
        await Relationship.LoadAdministeredAsync(db, id, caller, ct);
        var interest = Guid.TryParse(interestId, out var guid)
            ? await db.MarketInterests.FirstOrDefaultAsync(i => i.Id == guid && i.ParticipantId == id && i.WithdrawnAt == null, ct)
            : null;
        if (interest is null)
            throw new DomainRuleException(ParticipantErrors.InterestNotFound, $"{id} has no active interest {interestId}.");
        interest.Withdraw(caller.Actor, time.GetUtcNow());
        journal.Append(interest.TakeEvents(), AuditEntry.By(caller, "market_interest.withdraw", "market_interest", interest.Id.ToString(), id.Value));
        await journal.SaveAsync(ct);
    }

    /// <summary>Interests the participant expressed (<c>given</c>) or that name it as market operator (<c>received</c>), newest first.</summary>
    public async Task<Page<MarketInterestResponse>> ListAsync(ParticipantId id, string? direction, bool includeWithdrawn, Caller caller, CancellationToken ct)
    {
        var received = Relationship.ParseDirection(direction);
        await Relationship.LoadAdministeredAsync(db, id, caller, ct);
        var q = db.MarketInterests.AsNoTracking().Where(i => received ? i.MarketOperatorId == id : i.ParticipantId == id);
        if (!includeWithdrawn)
            q = q.Where(i => i.WithdrawnAt == null);
        var rows = await q.OrderByDescending(i => i.Id).Take(Relationship.MaxListed).ToListAsync(ct);
        return new Page<MarketInterestResponse>([.. rows.Select(ToResponse)], null);
    }

    private static MarketInterestResponse ToResponse(MarketInterest i) => new(
        i.Id.ToString(), i.ParticipantId.Value, i.MarketOperatorId.Value, i.Note, i.IsActive ? "active" : "withdrawn", i.ExpressedAt, i.WithdrawnAt);
}

/// <summary>BUC.4 step 4: data-sharing grants, given and revoked by the grantor, listed by both sides.</summary>
public sealed class DataSharingGrants(RegistryDbContext db, Journal journal, AssetRelations assetRelations, TimeProvider time)
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(5 * 366);

    /// <summary>An asset grant names at most this many assets; beyond that, grant all of them (or, later, a portfolio).</summary>
    public const int MaxNamedAssets = 1000;

    private static readonly string[] GrantFields = ["grantee", "part", "purpose", "expiresAt"];

    public async Task<GrantResponse> GiveAsync(ParticipantId id, GiveGrantRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        ParticipantId? grantee = null;
        string? role = null;
        if (string.IsNullOrWhiteSpace(request.GranteeParticipantId) == string.IsNullOrWhiteSpace(request.GranteeRole))
            errors.Add("granteeParticipantId", "grant.grantee_required", "Name exactly one grantee: granteeParticipantId or granteeRole.");
        else if (!string.IsNullOrWhiteSpace(request.GranteeParticipantId))
        {
            if (ParticipantId.TryParse(request.GranteeParticipantId, out var g))
                grantee = g;
            else
                errors.Add("granteeParticipantId", ParticipantErrors.InvalidId.Code, $"{request.GranteeParticipantId} is not a participant ID.");
        }
        else if (ParticipantRole.IsRequestable(request.GranteeRole!.Trim()))
            role = request.GranteeRole.Trim();
        else
            errors.Add("granteeRole", ParticipantErrors.UnknownRole.Code, $"granteeRole must be one of {string.Join(", ", ParticipantRole.Requestable)}.");
        var part = request.Part?.Trim();
        if (string.IsNullOrWhiteSpace(part))
            errors.Add("part", "field.required", "part is required.");
        else if (!DataParts.IsKnown(part))
            errors.Add("part", "grant.part_unknown", $"part must be one of {string.Join(", ", DataParts.All)}.");
        if (string.IsNullOrWhiteSpace(request.Purpose))
            errors.Add("purpose", "field.required", "purpose is required.");
        var purpose = string.IsNullOrWhiteSpace(request.Purpose) ? null : Purposes.Check(request.Purpose, isRegistryOperator: false, errors);
        List<AssetId>? assets = null;
        if (request.AssetIds is { } named)
        {
            if (part is not null && !DataParts.IsAssetPart(part))
                errors.Add("assetIds", "grant.assets_not_applicable", "assetIds narrows an asset part (asset.…) only.");
            else if (named.Count is 0 or > MaxNamedAssets)
                errors.Add("assetIds", "field.out_of_range", $"assetIds names 1 to {MaxNamedAssets} assets; leave it out for all of yours.");
            assets = [];
            for (var i = 0; i < named.Count && i < MaxNamedAssets; i++)
            {
                if (AssetId.TryParse(named[i], out var assetId))
                    assets.Add(assetId);
                else
                    errors.Add($"assetIds[{i}]", AssetErrors.InvalidId.Code, $"{named[i]} is not an asset ID.");
            }
            assets = [.. assets.Distinct()];
        }
        if (request.ExpiresAt is not { } expires)
            errors.Add("expiresAt", "field.required", "expiresAt is required.");
        else if (expires <= now || expires > now + MaxDuration)
            errors.Add("expiresAt", "field.out_of_range", "expiresAt must be in the future and at most five years ahead.");
        if (grantee is { } self && self == id)
            errors.Add("granteeParticipantId", "grant.self", "A participant does not grant itself access to its own data.");
        errors.ThrowIfAny();

        await Relationship.LoadAdministeredAsync(db, id, caller, ct);
        if (grantee is { } namedGrantee && !await db.Participants.AnyAsync(p => p.Id == namedGrantee && p.Status == ParticipantStatus.Active, ct))
            throw new RequestValidationException([new FieldError("granteeParticipantId", "grant.grantee_unknown", $"{namedGrantee} is not an active participant.")]);
        if (assets is { Count: > 0 })
        {
            // Only what the grantor holds can be granted: each named asset must be one it is a party to.
            var held = await assetRelations.HeldAsync(assets, id, ct);
            var foreign = assets.Where(a => !held.Contains(a)).ToList();
            if (foreign.Count > 0)
                throw new RequestValidationException([.. foreign.Select(a => new FieldError("assetIds", "grant.asset_unknown", $"{a} is not an asset of {id}."))]);
        }

        var key = grantee?.Value ?? DataSharingGrant.RolePrefix + role;
        var scope = DataSharingGrant.ScopeOf(assets);
        // An expired grant still holds the open slot until it is given again: close it in the same transaction.
        foreach (var expired in await db.DataSharingGrants
                     .Where(g => g.GrantorId == id && g.Grantee == key && g.Part == part && g.Purpose == purpose && g.Scope == scope && g.EndedAt == null && g.ExpiresAt <= now)
                     .ToListAsync(ct))
        {
            expired.CloseExpired(caller.Actor, now);
            journal.Append(expired.TakeEvents());
        }
        var grant = DataSharingGrant.Give(id, grantee, role, part!, purpose!, assets, request.ExpiresAt!.Value.ToUniversalTime(), caller.Actor, now);
        db.DataSharingGrants.Add(grant);
        if (assets is not null)
            db.DataSharingGrantAssets.AddRange(assets.Select(a => new DataSharingGrantAsset(grant.Id, a)));
        journal.Append(grant.TakeEvents(), AuditEntry.By(caller, "data_sharing_grant.give", "data_sharing_grant", grant.Id.ToString(), id.Value,
            [.. GrantFields.Concat(assets is null ? [] : ["assetIds"])]));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            var existing = await db.DataSharingGrants.AsNoTracking()
                .FirstOrDefaultAsync(g => g.GrantorId == id && g.Grantee == key && g.Part == part && g.Purpose == purpose && g.Scope == scope && g.EndedAt == null, ct);
            throw new DomainRuleException(ParticipantErrors.GrantExists, $"{id} already grants {part} to {key} for {purpose}.",
                new Dictionary<string, object?> { ["existingGrantId"] = existing?.Id.ToString() });
        }
        return ToResponse(grant, now, assets);
    }

    public async Task<GrantResponse> RevokeAsync(ParticipantId id, string grantId, RevokeGrantRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("reason", request.Reason, 1000);
        errors.ThrowIfAny();
        await Relationship.LoadAdministeredAsync(db, id, caller, ct);
        var grant = (Guid.TryParse(grantId, out var guid)
            ? await db.DataSharingGrants.FirstOrDefaultAsync(g => g.Id == guid && g.GrantorId == id, ct)
            : null) ?? throw new DomainRuleException(ParticipantErrors.GrantNotFound, $"{id} has given no grant {grantId}.");
        var now = time.GetUtcNow();
        grant.Revoke(request.Reason!.Trim(), caller.Actor, now);
        journal.Append(grant.TakeEvents(), AuditEntry.By(caller, "data_sharing_grant.revoke", "data_sharing_grant", grant.Id.ToString(), id.Value, "reason"));
        await journal.SaveAsync(ct);
        var assets = grant.NamedAssets
            ? await db.DataSharingGrantAssets.AsNoTracking().Where(a => a.GrantId == grant.Id).Select(a => a.AssetId).ToListAsync(ct)
            : null;
        return ToResponse(grant, now, assets);
    }

    /// <summary>
    /// Grants the participant gave (<c>given</c>) or holds (<c>received</c>: named, or through one of its roles), newest
    /// first; ended ones only when asked.
    /// </summary>
    public async Task<Page<GrantResponse>> ListAsync(ParticipantId id, string? direction, bool includeEnded, Caller caller, CancellationToken ct)
    {
        var received = Relationship.ParseDirection(direction);
        var participant = await Relationship.LoadAdministeredAsync(db, id, caller, ct);
        var now = time.GetUtcNow();
        IQueryable<DataSharingGrant> q;
        if (received)
        {
            var keys = new List<string> { id.Value };
            keys.AddRange(participant.Roles.Select(r => DataSharingGrant.RolePrefix + r));
            q = db.DataSharingGrants.AsNoTracking().Where(g => keys.Contains(g.Grantee) && g.GrantorId != id);
        }
        else
        {
            q = db.DataSharingGrants.AsNoTracking().Where(g => g.GrantorId == id);
        }
        if (!includeEnded)
            q = q.Where(g => g.EndedAt == null && g.ExpiresAt > now);
        var rows = await q.OrderByDescending(g => g.Id).Take(Relationship.MaxListed).ToListAsync(ct);
        var named = rows.Where(g => g.NamedAssets).Select(g => g.Id).ToList();
        var assets = named.Count == 0
            ? []
            : (await db.DataSharingGrantAssets.AsNoTracking().Where(a => named.Contains(a.GrantId)).ToListAsync(ct))
                .GroupBy(a => a.GrantId).ToDictionary(g => g.Key, g => (IReadOnlyCollection<AssetId>)[.. g.Select(a => a.AssetId)]);
        return new Page<GrantResponse>([.. rows.Select(g => ToResponse(g, now, g.NamedAssets ? assets.GetValueOrDefault(g.Id) ?? [] : null))], null);
    }

    private static GrantResponse ToResponse(DataSharingGrant g, DateTimeOffset now, IReadOnlyCollection<AssetId>? assets) => new(
        g.Id.ToString(), g.GrantorId.Value, g.GranteeId?.Value, g.GranteeRole, g.Part, g.Purpose, g.ExpiresAt, g.StatusAt(now), g.GrantedAt, g.EndedAt, g.EndReason,
        assets is null ? null : [.. assets.Select(a => a.Value).Order(StringComparer.Ordinal)]);
}

internal static class Relationship
{
    /// <summary>Lists are short (one row per counterparty and part); they are answered whole, up to this many rows.</summary>
    public const int MaxListed = 500;

    public static async Task<Participant> LoadAdministeredAsync(RegistryDbContext db, ParticipantId id, Caller caller, CancellationToken ct)
    {
        if (!caller.CanAdminister(id))
            throw ParticipantQueries.NotFound(id);
        return await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw ParticipantQueries.NotFound(id);
    }

    public static bool ParseDirection(string? direction) => direction switch
    {
        null or "given" => false,
        "received" => true,
        _ => throw new RequestValidationException([new FieldError("direction", "field.invalid", "direction is given or received.")]),
    };
}
