using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace FlexRegistry.Visibility;

/// <summary>An active data-sharing grant the reader holds (by name or through one of its roles).</summary>
/// <param name="Id">The grant.</param>
/// <param name="Grantor">Whose data it shares.</param>
/// <param name="Part">The part it covers (<see cref="DataParts"/>).</param>
/// <param name="Purpose">The purpose it serves.</param>
/// <param name="Assets">The named assets of an asset grant; null for all of the grantor's.</param>
public sealed record HeldGrant(Guid Id, ParticipantId Grantor, string Part, string Purpose, IReadOnlySet<AssetId>? Assets)
{
    public bool IsAssetGrant => Part.StartsWith(DataParts.AssetPrefix, StringComparison.Ordinal);
}

/// <summary>
/// Who reads, for which purpose, holding which relationships by role and which grants — everything about the reader
/// that does not depend on the record read. Resolved once per request, from the database, so that a revoked or expired
/// grant stops counting on the very next request.
/// </summary>
public sealed class Reader
{
    public Reader(Caller caller, string? purpose, bool purposeDeclared, IReadOnlyList<HeldGrant> grants)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Caller = caller;
        Purpose = purpose;
        PurposeDeclared = purposeDeclared;
        Grants = grants;
        var roles = Relation.AnyParticipant;
        if (caller.Roles.Any(ParticipantRole.IsBuyer))
            roles |= Relation.MarketOrSystemOperator;
        if (caller.IsRegistryOperator)
            roles |= Relation.RegistryOperator;
        RoleRelations = roles;
    }

    public Caller Caller { get; }

    public ParticipantId ParticipantId => Caller.ParticipantId;

    /// <summary>The declared purpose, else the client's registered default (the registry operator: registry-administration); null when neither.</summary>
    public string? Purpose { get; }

    public bool PurposeDeclared { get; }

    /// <summary>Relationships held through the reader's roles, whatever the record.</summary>
    public Relation RoleRelations { get; }

    /// <summary>Every active grant the reader holds, whatever its purpose.</summary>
    public IReadOnlyList<HeldGrant> Grants { get; }

    /// <summary>Reads that need no purpose: of data the reader is a party to. Others see data only with a purpose.</summary>
    public bool HasPurpose => Purpose is not null;

    /// <summary>The reader may see data it is not a party to (by role, or through an asset grant), so its searches need a purpose.</summary>
    public bool ReadsBeyondOwnAssets =>
        (RoleRelations & (Relation.MarketOrSystemOperator | Relation.RegistryOperator)) != 0 || Grants.Any(g => g.IsAssetGrant);
}

/// <summary>Resolves the <see cref="Reader"/> of a request.</summary>
public sealed class Readers(RegistryDbContext db, IMemoryCache cache, TimeProvider time)
{
    /// <summary>A client's registered default purpose changes only by creating another client; cached this long.</summary>
    private static readonly TimeSpan DefaultPurposeCacheFor = TimeSpan.FromMinutes(1);

    /// <param name="caller">Who calls.</param>
    /// <param name="declaredPurpose">A purpose already checked by <see cref="Purposes.Check"/>, or null when none was declared.</param>
    /// <param name="ct">Cancels the look-ups.</param>
    public async Task<Reader> ResolveAsync(Caller caller, string? declaredPurpose, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var purpose = declaredPurpose ?? await DefaultPurposeAsync(caller, ct);
        return new Reader(caller, purpose, declaredPurpose is not null, await GrantsHeldAsync(caller, ct));
    }

    /// <summary>
    /// The reader when the read has a purpose (declared, or the client's default); null, without reading its grants, when it
    /// has none: for reads that show nothing more than public data without one (the participant directory).
    /// </summary>
    public async Task<Reader?> ResolveWithPurposeAsync(Caller caller, string? declaredPurpose, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var purpose = declaredPurpose ?? await DefaultPurposeAsync(caller, ct);
        return purpose is null ? null : new Reader(caller, purpose, declaredPurpose is not null, await GrantsHeldAsync(caller, ct));
    }

    private async Task<string?> DefaultPurposeAsync(Caller caller, CancellationToken ct)
    {
        if (caller.IsRegistryOperator)
            return Purposes.RegistryAdministration;
        if (caller.IsUser)
            return null;
        var key = ("default-purpose", caller.ClientId);
        if (cache.TryGetValue(key, out string? cached))
            return cached;
        var clientId = caller.ClientId;
        var purpose = await db.ApiClients.AsNoTracking().Where(c => c.ClientId == clientId).Select(c => c.DefaultPurpose).FirstOrDefaultAsync(ct);
        cache.Set(key, purpose, DefaultPurposeCacheFor);
        return purpose;
    }

    private async Task<IReadOnlyList<HeldGrant>> GrantsHeldAsync(Caller caller, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var me = caller.ParticipantId;
        var keys = new List<string>(caller.Roles.Count + 1) { me.Value };
        keys.AddRange(caller.Roles.Select(r => DataSharingGrant.RolePrefix + r));
        var rows = await db.DataSharingGrants.AsNoTracking()
            .Where(g => keys.Contains(g.Grantee) && g.EndedAt == null && g.ExpiresAt > now && g.GrantorId != me)
            .Select(g => new { g.Id, g.GrantorId, g.Part, g.Purpose, g.NamedAssets })
            .ToListAsync(ct);
        if (rows.Count == 0)
            return [];
        var named = rows.Where(r => r.NamedAssets).Select(r => r.Id).ToList();
        var assets = named.Count == 0
            ? []
            : (await db.DataSharingGrantAssets.AsNoTracking().Where(a => named.Contains(a.GrantId)).ToListAsync(ct))
                .GroupBy(a => a.GrantId).ToDictionary(g => g.Key, g => (IReadOnlySet<AssetId>)g.Select(a => a.AssetId).ToHashSet());
        return [.. rows.Select(r => new HeldGrant(r.Id, r.GrantorId, r.Part, r.Purpose, r.NamedAssets ? assets.GetValueOrDefault(r.Id) ?? new HashSet<AssetId>() : null))];
    }
}
