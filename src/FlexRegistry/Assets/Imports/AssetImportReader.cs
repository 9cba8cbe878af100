using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;

namespace FlexRegistry.Assets.Imports;

/// <summary>One row read from an upload: the registration request (null when nothing could be read) and the errors met reading it.</summary>
public sealed record ImportedRow(int RowNumber, RegisterAssetRequest? Request, IReadOnlyList<FieldError> Errors);

/// <summary>
/// Streams rows out of an uploaded CSV (RFC 4180, header row) or NDJSON file, one at a time: nothing holds more than one
/// row. File-level faults (not UTF-8, broken quoting, unknown or missing columns) throw <see cref="DomainRuleException"/>
/// at once; a row whose values cannot be read becomes a row with errors, reported in the results like any broken rule.
/// </summary>
public static class AssetImportReader
{
    public const string Csv = "csv";
    public const string Ndjson = "ndjson";

    /// <summary>Longest field (CSV) or line (NDJSON) accepted; a broken quote cannot swallow the file into memory.</summary>
    public const int MaxRowChars = 64 * 1024;

    /// <summary>The CSV columns, in template order: the RegisterAssetRequest members, nested ones dotted.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "type", "mpan", "exportMpan", "manufacturer", "model", "serialNumber", "address.line1", "address.town", "address.postcode",
        "location.latitude", "location.longitude", "importCapacityKw", "exportCapacityKw", "storageCapacityKwh", "connectionVoltageKv",
        "status", "commissioningDate", "ownerConsent.reference", "ownerConsent.method", "ownerConsent.date", "marketQualifications",
    ];

    /// <summary>Columns every file must have: the fields every asset type requires, and the type itself.</summary>
    public static readonly IReadOnlyList<string> RequiredColumns =
        ["type", .. AssetType.All.Select(t => t.RequiredFields).Aggregate((a, b) => [.. a.Intersect(b)]).Where(Columns.Contains)];

    /// <summary>Each NDJSON line is bound exactly as a single registration's body is (<see cref="StrictJson"/>).</summary>
    internal static readonly JsonSerializerOptions RowJson = Strict(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static JsonSerializerOptions Strict(JsonSerializerOptions options)
    {
        StrictJson.Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The rule of each CSV column: the rule of the request member it fills, as for a JSON body.</summary>
    private static readonly Dictionary<string, StrictJson.FieldRule> CellRules = Columns.ToDictionary(c => c, RuleOfColumn);

    private static StrictJson.FieldRule RuleOfColumn(string column)
    {
        var type = RowJson.GetTypeInfo(typeof(RegisterAssetRequest));
        System.Text.Json.Serialization.Metadata.JsonPropertyInfo? property = null;
        foreach (var part in column.Split('.'))
        {
            property = type.Properties.First(p => p.Name == part);
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            type = RowJson.GetTypeInfo(propertyType);
        }
        return StrictJson.RuleOf(property!);
    }

    /// <summary>UTF-8, strictly: invalid bytes throw rather than turn into replacement characters; a UTF-8 BOM is skipped.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    public static string? FormatOf(string? contentType) =>
        contentType?.Split(';')[0].Trim().ToLowerInvariant() switch
        {
            "text/csv" => Csv,
            "application/x-ndjson" or "application/ndjson" or "application/jsonl" => Ndjson,
            _ => null,
        };

    public static IAsyncEnumerable<ImportedRow> ReadAsync(Stream body, string format, CancellationToken ct) =>
        format == Csv ? ReadCsvAsync(body, ct) : ReadNdjsonAsync(body, ct);

    private static StreamReader Reader(Stream body) => new(body, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);

    private static async IAsyncEnumerable<ImportedRow> ReadCsvAsync(Stream body, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = Reader(body);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = true,
            MaxFieldSize = MaxRowChars,
            DetectColumnCountChanges = false,
            IgnoreBlankLines = true,
        };
        using var parser = new CsvParser(reader, config);
        string?[]? map = null;
        var rowNumber = 0;
        while (true)
        {
            string[]? record;
            try
            {
                if (!await parser.ReadAsync())
                    break;
                record = parser.Record;
            }
            catch (Exception e) when (e is DecoderFallbackException || e.InnerException is DecoderFallbackException)
            {
                throw EncodingError(rowNumber);
            }
            catch (CsvHelperException e) when (e is BadDataException or MaxFieldSizeException or ParserException)
            {
                throw new DomainRuleException(AssetImportErrors.FileMalformed,
                    $"The CSV cannot be read near line {parser.RawRow}: {e.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)} (check quoting: a quote inside a field is doubled, a field with a comma, quote or line break is quoted).");
            }
            ct.ThrowIfCancellationRequested();
            if (record is null)
                continue;
            if (map is null)
            {
                map = HeaderMap(record);
                continue;
            }
            rowNumber++;
            yield return CsvRow(rowNumber, map, record);
        }
        if (map is null)
            throw new DomainRuleException(AssetImportErrors.Empty, "The CSV has no header row; GET /api/v1/asset-imports/template shows one.");
    }

    private static DomainRuleException EncodingError(int rowNumber) =>
        new(AssetImportErrors.EncodingInvalid, $"The file is not valid UTF-8 (after data row {rowNumber}); save it as UTF-8 and upload again.");

    /// <summary>Header names match case-insensitively, with or without separators: serialNumber, serial_number and SERIAL NUMBER are one column.</summary>
    private static string Fold(string name) => new([.. name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);

    private static string?[] HeaderMap(string[] header)
    {
        var known = Columns.ToDictionary(Fold, c => c, StringComparer.Ordinal);
        var map = new string?[header.Length];
        var errors = new FieldErrors();
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim();
            if (!known.TryGetValue(Fold(name), out var column))
                errors.Add(name.Length == 0 ? $"column {i + 1}" : name, AssetImportErrors.ColumnsInvalid.Code,
                    $"Unknown column '{name}'; the columns are {string.Join(", ", Columns)}.");
            else if (map.Contains(column))
                errors.Add(name, AssetImportErrors.ColumnsInvalid.Code, $"Column {column} appears twice.");
            else
                map[i] = column;
        }
        foreach (var required in RequiredColumns.Where(r => !map.Contains(r)))
            errors.Add(required, AssetImportErrors.ColumnsInvalid.Code, $"Required column {required} is missing.");
        if (errors.Any)
            throw new RequestValidationException(errors.All, AssetImportErrors.ColumnsInvalid);
        return map;
    }

    private static ImportedRow CsvRow(int rowNumber, string?[] map, string[] record)
    {
        var errors = new List<FieldError>();
        if (record.Length != map.Length)
            return new ImportedRow(rowNumber, null,
                [new FieldError("$", AssetImportErrors.RowMalformed, $"The row has {record.Length} fields; the header has {map.Length}.")]);
        // Every cell is text, held to the same rules as the member it fills in a JSON body: printable, trimmed, NFC, bounded.
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < map.Length; i++)
        {
            if (map[i] is not { } column || record[i].Trim() is not { Length: > 0 } raw)
                continue;
            var rule = CellRules[column];
            if (InputText.Problem(raw, rule.Kind) is { } problem)
            {
                errors.Add(new FieldError(column, problem.Code, problem.Message));
                continue;
            }
            var value = InputText.Normalise(raw);
            if (column != "marketQualifications" && InputText.Length(value) > rule.MaxLength)
                errors.Add(new FieldError(column, StrictJson.TooLongCode, $"{column} must be at most {rule.MaxLength} characters."));
            else
                cells[column] = value;
        }
        string? Text(string c) => cells.GetValueOrDefault(c);
        decimal? Number(string c)
        {
            if (Text(c) is not { } v)
                return null;
            if (decimal.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            {
                var rule = CellRules[c];
                if ((rule.Minimum is { } min && d < min) || (rule.Maximum is { } max && d > max))
                {
                    errors.Add(new FieldError(c, StrictJson.OutOfRangeCode, $"{c} must be between {rule.Minimum} and {rule.Maximum}."));
                    return null;
                }
                return d;
            }
            errors.Add(new FieldError(c, AssetImportErrors.ValueInvalid, $"'{Clip(v)}' is not a number (use a dot for decimals)."));
            return null;
        }
        DateOnly? Date(string c)
        {
            if (Text(c) is not { } v)
                return null;
            if (DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                return d;
            errors.Add(new FieldError(c, AssetImportErrors.ValueInvalid, $"'{Clip(v)}' is not a date (use yyyy-MM-dd)."));
            return null;
        }
        bool Any(string prefix) => cells.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));

        var latitude = Number("location.latitude");
        var longitude = Number("location.longitude");
        var request = new RegisterAssetRequest
        {
            Type = Text("type"),
            Mpan = Text("mpan"),
            ExportMpan = Text("exportMpan"),
            Manufacturer = Text("manufacturer"),
            Model = Text("model"),
            SerialNumber = Text("serialNumber"),
            Address = Any("address.") ? new AssetAddressDto { Line1 = Text("address.line1"), Town = Text("address.town"), Postcode = Text("address.postcode") } : null,
            Location = Any("location.") ? new LocationDto { Latitude = (double?)latitude, Longitude = (double?)longitude } : null,
            ImportCapacityKw = Number("importCapacityKw"),
            ExportCapacityKw = Number("exportCapacityKw"),
            StorageCapacityKwh = Number("storageCapacityKwh"),
            ConnectionVoltageKv = Number("connectionVoltageKv"),
            Status = Text("status"),
            CommissioningDate = Date("commissioningDate"),
            OwnerConsent = Any("ownerConsent.")
                ? new OwnerConsentDto { Reference = Text("ownerConsent.reference"), Method = Text("ownerConsent.method"), Date = Date("ownerConsent.date") }
                : null,
            MarketQualifications = Text("marketQualifications") is { } q
                ? [.. q.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
                : null,
        };
        if (request.MarketQualifications is { } list && list.Count > CellRules["marketQualifications"].MaxItems)
            errors.Add(new FieldError("marketQualifications", StrictJson.TooManyItemsCode,
                $"marketQualifications may have at most {CellRules["marketQualifications"].MaxItems} items."));
        return new ImportedRow(rowNumber, request, errors);
    }

    private static async IAsyncEnumerable<ImportedRow> ReadNdjsonAsync(Stream body, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = Reader(body);
        var lines = new BoundedLineReader(reader);
        var rowNumber = 0;
        while (true)
        {
            string? line;
            try
            {
                line = await lines.ReadLineAsync(ct);
            }
            catch (DecoderFallbackException)
            {
                throw EncodingError(rowNumber);
            }
            if (line is null)
                break;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            rowNumber++;
            // The same checks as a single registration's body: I-JSON, text, types (no numbers in strings), bounds.
            if (StrictJson.Check(Encoding.UTF8.GetBytes(line), typeof(RegisterAssetRequest), RowJson) is { } refused)
            {
                yield return new ImportedRow(rowNumber, null, refused.Errors);
                continue;
            }
            RegisterAssetRequest? request = null;
            FieldError? error = null;
            try
            {
                request = JsonSerializer.Deserialize<RegisterAssetRequest>(line, RowJson);
                if (request is null)
                    error = new FieldError("$", AssetImportErrors.RowMalformed, "The line is null, not a JSON object.");
            }
            catch (JsonException e)
            {
                error = new FieldError(e.Path is { Length: > 0 } p ? p : "$", AssetImportErrors.RowMalformed, "Not a registration object: " + Clip(e.Message, 300));
            }
            yield return new ImportedRow(rowNumber, error is null ? request : null, error is null ? [] : [error]);
        }
    }

    private static string Clip(string value, int max = 40) => value.Length <= max ? value : value[..max] + "…";

    /// <summary>Reads lines of at most <see cref="MaxRowChars"/> characters, so one endless line cannot fill the memory.</summary>
    private sealed class BoundedLineReader(StreamReader reader)
    {
        private readonly char[] _buffer = new char[16 * 1024];
        private readonly StringBuilder _line = new();
        private int _position;
        private int _length;
        private int _lineNumber;

        public async Task<string?> ReadLineAsync(CancellationToken ct)
        {
            _line.Clear();
            _lineNumber++;
            while (true)
            {
                if (_position == _length)
                {
                    _length = await reader.ReadAsync(_buffer, ct);
                    _position = 0;
                    if (_length == 0)
                        return _line.Length > 0 ? _line.ToString() : null;
                }
                var newline = Array.IndexOf(_buffer, '\n', _position, _length - _position);
                var end = newline < 0 ? _length : newline;
                _line.Append(_buffer, _position, end - _position);
                if (_line.Length > MaxRowChars)
                    throw new DomainRuleException(AssetImportErrors.FileMalformed, $"Line {_lineNumber} is longer than {MaxRowChars} characters.");
                _position = newline < 0 ? _length : newline + 1;
                if (newline >= 0)
                {
                    if (_line.Length > 0 && _line[^1] == '\r')
                        _line.Length--;
                    return _line.ToString();
                }
            }
        }
    }
}
