using System.Security.Cryptography;
using System.Text.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Shared;

namespace FlexRegistry.Events;

public enum SubscriptionStatus
{
    Active,
    Disabled,
}

/// <summary>
/// A participant's webhook subscription. <see cref="Cursor"/> is the last event-log sequence the dispatcher has
/// considered for it: events after it are matched and turned into deliveries, so nothing is skipped or taken twice.
/// </summary>
public sealed class Subscription
{
    private const string SecretPrefix = "whsec_";

    private Subscription() { }

    public Guid Id { get; private set; }
    public ParticipantId ParticipantId { get; private set; }

    /// <summary>The registry operator's subscriptions see every event; others only those naming them in the audience.</summary>
    public bool SeesAll { get; private set; }
    public string Url { get; private set; } = "";

    /// <summary>Subscribed types, space-delimited with leading and trailing spaces.</summary>
    public string Types { get; private set; } = " ";
    public string FiltersJson { get; private set; } = "{}";
    public SubscriptionStatus Status { get; private set; }
    public string? DisabledReason { get; private set; }
    public string Secret { get; private set; } = "";
    public string? PreviousSecret { get; private set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; private set; }
    public long Cursor { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public IReadOnlyList<string> TypeList => Types.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public SubscriptionFiltersDto Filters => JsonSerializer.Deserialize<SubscriptionFiltersDto>(FiltersJson, FilterJson) ?? new SubscriptionFiltersDto();

    internal static readonly JsonSerializerOptions FilterJson = new(JsonSerializerDefaults.Web);

    /// <summary>Starts at the current end of the log: history is available through replay or the pull feed.</summary>
    public static Subscription Create(ParticipantId owner, bool seesAll, Uri url, IEnumerable<string> types, SubscriptionFiltersDto filters,
        long currentEndOfLog, DateTimeOffset now) => new()
        {
            Id = Guid.CreateVersion7(now),
            ParticipantId = owner,
            SeesAll = seesAll,
            Url = url.AbsoluteUri,
            Types = Delimit(types),
            FiltersJson = JsonSerializer.Serialize(filters, FilterJson),
            Status = SubscriptionStatus.Active,
            Secret = NewSecret(),
            Cursor = currentEndOfLog,
            CreatedAt = now,
            UpdatedAt = now,
        };

    public void ChangeTypes(IEnumerable<string> types, DateTimeOffset now)
    {
        Types = Delimit(types);
        UpdatedAt = now;
    }

    public void Resume(DateTimeOffset now)
    {
        Status = SubscriptionStatus.Active;
        DisabledReason = null;
        UpdatedAt = now;
    }

    public void Pause(string reason, DateTimeOffset now)
    {
        Status = SubscriptionStatus.Disabled;
        DisabledReason = reason;
        UpdatedAt = now;
    }

    /// <summary>A new secret signs from now on; the old one keeps signing too until <paramref name="overlap"/> has passed.</summary>
    public void RotateSecret(TimeSpan overlap, DateTimeOffset now)
    {
        PreviousSecret = Secret;
        PreviousSecretExpiresAt = now + overlap;
        Secret = NewSecret();
        UpdatedAt = now;
    }

    /// <summary>The secrets that sign a webhook sent at <paramref name="now"/>: the current one, then the previous one during the overlap.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is not null && PreviousSecretExpiresAt > now ? [Secret, PreviousSecret] : [Secret];

    public bool Wants(EventRecord e, SubscriptionFilter filter) =>
        (SeesAll || e.Audience.Contains(" " + ParticipantId.Value + " ", StringComparison.Ordinal))
        && Types.Contains(" " + e.Type + " ", StringComparison.Ordinal)
        && filter.Matches(e);

    public static byte[] SecretKey(string secret) =>
        secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? Convert.FromBase64String(secret[SecretPrefix.Length..])
            : throw new DomainRuleException(CommonErrors.Internal, "A webhook secret lacks its prefix.");

    private static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static string Delimit(IEnumerable<string> types) => " " + string.Join(' ', types.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)) + " ";
}
