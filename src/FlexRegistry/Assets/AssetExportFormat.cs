using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FlexRegistry.Visibility;

namespace FlexRegistry.Assets;

/// <summary>
/// One exported row as UTF-8, written straight from the row the export read (<see cref="AssetExportRow"/>) into a buffer: the bytes are exactly those of the asset's
/// <see cref="AssetVisibility.ToResponse"/> serialised as the export did before (NDJSON: System.Text.Json web defaults;
/// CSV: <see cref="CsvColumns"/>), without the response record, its provenance dictionary, or a string per row. The
/// visibility rule has already decided which groups the row shows (<see cref="GroupSet"/>); here each group is a bit test.
/// Not thread-safe: one per export.
/// </summary>
public abstract class AssetExportFormat
{
    public static AssetExportFormat For(string format) => format == ExportAssets.Csv ? new CsvExportFormat() : new NdjsonExportFormat();

    /// <summary>What precedes the rows (the CSV header; nothing for NDJSON).</summary>
    public abstract void WriteHeader(IBufferWriter<byte> output);

    /// <summary>One row, with its line end, showing only <paramref name="groups"/>.</summary>
    public abstract void Write(IBufferWriter<byte> output, AssetExportRow asset, GroupSet groups);

    /// <summary>The groups of a row, tested once per row.</summary>
    private protected readonly record struct Shown(bool Identity, bool Technical, bool Coarse, bool Address, bool Identifiers, bool Consent, bool Registration)
    {
        public static Shown Of(GroupSet groups) => new(
            groups.Contains(AssetGroups.Identity), groups.Contains(AssetGroups.Technical), groups.Contains(AssetGroups.CoarseLocation),
            groups.Contains(AssetGroups.Address), groups.Contains(AssetGroups.Identifiers), groups.Contains(AssetGroups.Consent),
            groups.Contains(AssetGroups.Registration));
    }

    /// <summary>The codes <see cref="AssetVisibility.ToResponse"/> names as withheld for <paramref name="groups"/>.</summary>
    private protected static IReadOnlyList<string> WithheldCodes(GroupSet groups) =>
        VisibilityRule.Everything(VisibilityRule.Asset).Except(groups).Except(GroupSet.None.With(AssetGroups.AccessLog)).Codes(VisibilityRule.Asset);

    private protected static readonly FrozenDictionary<AssetStatus, string> StatusWire =
        Enum.GetValues<AssetStatus>().ToFrozenDictionary(s => s, s => s.ToWire());

    private protected static readonly FrozenDictionary<DataStatus, string> DataStatusWire =
        Enum.GetValues<DataStatus>().ToFrozenDictionary(s => s, s => s.ToWire());

    private protected static readonly string[] ProvenanceKeys = ["identity", "technical", "location", "consent"];

    private protected static Provenance ProvenanceOf(AssetExportRow a, int i) => i switch
    {
        0 => a.IdentityProvenance,
        1 => a.TechnicalProvenance,
        2 => a.LocationProvenance,
        _ => a.ConsentProvenance,
    };

    private protected static string ProvenanceState(Provenance p) => p.ConfirmedBy is null ? "provisional" : "confirmed";
}

/// <summary>NDJSON: one JSON object per line, <c>\n</c> after each.</summary>
internal sealed class NdjsonExportFormat : AssetExportFormat
{
    private static readonly JsonEncodedText AssetId = Name("assetId"), Type = Name("type"), Status = Name("status"), DataStatus = Name("dataStatus"),
        ConfirmationNote = Name("confirmationNote"), MergedInto = Name("mergedInto"), Mpan = Name("mpan"), ExportMpan = Name("exportMpan"),
        Manufacturer = Name("manufacturer"), Model = Name("model"), SerialNumber = Name("serialNumber"), AddressName = Name("address"),
        Line1 = Name("line1"), Town = Name("town"), Postcode = Name("postcode"), Location = Name("location"), Latitude = Name("latitude"),
        Longitude = Name("longitude"), PostcodeDistrict = Name("postcodeDistrict"), DnoArea = Name("dnoArea"), GspGroup = Name("gspGroup"),
        ImportCapacityKw = Name("importCapacityKw"), ExportCapacityKw = Name("exportCapacityKw"), StorageCapacityKwh = Name("storageCapacityKwh"),
        ConnectionVoltageKv = Name("connectionVoltageKv"), CommissioningDate = Name("commissioningDate"), OwnerConsent = Name("ownerConsent"),
        Reference = Name("reference"), Method = Name("method"), Date = Name("date"), MarketQualifications = Name("marketQualifications"),
        FastTracked = Name("fastTracked"), RegistrantId = Name("registrantId"), ProvenanceName = Name("provenance"), DeclaredBy = Name("declaredBy"),
        ConfirmedBy = Name("confirmedBy"), ConfirmedAt = Name("confirmedAt"), State = Name("state"), RegisteredAt = Name("registeredAt"),
        UpdatedAt = Name("updatedAt"), Version = Name("version"), ApproximateLocation = Name("approximateLocation"), WithheldGroups = Name("withheldGroups");

