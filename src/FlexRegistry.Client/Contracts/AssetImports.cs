namespace FlexRegistry.Client.Contracts;

/// <summary>
/// A bulk import's state and counters (<c>GET /api/v1/asset-imports/{importId}</c>, and the 202 answer to
/// <c>POST /api/v1/asset-imports</c>). status: receiving, queued, running, completed or failed; format: csv or ndjson.
/// </summary>
public sealed record AssetImportStatus(
    string ImportId,
    string Status,
    string Format,
    long RowsReceived,
    long RowsProcessed,
    long Registered,
    long Duplicates,
    long Invalid,
    long PossibleDuplicates,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    string? Failure)
{
    /// <summary>True once the import will change no more (completed or failed).</summary>
    public bool Finished => Status is "completed" or "failed";
}
