using FlexRegistry.Audit;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants.Verification;

/// <summary>Configuration section <c>Verification</c>.</summary>
public sealed class VerificationOptions
{
    /// <summary>How often the worker looks for due verifications when nobody wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After this many failed attempts (source unavailable) the case goes to manual review.</summary>
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Wakes the verification worker when a registration has queued work, instead of waiting for the next poll.</summary>
public sealed class VerificationQueue : WorkSignal;

/// <summary>
/// Works through queued verifications. The queue is the participants table itself (stage <c>Queued</c>, due time),
/// so nothing is lost if the service stops: on restart the worker picks up whatever is still due.
/// </summary>
internal sealed class VerificationWorker(
    IServiceScopeFactory scopes,
    VerificationQueue queue,
    VerificationOptions options,
    TimeProvider time,
    ILogger<VerificationWorker> logger) : DueWorkWorker(queue, options.PollInterval, logger)
{
    internal override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var journal = scope.ServiceProvider.GetRequiredService<Journal>();
        var verifiers = scope.ServiceProvider.GetServices<IOrganisationVerifier>().ToList();
        var now = time.GetUtcNow();
        var due = await db.Participants
            .Where(p => p.Verification.Stage == VerificationStage.Queued && p.Verification.NextAttemptAt <= now)
            .OrderBy(p => p.Verification.NextAttemptAt)
            .Take(20)
            .ToListAsync(ct);

        foreach (var participant in due)
        {
            var verifier = verifiers.FirstOrDefault(v => v.AppliesTo(participant));
            if (verifier is null)
            {
                participant.SendToManualReview("No automatic verification source is configured; the registry operator reviews it.", now);
            }
            else if (participant.Status != ParticipantStatus.Provisional)
            {
                participant.SendToManualReview($"The participant became {participant.Status.ToWire()} before verification ran.", now);
            }
            else
            {
                var result = await verifier.VerifyAsync(participant, ct);
                Apply(participant, verifier.Source, result, now, db);
            }
            // Recorded in the same transaction as the change; if it cannot be written, the change is not made either.
            journal.Append(participant.TakeEvents(), AuditEntry.BySystem("verification", "participant.verification." + Outcome(participant.Verification.Stage),
                "participant", participant.Id.Value, participant.Id.Value, "status", "verification"));
            try
            {
                await journal.SaveAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // The registry operator acted on it meanwhile; their decision stands and the next pass re-reads it (the
                // rest of this batch too: clearing the tracker detached them).
                db.ChangeTracker.Clear();
                break;
            }
        }
        return due.Count;
    }

    private static string Outcome(VerificationStage stage) => stage switch
    {
        VerificationStage.Queued => "retry_scheduled",
        VerificationStage.ManualReview => "manual_review",
        _ => stage.ToString().ToLowerInvariant(),
    };

    private void Apply(Participant participant, string source, VerificationResult result, DateTimeOffset now, RegistryDbContext db)
    {
        logger.LogInformation("Verification of {ParticipantId} by {Source}: {Outcome}", participant.Id, source, result.Outcome);
        switch (result.Outcome)
        {
            case VerificationOutcome.Verified:
                if (participant.CompleteVerification(source, result.Summary, now) is { } activated)
                    db.ParticipantStatusChanges.Add(activated);
                break;
            case VerificationOutcome.Mismatch:
                participant.SendToManualReview(result.Summary, now);
                break;
            case VerificationOutcome.Refuted:
                db.ParticipantStatusChanges.Add(participant.RejectByVerifier(source, result.Summary, now));
                break;
            case VerificationOutcome.Unavailable when participant.Verification.Attempts + 1 >= options.MaxAttempts:
                participant.SendToManualReview($"{source} stayed unavailable after {options.MaxAttempts} attempts: {result.Summary}", now);
                break;
            case VerificationOutcome.Unavailable:
                var delay = options.FirstRetryDelay * Math.Pow(2, participant.Verification.Attempts);
                participant.RetryVerificationLater(result.Summary, now + (delay > TimeSpan.FromHours(6) ? TimeSpan.FromHours(6) : delay), now);
                break;
            default:
                throw new InvalidOperationException($"Unknown verification outcome {result.Outcome}.");
        }
    }
}
