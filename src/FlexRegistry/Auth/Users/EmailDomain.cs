using System.Globalization;
using FlexRegistry.Events;
using FlexRegistry.Participants;

namespace FlexRegistry.Auth.Users;

/// <summary>
/// An email domain the registry operator approved for a participant's invitations, beyond the one it has anyway: the
/// domain of its Authorised Person's email (unless that is a public mailbox provider, which is never implied).
/// </summary>
public sealed class EmailDomain : EventSource
{
    private EmailDomain() { }

    public ParticipantId ParticipantId { get; private set; }
    public string Domain { get; private set; } = "";
    public DateTimeOffset ApprovedAt { get; private set; }
    public string ApprovedBy { get; private set; } = "";

    public static EmailDomain Approve(ParticipantId participant, string domain, string actor, DateTimeOffset now)
    {
        var approved = new EmailDomain { ParticipantId = participant, Domain = domain, ApprovedAt = now, ApprovedBy = actor };
        approved.Record("participant.email_domain_approved", participant.Value,
            new Dictionary<string, object?> { ["participantId"] = participant.Value, ["domain"] = domain }, participant.Value);
        return approved;
    }

    public void Withdraw() =>
        Record("participant.email_domain_withdrawn", ParticipantId.Value,
            new Dictionary<string, object?> { ["participantId"] = ParticipantId.Value, ["domain"] = Domain }, ParticipantId.Value);

    /// <summary>Mailbox providers anyone can sign up to: their domain says nothing about the organisation.</summary>
    public static readonly IReadOnlySet<string> PublicProviders = new HashSet<string>(StringComparer.Ordinal)
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "live.co.uk", "msn.com",
        "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "aol.com", "protonmail.com", "proton.me", "gmx.com", "gmx.co.uk",
        "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "mail.com", "zoho.com", "yandex.com",
    };

    /// <summary>The domain implied by the Authorised Person's email, or null for a public mailbox provider.</summary>
    public static string? ImpliedBy(AuthorisedPerson person)
    {
        var at = person.Email.LastIndexOf('@');
        if (at < 0)
            return null;
        var domain = person.Email[(at + 1)..].ToLowerInvariant();
        return PublicProviders.Contains(domain) ? null : domain;
    }

    /// <summary>A host name of at least two labels, letters, digits and hyphens, lower-cased; null if it is not one.</summary>
    public static string? Normalise(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
            return null;
        var domain = input.Trim().TrimEnd('.').ToLower(CultureInfo.InvariantCulture);
        if (domain.Length > 253)
            return null;
        var labels = domain.Split('.');
        if (labels.Length < 2)
            return null;
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-')
                || !label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
                return null;
        }
        return labels[^1].All(char.IsDigit) ? null : domain;
    }
}
