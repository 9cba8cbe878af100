namespace FlexRegistry.Participants.Verification;

/// <summary>
/// A trusted source that can confirm an organisation's identity (Companies House, an EIC issuing office, ...).
/// Verifiers are tried in registration order; the first that applies decides.
/// </summary>
public interface IOrganisationVerifier
{
    /// <summary>Short stable name recorded as the verification source, e.g. <c>companies-house</c>.</summary>
    string Source { get; }

    /// <summary>Whether this source is configured and can say anything about the participant.</summary>
    bool AppliesTo(Participant participant);

    Task<VerificationResult> VerifyAsync(Participant participant, CancellationToken ct);
}

public enum VerificationOutcome
{
    /// <summary>The source confirms the organisation: the participant becomes active.</summary>
    Verified,

    /// <summary>The source knows the organisation but details differ: a person must look.</summary>
    Mismatch,

    /// <summary>The source says the organisation cannot be registered (unknown, dissolved): rejected with reasons.</summary>
    Refuted,

    /// <summary>The source could not be asked now (down, rate-limited): try again later.</summary>
    Unavailable,
}

public sealed record VerificationResult(VerificationOutcome Outcome, string Summary)
{
    public static VerificationResult Verified(string summary) => new(VerificationOutcome.Verified, summary);
    public static VerificationResult Mismatch(string reasons) => new(VerificationOutcome.Mismatch, reasons);
    public static VerificationResult Refuted(string reasons) => new(VerificationOutcome.Refuted, reasons);
    public static VerificationResult Unavailable(string error) => new(VerificationOutcome.Unavailable, error);
}
