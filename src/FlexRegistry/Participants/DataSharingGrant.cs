using System.Security.Cryptography;
using System.Text;
using FlexRegistry.Assets;
using FlexRegistry.Events;
using FlexRegistry.Visibility;

namespace FlexRegistry.Participants;

/// <summary>
/// BUC.4 step 4: a participant (the grantor) lets a named participant, or every participant holding a role, see a
/// named part of its data — a field group of its assets (all of them, or named ones), or a section of its commercial
/// information — for one published purpose until an expiry date. Revocable at any time; reads honour it field group by
/// field group from the next request on (see <see cref="VisibilityRule"/>). One open grant per grantor, grantee, part,
/// purpose and asset scope is a database rule. While active it is a relationship (BUC.4 step 9).
/// </summary>
public sealed class DataSharingGrant : EventSource
{
    public const string RolePrefix = "role:";

    private DataSharingGrant() { }

    public Guid Id { get; private set; }
    public ParticipantId GrantorId { get; private set; }

    /// <summary>The named grantee, or null for a role grant.</summary>
    public ParticipantId? GranteeId { get; private set; }

    /// <summary>The role whose holders are the grantees, or null for a named grantee.</summary>
    public string? GranteeRole { get; private set; }

    /// <summary>The uniqueness key of the grantee: a participant ID or <c>role:</c> + role.</summary>
    public string Grantee { get; private set; } = "";
    public string Part { get; private set; } = "";

    /// <summary>A published purpose code (<see cref="Purposes"/>); reads declaring another purpose are not covered.</summary>
    public string Purpose { get; private set; } = "";

    /// <summary>An asset grant naming its assets (rows of <see cref="DataSharingGrantAsset"/>) rather than covering all of the grantor's.</summary>
    public bool NamedAssets { get; private set; }

    /// <summary>
    /// The asset scope as part of the uniqueness key: <c>all</c>, or <c>named:</c> and a digest of the sorted asset IDs,
    /// so that the same assets named again in another order are the same grant.
    /// </summary>
    public string Scope { get; private set; } = AllAssets;

    public const string AllAssets = "all";
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset GrantedAt { get; private set; }
    public string GrantedBy { get; private set; } = "";

    /// <summary>When the grant stopped being open: revoked, or closed after expiry when the same grant was given again.</summary>
    public DateTimeOffset? EndedAt { get; private set; }
    public string? EndedBy { get; private set; }
    public string? EndReason { get; private set; }
    public bool Revoked { get; private set; }

    public bool IsActiveAt(DateTimeOffset now) => EndedAt is null && ExpiresAt > now;

    public string StatusAt(DateTimeOffset now) => Revoked ? "revoked" : IsActiveAt(now) ? "active" : "expired";

    public static string ScopeOf(IReadOnlyCollection<AssetId>? assets) => assets is null
        ? AllAssets
        : "named:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', assets.Select(a => a.Value).Order(StringComparer.Ordinal)))));

    public static DataSharingGrant Give(ParticipantId grantor, ParticipantId? grantee, string? granteeRole, string part, string purpose,
        IReadOnlyCollection<AssetId>? assets, DateTimeOffset expiresAt, string actor, DateTimeOffset now)
    {
        if ((grantee is null) == (granteeRole is null))
            throw new ArgumentException("A grant names exactly one grantee: a participant or a role.");
        var grant = new DataSharingGrant
        {
            Id = Guid.CreateVersion7(now),
            GrantorId = grantor,
            GranteeId = grantee,
            GranteeRole = granteeRole,
            Grantee = grantee?.Value ?? RolePrefix + granteeRole,
            Part = part,
            Purpose = purpose,
            NamedAssets = assets is not null,
            Scope = ScopeOf(assets),
            ExpiresAt = expiresAt,
            GrantedAt = now,
            GrantedBy = actor,
        };
        grant.RecordChange("data_sharing_grant.given");
        return grant;
    }

    public void Revoke(string reason, string actor, DateTimeOffset now)
    {
        if (EndedAt is not null)
            return;
        EndedAt = now;
        EndedBy = actor;
        EndReason = reason;
        Revoked = true;
        RecordChange("data_sharing_grant.revoked");
    }

    /// <summary>An expired grant is closed when the same grant is given again, so the new one can take the open slot.</summary>
    public void CloseExpired(string actor, DateTimeOffset now)
    {
        if (EndedAt is not null || ExpiresAt > now)
            return;
        EndedAt = now;
        EndedBy = actor;
        EndReason = "Expired; superseded by a new grant.";
    }

    private void RecordChange(string type)
    {
        var data = new Dictionary<string, object?>
        {
            ["participantId"] = GrantorId.Value,
            ["grantId"] = Id.ToString(),
            ["granteeId"] = GranteeId?.Value,
            ["granteeRole"] = GranteeRole,
            ["part"] = Part,
            ["purpose"] = Purpose,
        };
        Record(type, GrantorId.Value, data, GranteeId is { } g ? [GrantorId.Value, g.Value] : [GrantorId.Value]);
    }
}

/// <summary>
/// The named parts of a participant's data that a grant can cover: every field group some relationship sees only under
/// a grant (<see cref="FieldGroup.Part"/>: <c>asset.address</c>, <c>commercial-information.bank-details</c>, ...), and
/// <c>commercial-information</c> for all of its sections.
/// </summary>
public static class DataParts
{
    public const string CommercialInformation = "commercial-information";
    public const string AssetPrefix = "asset.";

    public static readonly IReadOnlyList<string> All =
        [CommercialInformation, .. VisibilityRule.All.Select(g => g.Part).OfType<string>()];

    public static bool IsKnown(string part) => All.Contains(part, StringComparer.Ordinal);

    public static bool IsAssetPart(string part) => part.StartsWith(AssetPrefix, StringComparison.Ordinal);

    /// <summary>The field groups a grant of <paramref name="part"/> covers.</summary>
    public static GroupSet Covers(string resource, string part)
    {
        var covered = GroupSet.None;
        foreach (var group in VisibilityRule.GroupsOf(resource))
        {
            if (group.Part == part || (part == CommercialInformation && group.Part?.StartsWith(CommercialInformation + ".", StringComparison.Ordinal) == true))
                covered = covered.With(group);
        }
        return covered;
    }
}

/// <summary>One asset named by an asset grant.</summary>
public sealed class DataSharingGrantAsset
{
    private DataSharingGrantAsset() { }

    public DataSharingGrantAsset(Guid grantId, AssetId assetId)
    {
        GrantId = grantId;
        AssetId = assetId;
    }

    public Guid GrantId { get; private set; }
    public AssetId AssetId { get; private set; }
}
