namespace FlexRegistry.Participants;

/// <summary>
/// Commercially sensitive information a participant submits against its ID (BUC.4 step 3). Stored as a versioned
/// document: its shape is the published requirements', which vary by role and will grow per market.
/// </summary>
public sealed class CommercialInformation
{
    private CommercialInformation() { }

    public ParticipantId ParticipantId { get; private set; }
    public string DocumentJson { get; private set; } = "{}";
    public DateTimeOffset UpdatedAt { get; private set; }
    public string UpdatedBy { get; private set; } = "";
    public Guid Version { get; private set; }

    public static CommercialInformation Create(ParticipantId participant, string documentJson, string actor, DateTimeOffset now) => new()
    {
        ParticipantId = participant,
        DocumentJson = documentJson,
        UpdatedAt = now,
        UpdatedBy = actor,
        Version = Guid.NewGuid(),
    };

    public void Replace(string documentJson, string actor, DateTimeOffset now)
    {
        DocumentJson = documentJson;
        UpdatedAt = now;
        UpdatedBy = actor;
        Version = Guid.NewGuid();
    }
}
