using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlexRegistry.Client.Contracts;

/// <summary>
/// A CloudEvents 1.0 event in the JSON format. <see cref="Sequence"/> is the extension attribute <c>sequence</c>: the
/// event's position in the registry's global log, as a decimal string (CloudEvents integers are 32-bit, the log is not).
/// </summary>
public sealed record CloudEvent(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] string Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("data")] JsonElement Data,
    [property: JsonPropertyName("sequence")] string Sequence);

/// <summary>A page of the event feed; pass <see cref="NextCursor"/> back as <c>after</c> to continue (it never goes backwards).</summary>
public sealed record EventPage(IReadOnlyList<CloudEvent> Items, string NextCursor);

/// <summary>Body of <c>POST /api/v1/subscriptions</c>.</summary>
public sealed record CreateSubscriptionRequest
{
    /// <summary>The receiver: https (plain http and private networks only where the registry allows them).</summary>
    [MaxLength(2000)]
    public string? Url { get; init; }

    /// <summary>Event types to receive, e.g. <c>flexregistry.participant.updated</c>; see <c>GET /api/v1/events/types</c>.</summary>
    [MaxLength(100)]
    public IReadOnlyList<string>? Types { get; init; }
    public SubscriptionFiltersDto? Filters { get; init; }
}

/// <summary>
/// Narrowing filters. Each filter given must match (AND across filters, OR within one); an event that does not
/// carry the attribute a filter tests does not match it.
/// </summary>
public sealed record SubscriptionFiltersDto
{
    [MaxLength(500)]
    public IReadOnlyList<string>? ParticipantIds { get; init; }
    [MaxLength(500)]
    public IReadOnlyList<string>? AssetIds { get; init; }

    /// <summary>
    /// Portfolio asset IDs (type portfolio, <c>FRA-PF-…</c>): matches events whose subject, <c>assetId</c> or
    /// <c>portfolioId</c> names one of them — among them every membership change (<c>portfolio.member_added</c>,
    /// <c>portfolio.member_removed</c>, whose subject is the portfolio) and contracts on the portfolio. Events about a
    /// member asset itself match its asset ID, not the portfolio's.
    /// </summary>
    [MaxLength(500)]
    public IReadOnlyList<string>? PortfolioIds { get; init; }
    public AreaFilterDto? Areas { get; init; }
}

/// <summary>Geofence: matches an event whose data's location lies in any of the given areas.</summary>
public sealed record AreaFilterDto
{
    /// <summary>DNO licence areas by MPAN distributor ID (10–23).</summary>
    [MaxLength(14)]
    public IReadOnlyList<int>? DnoAreas { get; init; }

    /// <summary>GSP groups, e.g. <c>_A</c>.</summary>
    [MaxLength(14)]
    public IReadOnlyList<string>? GspGroups { get; init; }

    /// <summary>Postcode districts (outward codes), e.g. <c>CB1</c>.</summary>
    [MaxLength(500)]
    public IReadOnlyList<string>? PostcodeDistricts { get; init; }
    public BoundingBoxDto? Bbox { get; init; }
}

public sealed record BoundingBoxDto
{
    [Range(-90.0, 90.0)]
    public double? MinLatitude { get; init; }
    [Range(-180.0, 180.0)]
    public double? MinLongitude { get; init; }
    [Range(-90.0, 90.0)]
    public double? MaxLatitude { get; init; }
    [Range(-180.0, 180.0)]
    public double? MaxLongitude { get; init; }
}

/// <summary>Body of <c>PATCH /api/v1/subscriptions/{id}</c>: opt in or out per type, pause or resume. Absent fields stay.</summary>
public sealed record UpdateSubscriptionRequest
{
    [MaxLength(100)]
    public IReadOnlyList<string>? Types { get; init; }

    /// <summary>False pauses delivery; true resumes it (also after a receiver answered 410 Gone).</summary>
    public bool? Active { get; init; }
}

public sealed record SubscriptionResponse(
    string Id,
    string ParticipantId,
    string Url,
    IReadOnlyList<string> Types,
    SubscriptionFiltersDto Filters,
    string Status,
    string? DisabledReason,
    string Cursor,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A new subscription or a rotated secret: the signing secret (<c>whsec_</c> + base64) is shown only here.</summary>
public sealed record SubscriptionSecretResponse(string Id, string Secret, DateTimeOffset? PreviousSecretValidUntil, SubscriptionResponse Subscription);

public sealed record ReplayRequest
{
    [Range(typeof(long), "0", "9223372036854775807")]
    public long? FromSequence { get; init; }
}

public sealed record ReplayResponse(string Id, string FromSequence);

/// <summary>A webhook that failed every attempt (or was given up on); replay re-sends it.</summary>
public sealed record DeadLetterResponse(
    string DeliveryId,
    string EventId,
    string Sequence,
    string Type,
    string Subject,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset? DeadLetteredAt);

/// <summary>Something the participant must do (BUC.4 step 7), listed until it is resolved.</summary>
public sealed record NoticeResponse(
    string NoticeId,
    string Kind,
    string Subject,
    string Action,
    string Detail,
    string Resource,
    DateTimeOffset RaisedAt,
    string? EventId,
    string? Sequence);
