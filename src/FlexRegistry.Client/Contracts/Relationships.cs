using System.ComponentModel.DataAnnotations;
namespace FlexRegistry.Client.Contracts;

/// <summary>Body of <c>POST /api/v1/participants/{id}/market-interests</c> (BUC.4 step 5).</summary>
public sealed record ExpressInterestRequest
{
    /// <summary>The participant that runs the markets (role market-operator, system-operator or marketplace-platform).</summary>
    [MaxLength(50)]
    public string? MarketOperatorId { get; init; }

    /// <summary>Optional free text for the market operator, e.g. which markets or products (at most 500 characters).</summary>
    [MaxLength(500), DataType(DataType.MultilineText)]
    public string? Note { get; init; }
}

/// <summary>An expression of interest; <see cref="Status"/> is <c>active</c> or <c>withdrawn</c>.</summary>
public sealed record MarketInterestResponse(
    string InterestId,
    string ParticipantId,
    string MarketOperatorId,
    string? Note,
    string Status,
    DateTimeOffset ExpressedAt,
    DateTimeOffset? WithdrawnAt);

/// <summary>Body of <c>POST /api/v1/participants/{id}/data-sharing-grants</c> (BUC.4 step 4). Name exactly one grantee.</summary>
public sealed record GiveGrantRequest
{
    [MaxLength(50)]
    public string? GranteeParticipantId { get; init; }

    /// <summary>Every participant holding this role, e.g. <c>market-operator</c>.</summary>
    [MaxLength(50)]
    public string? GranteeRole { get; init; }

    /// <summary>
    /// The part of the grantor's data: an asset field group (e.g. <c>asset.address</c>), a section of its commercial
    /// information (e.g. <c>commercial-information.bank-details</c>) or <c>commercial-information</c> for all of it
    /// (the list: <c>GET /api/v1/reference/visibility</c>, <c>grantParts</c>).
    /// </summary>
    [MaxLength(100)]
    public string? Part { get; init; }

    /// <summary>The published purpose the grantee may read it for (<c>GET /api/v1/reference/purposes</c>), e.g. <c>procurement</c>.</summary>
    [MaxLength(50)]
    public string? Purpose { get; init; }

    /// <summary>For an asset part: the grantor's assets it covers (at most 1000). Absent: all of the grantor's assets, present and future.</summary>
    public IReadOnlyList<string>? AssetIds { get; init; }

    /// <summary>When the grant lapses: in the future, at most five years ahead.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

public sealed record RevokeGrantRequest
{
    [MaxLength(1000), DataType(DataType.MultilineText)]
    public string? Reason { get; init; }
}

/// <summary>A data-sharing grant; <see cref="Status"/> is <c>active</c>, <c>expired</c> or <c>revoked</c>.</summary>
public sealed record GrantResponse(
    string GrantId,
    string GrantorId,
    string? GranteeParticipantId,
    string? GranteeRole,
    string Part,
    string Purpose,
    DateTimeOffset ExpiresAt,
    string Status,
    DateTimeOffset GrantedAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    IReadOnlyList<string>? AssetIds = null);
