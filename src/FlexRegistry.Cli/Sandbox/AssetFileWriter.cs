using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FlexRegistry.Cli.Sandbox;

/// <summary>
/// Writes asset rows as an import file, streaming: CSV (RFC 4180, UTF-8, a header row whose column names are the
/// field paths the API uses in its errors, e.g. <c>address.postcode</c>) or NDJSON (one <c>RegisterAssetRequest</c>
/// JSON object per line).
/// </summary>
public sealed class AssetFileWriter : IAsyncDisposable
{
    public static readonly string[] CsvColumns =
    [
        "type", "mpan", "manufacturer", "model", "serialNumber", "address.line1", "address.town", "address.postcode",
        "importCapacityKw", "exportCapacityKw", "storageCapacityKwh", "connectionVoltageKv", "status", "commissioningDate",
        "ownerConsent.reference", "ownerConsent.method", "ownerConsent.date",
    ];

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly Stream _stream;
    private readonly bool _csv;
    private readonly StreamWriter? _text;
    private readonly Utf8JsonWriter? _json;

    public AssetFileWriter(Stream stream, string format)
    {
        _stream = stream;
        _csv = format == "csv";
        if (_csv)
        {
            _text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16) { NewLine = "\r\n" };
            _text.WriteLine(string.Join(',', CsvColumns));
        }
        else
        {
            _json = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
        }
    }

    public void Write(SyntheticAsset a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (_csv)
            WriteCsv(_text!, a);
        else
            WriteJson(a);
    }

    private static void WriteCsv(StreamWriter w, SyntheticAsset a)
    {
        Cell(w, a.Type, true);
        Cell(w, a.Mpan);
        Cell(w, a.Manufacturer);
        Cell(w, a.Model);
        Cell(w, a.SerialNumber);
        Cell(w, a.Line1);
        Cell(w, a.Town);
        Cell(w, a.Postcode);
        Cell(w, Number(a.ImportCapacityKw));
        Cell(w, Number(a.ExportCapacityKw));
        Cell(w, Number(a.StorageCapacityKwh));
        Cell(w, Number(a.ConnectionVoltageKv));
        Cell(w, a.Status);
        Cell(w, Date(a.CommissioningDate));
        Cell(w, a.ConsentReference);
        Cell(w, a.ConsentMethod);
        Cell(w, Date(a.ConsentDate));
        w.WriteLine();
    }

    private static void Cell(StreamWriter w, string? value, bool first = false)
    {
        if (!first)
            w.Write(',');
        if (string.IsNullOrEmpty(value))
            return;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0 && value[0] != ' ' && value[^1] != ' ')
        {
            w.Write(value);
            return;
        }
        w.Write('"');
        w.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        w.Write('"');
    }

    private void WriteJson(SyntheticAsset a)
    {
        var j = _json!;
        j.WriteStartObject();
        j.WriteString("type", a.Type);
        j.WriteString("mpan", a.Mpan);
        if (a.Manufacturer is not null)
            j.WriteString("manufacturer", a.Manufacturer);
        if (a.Model is not null)
            j.WriteString("model", a.Model);
        j.WriteString("serialNumber", a.SerialNumber);
        j.WriteStartObject("address");
        j.WriteString("line1", a.Line1);
        j.WriteString("town", a.Town);
        j.WriteString("postcode", a.Postcode);
        j.WriteEndObject();
        if (a.ImportCapacityKw is { } import)
            j.WriteNumber("importCapacityKw", import);
        if (a.ExportCapacityKw is { } export)
            j.WriteNumber("exportCapacityKw", export);
        if (a.StorageCapacityKwh is { } storage)
            j.WriteNumber("storageCapacityKwh", storage);
        j.WriteNumber("connectionVoltageKv", a.ConnectionVoltageKv);
        j.WriteString("status", a.Status);
        if (a.CommissioningDate is { } commissioned)
            j.WriteString("commissioningDate", Date(commissioned));
        j.WriteStartObject("ownerConsent");
        j.WriteString("reference", a.ConsentReference);
        j.WriteString("method", a.ConsentMethod);
        j.WriteString("date", Date(a.ConsentDate));
        j.WriteEndObject();
        j.WriteEndObject();
        j.Flush();
        j.Reset();
        _stream.Write(NewLine);
    }

    private static string? Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Date(DateOnly? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (_text is not null)
            await _text.DisposeAsync();
        if (_json is not null)
            await _json.DisposeAsync();
    }
}
