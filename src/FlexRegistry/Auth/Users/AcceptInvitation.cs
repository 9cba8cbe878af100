using FlexRegistry.Audit;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Auth.Users;

/// <summary>
/// The invitee, signed in at a trusted external issuer, presents the invitation token: the token is spent and the
/// identity (issuer, subject) is bound to the user, whose permissions the identity's tokens carry from then on.
/// Unknown, used, expired and withdrawn tokens all get the same answer.
/// </summary>
public sealed class AcceptInvitation(RegistryDbContext db, Journal journal, TimeProvider time)
{
    /// <summary>
    /// What the invitation page shows the token holder before they accept: the invited email and the organisation. Null
    /// for an unknown, used, expired or withdrawn token (one answer for all, as for accepting).
    /// </summary>
    public async Task<InvitationSummary?> DescribeAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 200)
            return null;
        var hash = OrganisationUser.HashToken(token.Trim());
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.InvitationTokenHash == hash, ct);
        if (user is null || !user.InvitationUsableAt(time.GetUtcNow()))
            return null;
        var participant = await db.Participants.AsNoTracking().FirstAsync(p => p.Id == user.ParticipantId, ct);
        return new InvitationSummary(user.Email, user.Name, participant.LegalName, participant.Roles.Contains(Participants.ParticipantRole.RegistryOperator));
    }

    public async Task<UserResponse> HandleAsync(AcceptInvitationRequest request, ExternalIdentity identity, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Required("token", request.Token, 200);
        errors.ThrowIfAny();

        var hash = OrganisationUser.HashToken(request.Token!.Trim());
        var now = time.GetUtcNow();
        var user = await db.Users.FirstOrDefaultAsync(u => u.InvitationTokenHash == hash, ct);
        // When the issuer vouches for an email, it must be the invited one: a forwarded or leaked token is of no use to
        // someone else. Compared case-insensitively, as providers differ in how they case addresses.
        if (user is null || !user.InvitationUsableAt(now)
            || (identity.Email is not null && !string.Equals(identity.Email, user.Email, StringComparison.OrdinalIgnoreCase))
            || (identity.Email is null && identity.EmailRequired))
            throw new DomainRuleException(UserErrors.InvitationInvalid, UserErrors.InvitationInvalidDetail);

        user.AcceptInvitation(identity.Issuer, identity.Subject, now);
        journal.Append(user.TakeEvents(),
            new AuditEntry(user.ParticipantId.Value, user.Id, "user.accept_invitation", "user", user.Id, user.ParticipantId.Value, ["identity", "status"]));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone accepted the same invitation a moment earlier.
            throw new DomainRuleException(UserErrors.InvitationInvalid, UserErrors.InvitationInvalidDetail);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            throw new DomainRuleException(UserErrors.IdentityAlreadyBound,
                "The identity you signed in with is already bound to a user of the register; sign in with another identity to accept this invitation.");
        }
        return ManageUsers.ToResponse(user);
    }
}

/// <summary>An invitation as its holder sees it before accepting.</summary>
public sealed record InvitationSummary(string Email, string Name, string OrganisationName, bool RegistryOperator);
