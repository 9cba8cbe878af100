using System.Security.Claims;
using FlexRegistry.Auth.Users;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace FlexRegistry.Auth.People;

/// <summary>
/// The identity a person proved: (issuer, subject) at an external OpenID provider, or (<see cref="WebAccount.Issuer"/>,
/// account ID) for a local account, plus the email the issuer vouches for. It is all a session or an external token
/// holds; what the person may do is looked up from the register user bound to it on every request.
/// </summary>
public sealed record PersonIdentity(string Issuer, string Subject, string? Email, bool MultiFactor)
{
    /// <summary>Marks a session whose sign-in used two factors (password and authenticator code, or a passkey).</summary>
    public const string MultiFactorClaim = "flexreg_mfa";

    public string Key => Issuer + "#" + Subject;

    public static PersonIdentity? From(ClaimsPrincipal? principal) =>
        principal?.FindFirst(ExternalIssuers.IssuerClaim)?.Value is { } issuer && principal.FindFirst(ExternalIssuers.SubjectClaim)?.Value is { } subject
            ? new PersonIdentity(issuer, subject, principal.FindFirst(ExternalIssuers.EmailClaim)?.Value, IsMultiFactor(principal))
            : null;

    /// <summary>Our own mark, or Identity's: a two-factor sign-in carries <c>amr</c> = <c>mfa</c>.</summary>
    private static bool IsMultiFactor(ClaimsPrincipal principal) =>
        principal.HasClaim(MultiFactorClaim, "true") || principal.HasClaim("amr", "mfa");

    public IEnumerable<Claim> Claims()
    {
        yield return new Claim(ExternalIssuers.IssuerClaim, Issuer);
        yield return new Claim(ExternalIssuers.SubjectClaim, Subject);
        if (Email is not null)
            yield return new Claim(ExternalIssuers.EmailClaim, Email);
        if (MultiFactor)
            yield return new Claim(MultiFactorClaim, "true");
    }
}

/// <summary>What the register knows of an identity: bound to an active user of a participant that may act, refused, or unbound.</summary>
public enum BindingState
{
    Unbound,
    Refused,
    Bound,
}

/// <summary>
/// Looks up, uncached, the register user bound to an identity and gives a principal the claims the API's own tokens
/// carry (participant ID, roles, the user's permissions as scopes), so that pages and API endpoints evaluate the same
/// policies and handlers over the same <see cref="Caller"/>. Used for external bearer tokens and for web sessions alike.
/// </summary>
public static class RegistryUserClaims
{
    public const string NameClaim = OpenIddictConstants.Claims.Name;

    public static async Task<(BindingState State, OrganisationUser? User, Participant? Participant)> FindAsync(
        RegistryDbContext db, string issuer, string subject, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.IdentityIssuer == issuer && u.IdentitySubject == subject, ct);
        if (user is null)
            return (BindingState.Unbound, null, null);
        var participant = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == user.ParticipantId, ct);
        if (user.Status != UserStatus.Active || participant is null || participant.Status is not (ParticipantStatus.Active or ParticipantStatus.Provisional))
            return (BindingState.Refused, user, participant);
        return (BindingState.Bound, user, participant);
    }

    /// <summary>The claims of a bound user: <c>sub</c> is the user ID (the actor in the audit trail).</summary>
    public static void AddTo(ClaimsIdentity identity, OrganisationUser user, Participant participant)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(participant);
        var allowed = Scopes.AllowedFor(participant.Roles);
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, user.Id));
        identity.AddClaim(new Claim(Caller.ParticipantClaim, participant.Id.Value));
        identity.AddClaim(new Claim(Caller.UserClaim, "true"));
        foreach (var role in participant.Roles)
            identity.AddClaim(new Claim(OpenIddictConstants.Claims.Role, role));
        identity.SetScopes(user.Permissions.Where(allowed.Contains));
    }
}
