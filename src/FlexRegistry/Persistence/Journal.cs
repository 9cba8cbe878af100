using FlexRegistry.Audit;
using FlexRegistry.Events;
using Microsoft.EntityFrameworkCore.Storage;

namespace FlexRegistry.Persistence;

/// <summary>
/// The one way a use case appends to the register's two logs: it hands the journal its change's events and audit
/// records, the journal adds them as rows to the unit of work, and the use case's own commit writes them with the
/// change — so a change never commits without them, nor they without it (fail closed). Nothing waits on other writers:
/// the rows carry no order yet. After commit, the <see cref="EventSequencer"/> gives events their public sequence and
/// the <see cref="AuditSequencer"/> adds audit records to the Merkle tree; <see cref="SaveAsync"/> and
/// <see cref="CommitAsync"/> wake them (they also poll, so a commit made any other way is ordered too).
/// </summary>
public sealed class Journal(RegistryDbContext db, EventSequencer events, AuditSequencer audit, TimeProvider time)
{
    private bool _appendedEvents;
    private bool _appendedAudit;

    /// <summary>Adds the events and audit records of one change to the unit of work.</summary>
    public void Append(IEnumerable<DomainEvent> recorded, params AuditEntry[] entries)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(entries);
        var now = time.GetUtcNow();
        foreach (var domainEvent in recorded)
        {
            db.Events.Add(EventRecord.From(domainEvent, now));
            _appendedEvents = true;
        }
        foreach (var entry in entries)
        {
            db.AuditRecords.Add(AuditRecord.From(entry, now));
            _appendedAudit = true;
        }
    }

    /// <summary>
    /// For bulk writers (a batch of an import): writes prepared event and audit rows at once with the
    /// <see cref="BulkWriter"/>, in the caller's open transaction, bypassing the change tracker. Commit with
    /// <see cref="CommitAsync"/>.
    /// </summary>
    public async Task AppendInBulkAsync(IReadOnlyList<EventRecord> prepared, IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(records);
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Bulk appends are written in the caller's transaction.");
        var writer = BulkWriter.For(db);
        await writer.InsertAsync(db, prepared, ct);
        await writer.InsertAsync(db, records, ct);
        _appendedEvents |= prepared.Count > 0;
        _appendedAudit |= records.Count > 0;
    }

    /// <summary>Adds audit records alone (a read, or a change that raises no event).</summary>
    public void Append(params AuditEntry[] entries) => Append([], entries);

    /// <summary>
    /// Saves the unit of work. Outside an explicit transaction that is its commit, and the sequencers are woken; inside
    /// one, use <see cref="CommitAsync"/> to commit.
    /// </summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        if (db.Database.CurrentTransaction is null)
            Committed();
    }

    /// <summary>Saves what is pending, commits <paramref name="transaction"/>, and wakes the sequencers.</summary>
    public async Task CommitAsync(IDbContextTransaction transaction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        Committed();
    }

    private void Committed()
    {
        if (_appendedEvents)
            events.Wake();
        if (_appendedAudit)
            audit.Wake();
        _appendedEvents = _appendedAudit = false;
    }
}
