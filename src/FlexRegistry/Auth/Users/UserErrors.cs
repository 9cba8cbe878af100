using FlexRegistry.Shared;

namespace FlexRegistry.Auth.Users;

public static class UserErrors
{
    public static readonly ErrorCode NotFound = new("user.not_found", 404, "No such user.");
    public static readonly ErrorCode PermissionNotAllowed = new("user.permission_not_allowed", 422,
        "A requested permission is not allowed for the organisation's roles.");
    public static readonly ErrorCode EmailDomainNotRegistered = new("user.email_domain_not_registered", 422,
        "Invitations go only to the organisation's registered email domains.");
    public static readonly ErrorCode InvalidTransition = new("user.invalid_status_transition", 409,
        "The user's status does not allow this action.");

    /// <summary>One answer for unknown, used, expired and suspended invitations, so the token holder learns nothing else.</summary>
    public static readonly ErrorCode InvitationInvalid = new("invitation.invalid", 422,
        "The invitation is unknown, already used, expired or withdrawn.");

    public const string InvitationInvalidDetail = "The invitation is unknown, already used, expired or withdrawn; ask the organisation for a new one.";

    public static readonly ErrorCode IdentityAlreadyBound = new("user.identity_already_bound", 409,
        "This identity already signs in as a user of the register; one identity maps to one user.");
    public static readonly ErrorCode IssuerNotTrusted = new("user.issuer_not_trusted", 422,
        "The issuer is not among the register's trusted external issuers (Auth:ExternalIssuers).");
    public static readonly ErrorCode EmailDomainAlreadyRegistered = new("email_domain.already_registered", 409,
        "The participant already has this email domain.");
    public static readonly ErrorCode EmailDomainNotFound = new("email_domain.not_found", 404,
        "The participant has no such approved email domain.");
}
