using System.Globalization;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Audit;

/// <summary>Reading the audit trail (a participant: records about its own data; the registry operator: all) and verifying it.</summary>
public sealed class AuditQueries(RegistryDbContext db, AuditCheckpointKey key)
{
    public const int MaxPageSize = 500;

    public async Task<Page<AuditRecordResponse>> ListAsync(string? resource, string? cursor, int? limit, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = errors.PageSize(limit, 100, MaxPageSize);
        long after = 0;
        if (cursor is not null && (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();

        var query = db.AuditRecords.AsNoTracking().Where(r => r.Sequence > after);
        if (!caller.IsRegistryOperator)
        {
            var own = caller.ParticipantId.Value;
            query = query.Where(r => r.SubjectParticipantId == own);
        }
        if (!string.IsNullOrEmpty(resource))
            query = query.Where(r => r.ResourceId == resource);
        var rows = await query.OrderBy(r => r.Sequence).Take(size + 1).ToListAsync(ct);
        var next = rows.Count > size ? rows[size - 1].Sequence.ToString(CultureInfo.InvariantCulture) : null;
        return new Page<AuditRecordResponse>([.. rows.Take(size).Select(ToResponse)], next);
    }

    /// <summary>
    /// Walks the chain in sequence order: sequences must be gapless from 1, each record must name its predecessor's
    /// hash and hash to its stored value; every checkpoint must be validly signed and name a record that still
    /// exists with the same hash. The first failure is reported.
    /// </summary>
    public async Task<AuditVerificationResponse> VerifyAsync(CancellationToken ct)
    {
        // Checkpoints are read before the records: a checkpoint commits with the record it names, so every checkpoint
        // seen here names a record the walk below will see, even while other writers append (reading the records first
        // would let a concurrent append add a checkpoint past the records already read and look like truncation).
        var checkpoints = await db.AuditCheckpoints.AsNoTracking().OrderBy(c => c.Sequence).ToListAsync(ct);
        long expected = 1;
        var previous = AuditRecord.Genesis;
        var hashes = new Dictionary<long, string>();
        await foreach (var record in db.AuditRecords.AsNoTracking().OrderBy(r => r.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (record.Sequence != expected)
                return Broken(expected - 1, expected, $"Record {expected} is missing (the next record is {record.Sequence}).");
            if (record.PreviousHash != previous)
                return Broken(expected - 1, expected, $"Record {expected} does not follow record {expected - 1}: its previous hash differs.");
            if (record.ComputeHash() != record.Hash)
                return Broken(expected - 1, expected, $"Record {expected} was changed: its content does not match its hash.");
            hashes[record.Sequence] = record.Hash;
            previous = record.Hash;
            expected++;
        }
        var count = expected - 1;

        foreach (var checkpoint in checkpoints)
        {
            if (!checkpoint.HasValidSignature(key))
                return Broken(count, checkpoint.Sequence, $"The checkpoint at record {checkpoint.Sequence} is not validly signed by key {key.KeyId}.", checkpoints.Count);
            if (!hashes.TryGetValue(checkpoint.Sequence, out var hash))
                return Broken(count, count + 1, $"Records after {count} are missing: a signed checkpoint names record {checkpoint.Sequence} (the chain was truncated).", checkpoints.Count);
            if (hash != checkpoint.HeadHash)
                return Broken(count, checkpoint.Sequence, $"Record {checkpoint.Sequence} differs from the head its signed checkpoint names.", checkpoints.Count);
        }
        return new AuditVerificationResponse(true, count, checkpoints.Count, null, null);
    }

    private static AuditVerificationResponse Broken(long records, long at, string reason, long checkpoints = 0) =>
        new(false, records, checkpoints, at, reason);

    private static AuditRecordResponse ToResponse(AuditRecord r) => new(
        r.Sequence, r.OccurredAt, r.ActorParticipantId, r.ActorClientId, r.Action, r.ResourceType, r.ResourceId, r.SubjectParticipantId,
        r.Fields.Length == 0 ? [] : r.Fields.Split(','), r.Outcome, r.PreviousHash, r.Hash);
}
