using System.Text.Json;
using FlexRegistry.Events;
using FlexRegistry.Shared;

namespace FlexRegistry.Duplicates;

public enum DuplicateCaseStatus
{
    Open,
    Merged,
    Dismissed,
}

/// <summary>
/// A flagged possible duplicate: a new record (<see cref="SubjectId"/>) that looks like an existing one
/// (<see cref="CandidateId"/>) without sharing an exact identity key. The parties can see it; it stays open until
/// the registry operator merges the two or dismisses the flag.
/// </summary>
public sealed class DuplicateCase : EventSource
{
    private DuplicateCase() { }

    public Guid Id { get; private set; }

    /// <summary><c>participant</c> or <c>asset</c>.</summary>
    public string Kind { get; private set; } = "";
    public string SubjectId { get; private set; } = "";
    public string CandidateId { get; private set; } = "";

    /// <summary>The probability that the two records are one, from <see cref="Shared.Matching.MatchWeight"/>.</summary>
    public double Score { get; private set; }

    /// <summary>The pair's total Fellegi–Sunter match weight in bits (log2 odds), prior included; null for cases opened before it was kept.</summary>
    public double? MatchWeight { get; private set; }

    /// <summary>
    /// What each field said, as JSON: an array of <c>{field, level, weight}</c> (<see cref="Shared.Matching.FieldEvidence"/>),
    /// or, in cases opened before the matcher kept levels, an object of field → similarity.
    /// </summary>
    public string EvidenceJson { get; private set; } = "[]";

    public static readonly JsonSerializerOptions EvidenceJsonOptions = new(JsonSerializerDefaults.Web);
    public DuplicateCaseStatus Status { get; private set; }

    /// <summary>Participants who may see and act on the case, space-delimited with leading/trailing spaces.</summary>
    public string Parties { get; private set; } = " ";
    public string? SurvivorId { get; private set; }
    public string? Resolution { get; private set; }
    public string? ResolvedBy { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }
    public DateTimeOffset OpenedAt { get; private set; }

    public static DuplicateCase Open(string kind, string subjectId, string candidateId, double score, double matchWeight, string evidenceJson,
        IEnumerable<string> parties, DateTimeOffset now)
    {
        var partyList = parties.Distinct(StringComparer.Ordinal).ToArray();
        var duplicateCase = new DuplicateCase
        {
            Id = Guid.CreateVersion7(now),
            Kind = kind,
            SubjectId = subjectId,
            CandidateId = candidateId,
            Score = Math.Round(score, 4),
            MatchWeight = Math.Round(matchWeight, 2),
            EvidenceJson = evidenceJson,
            Status = DuplicateCaseStatus.Open,
            Parties = " " + string.Join(' ', partyList) + " ",
            OpenedAt = now,
        };
        duplicateCase.Record($"{kind}.duplicate_suspected", subjectId,
            new Dictionary<string, object?> { ["caseId"] = duplicateCase.Id, ["subjectId"] = subjectId, ["candidateId"] = candidateId },
            partyList);
        return duplicateCase;
    }

    public bool HasParty(string participantId) => Parties.Contains(" " + participantId + " ", StringComparison.Ordinal);

    public IReadOnlyList<string> PartyList => Parties.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public void Merge(string survivorId, string reason, string actor, DateTimeOffset now)
    {
        if (survivorId != SubjectId && survivorId != CandidateId)
            throw new DomainRuleException(DuplicateErrors.SurvivorNotInCase, "The survivor must be one of the two records in the case.");
        Resolve(DuplicateCaseStatus.Merged, reason, actor, now);
        SurvivorId = survivorId;
    }

    public void Dismiss(string reason, string actor, DateTimeOffset now) => Resolve(DuplicateCaseStatus.Dismissed, reason, actor, now);

    public string MergedAwayId => SurvivorId == SubjectId ? CandidateId : SubjectId;

    private void Resolve(DuplicateCaseStatus status, string reason, string actor, DateTimeOffset now)
    {
        if (Status != DuplicateCaseStatus.Open)
            throw new DomainRuleException(DuplicateErrors.AlreadyResolved, $"The case is already {Status.ToString().ToLowerInvariant()}.");
        Status = status;
        Resolution = reason;
        ResolvedBy = actor;
        ResolvedAt = now;
        Record("duplicate_case.resolved", Id.ToString(),
            new Dictionary<string, object?> { ["caseId"] = Id, ["kind"] = Kind, ["outcome"] = status.ToString().ToLowerInvariant() },
            [.. PartyList]);
    }
}

public static class DuplicateErrors
{
    public static readonly ErrorCode NotFound = new("duplicate_case.not_found", 404, "No such duplicate case.");
    public static readonly ErrorCode AlreadyResolved = new("duplicate_case.already_resolved", 409, "The duplicate case is already resolved.");
    public static readonly ErrorCode SurvivorNotInCase = new("duplicate_case.survivor_not_in_case", 422, "The survivor must be one of the case's records.");
    public static readonly ErrorCode InvalidKind = new("duplicate_case.kind_invalid", 400, "kind must be participant or asset.");
}