    private static readonly JsonEncodedText[] ProvenanceNames = [.. ProvenanceKeys.Select(Name)];
    private static readonly FrozenDictionary<AssetStatus, JsonEncodedText> StatusValues = StatusWire.ToFrozenDictionary(p => p.Key, p => Name(p.Value));
    private static readonly FrozenDictionary<DataStatus, JsonEncodedText> DataStatusValues = DataStatusWire.ToFrozenDictionary(p => p.Key, p => Name(p.Value));
    private static readonly JsonEncodedText Provisional = Name("provisional"), Confirmed = Name("confirmed");

    private readonly Dictionary<int, JsonEncodedText[]> _withheld = [];
    private Utf8JsonWriter? _json;

    private static JsonEncodedText Name(string text) => JsonEncodedText.Encode(text);

    public override void WriteHeader(IBufferWriter<byte> output)
    {
    }

    public override void Write(IBufferWriter<byte> output, AssetExportRow a, GroupSet groups)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(a);
        // The same order, names, escaping (the default encoder) and number forms as AssetResponse serialised with
        // JsonSerializerDefaults.Web; the shape is fixed here, so the writer skips its validation.
        var w = _json ??= new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        w.Reset(output);
        var s = Shown.Of(groups);
        w.WriteStartObject();
        w.WriteString(AssetId, a.Id.Value);
        w.WriteString(Type, a.Type);
        if (s.Technical)
            w.WriteString(Status, StatusValues[a.Status]);
        else
            w.WriteNull(Status);
        if (s.Technical)
            w.WriteString(DataStatus, DataStatusValues[a.DataStatus]);
        else
            w.WriteNull(DataStatus);
        w.WriteString(ConfirmationNote, s.Registration ? a.ConfirmationNote : null);
        w.WriteString(MergedInto, s.Identity ? a.MergedInto?.Value : null);
        w.WriteString(Mpan, s.Identifiers ? a.Mpan : null);
        w.WriteString(ExportMpan, s.Identifiers ? a.ExportMpan : null);
        w.WriteString(Manufacturer, s.Identity ? a.Manufacturer : null);
        w.WriteString(Model, s.Identity ? a.Model : null);
        w.WriteString(SerialNumber, s.Identifiers ? a.SerialNumber : null);
        if (!s.Address || (a.AddressLine1 is null && a.Town is null && a.Postcode is null))
            w.WriteNull(AddressName);
        else
        {
            w.WriteStartObject(AddressName);
            w.WriteString(Line1, a.AddressLine1);
            w.WriteString(Town, a.Town);
            w.WriteString(Postcode, a.Postcode);
            w.WriteEndObject();
        }
        if (!s.Address || a.Latitude is null)
            w.WriteNull(Location);
        else
            WriteLocation(w, Location, a.Latitude, a.Longitude);
        w.WriteString(PostcodeDistrict, s.Coarse ? a.PostcodeDistrict : null);
        w.WriteString(DnoArea, s.Coarse && a.DnoDistributorId is { } d ? Shared.DnoArea.FindByDistributorId(d)?.Name : null);
        w.WriteString(GspGroup, s.Coarse ? a.GspGroup : null);
        WriteDecimal(w, ImportCapacityKw, s.Technical ? a.ImportCapacityKw : null);
        WriteDecimal(w, ExportCapacityKw, s.Technical ? a.ExportCapacityKw : null);
        WriteDecimal(w, StorageCapacityKwh, s.Technical ? a.StorageCapacityKwh : null);
        WriteDecimal(w, ConnectionVoltageKv, s.Technical ? a.ConnectionVoltageKv : null);
        WriteDate(w, CommissioningDate, s.Technical ? a.CommissioningDate : null);
        if (!s.Consent || a.ConsentReference is null)
            w.WriteNull(OwnerConsent);
        else
        {
            w.WriteStartObject(OwnerConsent);
            w.WriteString(Reference, a.ConsentReference);
            w.WriteString(Method, a.ConsentMethod);
            WriteDate(w, Date, a.ConsentDate);
            w.WriteEndObject();
        }
        if (s.Technical)
        {
            w.WriteStartArray(MarketQualifications);
            foreach (var q in a.MarketQualifications)
                w.WriteStringValue(q);
            w.WriteEndArray();
            w.WriteBoolean(FastTracked, a.FastTracked);
        }
        else
        {
            w.WriteNull(MarketQualifications);
            w.WriteNull(FastTracked);
        }
        w.WriteString(RegistrantId, s.Identity ? a.RegistrantId.Value : null);
        if (s.Technical)
        {
            w.WriteStartObject(ProvenanceName);
            for (var i = 0; i < ProvenanceNames.Length; i++)
            {
                var p = ProvenanceOf(a, i);
                w.WriteStartObject(ProvenanceNames[i]);
                w.WriteString(DeclaredBy, p.DeclaredBy);
                w.WriteString(ConfirmedBy, p.ConfirmedBy);
                if (p.ConfirmedAt is { } at)
                    w.WriteString(ConfirmedAt, at);
                else
                    w.WriteNull(ConfirmedAt);
                w.WriteString(State, p.ConfirmedBy is null ? Provisional : Confirmed);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull(ProvenanceName);
        }
        if (s.Identity)
        {
            w.WriteString(RegisteredAt, a.RegisteredAt);
            w.WriteString(UpdatedAt, a.UpdatedAt);
            w.WriteNumber(Version, a.VersionNumber);
        }
        else
        {
            w.WriteNull(RegisteredAt);
            w.WriteNull(UpdatedAt);
            w.WriteNull(Version);
        }
        if (s.Coarse && a.Latitude is { } lat && a.Longitude is { } lon)
            WriteLocation(w, ApproximateLocation, Math.Round(lat, 2), Math.Round(lon, 2));
        else
            w.WriteNull(ApproximateLocation);
        w.WriteStartArray(WithheldGroups);
        foreach (var code in Withheld(groups))
            w.WriteStringValue(code);
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }

