using System.Security.Cryptography;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Shared;

namespace FlexRegistry.Auth.Users;

public enum UserStatus
{
    Invited,
    Active,
    Suspended,
    Removed,
}

/// <summary>
/// A person acting for a participant (BUC.4 step 4). Created by invitation with a subset of the permissions the
/// organisation's roles allow; signs in at an external identity provider, whose (issuer, subject) is bound to the user
/// when the invitation is accepted (or by the registry operator). Name and email are personal data: they never enter
/// events or the audit chain, and are erased when the user is removed.
/// </summary>
public sealed class OrganisationUser : EventSource
{
    private readonly List<string> _permissions = [];

    private OrganisationUser() { }

    public string Id { get; private set; } = "";
    public ParticipantId ParticipantId { get; private set; }
    public string Email { get; private set; } = "";
    public string Name { get; private set; } = "";
    public IReadOnlyList<string> Permissions => _permissions;
    public UserStatus Status { get; private set; }

    /// <summary>The external identity this user signs in with; unique across the register (one identity, one user).</summary>
    public string? IdentityIssuer { get; private set; }
    public string? IdentitySubject { get; private set; }

    /// <summary>SHA-256 of the one-time invitation token; cleared once used. The token itself is never stored.</summary>
    public string? InvitationTokenHash { get; private set; }
    public DateTimeOffset? InvitationExpiresAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>App-managed concurrency token: two acceptances of one invitation cannot both win.</summary>
    public Guid Version { get; private set; }

    /// <summary>Invites a user; returns the user and the invitation token, which is shown once and stored only hashed.</summary>
    public static (OrganisationUser User, string Token) Invite(
        ParticipantId participant, Email email, string name, IEnumerable<string> permissions, TimeSpan lifetime, DateTimeOffset now)
    {
        var token = "fri_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        var user = new OrganisationUser
        {
            Id = "usr_" + RandomNumberGenerator.GetString("0123456789abcdefghjkmnpqrstvwxyz", 20),
            ParticipantId = participant,
            Email = email.Value,
            Name = name.Trim(),
            Status = UserStatus.Invited,
            InvitationTokenHash = HashToken(token),
            InvitationExpiresAt = now + lifetime,
            CreatedAt = now,
            UpdatedAt = now,
            Version = Guid.NewGuid(),
        };
        user._permissions.AddRange(Normalise(permissions));
        user.Record("user.invited", user.Id, new Dictionary<string, object?>
        {
            ["userId"] = user.Id,
            ["participantId"] = participant.Value,
            ["permissions"] = user._permissions.ToArray(),
            ["expiresAt"] = user.InvitationExpiresAt,
        }, participant.Value);
        return (user, token);
    }

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    public bool InvitationUsableAt(DateTimeOffset now) =>
        Status == UserStatus.Invited && InvitationTokenHash is not null && InvitationExpiresAt > now;

    /// <summary>The invitee signed in at an external issuer and presented the token: the identity is bound, the token spent.</summary>
    public void AcceptInvitation(string issuer, string subject, DateTimeOffset now)
    {
        if (!InvitationUsableAt(now))
            throw new DomainRuleException(UserErrors.InvitationInvalid, UserErrors.InvitationInvalidDetail);
        Bind(issuer, subject, now);
        Status = UserStatus.Active;
        InvitationTokenHash = null;
        Record("user.invitation_accepted", Id, Data("invited", "active"), ParticipantId.Value);
    }

    /// <summary>The registry operator maps an identity to the user (e.g. the provider changed the subject); an invited user becomes active.</summary>
    public void MapIdentity(string issuer, string subject, DateTimeOffset now)
    {
        if (Status == UserStatus.Removed)
            throw InvalidTransition("mapped to an identity");
        var previous = Status;
        Bind(issuer, subject, now);
        if (Status == UserStatus.Invited)
        {
            Status = UserStatus.Active;
            InvitationTokenHash = null;
        }
        Record("user.identity_mapped", Id, Data(Wire(previous), Wire(Status)), ParticipantId.Value);
    }

    public void ChangePermissions(IEnumerable<string> permissions, DateTimeOffset now)
    {
        if (Status == UserStatus.Removed)
            throw InvalidTransition("given permissions");
        _permissions.Clear();
        _permissions.AddRange(Normalise(permissions));
        Touch(now);
        Record("user.permissions_changed", Id, new Dictionary<string, object?>
        {
            ["userId"] = Id,
            ["participantId"] = ParticipantId.Value,
            ["permissions"] = _permissions.ToArray(),
        }, ParticipantId.Value);
    }

    /// <summary>Active ⇄ suspended; an invited user can be suspended too (the invitation then cannot be accepted).</summary>
    public void Suspend(DateTimeOffset now) => Move(UserStatus.Suspended, "user.suspended", now, UserStatus.Active, UserStatus.Invited);

    /// <summary>Back to active if an identity is bound, otherwise back to invited.</summary>
    public void Reinstate(DateTimeOffset now) =>
        Move(IdentitySubject is null ? UserStatus.Invited : UserStatus.Active, "user.reinstated", now, UserStatus.Suspended);

    /// <summary>Final: the identity binding and invitation are released and the personal data erased; the ID stays for the history.</summary>
    public void Remove(DateTimeOffset now)
    {
        Move(UserStatus.Removed, "user.removed", now, UserStatus.Invited, UserStatus.Active, UserStatus.Suspended);
        IdentityIssuer = null;
        IdentitySubject = null;
        InvitationTokenHash = null;
        InvitationExpiresAt = null;
        Email = "";
        Name = "";
    }

    private void Bind(string issuer, string subject, DateTimeOffset now)
    {
        IdentityIssuer = issuer;
        IdentitySubject = subject;
        Touch(now);
    }

    private void Move(UserStatus to, string eventType, DateTimeOffset now, params UserStatus[] from)
    {
        if (!from.Contains(Status))
            throw InvalidTransition(Wire(to));
        var previous = Status;
        Status = to;
        Touch(now);
        Record(eventType, Id, Data(Wire(previous), Wire(to)), ParticipantId.Value);
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version = Guid.NewGuid();
    }

    private Dictionary<string, object?> Data(string from, string to) => new()
    {
        ["userId"] = Id,
        ["participantId"] = ParticipantId.Value,
        ["from"] = from,
        ["to"] = to,
    };

    private DomainRuleException InvalidTransition(string to) =>
        new(UserErrors.InvalidTransition, $"The user is {Wire(Status)}; it cannot become {to}.");

    private static IEnumerable<string> Normalise(IEnumerable<string> permissions) =>
        permissions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    public static string Wire(UserStatus status) => status.ToString().ToLowerInvariant();
}
