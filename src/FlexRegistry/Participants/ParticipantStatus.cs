namespace FlexRegistry.Participants;

/// <summary>Lifecycle of a participant; transitions are only those in <see cref="ParticipantStatusTransitions.Transitions"/>.</summary>
public enum ParticipantStatus
{
    Provisional,
    Active,
    Suspended,
    Deregistered,
    Rejected,
    Merged,
}

public static class ParticipantStatusTransitions
{
    /// <summary>
    /// The explicit transition table. <c>provisional → active → suspended → deregistered</c>, <c>provisional → rejected</c>,
    /// suspended participants can be reinstated, and a near-duplicate registration can be merged into its survivor.
    /// </summary>
    public static readonly IReadOnlyDictionary<ParticipantStatus, ParticipantStatus[]> Transitions =
        new Dictionary<ParticipantStatus, ParticipantStatus[]>
        {
            [ParticipantStatus.Provisional] = [ParticipantStatus.Active, ParticipantStatus.Rejected, ParticipantStatus.Merged],
            [ParticipantStatus.Active] = [ParticipantStatus.Suspended, ParticipantStatus.Deregistered, ParticipantStatus.Merged],
            [ParticipantStatus.Suspended] = [ParticipantStatus.Active, ParticipantStatus.Deregistered],
            [ParticipantStatus.Deregistered] = [],
            [ParticipantStatus.Rejected] = [],
            [ParticipantStatus.Merged] = [],
        };

    public static bool CanMove(ParticipantStatus from, ParticipantStatus to) => Transitions[from].Contains(to);

    public static string ToWire(this ParticipantStatus status) => status.ToString().ToLowerInvariant();
}
