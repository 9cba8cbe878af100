using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Shared.Matching;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Duplicates;

/// <summary>The review queue of possible duplicates: the registry operator sees all, a party the cases it is in.</summary>
public sealed class DuplicateCases(RegistryDbContext db, Journal journal, TimeProvider time)
{
    public async Task<Page<DuplicateCaseResponse>> ListAsync(string? kind, string? status, string? cursor, int? limit, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (kind is not null and not ("participant" or "asset"))
            errors.Add("kind", DuplicateErrors.InvalidKind.Code, "kind must be participant or asset.");
        DuplicateCaseStatus? statusFilter = null;
        if (status is not null)
        {
            if (Enum.TryParse<DuplicateCaseStatus>(status, true, out var s) && !int.TryParse(status, out _))
                statusFilter = s;
            else
                errors.Add("status", "field.invalid", "status must be open, merged or dismissed.");
        }
        var size = errors.PageSize(limit, 50, 200);
        Guid after = default;
        if (cursor is not null && !Guid.TryParse(cursor, out after))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();

        var q = db.DuplicateCases.AsNoTracking();
        if (kind is not null)
            q = q.Where(c => c.Kind == kind);
        if (statusFilter is { } st)
            q = q.Where(c => c.Status == st);
        if (!caller.IsRegistryOperator)
        {
            var party = " " + caller.ParticipantId.Value + " ";
            q = q.Where(c => c.Parties.Contains(party));
        }
        if (cursor is not null)
            q = q.Where(c => c.Id.CompareTo(after) > 0);
        var rows = await q.OrderBy(c => c.Id).Take(size + 1).ToListAsync(ct);
        var items = rows.Take(size).Select(ToResponse).ToList();
        return new Page<DuplicateCaseResponse>(items, rows.Count > size ? rows[size - 1].Id.ToString() : null);
    }

    public async Task<DuplicateCaseResponse> GetAsync(Guid id, Caller caller, CancellationToken ct) =>
        ToResponse(await LoadVisibleAsync(id, caller, ct));

    /// <summary>
    /// Merges two participants flagged as one organisation: the merged record keeps its ID, which now resolves to the
    /// survivor, and its API clients carry on for the survivor.
    /// </summary>
    public async Task<DuplicateCaseResponse> MergeAsync(Guid id, MergeDuplicateRequest request, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Required("reason", request.Reason, 1000);
        errors.ThrowIfAny();
        var duplicateCase = await LoadVisibleAsync(id, caller, ct);
        EnsureMayResolve(duplicateCase, caller);
        var survivorId = request.SurvivorId ?? duplicateCase.CandidateId;
        var now = time.GetUtcNow();
        duplicateCase.Merge(survivorId, request.Reason!.Trim(), caller.Actor, now);
        var audit = AuditForEachParty(duplicateCase, caller, "duplicate_case.merge", "status", "survivorId", "reason");
        List<EventSource> changed = [duplicateCase];

        if (duplicateCase.Kind == "participant")
        {
            var survivor = ParticipantQueries.ParseId(survivorId);
            var mergedId = ParticipantQueries.ParseId(duplicateCase.MergedAwayId);
            var merged = await db.Participants.FirstAsync(p => p.Id == mergedId, ct);
            var survivorRecord = await db.Participants.FirstAsync(p => p.Id == survivor, ct);
            if (survivorRecord.Status is ParticipantStatus.Merged or ParticipantStatus.Rejected or ParticipantStatus.Deregistered)
                throw new DomainRuleException(DuplicateErrors.SurvivorNotInCase, $"The survivor {survivor} is {survivorRecord.Status.ToWire()} and cannot absorb another record.");
            db.ParticipantStatusChanges.Add(merged.MergeInto(survivor, $"Duplicate case {id}: {request.Reason}", caller.Actor, now));
            changed.Add(merged);
            foreach (var client in await db.ApiClients.Where(c => c.ParticipantId == mergedId).ToListAsync(ct))
            {
                client.TransferTo(survivor);
                changed.Add(client);
            }
        }
        else if (duplicateCase.Kind == "asset")
        {
            var survivorAssetId = AssetId.Parse(survivorId);
            var mergedAssetId = AssetId.Parse(duplicateCase.MergedAwayId);
            var survivor = await db.Assets.FirstAsync(a => a.Id == survivorAssetId, ct);
            var merged = await db.Assets.FirstAsync(a => a.Id == mergedAssetId, ct);
            merged.MergeInto(survivor, $"Duplicate case {id}: {request.Reason}",
                new AssetActor(caller.ParticipantId, caller.Actor, caller.IsRegistryOperator ? ChangeSource.RegistryOperator : ChangeSource.Party,
                    caller.IsRegistryOperator ? AssetRoles.RegistryOperator : AssetRoles.Registrant), now);
            db.AssetChanges.AddRange(merged.TakeChanges());
            changed.AddRange([merged, survivor]);
        }
        journal.Append([.. changed.SelectMany(c => c.TakeEvents())], audit);
        await SaveAsync(ct);
        return ToResponse(duplicateCase);
    }

