namespace FlexRegistry.Participants;

public enum VerificationStage
{
    /// <summary>Waiting for the automatic verifier (the worker picks it up when <see cref="VerificationState.NextAttemptAt"/> is due).</summary>
    Queued,

    /// <summary>No automatic source could decide; the registry operator reviews it.</summary>
    ManualReview,
    Completed,
    Failed,
}

/// <summary>Where verification of a participant stands, and why.</summary>
public sealed record VerificationState(
    VerificationStage Stage,
    string? Source,
    string? Summary,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset UpdatedAt)
{
    public static VerificationState Queued(DateTimeOffset now) => new(VerificationStage.Queued, null, null, 0, now, now);

    public static VerificationState ManualReview(string reason, DateTimeOffset now) =>
        new(VerificationStage.ManualReview, null, reason, 0, null, now);

    public static VerificationState Completed(string source, string summary, DateTimeOffset now) =>
        new(VerificationStage.Completed, source, summary, 0, null, now);

    public static VerificationState Failed(string source, string reason, DateTimeOffset now) =>
        new(VerificationStage.Failed, source, reason, 0, null, now);

    public VerificationState Retry(string error, DateTimeOffset nextAttempt) =>
        this with { Attempts = Attempts + 1, Summary = error, NextAttemptAt = nextAttempt };
}
