using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Visibility;

namespace FlexRegistry.Tests.Reads;

/// <summary>
/// The export writes rows straight from what it reads of the assets (<see cref="AssetExportRow"/>, <see cref="AssetExportFormat"/>); its bytes must be exactly what the
/// export wrote before, when each row became an <see cref="AssetResponse"/> serialised by System.Text.Json (NDJSON) or by
/// the column table kept below (CSV) — for every combination of shown field groups, nulls, escapes and non-ASCII text.
/// </summary>
public sealed class ExportFormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 17, 3, 4, 567, TimeSpan.Zero);

    [Fact]
    public void Export_Ndjson_IsByteForByteTheSerialisedResponse_ForEveryGroupSet()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        foreach (var asset in Assets())
        {
            foreach (var groups in EveryGroupSet())
            {
                var expected = JsonSerializer.Serialize(AssetVisibility.ToResponse(asset, groups), json) + "\n";
                Assert.Equal(expected, Written(AssetExportFormat.For(ExportAssets.Ndjson), asset, groups));
            }
        }
    }

    [Fact]
    public void Export_Csv_IsByteForByteTheColumnTable_ForEveryGroupSet()
    {
        var format = AssetExportFormat.For(ExportAssets.Csv);
        var header = new ArrayBufferWriter<byte>();
        format.WriteHeader(header);
        Assert.Equal(ReferenceCsv.Header + Environment.NewLine, Encoding.UTF8.GetString(header.WrittenSpan));
        Assert.Equal(ReferenceCsv.Header, CsvColumns.Header);
        foreach (var asset in Assets())
        {
            foreach (var groups in EveryGroupSet())
            {
                var expected = ReferenceCsv.Line(AssetVisibility.ToResponse(asset, groups)) + Environment.NewLine;
                Assert.Equal(expected, Written(format, asset, groups));
            }
        }
    }

    [Fact]
    public void Export_ManyRowsIntoOneBuffer_AreTheRowsOneAfterAnother()
    {
        var everything = VisibilityRule.Everything(VisibilityRule.Asset);
        foreach (var name in new[] { ExportAssets.Ndjson, ExportAssets.Csv })
        {
            var format = AssetExportFormat.For(name);
            var buffer = new ArrayBufferWriter<byte>();
            var expected = new StringBuilder();
            foreach (var asset in Assets())
            {
                format.Write(buffer, AssetExportRow.From(asset), everything);
                expected.Append(Written(AssetExportFormat.For(name), asset, everything));
            }
            Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }

    private static string Written(AssetExportFormat format, Asset asset, GroupSet groups)
    {
        var buffer = new ArrayBufferWriter<byte>();
        format.Write(buffer, AssetExportRow.From(asset), groups);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static IEnumerable<GroupSet> EveryGroupSet()
    {
        var all = VisibilityRule.Everything(VisibilityRule.Asset).Bits;
        for (var bits = 0; bits <= all; bits++)
        {
            if ((bits & ~all) == 0)
                yield return new GroupSet(bits);
        }
    }

    /// <summary>Assets with every field set (escapes, non-ASCII, awkward numbers), with none, and in between.</summary>
    private static IEnumerable<Asset> Assets()
    {
        var registrant = ParticipantId.New();
        var ev = AssetType.Find("ev-chargepoint")!;
        var full = Asset.Register(new AssetData(ev, "1200023305967", "1200023305976", "Zappi \"Eco\", <b>&'+", "Mødel \u00e9\u4e2d\ud83d\ude00\u0001\t\\/",
            "SN,1\r\n2", "1 Rue de l'Église, Flat \"A\"", "Llanfair\u00adpwll", "CB1 2AB", "CB1", 52.2053456789, 0.1218123456,
            12, "_A", 7.4, 0.1 + 0.2, 13.5, 0.23, AssetStatus.Commissioned, new DateOnly(2024, 2, 29), "REF;1,\"x\"", "signed-contract", new DateOnly(2023, 1, 1),
            ["balancing-mechanism", "dfs;\"q\",x"]), registrant, Now);
        full.Confirm("oem:zappi \u00e9", ["identity", "technical"], Now.AddMinutes(1));
        yield return full;

        var bare = Asset.Register(new AssetData(AssetType.Find("heat-pump")!, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, AssetStatus.Planned, null, null, null, null, []), registrant, Now);
        yield return bare;

        // Latitude without longitude, a town alone, one qualification, large and tiny numbers, a note with a line break.
        var partial = Asset.Register(new AssetData(AssetType.Find("battery-storage")!, null, null, "Tesla", "Powerwall 2", null, null, "York", null,
            "YO1", 53.959, null, 23, "_M", 1e10, 1e-7, 123456.789012345678, null, AssetStatus.Planned, null, "consent-7", null, null,
            ["stor"]), registrant, Now);
        partial.StopConfirming("No source covers\nthis, \"sorry\".", Now.AddHours(2));
        yield return partial;

        var survivor = Asset.Register(new AssetData(ev, null, null, "Ohme", "Home Pro", null, null, null, null, null, -0.005, -179.999, 99, null,
            0, null, null, null, AssetStatus.Commissioned, null, null, null, null, []), registrant, Now);
        var merged = Asset.Register(new AssetData(ev, null, null, "Ohme", "Home Pro", null, null, null, null, null, -0.005, -179.999, 10, null,
            0, null, null, null, AssetStatus.Commissioned, null, null, null, null, []), registrant, Now);
        merged.MergeInto(survivor, "same charger", new AssetActor(registrant, "user:test", ChangeSource.Party, AssetRoles.None), Now.AddDays(1));
        yield return survivor;
        yield return merged;
    }

    /// <summary>The export's CSV serialiser as it was before <see cref="AssetExportFormat"/>: a column table over the response.</summary>
    private static class ReferenceCsv
    {
        private static readonly string[] ProvenanceGroups = ["identity", "technical", "location", "consent"];

        private static readonly (string Name, Func<AssetResponse, object?> Value)[] Columns =
        [
            ("assetId", r => r.AssetId),
            ("type", r => r.Type),
            ("status", r => r.Status),
            ("dataStatus", r => r.DataStatus),
            ("manufacturer", r => r.Manufacturer),
            ("model", r => r.Model),
            ("registrantId", r => r.RegistrantId),
            ("mergedInto", r => r.MergedInto),
            ("registeredAt", r => r.RegisteredAt),
            ("updatedAt", r => r.UpdatedAt),
            ("importCapacityKw", r => r.ImportCapacityKw),
            ("exportCapacityKw", r => r.ExportCapacityKw),
            ("storageCapacityKwh", r => r.StorageCapacityKwh),
            ("connectionVoltageKv", r => r.ConnectionVoltageKv),
            ("commissioningDate", r => r.CommissioningDate),
            ("marketQualifications", r => r.MarketQualifications is null ? null : string.Join(';', r.MarketQualifications)),
            ("fastTracked", r => r.FastTracked),
            .. ProvenanceGroups.SelectMany(g => new (string, Func<AssetResponse, object?>)[]
            {
                ($"provenance.{g}.declaredBy", r => r.Provenance?.GetValueOrDefault(g)?.DeclaredBy),
                ($"provenance.{g}.confirmedBy", r => r.Provenance?.GetValueOrDefault(g)?.ConfirmedBy),
                ($"provenance.{g}.confirmedAt", r => r.Provenance?.GetValueOrDefault(g)?.ConfirmedAt),
                ($"provenance.{g}.state", r => r.Provenance?.GetValueOrDefault(g)?.State),
            }),
            ("postcodeDistrict", r => r.PostcodeDistrict),
            ("dnoArea", r => r.DnoArea),
            ("gspGroup", r => r.GspGroup),
            ("approximateLocation.latitude", r => r.ApproximateLocation?.Latitude),
            ("approximateLocation.longitude", r => r.ApproximateLocation?.Longitude),
            ("address.line1", r => r.Address?.Line1),
            ("address.town", r => r.Address?.Town),
            ("address.postcode", r => r.Address?.Postcode),
            ("location.latitude", r => r.Location?.Latitude),
            ("location.longitude", r => r.Location?.Longitude),
            ("mpan", r => r.Mpan),
            ("exportMpan", r => r.ExportMpan),
            ("serialNumber", r => r.SerialNumber),
            ("ownerConsent.reference", r => r.OwnerConsent?.Reference),
            ("ownerConsent.method", r => r.OwnerConsent?.Method),
            ("ownerConsent.date", r => r.OwnerConsent?.Date),
            ("confirmationNote", r => r.ConfirmationNote),
            ("withheldGroups", r => r.WithheldGroups is null ? null : string.Join(';', r.WithheldGroups)),
        ];

        public static string Header { get; } = string.Join(',', Columns.Select(c => c.Name));

        public static string Line(AssetResponse row)
        {
            var line = new StringBuilder(512);
            for (var i = 0; i < Columns.Length; i++)
            {
                if (i > 0)
                    line.Append(',');
                Append(line, Columns[i].Value(row));
            }
            return line.ToString();
        }

        private static void Append(StringBuilder line, object? value)
        {
            var text = value switch
            {
                null => null,
                string s => s,
                bool b => b ? "true" : "false",
                DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
                DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            if (text is null)
                return;
            if (text.AsSpan().IndexOfAny(",\"\r\n") >= 0)
                line.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else
                line.Append(text);
        }
    }
}