    /// <summary>
    /// Participant cases are the registry operator's alone (merging organisations moves their credentials). Asset
    /// cases may also be resolved by a party of the case holding assets:write: the parties know their own assets best.
    /// </summary>
    private static void EnsureMayResolve(DuplicateCase duplicateCase, Caller caller)
    {
        var isOperator = caller.IsRegistryOperator && caller.Scopes.Contains(Scopes.RegistryAdmin);
        var isAssetParty = duplicateCase.Kind == "asset" && duplicateCase.HasParty(caller.ParticipantId.Value) && caller.Scopes.Contains(Scopes.AssetsWrite);
        if (!isOperator && !isAssetParty)
            throw new DomainRuleException(CommonErrors.Forbidden, duplicateCase.Kind == "asset"
                ? "Asset duplicate cases are resolved by the registry operator or a party of the case with assets:write."
                : "Participant duplicate cases are resolved by the registry operator.");
    }

    public async Task<DuplicateCaseResponse> DismissAsync(Guid id, DismissDuplicateRequest request, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Required("reason", request.Reason, 1000);
        errors.ThrowIfAny();
        var duplicateCase = await LoadVisibleAsync(id, caller, ct);
        EnsureMayResolve(duplicateCase, caller);
        duplicateCase.Dismiss(request.Reason!.Trim(), caller.Actor, time.GetUtcNow());
        journal.Append(duplicateCase.TakeEvents(), AuditForEachParty(duplicateCase, caller, "duplicate_case.dismiss", "status", "reason"));
        await SaveAsync(ct);
        return ToResponse(duplicateCase);
    }

    /// <summary>One record per participant concerned, so that each can read it among the records about its own data.</summary>
    private static AuditEntry[] AuditForEachParty(DuplicateCase duplicateCase, Caller caller, string action, params string[] fields) =>
        [.. duplicateCase.PartyList.Select(party => AuditEntry.By(caller, action, "duplicate_case", duplicateCase.Id.ToString(), party, fields))];

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainRuleException(CommonErrors.ConcurrencyConflict, "A record in the case changed meanwhile; reload and retry.");
        }
    }

    private async Task<DuplicateCase> LoadVisibleAsync(Guid id, Caller caller, CancellationToken ct)
    {
        var duplicateCase = await db.DuplicateCases.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (duplicateCase is null || !(caller.IsRegistryOperator || duplicateCase.HasParty(caller.ParticipantId.Value)))
            throw new DomainRuleException(DuplicateErrors.NotFound, $"No duplicate case {id} is visible to you.");
        return duplicateCase;
    }

    private static DuplicateCaseResponse ToResponse(DuplicateCase c)
    {
        var comparisons = Comparisons(c.EvidenceJson);
        return new(
            c.Id.ToString(), c.Kind, c.Status.ToString().ToLowerInvariant(), c.SubjectId, c.CandidateId, c.Score,
            comparisons.Where(e => e.Field != "prior").ToDictionary(e => e.Field, e => e.Weight),
            c.SurvivorId, c.Resolution, c.OpenedAt, c.ResolvedAt, c.MatchWeight, comparisons);
    }

    /// <summary>The stored evidence; cases opened before the matcher kept levels stored field → similarity, read as level "similarity".</summary>
    private static List<DuplicateEvidenceDto> Comparisons(string json)
    {
        if (json.TrimStart().StartsWith('{'))
            return [.. (JsonSerializer.Deserialize<Dictionary<string, double>>(json) ?? []).Select(e => new DuplicateEvidenceDto(e.Key, "similarity", e.Value))];
        return [.. (JsonSerializer.Deserialize<List<FieldEvidence>>(json, DuplicateCase.EvidenceJsonOptions) ?? [])
            .Select(e => new DuplicateEvidenceDto(e.Field, e.Level, e.Weight))];
    }
}
