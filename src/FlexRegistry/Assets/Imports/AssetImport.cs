using FlexRegistry.Participants;

namespace FlexRegistry.Assets.Imports;

/// <summary>Where an import is: receiving its upload, queued for the worker, running, completed or failed.</summary>
public enum AssetImportState
{
    Receiving,
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>
/// A bulk registration (BUC.2 step 1): the uploaded rows wait in <see cref="AssetImportRow"/>; the worker registers them
/// batch by batch, each batch one transaction that also advances <see cref="RowsProcessed"/>, so a restart resumes after
/// the last committed batch with no row lost and none done twice.
/// </summary>
public sealed class AssetImport
{
    private AssetImport() { }

    public Guid Id { get; private set; }
    public ParticipantId ParticipantId { get; private set; }
    public string? ClientId { get; private set; }

    /// <summary>The caller's Idempotency-Key; set once the upload is complete (unique per participant).</summary>
    public string? IdempotencyKey { get; private set; }

    /// <summary>SHA-256 (hex) of the uploaded bytes; the same key with another file is refused.</summary>
    public string? FileHash { get; private set; }
    public string Format { get; private set; } = "";
    public AssetImportState Status { get; private set; }
    public int RowsReceived { get; private set; }

    /// <summary>The last row whose result is committed: the resume point.</summary>
    public int RowsProcessed { get; private set; }

    /// <summary>The last row the near-duplicate sweep has looked at (it runs after each batch, off the insert path).</summary>
    public int FuzzyCheckedThrough { get; private set; }
    public int Registered { get; private set; }
    public int Duplicates { get; private set; }
    public int Invalid { get; private set; }
    public int PossibleDuplicates { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public string? Failure { get; private set; }

    public static AssetImport Start(ParticipantId participant, string? clientId, string format, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        ParticipantId = participant,
        ClientId = clientId,
        Format = format,
        Status = AssetImportState.Receiving,
        CreatedAt = now,
    };

    /// <summary>The upload is staged durably: hand it to the worker.</summary>
    public void Received(int rows, string fileHash, string? idempotencyKey)
    {
        RowsReceived = rows;
        FileHash = fileHash;
        IdempotencyKey = idempotencyKey;
        Status = AssetImportState.Queued;
    }
}

/// <summary>One uploaded row, staged until its batch is processed: the row as a registration request, or why it could not be read.</summary>
public sealed class AssetImportRow
{
    private AssetImportRow() { }

    public Guid ImportId { get; private set; }
    public int RowNumber { get; private set; }

    /// <summary>The row as <c>RegisterAssetRequest</c> JSON (null when nothing could be read).</summary>
    public string? Payload { get; private set; }

    /// <summary>Errors found while reading the row (unparsable numbers or dates, unknown members), as JSON; null when none.</summary>
    public string? Errors { get; private set; }

    public static AssetImportRow Create(Guid importId, int rowNumber, string? payload, string? errors) =>
        new() { ImportId = importId, RowNumber = rowNumber, Payload = payload, Errors = errors };
}

/// <summary>
/// The outcome of one row that was not simply registered: duplicate (existing asset ID), invalid (every broken rule), or
/// registered and flagged as a possible duplicate. A row simply registered has no result row: its asset records its
/// import and row (<see cref="Asset.ImportRow"/>), and the results are read from both.
/// </summary>
public sealed class AssetImportResult
{
    public const string RegisteredOutcome = "registered";
    public const string DuplicateOutcome = "duplicate";
    public const string InvalidOutcome = "invalid";

    private AssetImportResult() { }

    public Guid ImportId { get; private set; }
    public int RowNumber { get; private set; }
    public string Outcome { get; private set; } = "";
    public string? AssetId { get; private set; }
    public string? ExistingAssetId { get; private set; }
    public string? DuplicateCaseId { get; private set; }

    /// <summary>JSON array of {code, field, message}; null unless invalid.</summary>
    public string? Errors { get; private set; }

    public static AssetImportResult Create(Guid importId, int rowNumber, string outcome, string? assetId, string? existingAssetId, string? errors) =>
        new() { ImportId = importId, RowNumber = rowNumber, Outcome = outcome, AssetId = assetId, ExistingAssetId = existingAssetId, Errors = errors };

    /// <summary>A registered row the near-duplicate sweep flagged: no longer simply registered, so it gets a result row.</summary>
    public static AssetImportResult Flagged(Guid importId, int rowNumber, string assetId, Guid duplicateCaseId) =>
        new() { ImportId = importId, RowNumber = rowNumber, Outcome = RegisteredOutcome, AssetId = assetId, DuplicateCaseId = duplicateCaseId.ToString() };
}