    private JsonEncodedText[] Withheld(GroupSet groups)
    {
        if (!_withheld.TryGetValue(groups.Bits, out var codes))
            _withheld[groups.Bits] = codes = [.. WithheldCodes(groups).Select(Name)];
        return codes;
    }

    private static void WriteLocation(Utf8JsonWriter w, JsonEncodedText name, double? latitude, double? longitude)
    {
        w.WriteStartObject(name);
        WriteDouble(w, Latitude, latitude);
        WriteDouble(w, Longitude, longitude);
        w.WriteEndObject();
    }

    private static void WriteDouble(Utf8JsonWriter w, JsonEncodedText name, double? value)
    {
        if (value is { } v)
            w.WriteNumber(name, v);
        else
            w.WriteNull(name);
    }

    // The response carries these as decimal (converted from the stored double), so they are written as that decimal.
    private static void WriteDecimal(Utf8JsonWriter w, JsonEncodedText name, double? value)
    {
        if (value is { } v)
            w.WriteNumber(name, (decimal)v);
        else
            w.WriteNull(name);
    }

    private static void WriteDate(Utf8JsonWriter w, JsonEncodedText name, DateOnly? value)
    {
        if (value is not { } d)
        {
            w.WriteNull(name);
            return;
        }
        Span<byte> text = stackalloc byte[10];
        d.TryFormat(text, out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        w.WriteString(name, text[..written]);
    }
}

/// <summary>CSV: the <see cref="CsvColumns"/> header, then one line per asset (RFC 4180 quoting where a value needs it).</summary>
internal sealed class CsvExportFormat : AssetExportFormat
{
    private static readonly byte[] NewLine = Encoding.UTF8.GetBytes(Environment.NewLine);
    private static readonly byte[] Header = Encoding.UTF8.GetBytes(CsvColumns.Header);
    private readonly Dictionary<int, byte[]> _withheld = [];

    public override void WriteHeader(IBufferWriter<byte> output)
    {
        Raw(output, Header);
        Raw(output, NewLine);
    }

