using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Shared;

namespace FlexRegistry.Onboarding;

/// <summary>
/// One provider's onboarding to one market (BUC.4 steps 6–7), visible to both and evented at every step. One per
/// provider and market is a database rule. Transitions:
/// <code>
/// requested ─(operator raises a request)→ in-progress ─(operator, every request accepted)→ onboarded
///     └──────────────(operator returns, with a reason)→ returned ─(provider applies again)→ requested
/// </code>
/// The operator may also onboard straight from requested when it needs nothing more, and return from in-progress.
/// </summary>
public sealed class MarketOnboarding : EventSource
{
    public const string Requested = "requested";
    public const string InProgress = "in-progress";
    public const string Onboarded = "onboarded";
    public const string Returned = "returned";

    private MarketOnboarding() { }

    public OnboardingId Id { get; private set; }
    public MarketId MarketId { get; private set; }
    public ParticipantId ParticipantId { get; private set; }
    public ParticipantId OperatorId { get; private set; }
    public string Status { get; private set; } = Requested;
    public string? Note { get; private set; }
    public string? Reason { get; private set; }
    public DateTimeOffset AppliedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? OnboardedAt { get; private set; }
    public Guid Version { get; private set; }

    public bool IsOnboarded => Status == Onboarded;

    public static MarketOnboarding Apply(MarketId market, ParticipantId provider, ParticipantId @operator, string? note, DateTimeOffset now)
    {
        var onboarding = new MarketOnboarding
        {
            Id = OnboardingId.New(now),
            MarketId = market,
            ParticipantId = provider,
            OperatorId = @operator,
            Note = note,
            AppliedAt = now,
        };
        onboarding.Move(Requested, null, now, "onboarding.requested");
        return onboarding;
    }

    /// <summary>A returned onboarding is opened again when the provider applies again.</summary>
    public void ApplyAgain(string? note, DateTimeOffset now)
    {
        if (Status != Returned)
            throw new DomainRuleException(OnboardingErrors.AlreadyApplied, $"{ParticipantId} is already {Status} in market {MarketId}.",
                new Dictionary<string, object?> { ["existingOnboardingId"] = Id.ToString() });
        Note = note;
        AppliedAt = now;
        Move(Requested, null, now, "onboarding.requested");
    }

    /// <summary>The operator has raised a request: the onboarding is in progress.</summary>
    public void Start(DateTimeOffset now)
    {
        if (Status == InProgress)
            return;
        if (Status != Requested)
            throw Refused("raise a request in");
        Move(InProgress, null, now, "onboarding.started");
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version = Guid.NewGuid();
    }

    public void Complete(bool everyRequestAccepted, DateTimeOffset now)
    {
        if (Status is not (Requested or InProgress))
            throw Refused("onboard");
        if (!everyRequestAccepted)
            throw new DomainRuleException(OnboardingErrors.RequestsOutstanding, $"Onboarding {Id} has requests not yet accepted.");
        OnboardedAt = now;
        Move(Onboarded, null, now, "onboarding.completed");
    }

    public void Return(string reason, DateTimeOffset now)
    {
        if (Status is not (Requested or InProgress))
            throw Refused("return");
        Move(Returned, reason, now, "onboarding.returned");
    }

    private DomainRuleException Refused(string action) =>
        new(OnboardingErrors.Transition, $"Onboarding {Id} is {Status}; the market operator cannot {action} it.");

    private void Move(string status, string? reason, DateTimeOffset now, string eventType)
    {
        Status = status;
        Reason = reason;
        Touch(now);
        Record(eventType, ParticipantId.Value,
            new Dictionary<string, object?>
            {
                ["onboardingId"] = Id.ToString(),
                ["marketId"] = MarketId.ToString(),
                ["participantId"] = ParticipantId.Value,
                ["operatorId"] = OperatorId.Value,
                ["status"] = Status,
            },
            ParticipantId.Value, OperatorId.Value);
    }

    public OnboardingResponse ToResponse(IEnumerable<OnboardingRequest> requests) => new(
        Id.ToString(), MarketId.ToString(), ParticipantId.Value, OperatorId.Value, Status, Reason, AppliedAt, UpdatedAt, OnboardedAt,
        [.. requests.OrderBy(r => r.Id.Value).Select(r => r.ToResponse())]);
}
