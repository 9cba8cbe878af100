using System.Globalization;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Audit;

/// <summary>
/// Reading the audit log (a participant: records about its own data; the registry operator: all), its signed tree
/// heads and proofs, and verifying it whole.
/// </summary>
public sealed class AuditQueries(RegistryDbContext db, AuditSequencer sequencer, AuditSigningKey key)
{
    public const int MaxPageSize = 500;

    public async Task<Page<AuditRecordResponse>> ListAsync(string? resource, string? cursor, int? limit, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = errors.PageSize(limit, 100, MaxPageSize);
        long after = -1;
        if (cursor is not null && (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();

        // Read your writes: what committed before this request is in the log before it is listed.
        await sequencer.CatchUpAsync(db, ct);
        var records = db.AuditRecords.AsNoTracking();
        if (!caller.IsRegistryOperator)
        {
            var own = caller.ParticipantId.Value;
            records = records.Where(r => r.SubjectParticipantId == own);
        }
        if (!string.IsNullOrEmpty(resource))
        {
            // A batch record (an import batch's registrations) is found by any of its resources.
            var member = " " + resource + " ";
            records = records.Where(r => r.ResourceId == resource || (r.ResourceIds != null && r.ResourceIds.Contains(member)));
        }
        var rows = await (
                from l in db.AuditLeaves
                where l.LeafIndex > after
                join r in records on l.RecordPosition equals r.Position
                orderby l.LeafIndex
                select new { l.LeafIndex, Record = r })
            .Take(size + 1).ToListAsync(ct);
        var next = rows.Count > size ? rows[size - 1].LeafIndex.ToString(CultureInfo.InvariantCulture) : null;
        return new Page<AuditRecordResponse>([.. rows.Take(size).Select(r => ToResponse(r.LeafIndex, r.Record))], next);
    }

    public async Task<SignedTreeHeadResponse> TreeHeadAsync(CancellationToken ct) =>
        ToResponse(await LatestHeadAsync(ct) ?? throw new DomainRuleException(AuditErrors.NoTreeHead, "No tree head has been signed yet."));

    /// <summary>The inclusion proof of the record at <paramref name="leafIndex"/> (one the caller may read) in the tree of <paramref name="treeSize"/> leaves (default: the latest signed).</summary>
    public async Task<InclusionProofResponse> InclusionProofAsync(string leafIndex, long? treeSize, Caller caller, CancellationToken ct)
    {
        if (!long.TryParse(leafIndex, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            throw new DomainRuleException(AuditErrors.RecordNotFound, $"{leafIndex} is not a leaf index.");
        var record = await (
                from l in db.AuditLeaves
                where l.LeafIndex == index
                join r in db.AuditRecords on l.RecordPosition equals r.Position
                select r)
            .AsNoTracking().FirstOrDefaultAsync(ct);
        // Another participant's record answers exactly as a missing one.
        if (record is null || (!caller.IsRegistryOperator && record.SubjectParticipantId != caller.ParticipantId.Value))
            throw new DomainRuleException(AuditErrors.RecordNotFound, $"No audit record you may read is at leaf {index}.");
        var latest = await LatestHeadAsync(ct);
        var size = treeSize ?? latest?.TreeSize ?? 0;
        var errors = new FieldErrors();
        if (size <= index || size > (latest?.TreeSize ?? 0))
            errors.Add("treeSize", "field.out_of_range",
                $"treeSize must be above the leaf index ({index}) and at most the latest signed tree size ({latest?.TreeSize ?? 0}).");
        errors.ThrowIfAny();
        var path = await AuditTree.RangeHashesAsync(db, MerkleTree.InclusionRanges(index, size), ct);
        var head = size == latest!.TreeSize ? latest : await db.AuditTreeHeads.AsNoTracking().FirstOrDefaultAsync(h => h.TreeSize == size, ct);
        return new InclusionProofResponse(index, size, Convert.ToBase64String(record.LeafData()), Convert.ToBase64String(record.LeafHash()),
            [.. path.Select(Convert.ToBase64String)], head is null ? null : ToResponse(head));
    }

    /// <summary>The consistency proof between the trees of <paramref name="first"/> and <paramref name="second"/> leaves.</summary>
    public async Task<ConsistencyProofResponse> ConsistencyProofAsync(long? first, long? second, CancellationToken ct)
    {
        var latest = (await LatestHeadAsync(ct))?.TreeSize ?? 0;
        var errors = new FieldErrors();
        if (first is null)
            errors.Add("first", "field.required", "first is required.");
        if (second is null)
            errors.Add("second", "field.required", "second is required.");
        if (first is < 1)
            errors.Add("first", "field.out_of_range", "first must be at least 1.");
        if (second is { } s && (s > latest || (first is { } f && s < f)))
            errors.Add("second", "field.out_of_range", $"second must be at least first and at most the latest signed tree size ({latest}).");
        errors.ThrowIfAny();
        var proof = await AuditTree.RangeHashesAsync(db, MerkleTree.ConsistencyRanges(first!.Value, second!.Value), ct);
        return new ConsistencyProofResponse(first.Value, second.Value, [.. proof.Select(Convert.ToBase64String)]);
    }

    /// <summary>
    /// Walks the log in leaf order: leaf indexes must be gapless from 0, every leaf's record must exist and hash to the
    /// stored leaf hash, and at each signed tree head's size the recomputed root must equal the signed one, under a valid
    /// signature; a head beyond the last leaf means the log was cut short. The first failure is reported.
    /// </summary>
    public async Task<AuditVerificationResponse> VerifyAsync(CancellationToken ct)
    {
        // Heads are read before the leaves: a head commits with the leaves it covers, so every head read here covers
        // only leaves the walk below will see, even while the sequencer appends.
        var heads = await db.AuditTreeHeads.AsNoTracking().OrderBy(h => h.TreeSize).ToListAsync(ct);
        var frontier = new MerkleTree.Frontier(0, []);
        var scratch = new List<(MerkleTree.Node, byte[])>();
        var next = 0;
        long verifiedThrough = 0;
        var walk =
            from l in db.AuditLeaves.AsNoTracking()
            join r0 in db.AuditRecords.AsNoTracking() on l.RecordPosition equals r0.Position into records
            from r in records.DefaultIfEmpty()
            join n0 in db.AuditTreeNodes.AsNoTracking() on l.LeafIndex equals n0.Id into nodes
            from n in nodes.DefaultIfEmpty()
            orderby l.LeafIndex
            select new { l.LeafIndex, Record = r, Stored = n == null ? null : n.Hash };
        await foreach (var leaf in walk.AsAsyncEnumerable().WithCancellation(ct))
        {
            var at = frontier.Size;
            if (leaf.LeafIndex != at)
                return Broken(at, at, $"Leaf {at} is missing (the next leaf is {leaf.LeafIndex}).", heads.Count);
            if (leaf.Record is null)
                return Broken(at, at, $"The record of leaf {at} is missing.", heads.Count);
            var hash = leaf.Record.LeafHash();
            if (leaf.Stored is null || !hash.AsSpan().SequenceEqual(leaf.Stored))
                return Broken(at, at, $"The record at leaf {at} was changed or moved: it does not hash to the leaf stored there.", heads.Count);
            frontier.Append(hash, scratch);
            scratch.Clear();
            for (; next < heads.Count && heads[next].TreeSize == frontier.Size; next++)
            {
                var head = heads[next];
                if (!head.HasValidSignature(key))
                    return Broken(frontier.Size, verifiedThrough, $"The tree head of size {head.TreeSize} is not validly signed by key {key.KeyId}.", heads.Count);
                if (!head.RootHash.AsSpan().SequenceEqual(frontier.Root()))
                    return Broken(frontier.Size, verifiedThrough, $"The tree of {head.TreeSize} leaves differs from its signed tree head: a leaf after {verifiedThrough - 1} was changed.", heads.Count);
                verifiedThrough = head.TreeSize;
            }
        }
        if (next < heads.Count)
        {
            var beyond = heads[next];
            return Broken(frontier.Size, frontier.Size,
                $"Leaves from {frontier.Size} on are missing: a signed tree head covers {beyond.TreeSize} leaves (the log was truncated).", heads.Count);
        }
        return new AuditVerificationResponse(true, frontier.Size, heads.Count, null, null);
    }

    private static AuditVerificationResponse Broken(long records, long at, string reason, long heads) => new(false, records, heads, at, reason);

    private Task<AuditTreeHead?> LatestHeadAsync(CancellationToken ct) =>
        db.AuditTreeHeads.AsNoTracking().OrderByDescending(h => h.TreeSize).FirstOrDefaultAsync(ct);

    private static SignedTreeHeadResponse ToResponse(AuditTreeHead h) => new(
        h.TreeSize, Convert.ToBase64String(h.RootHash), h.Timestamp.ToUnixTimeMilliseconds(), h.KeyId, Convert.ToBase64String(h.Signature));

    private static AuditRecordResponse ToResponse(long leafIndex, AuditRecord r) => new(
        leafIndex, r.OccurredAt, r.ActorParticipantId, r.ActorClientId, r.Action, r.ResourceType, r.ResourceId, r.ResourceIdList, r.SubjectParticipantId,
        r.FieldList, r.Outcome, Convert.ToBase64String(r.LeafHash()));
}