    public override void Write(IBufferWriter<byte> output, AssetExportRow a, GroupSet groups)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(a);
        // Column by column in CsvColumns.Names order; a withheld or absent value is an empty cell.
        var s = Shown.Of(groups);
        Text(output, a.Id.Value);
        Comma(output);
        Text(output, a.Type);
        Comma(output);
        Text(output, s.Technical ? StatusWire[a.Status] : null);
        Comma(output);
        Text(output, s.Technical ? DataStatusWire[a.DataStatus] : null);
        Comma(output);
        Text(output, s.Identity ? a.Manufacturer : null);
        Comma(output);
        Text(output, s.Identity ? a.Model : null);
        Comma(output);
        Text(output, s.Identity ? a.RegistrantId.Value : null);
        Comma(output);
        Text(output, s.Identity ? a.MergedInto?.Value : null);
        Comma(output);
        Time(output, s.Identity ? a.RegisteredAt : null);
        Comma(output);
        Time(output, s.Identity ? a.UpdatedAt : null);
        Comma(output);
        Decimal(output, s.Technical ? a.ImportCapacityKw : null);
        Comma(output);
        Decimal(output, s.Technical ? a.ExportCapacityKw : null);
        Comma(output);
        Decimal(output, s.Technical ? a.StorageCapacityKwh : null);
        Comma(output);
        Decimal(output, s.Technical ? a.ConnectionVoltageKv : null);
        Comma(output);
        Date(output, s.Technical ? a.CommissioningDate : null);
        Comma(output);
        if (s.Technical)
            Joined(output, a.MarketQualifications);
        Comma(output);
        if (s.Technical)
            Text(output, a.FastTracked ? "true" : "false");
        for (var i = 0; i < ProvenanceKeys.Length; i++)
        {
            var p = s.Technical ? ProvenanceOf(a, i) : null;
            Comma(output);
            Text(output, p?.DeclaredBy);
            Comma(output);
            Text(output, p?.ConfirmedBy);
            Comma(output);
            Time(output, p?.ConfirmedAt);
            Comma(output);
            Text(output, p is null ? null : ProvenanceState(p));
        }
        Comma(output);
        Text(output, s.Coarse ? a.PostcodeDistrict : null);
        Comma(output);
        Text(output, s.Coarse && a.DnoDistributorId is { } d ? Shared.DnoArea.FindByDistributorId(d)?.Name : null);
        Comma(output);
        Text(output, s.Coarse ? a.GspGroup : null);
        var approximate = s.Coarse && a.Latitude is not null && a.Longitude is not null;
        Comma(output);
        Number(output, approximate ? Math.Round(a.Latitude!.Value, 2) : null);
        Comma(output);
        Number(output, approximate ? Math.Round(a.Longitude!.Value, 2) : null);
        var address = s.Address && (a.AddressLine1 is not null || a.Town is not null || a.Postcode is not null);
        Comma(output);
        Text(output, address ? a.AddressLine1 : null);
        Comma(output);
        Text(output, address ? a.Town : null);
        Comma(output);
        Text(output, address ? a.Postcode : null);
        var location = s.Address && a.Latitude is not null;
        Comma(output);
        Number(output, location ? a.Latitude : null);
        Comma(output);
        Number(output, location ? a.Longitude : null);
        Comma(output);
        Text(output, s.Identifiers ? a.Mpan : null);
        Comma(output);
        Text(output, s.Identifiers ? a.ExportMpan : null);
        Comma(output);
        Text(output, s.Identifiers ? a.SerialNumber : null);
        var consent = s.Consent && a.ConsentReference is not null;
        Comma(output);
        Text(output, consent ? a.ConsentReference : null);
        Comma(output);
        Text(output, consent ? a.ConsentMethod : null);
        Comma(output);
        Date(output, consent ? a.ConsentDate : null);
        Comma(output);
        Text(output, s.Registration ? a.ConfirmationNote : null);
        Comma(output);
        Raw(output, Withheld(groups));
        Raw(output, NewLine);
    }

    private byte[] Withheld(GroupSet groups)
    {
        if (!_withheld.TryGetValue(groups.Bits, out var cell))
        {
            var buffer = new ArrayBufferWriter<byte>();
            Joined(buffer, WithheldCodes(groups));
            _withheld[groups.Bits] = cell = buffer.WrittenSpan.ToArray();
        }
        return cell;
    }

    private static void Comma(IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = (byte)',';
        output.Advance(1);
    }

    private static void Raw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    /// <summary>A text cell, quoted (RFC 4180) when it holds a comma, a quote or a line break.</summary>
    private static void Text(IBufferWriter<byte> output, string? text)
    {
        if (text is null)
            return;
        if (text.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            text = "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    /// <summary>A list as one cell, its items joined with <c>;</c> (quoted as a whole when any item needs it).</summary>
    private static void Joined(IBufferWriter<byte> output, IReadOnlyList<string> items)
    {
        if (items.Count == 1)
        {
            Text(output, items[0]);
            return;
        }
        if (items.Count > 1)
            Text(output, string.Join(';', items));
    }

    private static void Time(IBufferWriter<byte> output, DateTimeOffset? value)
    {
        if (value is not { } t)
            return;
        var span = output.GetSpan(64);
        t.TryFormat(span, out var written, "O", CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private static void Date(IBufferWriter<byte> output, DateOnly? value)
    {
        if (value is not { } d)
            return;
        var span = output.GetSpan(16);
        d.TryFormat(span, out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    // The response carries capacities as decimal (converted from the stored double): the cell is that decimal's text.
    private static void Decimal(IBufferWriter<byte> output, double? value)
    {
        if (value is not { } v)
            return;
        var span = output.GetSpan(64);
        ((decimal)v).TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private static void Number(IBufferWriter<byte> output, double? value)
    {
        if (value is not { } v)
            return;
        var span = output.GetSpan(64);
        v.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }
}
