using System.Text.Json;
using FlexRegistry.Assets.Confirmation;
using FlexRegistry.Assets.Matching;
using FlexRegistry.Audit;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Duplicates;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets.Imports;

/// <summary>
/// Registers staged rows, one batch per transaction. A batch: the published rules (<see cref="AssetValidation"/>) run
/// per row; rows sharing an exact key within the batch collapse onto the first; the others are written in one set-based
/// insert that skips every row whose exact key an asset already holds, registered long ago or a moment ago by a
/// concurrent registration (<see cref="BulkWriter"/>: on PostgreSQL a look-up of the held keys, then a binary COPY of the
/// rest; prepared <c>INSERT … ON CONFLICT DO NOTHING</c> on SQLite), and only the skipped rows — duplicates — are looked
/// up for their holders; then results, events and audit records go in with the bulk writer too (through the
/// <see cref="Journal"/>; the sequencers order them after commit), and the import's resume point advances, all in the same transaction.
/// Pipelined: while a batch is written, the next one is read and validated in the background (<see cref="PrepareAsync"/>),
/// and every <see cref="AssetImportOptions.SweepRows"/> committed rows the near-duplicate sweep reads and scores them in
/// the background too (<see cref="ComputeSweepAsync"/>); this loop alone writes, one transaction at a time, so a sweep's
/// cases go in between two batches. The import completes only once every row is committed and swept.
/// </summary>
public sealed class AssetImportProcessor(RegistryDbContext db, Journal journal, AssetImportOptions options, AssetConfirmationQueue confirmations,
    TrustedSources sources, AssetImportSignal signal, IServiceScopeFactory scopes, RegistryMetrics metrics, TimeProvider time,
    ILogger<AssetImportProcessor> logger)
{
    private const int MaxFailures = 5;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>One step (a batch, a sweep or the completion) of the oldest unfinished import; false when there is nothing to do.</summary>
    public async Task<bool> StepAsync(CancellationToken ct)
    {
        var import = await db.AssetImports.AsNoTracking()
            .Where(i => i.Status == AssetImportState.Queued || i.Status == AssetImportState.Running)
            .OrderBy(i => i.CreatedAt)
            .FirstOrDefaultAsync(ct);
        if (import is null)
        {
            await FailAbandonedUploadsAsync(ct);
            return false;
        }
        await StepAsync(import, ct);
        return true;
    }

    /// <summary>Runs one import to its end in the calling thread (for benchmarks and tools running the service in-process).</summary>
    public async Task<AssetImportStatus> RunToCompletionAsync(Guid importId, CancellationToken ct)
    {
        while (true)
        {
            db.ChangeTracker.Clear();
            var import = await db.AssetImports.AsNoTracking().FirstAsync(i => i.Id == importId, ct);
            if (import.Status is AssetImportState.Completed or AssetImportState.Failed)
                return AssetImportService.ToStatus(import);
            await StepAsync(import, ct);
        }
    }

    private async Task StepAsync(AssetImport import, CancellationToken ct)
    {
        try
        {
            var processed = import.RowsProcessed >= import.RowsReceived;
            var unswept = import.RowsProcessed - import.FuzzyCheckedThrough;
            // A sweep covers at most SweepRows rows: one that fell behind the batches catches up in several, each with
            // bounded key lists (SQLite takes at most 32766 parameters in a statement).
            var sweepTo = import.FuzzyCheckedThrough + Math.Min(unswept, Math.Max(1, options.SweepRows));
            var sweep = signal.TakeSweep(import.Id, import.FuzzyCheckedThrough, processed);
            if (sweep is not null)
                await WriteSweepAsync(import, await FinishAsync(sweep.Work) ?? await ComputeSweepAsync(db, import.Id, sweep.From, sweep.To, ct), ct);
            else if (processed && unswept > 0)
                await WriteSweepAsync(import, await ComputeSweepAsync(db, import.Id, import.FuzzyCheckedThrough, sweepTo, ct), ct);
            else if (!processed)
            {
                // The sweep reads and scores behind the batches, on its own connection; its cases are written by this loop.
                if (unswept >= options.SweepRows && !signal.SweepRunning(import.Id))
                    signal.StartSweep(import.Id, import.FuzzyCheckedThrough, sweepTo,
                        InScopeAsync(services => ComputeSweepAsync(services.GetRequiredService<RegistryDbContext>(), import.Id, import.FuzzyCheckedThrough, sweepTo, ct), ct));
                await ProcessBatchAsync(import, ct);
            }
            else
                await CompleteAsync(import, null, ct);
            signal.Failures.TryRemove(import.Id, out _);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // A transient fault (the database restarting) is retried; a batch that keeps failing fails its import
            // rather than block every import behind it.
            var failures = signal.Failures.AddOrUpdate(import.Id, 1, (_, n) => n + 1);
            logger.LogError(e, "Import {ImportId} step failed ({Failures}/{Max})", import.Id, failures, MaxFailures);
            if (failures < MaxFailures)
                throw;
            db.ChangeTracker.Clear();
            await CompleteAsync(import, $"Processing stopped after row {import.RowsProcessed}: {e.GetType().Name}. Rows up to there are registered; see the results.", ct);
            signal.Failures.TryRemove(import.Id, out _);
        }
    }

    internal sealed class Plan(int rowNumber)
    {
        public int RowNumber { get; } = rowNumber;
        public RegisterAssetRequest? Request { get; set; }
        public List<FieldErrorDto> Errors { get; } = [];
        public Asset? Asset { get; set; }
        public Plan? DuplicateOf { get; set; }
        public bool Inserted { get; set; }
        public Asset? Holder { get; set; }

        /// <summary>What registering the row's asset appends (prepared ahead; used only if the asset is inserted).</summary>
        public List<EventRecord>? Events { get; set; }

        /// <summary>The fields the row supplied (names only), for the batch's audit record.</summary>
        public IEnumerable<string>? SuppliedFields { get; set; }
    }

    /// <summary>A batch read from the staging table and validated: nothing written yet, nothing looked up in the register.</summary>
    internal sealed record PreparedBatch(int From, int Last, List<Plan> Plans, DateTimeOffset Now);

    /// <summary>
    /// Reads the batch after <paramref name="from"/> and runs everything that needs no other row of the register: the
    /// published rules, the aggregates, the settling of assets no source covers, and the collapse of exact duplicates
    /// within the batch. Pure with respect to the register, so it may run ahead, on its own connection, while the
    /// previous batch is written (<see cref="AssetImportSignal"/> holds it until the batch's turn comes).
    /// </summary>
    private async Task<PreparedBatch> PrepareAsync(RegistryDbContext context, TrustedSources trusted, AssetImport import,
        int from, CancellationToken ct)
    {
        // Rows are numbered 1..RowsReceived as staged, so a batch is a bounded range of the key. The bound matters: with
        // only `RowNumber > from … LIMIT`, PostgreSQL sometimes planned a scan of every remaining row and a sort, per
        // batch (a 1M-row import spent 80 s of its 160 s in this query; other runs 2 s).
        var size = Math.Clamp(options.BatchSize, 1, AssetImportOptions.MaxBatchSize);
        var rows = await context.AssetImportRows.AsNoTracking()
            .Where(r => r.ImportId == import.Id && r.RowNumber > from && r.RowNumber <= from + size)
            .OrderBy(r => r.RowNumber)
            .ToListAsync(ct);
        var last = rows.Count == 0 ? Math.Min(from + size, import.RowsReceived) : rows[^1].RowNumber;
        var now = time.GetUtcNow();
        var plans = Validate(import.ParticipantId, rows, now);
        // An asset no trusted source covers is settled now, as the confirmation worker would settle it right after the
        // commit, so that a large import does not leave one UPDATE per asset behind it for the worker.
        foreach (var plan in plans.Where(p => p.Asset is not null))
            trusted.AwaitConfirmation(plan.Asset!, now);

        // Exact duplicates within the batch collapse onto the first row holding the key.
        var firstByKey = new Dictionary<string, Plan>(StringComparer.Ordinal);
        foreach (var plan in plans.Where(p => p.Asset is not null))
        {
            var keys = new[] { plan.Asset!.IdentityKey is { } i ? "i:" + i : null, plan.Asset.MeterKey is { } m ? "m:" + m : null }.OfType<string>().ToList();
            plan.DuplicateOf = keys.Select(k => firstByKey.GetValueOrDefault(k)).FirstOrDefault(p => p is not null);
            if (plan.DuplicateOf is null)
                keys.ForEach(k => firstByKey[k] = plan);
        }

        // The event each new asset will append if inserted, and the fields its row supplied, made here so that their
        // serialisation is off the write path too.
        foreach (var plan in plans.Where(p => p.Asset is not null && p.DuplicateOf is null))
        {
            plan.Asset!.RegisteredByImport(import.Id, plan.RowNumber);
            plan.Events = TakeEvents(plan.Asset!, now);
            plan.SuppliedFields = [.. RegisterAsset.SuppliedFields(plan.Request!)];
        }
        return new PreparedBatch(from, last, plans, now);
    }

    /// <summary>The events <paramref name="source"/> has recorded, as event-log rows; the source no longer holds them.</summary>
    private static List<EventRecord> TakeEvents(EventSource source, DateTimeOffset now) => [.. source.TakeEvents().Select(e => EventRecord.From(e, now))];

    /// <summary>Runs <paramref name="work"/> in the background in a scope of its own (its own context and connection).</summary>
    private Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work, CancellationToken ct) => Task.Run(async () =>
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }, ct);

    /// <summary>The result of work run ahead, or null when it failed (the caller then does it again, inline).</summary>
    private async Task<T?> FinishAsync<T>(Task<T> work) where T : class
    {
        try
        {
            return await work;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Import work run ahead failed; doing it again inline");
            return null;
        }
    }

    private async Task ProcessBatchAsync(AssetImport import, CancellationToken ct)
    {
        var from = import.RowsProcessed;
        var batch = signal.TakeAhead(import.Id, from) is { } ahead ? await FinishAsync(ahead) : null;
        batch ??= await PrepareAsync(db, sources, import, from, ct);
        var (last, plans, now) = (batch.Last, batch.Plans, batch.Now);
        // The next batch is read and validated while this one is written.
        if (last < import.RowsReceived)
            signal.SetAhead(import.Id, last, InScopeAsync(services => PrepareAsync(services.GetRequiredService<RegistryDbContext>(),
                services.GetRequiredService<TrustedSources>(), import, last, ct), ct));
        var candidates = plans.Where(p => p.Asset is not null && p.DuplicateOf is null).ToList();

        var writer = BulkWriter.For(db);
        var strategy = db.Database.CreateExecutionStrategy();
        var counts = (Registered: 0, Duplicates: 0, Invalid: 0);
        var done = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The claim: only the worker that finds the resume point where it left it may write this batch.
            var claimed = await db.AssetImports
                .Where(i => i.Id == import.Id && i.RowsProcessed == from && (i.Status == AssetImportState.Queued || i.Status == AssetImportState.Running))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, AssetImportState.Running), ct);
            if (claimed == 0)
                return false;

            // The insert skips every row whose exact key an asset already holds (its unique indexes find them, as they would
            // have to anyway): no separate look-up of the batch's keys first. Only the rows it skipped — the duplicates,
            // already registered or registered concurrently — are looked up, to learn their holders.
            var inserted = await writer.InsertIgnoringConflictsAsync(db, [.. candidates.Select(p => p.Asset!)], conflictsExpected: true, ct);
            candidates.ForEach(p => p.Inserted = inserted.Contains(p.Asset!.Id.Value));
            await FindHoldersAsync([.. candidates.Where(p => !p.Inserted)], required: true, ct);

            var results = new List<AssetImportResult>(plans.Count);
            var registeredIds = new List<string>(plans.Count);
            var fields = new HashSet<string>(StringComparer.Ordinal) { "import:" + import.Id };
            var events = new List<EventRecord>(plans.Count);
            foreach (var plan in plans)
            {
                if (plan.Asset is null)
                {
                    results.Add(AssetImportResult.Create(import.Id, plan.RowNumber, AssetImportResult.InvalidOutcome, null, null,
                        JsonSerializer.Serialize(plan.Errors, Json)));
                    counts.Invalid++;
                    continue;
                }
                var first = plan.DuplicateOf ?? plan;
                if (plan.DuplicateOf is null && plan.Inserted)
                {
                    // Simply registered: the asset itself records the import and row; no result row.
                    events.AddRange(plan.Events!);
                    registeredIds.Add(plan.Asset.Id.Value);
                    fields.UnionWith(plan.SuppliedFields!);
                    counts.Registered++;
                    continue;
                }
                // BUC.2 step 5a, as for a single registration: the row learns the existing ID, the asset's parties hear of the attempt.
                var existing = first.Inserted ? first.Asset! : first.Holder!;
                existing.RecordDuplicateAttempt();
                events.AddRange(TakeEvents(existing, now));
                results.Add(AssetImportResult.Create(import.Id, plan.RowNumber, AssetImportResult.DuplicateOutcome, null, existing.Id.Value, null));
                counts.Duplicates++;
            }
            await writer.InsertAsync(db, results, ct);
            // The batch's events (one per asset, prepared ahead) and ONE audit record for all the assets it registered (a
            // batch leaf of the audit log, whose data lists every asset ID) go in with the bulk writer; the sequencers
            // order them after commit, so the batch holds no lock that other writers wait for.
            AuditRecord[] audit = registeredIds.Count == 0 ? [] : [AuditRecord.From(AuditEntry.Batch(import.ParticipantId.Value, import.ClientId,
                "asset.register", "asset", registeredIds, import.ParticipantId.Value, [.. fields]), now)];
            await journal.AppendInBulkAsync(events, audit, ct);
            var registered = counts.Registered;
            var duplicates = counts.Duplicates;
            var invalid = counts.Invalid;
            await db.AssetImports.Where(i => i.Id == import.Id).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.RowsProcessed, last)
                .SetProperty(i => i.Registered, i => i.Registered + registered)
                .SetProperty(i => i.Duplicates, i => i.Duplicates + duplicates)
                .SetProperty(i => i.Invalid, i => i.Invalid + invalid), ct);
            await journal.CommitAsync(transaction, ct);
            return true;
        });
        db.ChangeTracker.Clear();
        if (done)
        {
            logger.LogInformation("Import {ImportId}: rows {From}–{To} committed ({Registered} registered, {Duplicates} duplicates, {Invalid} invalid)",
                import.Id, from + 1, last, counts.Registered, counts.Duplicates, counts.Invalid);
            confirmations.Wake();
            metrics.ImportRows(counts.Registered, counts.Duplicates, counts.Invalid);
        }
    }

    private static List<Plan> Validate(ParticipantId registrant, List<AssetImportRow> rows, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var plans = new List<Plan>(rows.Count);
        foreach (var row in rows)
        {
            var plan = new Plan(row.RowNumber);
            plans.Add(plan);
            if (row.Errors is not null)
                plan.Errors.AddRange(JsonSerializer.Deserialize<List<FieldErrorDto>>(row.Errors, Json)!);
            if (row.Payload is null)
                continue;
            plan.Request = JsonSerializer.Deserialize<RegisterAssetRequest>(row.Payload, Json)!;
            var validation = AssetValidation.Validate(plan.Request, today);
            // A value that could not be read is reported once, as unreadable, not again as missing.
            var unreadable = plan.Errors.Select(e => e.Field).ToHashSet(StringComparer.Ordinal);
            plan.Errors.AddRange(validation.Errors.Where(e => !unreadable.Contains(e.Field)).Select(RegisterAsset.ToDto));
            if (plan.Errors.Count == 0)
                plan.Asset = Asset.Register(validation.Data!, registrant, now);
        }
        return plans;
    }

    /// <summary>
    /// The assets holding the exact keys of the rows, in one query; a merged holder answers with its survivor. When
    /// <paramref name="required"/> (the rows conflicted on insert), every row must have one.
    /// </summary>
    private async Task FindHoldersAsync(List<Plan> conflicted, bool required, CancellationToken ct)
    {
        if (conflicted.Count == 0)
            return;
        var identityKeys = conflicted.Select(p => p.Asset!.IdentityKey).OfType<string>().Distinct().ToList();
        var meterKeys = conflicted.Select(p => p.Asset!.MeterKey).OfType<string>().Distinct().ToList();
        // One query per key, each served by its unique index: with the two lists OR-ed in one query, PostgreSQL's planner
        // scans the whole table (a parallel sequential scan per batch, growing with the register).
        var holders = await AnyOfAsync(db, identityKeys, a => identityKeys.Contains(a.IdentityKey!), meterKeys, a => meterKeys.Contains(a.MeterKey!), ct);
        var survivorIds = holders.Where(h => h.MergedInto is not null).Select(h => h.MergedInto!.Value).Distinct().ToList();
        var survivors = survivorIds.Count == 0 ? [] : await db.Assets.AsNoTracking().Where(a => survivorIds.Contains(a.Id)).ToListAsync(ct);
        var byIdentity = holders.Where(h => h.IdentityKey is not null).ToDictionary(h => h.IdentityKey!, StringComparer.Ordinal);
        var byMeter = holders.Where(h => h.MeterKey is not null).ToDictionary(h => h.MeterKey!, StringComparer.Ordinal);
        foreach (var plan in conflicted)
        {
            var holder = (plan.Asset!.IdentityKey is { } i ? byIdentity.GetValueOrDefault(i) : null) ?? (plan.Asset.MeterKey is { } m ? byMeter.GetValueOrDefault(m) : null);
            if (holder is null)
            {
                if (required)
                    throw new InvalidOperationException($"Row {plan.RowNumber} conflicted but no asset holds its keys.");
                continue;
            }
            plan.Holder = holder.MergedInto is { } survivor ? survivors.First(s => s.Id == survivor) : holder;
        }
        // One asset object per holder, so several attempts on one asset are all recorded on it.
        var found = conflicted.Where(p => p.Holder is not null).ToList();
        var byId = found.Select(p => p.Holder!).DistinctBy(h => h.Id).ToDictionary(h => h.Id);
        found.ForEach(p => p.Holder = byId[p.Holder!.Id]);
    }

    /// <summary>
    /// The assets matching either of two key lists, read with one query per non-empty list (each served by its own index)
    /// and merged, each asset once, in the order read.
    /// </summary>
    private static async Task<List<Asset>> AnyOfAsync(RegistryDbContext db, List<string> first, System.Linq.Expressions.Expression<Func<Asset, bool>> inFirst,
        List<string> second, System.Linq.Expressions.Expression<Func<Asset, bool>> inSecond, CancellationToken ct)
    {
        var assets = first.Count == 0 ? [] : await db.Assets.AsNoTracking().Where(inFirst).ToListAsync(ct);
        if (second.Count == 0)
            return assets;
        var seen = assets.Select(a => a.Id).ToHashSet();
        assets.AddRange((await db.Assets.AsNoTracking().Where(inSecond).ToListAsync(ct)).Where(a => seen.Add(a.Id)));
        return assets;
    }

    /// <summary>
    /// The cases a sweep of rows <c>(From, To]</c> opens, the first case of each flagged row, and the rows found to be
    /// definite matches of an existing asset (answered like exact duplicates when the sweep is written).
    /// </summary>
    internal sealed record SweepResult(int From, int To, List<DuplicateCase> Cases, List<(int Row, string AssetId, Guid CaseId)> Flagged,
        List<(int Row, AssetId Subject, AssetId Existing)> Definite);

    /// <summary>
    /// Second-level de-duplication for committed rows <c>(from, to]</c>: the blocked candidates of them all read at once (one
    /// index-served query per blocking key), then <see cref="AssetMatcher"/> for each row exactly as for a single
    /// registration. Reads only committed rows and writes nothing, so it runs behind the batches on its own connection;
    /// <see cref="WriteSweepAsync"/> opens the cases and answers the definite matches. Assets committed by later batches
    /// are left out of the comparison by their later registration time; they are compared with these rows when their own
    /// rows are swept.
    /// </summary>
    private async Task<SweepResult> ComputeSweepAsync(RegistryDbContext db, Guid importId, int from, int to, CancellationToken ct)
    {
        var registered = await db.Assets.AsNoTracking()
            .Where(a => a.ImportId == importId && a.ImportRow > from && a.ImportRow <= to)
            .Select(a => new { a.ImportRow, a.Id })
            .ToListAsync(ct);
        var rowOf = registered.ToDictionary(r => r.Id.Value, r => r.ImportRow!.Value, StringComparer.Ordinal);
        var ids = registered.Select(r => r.Id).ToList();
        // The batch's assets whose blocks hold another asset (one query: per asset, an index probe per blocking key, each
        // stopping at the first other asset), then every unmerged asset in their blocks, the batch's own among them. Nearly
        // every asset of a large import is alone in its blocks: it has nothing to compare and is never read back whole.
        var shared = ids.Count == 0 ? [] : await SharingABlock(db, ids).ToListAsync(ct);
        var candidates = new List<Asset>(shared);
        var seen = shared.Select(a => a.Id).ToHashSet();
        foreach (var kind in Enum.GetValues<BlockKind>())
        {
            var values = shared.Select(a => AssetBlocking.Key(a, kind)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            if (values.Count == 0)
                continue;
            // Index-served reads per key, not one OR-ed query (which PostgreSQL answers with a scan of the whole table). A
            // block larger than a single registration reads (one address written for thousands of assets) is read as a
            // single registration reads it, its longest-registered assets only, so it costs no more than a normal one.
            var sizes = await db.Assets.Where(AssetMatching.InBlocks(kind, values)).GroupBy(AssetMatching.KeyOf(kind))
                .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
            var small = sizes.Where(b => b.Count <= AssetBlocking.MaxPerBlock).Select(b => b.Key!).ToList();
            if (small.Count > 0)
            {
                candidates.AddRange((await db.Assets.AsNoTracking().Where(AssetMatching.InBlocks(kind, small)).Where(a => a.Status != AssetStatus.Merged && a.Status != AssetStatus.Decommissioned).ToListAsync(ct))
                    .Where(a => seen.Add(a.Id)));
            }
            foreach (var large in sizes.Where(b => b.Count > AssetBlocking.MaxPerBlock))
            {
                candidates.AddRange((await db.Assets.AsNoTracking().Where(AssetMatching.InBlock(kind, large.Key!)).Where(a => a.Status != AssetStatus.Merged && a.Status != AssetStatus.Decommissioned)
                        .OrderBy(a => a.RegisteredAt).Take(AssetBlocking.MaxPerBlock).ToListAsync(ct))
                    .Where(a => seen.Add(a.Id)));
            }
        }
        // Rows of this import after `to` may be committed while this sweep reads (it runs behind the batches): they are
        // compared with these rows when they are swept themselves, never here (their registration time normally says so,
        // but not under a clock that does not move, so they are looked up).
        var earliest = candidates.Where(c => rowOf.ContainsKey(c.Id.Value)).Select(c => c.RegisteredAt).DefaultIfEmpty().Min();
        var later = !candidates.Any(c => !rowOf.ContainsKey(c.Id.Value) && c.RegisteredAt >= earliest)
            ? []
            : (await db.Assets.AsNoTracking()
                .Where(a => a.ImportId == importId && a.ImportRow > to)
                .Select(a => a.Id)
                .ToListAsync(ct)).Select(a => a.Value).ToHashSet(StringComparer.Ordinal);
        if (later.Count > 0)
            candidates = [.. candidates.Where(c => !later.Contains(c.Id.Value))];
        // Registration order, as a single registration's block look-up reads them; within the batch, row order.
        candidates = [.. candidates.OrderBy(c => c.RegisteredAt).ThenBy(c => rowOf.GetValueOrDefault(c.Id.Value))];
        var blocks = new AssetBlocks(candidates);
        var now = time.GetUtcNow();
        var cases = new List<DuplicateCase>();
        var flagged = new List<(int Row, string AssetId, Guid CaseId)>();
        var definite = new List<(int Row, AssetId Subject, AssetId Existing)>();
        var withdrawn = new HashSet<AssetId>();
        foreach (var asset in candidates.Where(a => rowOf.ContainsKey(a.Id.Value)).OrderBy(a => rowOf[a.Id.Value]))
        {
            var row = rowOf[asset.Id.Value];
            // Within the batch, a row is compared with the rows before it, as if registered one by one.
            var match = AssetMatcher.Match(asset, blocks.CandidatesFor(asset, c => c.RegisteredAt <= asset.RegisteredAt
                && !withdrawn.Contains(c.Id) && (!rowOf.TryGetValue(c.Id.Value, out var other) || other < row)));
            if (match.Decision == MatchDecision.Definite)
            {
                definite.Add((row, asset.Id, match.Definite!.Candidate.Id));
                withdrawn.Add(asset.Id);
            }
            else if (match.Decision == MatchDecision.Review)
            {
                var opened = match.Cases.Select(c => AssetMatching.OpenCase(asset, c, now)).ToList();
                cases.AddRange(opened);
                flagged.Add((row, asset.Id.Value, opened[0].Id));
            }
        }

        return new SweepResult(from, to, cases, flagged, definite);
    }

    /// <summary>Those of <paramref name="ids"/> (unmerged) that share a block with another asset.</summary>
    private static IQueryable<Asset> SharingABlock(RegistryDbContext db, List<AssetId> ids) =>
        db.Assets.AsNoTracking()
            .Where(a => ids.Contains(a.Id) && a.Status != AssetStatus.Merged)
            .Where(a => (a.Mpan != null && db.Assets.Any(b => b.Mpan == a.Mpan && b.Id != a.Id))
                || (a.Postcode != null && db.Assets.Any(b => b.Postcode == a.Postcode && b.Id != a.Id))
                || (a.SerialKey != null && db.Assets.Any(b => b.SerialKey == a.SerialKey && b.Id != a.Id))
                || (a.AddressKey != null && db.Assets.Any(b => b.AddressKey == a.AddressKey && b.Id != a.Id))
                || (a.GeoCell != null && db.Assets.Any(b => b.GeoCell == a.GeoCell && b.Id != a.Id)));

    /// <summary>
    /// Opens a sweep's cases, answers its definite matches like exact duplicates (the row becomes a duplicate naming the
    /// existing asset; the just-issued ID is withdrawn and points to it) and advances the sweep's resume point, in one
    /// transaction.
    /// </summary>
    private async Task WriteSweepAsync(AssetImport import, SweepResult sweep, CancellationToken ct)
    {
        var (from, to, cases, flagged) = (sweep.From, sweep.To, sweep.Cases, sweep.Flagged);
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var possible = flagged.Count;
            var claimed = await db.AssetImports.Where(i => i.Id == import.Id && i.FuzzyCheckedThrough == from)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.FuzzyCheckedThrough, to).SetProperty(i => i.PossibleDuplicates, i => i.PossibleDuplicates + possible), ct);
            if (claimed == 0)
                return;
            db.DuplicateCases.AddRange(cases);
            journal.Append([.. cases.SelectMany(c => c.TakeEvents())]);
            var answered = await WithdrawDefiniteMatchesAsync(sweep.Definite, ct);
            await db.SaveChangesAsync(ct);
            // A flagged row is no longer simply registered: it gets its result row now, naming its case.
            await BulkWriter.For(db).InsertAsync(db, [.. flagged.Select(f => AssetImportResult.Flagged(import.Id, f.Row, f.AssetId, f.CaseId))], ct);
            // A definite match is answered like an exact duplicate: its row gets a duplicate result naming the existing asset
            // (and the withdrawn ID it was issued, which keeps resolving to it).
            await BulkWriter.For(db).InsertAsync(db, [.. answered.Select(d => AssetImportResult.Create(import.Id, d.Row, AssetImportResult.DuplicateOutcome, d.Subject, d.Existing, null))], ct);
            if (answered.Count > 0)
            {
                var count = answered.Count;
                await db.AssetImports.Where(i => i.Id == import.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.Registered, i => i.Registered - count).SetProperty(i => i.Duplicates, i => i.Duplicates + count), ct);
            }
            await journal.CommitAsync(transaction, ct);
        });
        db.ChangeTracker.Clear();
    }

    /// <summary>Withdraws each definite match's new asset in favour of the existing one (both read in one query); returns the rows answered.</summary>
    private async Task<List<(int Row, string Subject, string Existing)>> WithdrawDefiniteMatchesAsync(List<(int Row, AssetId Subject, AssetId Existing)> definite, CancellationToken ct)
    {
        if (definite.Count == 0)
            return [];
        var ids = definite.SelectMany(d => new[] { d.Subject, d.Existing }).Distinct().ToList();
        var assets = await db.Assets.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var now = time.GetUtcNow();
        var answered = new List<(int Row, string Subject, string Existing)>();
        foreach (var (row, subjectId, existingId) in definite)
        {
            // Merged or decommissioned meanwhile (a reviewer or a party acted first): the row stays registered.
            if (assets[subjectId].Status.IsFinal() || assets[existingId].Status.IsFinal())
                continue;
            assets[subjectId].WithdrawAsDuplicateOf(assets[existingId], now);
            db.AssetChanges.AddRange(assets[subjectId].TakeChanges());
            journal.Append([.. assets[subjectId].TakeEvents(), .. assets[existingId].TakeEvents()]);
            answered.Add((row, subjectId.Value, existingId.Value));
        }
        return answered;
    }

    private async Task CompleteAsync(AssetImport import, string? failure, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var status = failure is null ? AssetImportState.Completed : AssetImportState.Failed;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var updated = await db.AssetImports.Where(i => i.Id == import.Id && (i.Status == AssetImportState.Queued || i.Status == AssetImportState.Running))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, status).SetProperty(i => i.CompletedAt, now).SetProperty(i => i.Failure, failure), ct);
            if (updated == 0)
                return;
            // The staged rows have served their purpose; the results remain.
            await db.AssetImportRows.Where(r => r.ImportId == import.Id).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
        });
        logger.LogInformation("Import {ImportId} {Status}", import.Id, status);
    }

    private async Task FailAbandonedUploadsAsync(CancellationToken ct)
    {
        var before = time.GetUtcNow() - options.AbandonedUploadAfter;
        var abandoned = await db.AssetImports.AsNoTracking()
            .Where(i => i.Status == AssetImportState.Receiving && i.CreatedAt < before)
            .Select(i => i.Id)
            .ToListAsync(ct);
        foreach (var id in abandoned)
        {
            await db.AssetImportRows.Where(r => r.ImportId == id).ExecuteDeleteAsync(ct);
            await db.AssetImports.Where(i => i.Id == id && i.Status == AssetImportState.Receiving).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Status, AssetImportState.Failed)
                .SetProperty(i => i.Failure, "The upload was interrupted before it completed; nothing was registered. Upload the file again."), ct);
        }
    }
}

/// <summary>The import queue is the imports table itself; the worker takes the oldest unfinished import one step at a time.</summary>
internal sealed class AssetImportWorker(IServiceScopeFactory scopes, AssetImportSignal signal, AssetImportOptions options, ILogger<AssetImportWorker> logger)
    : DueWorkWorker(signal, options.PollInterval, logger)
{
    internal override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AssetImportProcessor>().StepAsync(ct) ? 1 : 0;
    }
}
