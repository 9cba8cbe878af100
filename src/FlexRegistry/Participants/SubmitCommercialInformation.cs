using System.Text.Json;
using FlexRegistry.AccessLog;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

/// <summary>
/// BUC.4 step 3: the participant submits commercial information against its ID; the same rules answer the dry-run
/// check. Visible only to the participant itself and the registry operator.
/// </summary>
public sealed class SubmitCommercialInformation(
    RegistryDbContext db, Journal journal, IParticipantRelationships relationships, Readers readers, AccessLogRecorder accessLog, IMarketRequirements markets,
    TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The dry run, against the participant's roles and, when <paramref name="market"/> is named, that market's requirements too.</summary>
    public async Task<CommercialInformationCheckResponse> CheckAsync(ParticipantId id, CommercialInformationRequest info, string? market, Caller caller, CancellationToken ct)
    {
        var participant = await LoadAsync(id, caller, ct);
        var sections = market is null ? null : await markets.CommercialSectionsAsync(market, ct);
        var (errors, results) = CommercialRequirements.Check(info, participant.Roles, Today(), sections);
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

    /// <summary>
    /// The participant itself reads all of it (audited as today); anyone else reads under the visibility rule
    /// (BUC.4 step 6): the registry operator all of it, a grantee the sections its grants cover for the declared purpose,
    /// and the read is access-logged before it is answered. To anyone who may see none of it, it does not exist.
    /// </summary>
    public async Task<(CommercialInformationResponse Response, Guid Version)> GetAsync(ParticipantId id, string? purpose, Caller caller, CancellationToken ct)
    {
        if (caller.ParticipantId != id)
            return await ReadAsOtherAsync(id, purpose, caller, ct);
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

    private async Task<(CommercialInformationResponse Response, Guid Version)> ReadAsOtherAsync(ParticipantId id, string? purpose, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var declared = Purposes.Check(purpose, caller.IsRegistryOperator, errors);
        errors.ThrowIfAny();
        var reader = await readers.ResolveAsync(caller, declared, ct);
        var sections = CommercialSections.Readable(reader, id, out var grantedAny);
        var stored = await db.CommercialInformation.AsNoTracking().FirstOrDefaultAsync(c => c.ParticipantId == id, ct);
        if (sections.IsEmpty || !reader.HasPurpose)
        {
            if (stored is not null && !reader.HasPurpose && !grantedAny.IsEmpty)
                throw new DomainRuleException(Purposes.Required, $"Reading {id}'s commercial information needs a purpose: add ?purpose= (the one your grant names).");
            throw ParticipantQueries.NotFound(id);
        }
        if (stored is null)
            throw caller.IsRegistryOperator
                ? new DomainRuleException(CommonErrors.NotFound, $"{id} has not submitted commercial information yet.")
                : ParticipantQueries.NotFound(id);
        var info = CommercialSections.Redact(JsonSerializer.Deserialize<CommercialInformationRequest>(stored.DocumentJson, Json)!, sections);
        // Recorded before anything is returned: if the read cannot be logged, the caller gets nothing.
        await accessLog.RecordAsync(new AccessRead(reader.ParticipantId, caller.Actor, caller.ClientId, reader.Purpose!, AccessActions.CommercialInformationRead,
            VisibilityRule.Participant, [new ReadRecord(id.Value, sections, [id])]), ct);
        var withheld = CommercialSections.Withheld(sections);
        return (new CommercialInformationResponse(id.Value, info, stored.UpdatedAt, caller.IsRegistryOperator ? stored.UpdatedBy : null,
            caller.IsRegistryOperator ? await RequirementsAsync(info, id, ct) : [], withheld), stored.Version);
    }

    private async Task<IReadOnlyList<RequirementResult>> RequirementsAsync(CommercialInformationRequest info, ParticipantId id, CancellationToken ct)
    {
        var participant = await db.Participants.AsNoTracking().FirstAsync(p => p.Id == id, ct);
        return CommercialRequirements.Check(info, participant.Roles, Today()).Results;
    }

    /// <summary>Only the participant and the registry operator may change it; to anyone else it does not exist.</summary>
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
