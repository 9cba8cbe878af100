using System.ComponentModel.DataAnnotations;
namespace FlexRegistry.Client.Contracts;

/// <summary>Body of <c>POST /api/v1/participants/{id}/users</c>: invite a person of the organisation (BUC.4 step 4).</summary>
public sealed record InviteUserRequest
{
    /// <summary>Must be at one of the organisation's registered email domains.</summary>
    [MaxLength(254)]
    public string? Email { get; init; }
    [MaxLength(200)]
    public string? Name { get; init; }
    [MaxLength(20)]
    public IReadOnlyList<string>? Permissions { get; init; }
}

/// <summary>
/// Answer to an invitation. Always this shape and status, whether or not the email is known anywhere in the register.
/// <see cref="InvitationToken"/> is shown only here: pass it to the invitee, who accepts it while signed in at a
/// trusted identity provider.
/// </summary>
public sealed record InviteUserResponse(
    string UserId,
    string Status,
    IReadOnlyList<string> Permissions,
    string InvitationToken,
    DateTimeOffset InvitationExpiresAt)
{
    /// <summary>Whether the register emailed the invitation link to the invitee (false: pass the token on yourself).</summary>
    public bool EmailSent { get; init; }
}

/// <summary>A user as the organisation's administrators see it.</summary>
public sealed record UserResponse(
    string UserId,
    string ParticipantId,
    string Email,
    string Name,
    IReadOnlyList<string> Permissions,
    string Status,
    string? IdentityIssuer,
    DateTimeOffset? InvitationExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of <c>PUT /api/v1/participants/{id}/users/{userId}/permissions</c>: the complete new set.</summary>
public sealed record ChangeUserPermissionsRequest
{
    [MaxLength(20)]
    public IReadOnlyList<string>? Permissions { get; init; }
}

/// <summary>Body of <c>POST /api/v1/invitations/accept</c>, sent with a bearer token from a trusted external issuer.</summary>
public sealed record AcceptInvitationRequest
{
    [MaxLength(200)]
    public string? Token { get; init; }
}

/// <summary>Body of <c>PUT /api/v1/participants/{id}/users/{userId}/identity</c> (registry operator only).</summary>
public sealed record MapUserIdentityRequest
{
    [MaxLength(500)]
    public string? Issuer { get; init; }
    [MaxLength(200)]
    public string? Subject { get; init; }
}

/// <summary>Body of <c>POST /api/v1/participants/{id}/email-domains</c> (registry operator only).</summary>
public sealed record ApproveEmailDomainRequest
{
    [MaxLength(253)]
    public string? Domain { get; init; }
}

/// <summary>
/// A domain the organisation may invite users at. <see cref="Source"/> is <c>authorised-person</c> for the domain of
/// the Authorised Person's email, or <c>approved</c> for one the registry operator approved.
/// </summary>
public sealed record EmailDomainResponse(string Domain, string Source, DateTimeOffset? ApprovedAt);
