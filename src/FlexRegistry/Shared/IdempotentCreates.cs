using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Shared;

/// <summary>
/// <c>Idempotency-Key</c> on creates, one piece of code for every create endpoint: the same key and body give the same
/// answer again (the stored response), the same key with another body is refused (422 idempotency.key_reused). The
/// record is saved in the create's own transaction, keyed by participant, operation and key (unique in the database),
/// so two concurrent requests with one key create one resource: the loser's commit fails and it replays the winner's.
/// </summary>
public sealed class IdempotentCreates(RegistryDbContext db, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static readonly ErrorCode KeyInvalid = new("idempotency.key_invalid", 400, "The Idempotency-Key must be 1–100 printable ASCII characters.");
    public static readonly ErrorCode KeyReused = new("idempotency.key_reused", 422, "The Idempotency-Key was already used with a different request body.");

    /// <summary>The earlier answer to this key, or null when the key is new (or absent). Throws when the key is malformed or reused.</summary>
    public async Task<T?> ReplayAsync<T>(Caller caller, string? key, string operation, object request, CancellationToken ct) where T : class
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (key is null)
            return null;
        if (key.Length is < 1 or > 100 || key.Any(c => c is < ' ' or > '~'))
            throw new DomainRuleException(KeyInvalid, "Idempotency-Key must be 1–100 printable ASCII characters.");
        var participant = caller.ParticipantId;
        var record = await db.IdempotencyRecords.AsNoTracking()
            .FirstOrDefaultAsync(r => r.ParticipantId == participant && r.Operation == operation && r.Key == key, ct);
        if (record is null)
            return null;
        if (record.RequestHash != Hash(request))
            throw new DomainRuleException(KeyReused, "This Idempotency-Key was used with a different request body; use a new key for a new request.");
        return JsonSerializer.Deserialize<T>(record.ResponseJson, Json);
    }

    /// <summary>Adds the record of this create to the unit of work (saved with the resource it answers for).</summary>
    public void Remember<T>(Caller caller, string? key, string operation, object request, string resourceId, T response)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (key is null)
            return;
        db.IdempotencyRecords.Add(IdempotencyRecord.Create(caller.ParticipantId, key, operation, Hash(request), resourceId,
            JsonSerializer.Serialize(response, Json), time.GetUtcNow()));
    }

    /// <summary>SHA-256 of the request as bound (so whitespace and member order do not matter).</summary>
    private static string Hash(object request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, request.GetType(), Json))));
}
