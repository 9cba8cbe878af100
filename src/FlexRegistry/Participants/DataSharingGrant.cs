using FlexRegistry.Events;

namespace FlexRegistry.Participants;

/// <summary>
/// BUC.4 step 4: a participant (the grantor) lets a named participant, or every participant holding a role, see a
/// named part of its data for a stated purpose until an expiry date. Revocable at any time. One open grant per
/// grantor, grantee and part is a database rule. While active it is a relationship (BUC.4 step 9).
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
    public string Purpose { get; private set; } = "";
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

    public static DataSharingGrant Give(ParticipantId grantor, ParticipantId? grantee, string? granteeRole, string part, string purpose,
        DateTimeOffset expiresAt, string actor, DateTimeOffset now)
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
        };
        Record(type, GrantorId.Value, data, GranteeId is { } g ? [GrantorId.Value, g.Value] : [GrantorId.Value]);
    }
}

/// <summary>The named parts of a participant's data that a grant can cover: the sections of its commercial information, or all of it.</summary>
public static class DataParts
{
    public const string CommercialInformation = "commercial-information";

    public static readonly IReadOnlyList<string> All =
    [
        CommercialInformation, "commercial-information.trading-names", "commercial-information.contacts", "commercial-information.bank-details",
        "commercial-information.insurance", "commercial-information.ico-registration",
    ];

    public static bool IsKnown(string part) => All.Contains(part, StringComparer.Ordinal);
}
