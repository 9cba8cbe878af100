using System.Text.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Participants;

namespace FlexRegistry.Onboarding;

/// <summary>
/// A market a market or system operator runs (BUC.4 steps 3 and 5): its name (unique across the register), the products
/// it procures, the areas it serves, whether it takes applications, and its onboarding requirements, which extend the
/// per-role requirements of commercial information. Public to every participant; only its operator changes it.
/// </summary>
public sealed class PublishedMarket : EventSource
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public const string Open = "open";
    public const string Closed = "closed";

    private PublishedMarket() { }

    public MarketId Id { get; private set; }
    public ParticipantId OperatorId { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>The name compared for uniqueness: upper case, single spaces (a unique index).</summary>
    public string NameKey { get; private set; } = "";
    public string? Description { get; private set; }
    public string Status { get; private set; } = Open;

    /// <summary>GSP groups served, space-separated and space-wrapped (" _A _C "), so that one filter is a LIKE on the column.</summary>
    public string GspGroups { get; private set; } = " ";
    public string ProductIdsJson { get; private set; } = "[]";
    public string? ContactEmail { get; private set; }
    public string RequirementsJson { get; private set; } = "{}";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public Guid Version { get; private set; }

    public bool IsOpen => Status == Open;

    public IReadOnlyList<string> Areas => [.. GspGroups.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    public IReadOnlyList<string> ProductIds => JsonSerializer.Deserialize<List<string>>(ProductIdsJson, Json) ?? [];

    public MarketRequirements Requirements => JsonSerializer.Deserialize<MarketRequirements>(RequirementsJson, Json) ?? new MarketRequirements([], [], []);

    public static string KeyOf(string name) => string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToUpperInvariant();

    public static PublishedMarket Publish(MarketData data, ParticipantId @operator, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(data);
        var market = new PublishedMarket { Id = MarketId.New(now), OperatorId = @operator, CreatedAt = now };
        market.Apply(data, now);
        market.RecordChange("market.published");
        return market;
    }

    public void Change(MarketData data, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(data);
        Apply(data, now);
        RecordChange("market.updated");
    }

    private void Apply(MarketData data, DateTimeOffset now)
    {
        Name = data.Name;
        NameKey = KeyOf(data.Name);
        Description = data.Description;
        Status = data.Status;
        GspGroups = data.GspGroups.Count == 0 ? " " : " " + string.Join(' ', data.GspGroups) + " ";
        ProductIdsJson = JsonSerializer.Serialize(data.ProductIds, Json);
        ContactEmail = data.ContactEmail;
        RequirementsJson = JsonSerializer.Serialize(data.Requirements, Json);
        UpdatedAt = now;
        Version = Guid.NewGuid();
    }

    // Markets are public: every participant hears of them (the audience is the operator; the feed shows public events to all).
    private void RecordChange(string type) =>
        Record(type, Id.ToString(), new Dictionary<string, object?> { ["marketId"] = Id.ToString(), ["operatorId"] = OperatorId.Value, ["name"] = Name, ["status"] = Status },
            OperatorId.Value);

    public MarketResponse ToResponse(IReadOnlyList<string> providerFields)
    {
        var r = Requirements;
        return new MarketResponse(Id.ToString(), OperatorId.Value, Name, Description, Status, Areas, ProductIds, ContactEmail,
            new MarketRequirementsResponse(r.CommercialSections, [.. r.Documents.Select(d => new RequiredDocumentDto { Code = d.Code, Description = d.Description })],
                r.Rules, providerFields),
            CreatedAt, UpdatedAt);
    }
}

/// <summary>A market's own onboarding requirements, validated.</summary>
public sealed record MarketRequirements(IReadOnlyList<string> CommercialSections, IReadOnlyList<MarketDocument> Documents, IReadOnlyList<string> Rules);

public sealed record MarketDocument(string Code, string Description);

/// <summary>A market's terms, validated.</summary>
public sealed record MarketData(
    string Name, string? Description, string Status, IReadOnlyList<string> GspGroups, IReadOnlyList<string> ProductIds, string? ContactEmail,
    MarketRequirements Requirements);
