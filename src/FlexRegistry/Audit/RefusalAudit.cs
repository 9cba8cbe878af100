using System.Runtime.CompilerServices;
using FlexRegistry.Persistence;
using Microsoft.Extensions.Caching.Memory;

namespace FlexRegistry.Audit;

/// <summary>
/// Records refused attempts (outcome <c>refused</c>) in the audit log: failed token requests for a known client,
/// 403 refusals and certificate mismatches. The refusal stands whether or not the record is written: it is written in
/// a transaction of its own, after the decision, and a failure to write it is logged, never turned into access.
/// </summary>
/// <remarks>
/// Only refusals that name a client the register knows are recorded (an anonymous flood of invented client IDs writes
/// nothing), and at most <see cref="AuditOptions.RefusalsPerClientPerMinute"/> per client per minute on each instance,
/// so the log grows at a bounded rate whatever an attacker sends.
/// </remarks>
public sealed class RefusalAudit(IServiceScopeFactory scopes, IMemoryCache cache, AuditOptions options, ILogger<RefusalAudit> logger)
{
    public async Task RecordAsync(AuditEntry entry, string clientId)
    {
        var counter = cache.GetOrCreate(("audit-refusals", clientId), e =>
        {
            e.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1);
            return new StrongBox<int>(0);
        })!;
        if (Interlocked.Increment(ref counter.Value) > options.RefusalsPerClientPerMinute)
        {
            logger.LogWarning("Refusal {Action} for client {ClientId} not audited: over {Limit} refusals this minute",
                entry.Action, clientId, options.RefusalsPerClientPerMinute);
            return;
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var journal = scope.ServiceProvider.GetRequiredService<Journal>();
            journal.Append(entry with { Outcome = AuditRecord.Refused });
            // Not the request's token: a client that hangs up must not be able to skip its refusal's record.
            await journal.SaveAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "Could not audit refusal {Action} for client {ClientId}", entry.Action, clientId);
        }
    }
}
