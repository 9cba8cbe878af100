using Microsoft.AspNetCore.Identity;

namespace FlexRegistry.Auth.People;

/// <summary>
/// A person's local account in the register (ASP.NET Core Identity): for organisations and households without an
/// OpenID provider of their own. It signs in with a password (plus an authenticator code where a second factor is
/// required), a passkey, or a one-time link sent by email. An account exists only as the identity of a register user
/// (<see cref="Users.OrganisationUser"/>): it is created when an invitation is accepted, and that user is bound to
/// (<see cref="Issuer"/>, the account's ID), just as a user of an external provider is bound to (its issuer, subject).
/// </summary>
public sealed class WebAccount : IdentityUser
{
    /// <summary>The issuer a local account's identity is bound under; never an external issuer's URL.</summary>
    public const string Issuer = "urn:flexregistry:local-account";

    public DateTimeOffset CreatedAt { get; set; }
}
