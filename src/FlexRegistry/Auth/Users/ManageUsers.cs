using FlexRegistry.Audit;
using FlexRegistry.Auth.People;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Shared.Mail;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Auth.Users;

/// <summary>Configuration section <c>Users</c>.</summary>
public sealed class UserOptions
{
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(3);
}

/// <summary>
/// BUC.4 step 4 (users): the organisation's administrators (callers holding <c>users:manage</c>: the Authorised
/// Person's initial client, or users given that permission) and the registry operator invite users with a subset of
/// what the organisation's roles allow, change their permissions, suspend, reinstate and remove them. Audit entries
/// name fields only; the name and email stay out of the audit log.
/// </summary>
public sealed class ManageUsers(RegistryDbContext db, Journal journal, UserOptions options, ExternalIssuerRegistry issuers, Emails emails, WebLinks links, TimeProvider time)
{
    public async Task<InviteUserResponse> InviteAsync(ParticipantId id, InviteUserRequest request, Caller caller, CancellationToken ct)
    {
        var participant = await LoadParticipantAsync(id, caller, ct);
        var errors = new FieldErrors();
        errors.Required("name", request.Name, 200);
        Email email = default;
        if (string.IsNullOrWhiteSpace(request.Email))
            errors.Add("email", "field.required", "email is required.");
        else if (!Email.TryParse(request.Email, out email))
            errors.Add("email", "field.invalid_email", "email is not a valid email address.");
        var permissions = ValidatePermissions(request.Permissions, errors);
        errors.ThrowIfAny();
        CheckAllowed(participant, permissions);

        // The domain rule depends only on the organisation's own domains, never on who else is registered, so its answer
        // reveals nothing about whether the address is known; a known address gets the same 201 as a new one.
        var domains = await DomainsAsync(participant, ct);
        if (!domains.Any(d => d.Domain == email.Domain))
            throw new DomainRuleException(UserErrors.EmailDomainNotRegistered,
                $"{email.Domain} is not one of the organisation's email domains ({string.Join(", ", domains.Select(d => d.Domain))}); the registry operator approves further domains.",
                new Dictionary<string, object?> { ["domains"] = domains.Select(d => d.Domain).ToArray() });

        return await InviteAndEmailAsync(participant, email, request.Name!, permissions, caller, ct);
    }

    /// <summary>
    /// The Authorised Person, who registered the organisation, is invited at their own address with every permission the
    /// roles allow, whatever its domain (a sole trader's may be a public mailbox provider's): they administer the rest.
    /// </summary>
    public async Task<InviteUserResponse> InviteAuthorisedPersonAsync(ParticipantId id, Caller caller, CancellationToken ct)
    {
        var participant = await LoadParticipantAsync(id, caller, ct);
        if (!Email.TryParse(participant.AuthorisedPerson.Email, out var email))
            throw new DomainRuleException(UserErrors.EmailDomainNotRegistered, "The Authorised Person's email is not a valid address.");
        return await InviteAndEmailAsync(participant, email, participant.AuthorisedPerson.Name, Scopes.AllowedFor(participant.Roles), caller, ct);
    }

    /// <summary>
    /// Creates the invitation and emails its link. The email goes after the commit: if the mail system refuses it the
    /// invitation still stands, and the answer (which carries the token, shown once) lets the inviter pass it on.
    /// </summary>
    private async Task<InviteUserResponse> InviteAndEmailAsync(Participant participant, Email email, string name, IReadOnlyList<string> permissions, Caller caller, CancellationToken ct)
    {
        var id = participant.Id;
        var (user, token) = OrganisationUser.Invite(id, email, name, permissions, options.InvitationLifetime, time.GetUtcNow());
        db.Users.Add(user);
        journal.Append(user.TakeEvents(), AuditEntry.By(caller, "user.invite", "user", user.Id, id.Value, "email", "name", "permissions"));
        await journal.SaveAsync(ct);
        var link = links.To("/account/accept?token=" + Uri.EscapeDataString(token));
        var sent = await emails.TrySendAsync(user.Email, $"You are invited to act for {participant.LegalName} in FlexRegistry",
            $"""
            {participant.LegalName} has invited you to act for it in FlexRegistry, the register of flexibility participants and assets.

            Open this link to set up your account or sign in with your organisation's account:
            {link}

            The link works once and expires at {user.InvitationExpiresAt:yyyy-MM-dd HH:mm} UTC. If you were not expecting this email, you can ignore it.
            """, ct);
        return new InviteUserResponse(user.Id, OrganisationUser.Wire(user.Status), user.Permissions, token, user.InvitationExpiresAt!.Value) { EmailSent = sent };
    }

