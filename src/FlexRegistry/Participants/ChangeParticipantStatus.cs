using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

public enum StatusAction
{
    Verify,
    Reject,
    Suspend,
    Reinstate,
    Deregister,
}

/// <summary>The registry operator verifies, rejects, suspends, reinstates or deregisters a participant, always with a reason.</summary>
public sealed class ChangeParticipantStatus(RegistryDbContext db, Journal journal, IParticipantRelationships relationships, TimeProvider time)
{
    public async Task<ParticipantResponse> HandleAsync(ParticipantId id, StatusAction action, StatusActionRequest request, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Required("reason", request.Reason, 1000);
        errors.ThrowIfAny();
        // The action names no version: a participant moved meanwhile by someone else is not the operator's conflict.
        return await ParticipantRetry.WhileOnlyTheParticipantMovedAsync(db, () => TryChangeAsync(id, action, request, caller, ct));
    }

    private async Task<ParticipantResponse> TryChangeAsync(ParticipantId id, StatusAction action, StatusActionRequest request, Caller caller, CancellationToken ct)
    {
        var participant = await db.Participants.FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw ParticipantQueries.NotFound(id);
        if (participant.IsRegistryOperator)
            throw new DomainRuleException(ParticipantErrors.InvalidTransition, "The registry operator's own record cannot change status.");
        var now = time.GetUtcNow();
        var reason = request.Reason!.Trim();
        var change = action switch
        {
            StatusAction.Verify => participant.Verify(reason, caller.Actor, now),
            StatusAction.Reject => participant.Reject(reason, caller.Actor, now),
            StatusAction.Suspend => participant.Suspend(reason, caller.Actor, now),
            StatusAction.Reinstate => participant.Reinstate(reason, caller.Actor, now),
            StatusAction.Deregister => participant.Deregister(reason, caller.Actor, now),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };
        db.ParticipantStatusChanges.Add(change);
        // Those working with the participant learn that it was suspended, reinstated or deregistered.
        participant.ShareWith((await relationships.RelatedToAsync(id, now, ct)).Select(p => p.Value));
        journal.Append(participant.TakeEvents(),
            AuditEntry.By(caller, "participant." + action.ToString().ToLowerInvariant(), "participant", id.Value, id.Value, "status", "reason"));
        await journal.SaveAsync(ct);
        var history = await db.ParticipantStatusChanges.AsNoTracking().Where(s => s.ParticipantId == id).OrderBy(s => s.Id).ToListAsync(ct);
        return ParticipantQueries.ToFullResponse(participant, history);
    }
}
