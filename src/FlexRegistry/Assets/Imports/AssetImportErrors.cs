using FlexRegistry.Shared;

namespace FlexRegistry.Assets.Imports;

public static class AssetImportErrors
{
    public static readonly ErrorCode NotFound = new("import.not_found", 404, "No such import.");
    public static readonly ErrorCode IdempotencyKeyReused = new("import.idempotency_key_reused", 422,
        "This Idempotency-Key was used for an import of a different file; use a new key for a new file.");
    public static readonly ErrorCode ColumnsInvalid = new("import.columns_invalid", 400,
        "The CSV header names unknown or repeated columns, or lacks a required one; nothing was stored.");
    public static readonly ErrorCode FileMalformed = new("import.file_malformed", 400,
        "The file cannot be read (broken CSV quoting, an oversized field or row); nothing was stored.");
    public static readonly ErrorCode EncodingInvalid = new("import.encoding_invalid", 400,
        "The file is not UTF-8 text (e.g. Latin-1 or UTF-16); nothing was stored.");
    public static readonly ErrorCode Empty = new("import.empty", 400, "The file has no header row.");

    /// <summary>Per-row codes (in results, never as a response): the row or one of its values could not be read.</summary>
    public const string RowMalformed = "import.row_malformed";
    public const string ValueInvalid = "import.value_invalid";
}
