using System.Net.Mail;

namespace FlexRegistry.Shared;

/// <summary>An email address, trimmed; the domain part is lower-cased (local parts are case-sensitive by RFC 5321).</summary>
public readonly record struct Email
{
    private Email(string value) => Value = value;

    public string Value { get; }
    public string Domain => Value[(Value.LastIndexOf('@') + 1)..];

    public static bool TryParse(string? input, out Email email)
    {
        email = default;
        if (string.IsNullOrWhiteSpace(input) || input.Length > 254)
            return false;
        var trimmed = input.Trim();
        if (!MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed || address.DisplayName.Length > 0)
            return false;
        var at = trimmed.LastIndexOf('@');
        var domain = trimmed[(at + 1)..].ToLowerInvariant();
        if (!domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.'))
            return false;
        email = new Email(trimmed[..(at + 1)] + domain);
        return true;
    }

    public override string ToString() => Value;
}
