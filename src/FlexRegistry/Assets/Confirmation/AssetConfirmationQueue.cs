using FlexRegistry.Audit;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets.Confirmation;

/// <summary>Configuration section <c>AssetConfirmation</c>.</summary>
public sealed class AssetConfirmationOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After this many attempts with the source unavailable the asset stays provisional and the queue stops asking.</summary>
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Wakes the confirmation worker when a registration queued work, instead of waiting for the next poll.</summary>
public sealed class AssetConfirmationQueue : WorkSignal;

/// <summary>
/// Asks trusted sources to confirm provisional assets. The queue is the assets table itself (a due-time column), so
/// nothing is lost if the service stops; a source that is down is asked again with exponential back-off.
/// </summary>
internal sealed class AssetConfirmationWorker(
    IServiceScopeFactory scopes,
    AssetConfirmationQueue queue,
    AssetConfirmationOptions options,
    TimeProvider time,
    ILogger<AssetConfirmationWorker> logger) : DueWorkWorker(queue, options.PollInterval, logger)
{
    internal override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var journal = scope.ServiceProvider.GetRequiredService<Journal>();
        var sources = scope.ServiceProvider.GetRequiredService<TrustedSources>();
        var now = time.GetUtcNow();
        var due = await db.Assets
            .Where(a => a.ConfirmationDueAt != null && a.ConfirmationDueAt <= now)
            .OrderBy(a => a.ConfirmationDueAt)
            .Take(20)
            .ToListAsync(ct);

        foreach (var asset in due)
        {
            var source = sources.For(asset);
            if (asset.Status == AssetStatus.Merged)
                asset.StopConfirming("Merged into another asset.", now);
            else if (source is null)
                asset.StopConfirming(TrustedSources.NoSourceNote, now);
            else
                Apply(asset, source.Source, await source.LookUpAsync(asset, ct), now);
            // A source's verdict (confirmed or mismatch) changes the asset's data status and provenance: recorded in the
            // same transaction, so if it cannot be written the change is not made either. Retries and "no source covers
            // it" leave the data as declared and are not audited (they would add a record per imported asset).
            // A verdict is a version of the asset (source: trusted source): its history row goes in the same commit.
            db.AssetChanges.AddRange(asset.TakeChanges());
            journal.Append(asset.TakeEvents(), asset.DataStatus == DataStatus.Provisional ? [] :
                [AuditEntry.BySystem("confirmation", "asset.confirmation." + asset.DataStatus.ToWire(), "asset", asset.Id.Value,
                    asset.RegistrantId.Value, "dataStatus", "provenance")]);
            try
            {
                await journal.SaveAsync(ct);
            }
            catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || e.IsUniqueViolationOn("asset_changes"))
            {
                // The asset was changed meanwhile; a change to its data queues it again, so the next pass re-reads it (the
                // rest of this batch too: clearing the tracker detached them).
                db.ChangeTracker.Clear();
                break;
            }
        }
        return due.Count;
    }

    private void Apply(Asset asset, string source, AssetSourceResult result, DateTimeOffset now)
    {
        logger.LogInformation("Confirmation of {AssetId} by {Source}: {Outcome}", asset.Id, source, result.Outcome);
        switch (result.Outcome)
        {
            case AssetSourceOutcome.Confirmed:
                asset.Confirm(source, result.Groups, now);
                break;
            case AssetSourceOutcome.Mismatch:
                asset.FlagMismatch(source, result.Differences, now);
                break;
            case AssetSourceOutcome.Unavailable when asset.ConfirmationAttempts + 1 >= options.MaxAttempts:
                asset.StopConfirming($"{source} stayed unavailable after {options.MaxAttempts} attempts: {result.Summary}", now);
                break;
            case AssetSourceOutcome.Unavailable:
                var delay = options.FirstRetryDelay * Math.Pow(2, asset.ConfirmationAttempts);
                asset.RetryConfirmationLater(result.Summary, now + (delay > TimeSpan.FromHours(6) ? TimeSpan.FromHours(6) : delay), now);
                break;
            default:
                throw new InvalidOperationException($"Unknown confirmation outcome {result.Outcome}.");
        }
    }
}
