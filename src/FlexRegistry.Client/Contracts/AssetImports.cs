namespace FlexRegistry.Client.Contracts;

/// <summary>
/// A bulk import (<c>POST /api/v1/asset-imports</c>): its state and counters. status: receiving, queued, running,
/// completed or failed; rowsProcessed counts rows whose result is committed.
/// </summary>
public sealed record AssetImportStatus
{
    public string ImportId { get; init; } = "";
    public string Status { get; init; } = "";

    /// <summary>csv or ndjson.</summary>
    public string Format { get; init; } = "";
    public int RowsReceived { get; init; }
    public int RowsProcessed { get; init; }
    public int Registered { get; init; }
    public int Duplicates { get; init; }
    public int Invalid { get; init; }

    /// <summary>Rows registered but flagged as possible near duplicates (a duplicate case was opened).</summary>
    public int PossibleDuplicates { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public string? Failure { get; init; }

    /// <summary>True once the import will change no more (completed or failed). Computed by the client, not sent.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Finished => Status is "completed" or "failed";
}

/// <summary>One line of an import's results (NDJSON form; the CSV has the same columns, errors as "code@field; code@field").</summary>
public sealed record AssetImportRowResult
{
    /// <summary>1-based data row (the CSV header is not counted; blank lines are skipped).</summary>
    public int RowNumber { get; init; }

    /// <summary>registered, duplicate or invalid.</summary>
    public string Outcome { get; init; } = "";
    public string? AssetId { get; init; }
    public string? ExistingAssetId { get; init; }
    public string? DuplicateCaseId { get; init; }
    public IReadOnlyList<FieldErrorDto>? Errors { get; init; }
}
