using System.Text.Json;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

/// <summary>
/// BUC.4 step 3: the participant submits commercial information against its ID; the same rules answer the dry-run
/// check. Visible only to the participant itself and the registry operator.
/// </summary>
public sealed class SubmitCommercialInformation(RegistryDbContext db, Journal journal, IParticipantRelationships relationships, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<CommercialInformationCheckResponse> CheckAsync(ParticipantId id, CommercialInformationRequest info, Caller caller, CancellationToken ct)
    {
        var participant = await LoadAsync(id, caller, ct);
        var (errors, results) = CommercialRequirements.Check(info, participant.Roles, Today());
        return new CommercialInformationCheckResponse(errors.Count == 0, [.. errors.Select(e => new FieldErrorDto(e.Field, e.Code, e.Message))], results);
    }

    public async Task<(CommercialInformationResponse Response, Guid Version)> PutAsync(ParticipantId id, CommercialInformationRequest info, IfMatch? ifMatch, Caller caller, CancellationToken ct)
    {
        // Only a move of the participant row is retried; the caller's document conflicting is answered below.
        return await ParticipantRetry.WhileOnlyTheParticipantMovedAsync(db, () => TryPutAsync(id, info, ifMatch, caller, ct));
    }

    private async Task<(CommercialInformationResponse Response, Guid Version)> TryPutAsync(ParticipantId id, CommercialInformationRequest info, IfMatch? ifMatch, Caller caller, CancellationToken ct)
    {
        var participant = await LoadAsync(id, caller, ct);
        var (errors, results) = CommercialRequirements.Check(info, participant.Roles, Today());
        if (errors.Count > 0)
            throw new RequestValidationException(errors, ParticipantErrors.CommercialInformationInvalid);

        var now = time.GetUtcNow();
        var json = JsonSerializer.Serialize(info, Json);
        var stored = await db.CommercialInformation.FirstOrDefaultAsync(c => c.ParticipantId == id, ct);
        if (ifMatch is { } condition && !condition.IsMetBy(stored?.Version))
            throw new DomainRuleException(CommonErrors.PreconditionFailed, "The commercial information changed since you read it (If-Match does not match).");
        if (stored is null)
        {
            stored = CommercialInformation.Create(id, json, caller.Actor, now);
            db.CommercialInformation.Add(stored);
        }
        else
        {
            stored.Replace(json, caller.Actor, now);
        }
        participant.UpdateCommercialInformation(now);
        // BUC.4 step 9: changed once, told to every participant related to it now (interest, grants, later contracts).
        participant.ShareWith((await relationships.RelatedToAsync(id, now, ct)).Select(p => p.Value));
        journal.Append(participant.TakeEvents(), AuditEntry.By(caller, "commercial_information.put", "commercial_information", id.Value, id.Value, [.. FieldNames(json)]));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException e) when (e.Entries.All(entry => entry.Entity is Participant))
        {
            throw;
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || e.IsUniqueViolation())
        {
            throw new DomainRuleException(CommonErrors.ConcurrencyConflict, "The commercial information was changed at the same time; reload and retry.");
        }
        return (new CommercialInformationResponse(id.Value, info, stored.UpdatedAt, stored.UpdatedBy, results), stored.Version);
    }

    public async Task<(CommercialInformationResponse Response, Guid Version)> GetAsync(ParticipantId id, Caller caller, CancellationToken ct)
    {
        var participant = await LoadAsync(id, caller, ct);
        var stored = await db.CommercialInformation.AsNoTracking().FirstOrDefaultAsync(c => c.ParticipantId == id, ct)
            ?? throw new DomainRuleException(CommonErrors.NotFound, $"{id} has not submitted commercial information yet.");
        var info = JsonSerializer.Deserialize<CommercialInformationRequest>(stored.DocumentJson, Json)!;
        // Recorded before anything is returned: if the record cannot be written, the caller gets nothing.
        journal.Append(AuditEntry.By(caller, "commercial_information.read", "commercial_information", id.Value, id.Value, [.. FieldNames(stored.DocumentJson)]));
        await journal.SaveAsync(ct);
        var (_, results) = CommercialRequirements.Check(info, participant.Roles, Today());
        return (new CommercialInformationResponse(id.Value, info, stored.UpdatedAt, stored.UpdatedBy, results), stored.Version);
    }

    /// <summary>Only the participant and the registry operator may touch it; to anyone else it does not exist.</summary>
    private async Task<Participant> LoadAsync(ParticipantId id, Caller caller, CancellationToken ct)
    {
        if (!caller.CanAdminister(id))
            throw ParticipantQueries.NotFound(id);
        return await db.Participants.FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw ParticipantQueries.NotFound(id);
    }

    /// <summary>The top-level fields present in the document: names only, never values.</summary>
    private static IEnumerable<string> FieldNames(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name)];
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
