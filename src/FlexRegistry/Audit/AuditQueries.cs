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
        var (leaves, size) = await PageOfLeavesAsync(resource, cursor, limit, caller, ct);
        var rows = await leaves.Take(size + 1).ToListAsync(ct);
        return PageOf(rows, size, r => r.Leaf, r => ToResponse(r.Leaf, r.Record));
    }

    /// <summary>
    /// The same page as <see cref="ListAsync"/> for a person reading the trail: every column but a batch record's
    /// resource list (an import batch's up to <see cref="AuditRecordResponse.MaxResourceIds"/> asset IDs) and the leaf
    /// hash, neither of which the page shows; reading them made the first page after a bulk load ~12 MB.
    /// </summary>
    public async Task<Page<AuditRecordSummary>> ListSummariesAsync(string? resource, string? cursor, int? limit, Caller caller, CancellationToken ct)
    {
        var (leaves, size) = await PageOfLeavesAsync(resource, cursor, limit, caller, ct);
        var rows = await leaves
            .Select(r => new
            {
                r.Leaf,
                r.Record.OccurredAt,
                r.Record.ActorClientId,
                r.Record.Action,
                r.Record.ResourceType,
                r.Record.ResourceId,
                IsBatch = r.Record.ResourceIds != null,
                r.Record.Fields,
                r.Record.Outcome,
            })
            .Take(size + 1).ToListAsync(ct);
        return PageOf(rows, size, r => r.Leaf, r => new AuditRecordSummary(r.Leaf, r.OccurredAt, r.ActorClientId, r.Action, r.ResourceType,
            r.ResourceId, r.IsBatch, AuditRecord.FieldListOf(r.Fields), r.Outcome));
    }

    /// <summary>The records the caller may read, after the cursor, in leaf order, and the page size: the one filter both listings use.</summary>
    private async Task<(IQueryable<LeafRecord> Leaves, int Size)> PageOfLeavesAsync(string? resource, string? cursor, int? limit, Caller caller, CancellationToken ct)
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
        var leaves =
            from l in db.AuditLeaves
            where l.LeafIndex > after
            join r in records on l.RecordPosition equals r.Position
            orderby l.LeafIndex
            select new LeafRecord { Leaf = l.LeafIndex, Record = r };
        return (leaves, size);
    }

    private static Page<TItem> PageOf<TRow, TItem>(List<TRow> rows, int size, Func<TRow, long> leafIndex, Func<TRow, TItem> item)
    {
        var next = rows.Count > size ? leafIndex(rows[size - 1]).ToString(CultureInfo.InvariantCulture) : null;
        return new Page<TItem>([.. rows.Take(size).Select(item)], next);
    }

    // An initialised class, not a positional record: EF Core composes later projections through member initialisers only.
    private sealed class LeafRecord
    {
        public long Leaf { get; init; }
        public AuditRecord Record { get; init; } = null!;
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

/// <summary>
/// One audit record as the registry operator's audit page lists it (<see cref="AuditQueries.ListSummariesAsync"/>);
/// <c>IsBatch</c>: the record covers a batch of resources (an import batch's registrations), listed by <c>GET /api/v1/audit</c>.
/// </summary>
public sealed record AuditRecordSummary(
    long LeafIndex, DateTimeOffset OccurredAt, string? ActorClientId, string Action, string ResourceType, string ResourceId, bool IsBatch,
    IReadOnlyList<string> Fields, string Outcome);
