using FlexRegistry.Events;

namespace FlexRegistry.Participants;

/// <summary>
/// BUC.4 step 5: a flexibility service provider (or aggregator) has expressed interest in a market operator's markets.
/// One active interest per pair is a database rule; withdrawing ends it, and a new one may be expressed later. While
/// active it is a relationship: the market operator hears about the provider's changes (BUC.4 step 9).
/// </summary>
public sealed class MarketInterest : EventSource
{
    private MarketInterest() { }

    public Guid Id { get; private set; }
    public ParticipantId ParticipantId { get; private set; }
    public ParticipantId MarketOperatorId { get; private set; }
    public string? Note { get; private set; }
    public DateTimeOffset ExpressedAt { get; private set; }
    public string ExpressedBy { get; private set; } = "";
    public DateTimeOffset? WithdrawnAt { get; private set; }
    public string? WithdrawnBy { get; private set; }

    public bool IsActive => WithdrawnAt is null;

    public static MarketInterest Express(ParticipantId participant, ParticipantId marketOperator, string? note, string actor, DateTimeOffset now)
    {
        var interest = new MarketInterest
        {
            Id = Guid.CreateVersion7(now),
            ParticipantId = participant,
            MarketOperatorId = marketOperator,
            Note = note,
            ExpressedAt = now,
            ExpressedBy = actor,
        };
        interest.RecordChange("market_interest.expressed");
        return interest;
    }

    public void Withdraw(string actor, DateTimeOffset now)
    {
        if (!IsActive)
            return;
        WithdrawnAt = now;
        WithdrawnBy = actor;
        RecordChange("market_interest.withdrawn");
    }

    private void RecordChange(string type) =>
        Record(type, ParticipantId.Value,
            new Dictionary<string, object?> { ["participantId"] = ParticipantId.Value, ["marketOperatorId"] = MarketOperatorId.Value, ["interestId"] = Id.ToString() },
            ParticipantId.Value, MarketOperatorId.Value);
}
