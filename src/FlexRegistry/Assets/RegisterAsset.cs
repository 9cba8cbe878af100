using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FlexRegistry.Assets.Confirmation;
using FlexRegistry.Assets.Matching;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets;

/// <summary>
/// BUC.2 steps 2, 4 and 5: register one asset. The published rules run first (every broken rule at once); exact
/// identity keys are unique in the database, so the same asset registered twice — even concurrently — yields one ID
/// and a 409 naming it; the matcher (<see cref="AssetMatcher"/>) answers a definite match the same way and registers a
/// possible one with a case for review. The registrant becomes the asset's first party.
/// </summary>
public sealed class RegisterAsset(RegistryDbContext db, Journal journal, AssetMatching matching, AssetConfirmationQueue confirmations,
    TrustedSources sources, TimeProvider time, ILogger<RegisterAsset> logger)
{
    private const string Operation = "POST /api/v1/assets";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public AssetCheckResponse Check(RegisterAssetRequest request)
    {
        var result = AssetValidation.Validate(request, Today());
        var area = result.Data?.DnoDistributorId is { } d ? DnoArea.FindByDistributorId(d) : null;
        return new AssetCheckResponse(result.Valid, [.. result.Errors.Select(ToDto)], [.. result.Warnings.Select(ToDto)], area?.Name, area?.GspGroup);
    }

    public async Task<(RegisterAssetResponse Response, Guid Version)> HandleAsync(
        RegisterAssetRequest request, string? idempotencyKey, Caller caller, CancellationToken ct)
    {
        var requestHash = idempotencyKey is null ? null : Hash(request);
        if (idempotencyKey is not null)
        {
            if (idempotencyKey.Length is < 1 or > 100 || idempotencyKey.Any(c => c is < ' ' or > '~'))
                throw new DomainRuleException(AssetErrors.IdempotencyKeyInvalid, "Idempotency-Key must be 1–100 printable ASCII characters.");
            if (await ReplayAsync(caller.ParticipantId, idempotencyKey, requestHash!, ct) is { } replay)
                return replay;
        }

        var validation = AssetValidation.Validate(request, Today());
        var data = validation.ThrowIfInvalid();
        var now = time.GetUtcNow();
        var asset = Asset.Register(data, caller.ParticipantId, now);
        // No trusted source covers it: settled in this write (TrustedSources), not left to the confirmation worker.
        var confirmable = sources.AwaitConfirmation(asset, now);

        // No look-up first: the unique indexes on the exact keys decide (one round trip fewer for every new asset), and
        // a duplicate is answered from the violation below, exactly as when two registrations race.
        AssetId? definiteMatch = null;
        var response = new RegisterAssetResponse(asset.Id.Value, asset.Status.ToWire(), asset.DataStatus.ToWire(), [.. validation.Warnings.Select(ToDto)], null);
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            await strategy.ExecuteAsync(async () =>
            {
                // The insert is the transaction's first statement, so on SQLite the write lock is taken at once
                // (BEGIN IMMEDIATE) and concurrent registrations queue rather than fail.
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                // Nothing here recovers from a failed statement inside the transaction (a duplicate is answered after
                // it), so EF's per-save savepoints would only add two round trips to each save.
                db.Database.AutoSavepointsEnabled = false;
                db.Assets.Add(asset);
                journal.Append(asset.TakeEvents(), AuditEntry.By(caller, "asset.register", "asset", asset.Id.Value, caller.ParticipantId.Value, [.. SuppliedFields(request)]));
                await db.SaveChangesAsync(ct);
                // Second-level de-duplication sees this asset's blocks with the new asset in them (and, on PostgreSQL, holds
                // them to commit). A definite match leaves without committing: nothing is stored, as for an exact duplicate.
                var match = await matching.MatchAsync(asset, now, ct);
                definiteMatch = match.DefiniteMatch;
                if (definiteMatch is not null)
                    return;
                response = response with { DuplicateCaseId = match.FirstCase?.Id.ToString() };
                if (idempotencyKey is not null)
                {
                    db.IdempotencyRecords.Add(IdempotencyRecord.Create(caller.ParticipantId, idempotencyKey, Operation, requestHash!, asset.Id.Value,
                        JsonSerializer.Serialize(response, Json), now));
                }
                await journal.CommitAsync(transaction, ct);
            });
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // The asset is already registered (or another registration with the same key committed first): the database
            // said no, so answer with the existing ID.
            db.ChangeTracker.Clear();
            if (idempotencyKey is not null && await ReplayAsync(caller.ParticipantId, idempotencyKey, requestHash!, ct) is { } replay)
                return replay;
            var winner = await FindExistingAsync(asset.IdentityKey, asset.MeterKey, ct);
            if (winner is null)
                throw;
            throw await DuplicateAsync(winner.Value, caller, ct);
        }
        if (definiteMatch is { } existing)
            throw await DuplicateAsync(existing, caller, ct);

        logger.LogInformation("Registered asset {AssetId} of type {AssetType} for {ParticipantId}", asset.Id, asset.Type, caller.ParticipantId);
        if (confirmable)
            confirmations.Wake();
        return (response, asset.Version);
    }

    /// <summary>
    /// The names of the fields the registrant supplied (never their values: the audit trail holds no personal data): the
    /// request's JSON properties, as serialised, that are not null. Read through the serialiser's contract rather than by
    /// serialising the request, since a bulk import asks this of every row.
    /// </summary>
    internal static IEnumerable<string> SuppliedFields(RegisterAssetRequest request) =>
        RequestContract.Properties.Where(p => p.Get!(request) is not null).Select(p => p.Name);

    private static readonly JsonTypeInfo RequestContract = Contract();

    private static JsonTypeInfo Contract()
    {
        Json.MakeReadOnly(populateMissingResolver: true);
        return Json.GetTypeInfo(typeof(RegisterAssetRequest));
    }

    /// <summary>The asset holding either exact key; a merged asset answers with its survivor.</summary>
    private async Task<AssetId?> FindExistingAsync(string? identityKey, string? meterKey, CancellationToken ct)
    {
        if (identityKey is null && meterKey is null)
            return null;
        var match = await db.Assets.AsNoTracking()
            .Where(a => (identityKey != null && a.IdentityKey == identityKey) || (meterKey != null && a.MeterKey == meterKey))
            .Select(a => new { a.Id, a.MergedInto })
            .FirstOrDefaultAsync(ct);
        return match is null ? null : match.MergedInto ?? match.Id;
    }

    /// <summary>BUC.2 step 5a: the caller learns the existing ID and nothing else; the asset's parties are told of the attempt.</summary>
    private async Task<DomainRuleException> DuplicateAsync(AssetId existing, Caller caller, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var asset = await db.Assets.FirstAsync(a => a.Id == existing, ct);
        asset.RecordDuplicateAttempt();
        // Who tried is kept here, for the registry operator, not in the event the asset's parties receive.
        journal.Append(asset.TakeEvents(), AuditEntry.By(caller, "asset.register_duplicate", "asset", existing.Value, asset.RegistrantId.Value));
        await journal.SaveAsync(ct);
        db.ChangeTracker.Clear();
        return new DomainRuleException(AssetErrors.Duplicate, $"This asset is already registered as {existing}.",
            new Dictionary<string, object?> { ["existingAssetId"] = existing.Value });
    }

    private async Task<(RegisterAssetResponse, Guid)?> ReplayAsync(ParticipantId participant, string key, string requestHash, CancellationToken ct)
    {
        var record = await db.IdempotencyRecords.AsNoTracking()
            .FirstOrDefaultAsync(r => r.ParticipantId == participant && r.Operation == Operation && r.Key == key, ct);
        if (record is null)
            return null;
        if (record.RequestHash != requestHash)
            throw new DomainRuleException(AssetErrors.IdempotencyKeyReused,
                "This Idempotency-Key was used with a different request body; use a new key for a new request.");
        var id = AssetId.Parse(record.ResourceId);
        var version = await db.Assets.Where(a => a.Id == id).Select(a => a.Version).FirstAsync(ct);
        return (JsonSerializer.Deserialize<RegisterAssetResponse>(record.ResponseJson, Json)!, version);
    }

    /// <summary>SHA-256 of the request as bound (so whitespace and member order do not matter).</summary>
    private static string Hash(RegisterAssetRequest request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, Json))));

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    internal static FieldErrorDto ToDto(FieldError e) => new(e.Field, e.Code, e.Message);
}