    public async Task<Page<UserResponse>> ListAsync(ParticipantId id, Caller caller, CancellationToken ct)
    {
        await LoadParticipantAsync(id, caller, ct);
        var users = await db.Users.AsNoTracking().Where(u => u.ParticipantId == id).ToListAsync(ct);
        return new Page<UserResponse>([.. users.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id, StringComparer.Ordinal).Select(ToResponse)], null);
    }

    public async Task<UserResponse> ChangePermissionsAsync(ParticipantId id, string userId, ChangeUserPermissionsRequest request, Caller caller, CancellationToken ct)
    {
        var participant = await LoadParticipantAsync(id, caller, ct);
        var errors = new FieldErrors();
        var permissions = ValidatePermissions(request.Permissions, errors);
        errors.ThrowIfAny();
        CheckAllowed(participant, permissions);
        return await ChangeAsync(id, userId, caller, "user.change_permissions", "permissions", u => u.ChangePermissions(permissions, time.GetUtcNow()), ct);
    }

    public Task<UserResponse> SuspendAsync(ParticipantId id, string userId, Caller caller, CancellationToken ct) =>
        ChangeStatusAsync(id, userId, caller, "user.suspend", u => u.Suspend(time.GetUtcNow()), ct);

    public Task<UserResponse> ReinstateAsync(ParticipantId id, string userId, Caller caller, CancellationToken ct) =>
        ChangeStatusAsync(id, userId, caller, "user.reinstate", u => u.Reinstate(time.GetUtcNow()), ct);

    public Task<UserResponse> RemoveAsync(ParticipantId id, string userId, Caller caller, CancellationToken ct) =>
        ChangeStatusAsync(id, userId, caller, "user.remove", u => u.Remove(time.GetUtcNow()), ct);

    /// <summary>The registry operator binds an identity of a trusted issuer to a user (e.g. after the provider changed subjects).</summary>
    public async Task<UserResponse> MapIdentityAsync(ParticipantId id, string userId, MapUserIdentityRequest request, Caller caller, CancellationToken ct)
    {
        if (!caller.IsRegistryOperator)
            throw ParticipantQueries.NotFound(id);
        var errors = new FieldErrors();
        errors.Required("issuer", request.Issuer, 500);
        errors.Required("subject", request.Subject, 200);
        errors.ThrowIfAny();
        var issuer = request.Issuer!.Trim();
        if (issuers.Find(issuer) is null)
            throw new DomainRuleException(UserErrors.IssuerNotTrusted, $"{Truncate(issuer)} is not configured in Auth:ExternalIssuers.");
        return await ChangeAsync(id, userId, caller, "user.map_identity", "identity",
            u => u.MapIdentity(issuer, request.Subject!.Trim(), time.GetUtcNow()), ct);
    }

    /// <summary>The organisation's invitation domains: the Authorised Person's (unless a public provider) and those the operator approved.</summary>
    public async Task<Page<EmailDomainResponse>> ListDomainsAsync(ParticipantId id, Caller caller, CancellationToken ct)
    {
        var participant = await LoadParticipantAsync(id, caller, ct);
        return new Page<EmailDomainResponse>(await DomainsAsync(participant, ct), null);
    }

    public async Task<EmailDomainResponse> ApproveDomainAsync(ParticipantId id, ApproveEmailDomainRequest request, Caller caller, CancellationToken ct)
    {
        await LoadParticipantAsync(id, caller, ct);
        var domain = EmailDomain.Normalise(request.Domain);
        if (domain is null)
        {
            var errors = new FieldErrors();
            if (string.IsNullOrWhiteSpace(request.Domain))
                errors.Add("domain", "field.required", "domain is required.");
            else
                errors.Add("domain", "email_domain.invalid", "domain must be a DNS name such as flex.example.co.uk.");
            errors.ThrowIfAny();
        }
        var approved = EmailDomain.Approve(id, domain!, caller.Actor, time.GetUtcNow());
        db.EmailDomains.Add(approved);
        journal.Append(approved.TakeEvents(), AuditEntry.By(caller, "email_domain.approve", "participant", id.Value, id.Value, "emailDomains"));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            throw new DomainRuleException(UserErrors.EmailDomainAlreadyRegistered, $"{id} already has {domain}.");
        }
        return new EmailDomainResponse(approved.Domain, "approved", approved.ApprovedAt);
    }

    /// <summary>Withdrawing a domain stops new invitations there; users already invited or active stay (suspend them if needed).</summary>
    public async Task WithdrawDomainAsync(ParticipantId id, string domain, Caller caller, CancellationToken ct)
    {
        await LoadParticipantAsync(id, caller, ct);
        var normalised = EmailDomain.Normalise(domain) ?? "";
        var approved = await db.EmailDomains.FirstOrDefaultAsync(d => d.ParticipantId == id && d.Domain == normalised, ct)
            ?? throw new DomainRuleException(UserErrors.EmailDomainNotFound, $"{id} has no approved domain {Truncate(domain)}.");
        approved.Withdraw();
        db.EmailDomains.Remove(approved);
        journal.Append(approved.TakeEvents(), AuditEntry.By(caller, "email_domain.withdraw", "participant", id.Value, id.Value, "emailDomains"));
        await journal.SaveAsync(ct);
    }

    private async Task<List<EmailDomainResponse>> DomainsAsync(Participant participant, CancellationToken ct)
    {
        var domains = new List<EmailDomainResponse>();
        if (EmailDomain.ImpliedBy(participant.AuthorisedPerson) is { } implied)
            domains.Add(new EmailDomainResponse(implied, "authorised-person", null));
        var approved = await db.EmailDomains.AsNoTracking().Where(d => d.ParticipantId == participant.Id).ToListAsync(ct);
        domains.AddRange(approved.Where(d => domains.All(x => x.Domain != d.Domain)).OrderBy(d => d.Domain, StringComparer.Ordinal)
            .Select(d => new EmailDomainResponse(d.Domain, "approved", d.ApprovedAt)));
        return domains;
    }

    private Task<UserResponse> ChangeStatusAsync(ParticipantId id, string userId, Caller caller, string action, Action<OrganisationUser> change, CancellationToken ct) =>
        ChangeAsync(id, userId, caller, action, "status", change, ct);

    private async Task<UserResponse> ChangeAsync(ParticipantId id, string userId, Caller caller, string action, string field, Action<OrganisationUser> change, CancellationToken ct)
    {
        await LoadParticipantAsync(id, caller, ct);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId && u.ParticipantId == id, ct)
            ?? throw new DomainRuleException(UserErrors.NotFound, $"{id} has no user {Truncate(userId)}.");
        change(user);
        journal.Append(user.TakeEvents(), AuditEntry.By(caller, action, "user", user.Id, id.Value, field));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            throw new DomainRuleException(UserErrors.IdentityAlreadyBound, "That identity is already bound to another user.");
        }
        return ToResponse(user);
    }

    /// <summary>Only the participant itself and the registry operator manage its users; to anyone else it does not exist.</summary>
    private async Task<Participant> LoadParticipantAsync(ParticipantId id, Caller caller, CancellationToken ct)
    {
        if (!caller.CanAdminister(id))
            throw ParticipantQueries.NotFound(id);
        return await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw ParticipantQueries.NotFound(id);
    }

    internal static List<string> ValidatePermissions(IReadOnlyList<string>? requested, FieldErrors errors)
    {
        var permissions = new List<string>();
        if (requested is null || requested.Count == 0)
        {
            errors.Add("permissions", "field.required", "Give at least one permission.");
            return permissions;
        }
        for (var i = 0; i < requested.Count; i++)
        {
            var permission = requested[i];
            if (permission is not null && Scopes.All.Contains(permission))
                permissions.Add(permission);
            else
                errors.Add($"permissions[{i}]", "user.permission_unknown", $"'{Truncate(permission ?? "")}' is not a permission; use one of {string.Join(", ", Scopes.All)}.");
        }
        return permissions;
    }

    /// <summary>A user can be given only what the organisation's roles allow (a market operator cannot write assets).</summary>
    private static void CheckAllowed(Participant participant, IReadOnlyList<string> permissions)
    {
        var allowed = Scopes.AllowedFor(participant.Roles);
        var offending = permissions.Where(p => !allowed.Contains(p)).Distinct(StringComparer.Ordinal).ToArray();
        if (offending.Length > 0)
            throw new DomainRuleException(UserErrors.PermissionNotAllowed,
                $"The organisation's roles ({string.Join(", ", participant.Roles)}) do not allow {string.Join(", ", offending)}.",
                new Dictionary<string, object?> { ["permissions"] = offending, ["allowed"] = allowed });
    }

    internal static UserResponse ToResponse(OrganisationUser u) => new(
        u.Id, u.ParticipantId.Value, u.Email, u.Name, u.Permissions, OrganisationUser.Wire(u.Status), u.IdentityIssuer,
        u.Status == UserStatus.Invited ? u.InvitationExpiresAt : null, u.CreatedAt, u.UpdatedAt);

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
