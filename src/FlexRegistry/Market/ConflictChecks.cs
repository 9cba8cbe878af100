using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// A conflict check owed to a change: written in the change's own transaction, so that a change is never committed
/// without its check. The request runs the check right after its commit and deletes the row; if it could not (a crash,
/// a failure), <see cref="ConflictCheckWorker"/> runs it once it is due.
/// </summary>
public sealed class ConflictCheck
{
    private ConflictCheck() { }

    public long Id { get; private set; }
    public string Scope { get; private set; } = "";
    public string? ScopeId { get; private set; }
    public DateTimeOffset DueAt { get; private set; }
    public int Attempts { get; private set; }

    public ConflictScope ToScope() => new(Scope, ScopeId);

    public static ConflictCheck For(ConflictScope scope, DateTimeOffset dueAt)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new ConflictCheck { Scope = scope.Kind, ScopeId = scope.Id, DueAt = dueAt };
    }
}

/// <summary>Configuration section <c>Conflicts</c>.</summary>
public sealed class ConflictOptions
{
    /// <summary>How long the worker leaves a check to the request that queued it before running it itself.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Queues and runs conflict checks (see <see cref="ConflictCheck"/>).</summary>
public sealed class ConflictChecks(RegistryDbContext db, ConflictDetection detection, ConflictOptions options, TimeProvider time,
    ILogger<ConflictChecks> logger)
{
    /// <summary>Adds the check to the unit of work: it commits with the change.</summary>
    public ConflictCheck Queue(ConflictScope scope)
    {
        var check = ConflictCheck.For(scope, time.GetUtcNow() + options.Grace);
        db.ConflictChecks.Add(check);
        return check;
    }

    /// <summary>
    /// Runs a committed check and deletes it. The change it belongs to is committed already, so a failure here does
    /// not fail the request: the check stays queued and the worker runs it when due. Null when it did not run.
    /// </summary>
    public async Task<ConflictDetection.Outcome?> RunAsync(ConflictCheck check, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        try
        {
            var outcome = await detection.RunAsync(check.ToScope(), ct);
            await db.ConflictChecks.Where(c => c.Id == check.Id).ExecuteDeleteAsync(ct);
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Conflict check {CheckId} over {Scope} failed; the worker will run it", check.Id, check.ToScope());
            db.ChangeTracker.Clear();
            return null;
        }
    }
}

/// <summary>Wakes the conflict-check worker.</summary>
public sealed class ConflictCheckSignal : WorkSignal;

/// <summary>Runs the conflict checks whose request did not (see <see cref="ConflictCheck"/>).</summary>
internal sealed class ConflictCheckWorker(IServiceScopeFactory scopes, ConflictCheckSignal signal, ConflictOptions options, TimeProvider time,
    ILogger<ConflictCheckWorker> logger) : DueWorkWorker(signal, options.PollInterval, logger)
{
    internal override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var now = time.GetUtcNow();
        var due = await db.ConflictChecks.AsNoTracking().Where(c => c.DueAt <= now).OrderBy(c => c.Id).Take(10).ToListAsync(ct);
        foreach (var check in due)
        {
            var detection = scope.ServiceProvider.GetRequiredService<ConflictDetection>();
            try
            {
                await detection.RunAsync(check.ToScope(), ct);
                await db.ConflictChecks.Where(c => c.Id == check.Id).ExecuteDeleteAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Back off: one failing check must not block the others.
                logger.LogError(e, "Conflict check {CheckId} over {Scope} failed", check.Id, check.ToScope());
                db.ChangeTracker.Clear();
                var attempts = check.Attempts + 1;
                var next = now + TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Min(attempts, 10))));
                await db.ConflictChecks.Where(c => c.Id == check.Id)
                    .ExecuteUpdateAsync(c => c.SetProperty(x => x.Attempts, attempts).SetProperty(x => x.DueAt, next), ct);
            }
        }
        return due.Count;
    }
}
