using System.Net;
using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Reads;

/// <summary>
/// BUC.2 step 6 at scale: the search's filters and stable cursor, the streamed export in CSV and NDJSON under the same
/// rule and logging, and bad input — each a clear problem, nothing logged as read.
/// </summary>
public abstract class AssetSearchTests(RegistryApp app)
{
    [Fact]
    public async Task BUC2_Step6_Search_FiltersByAreaBoxTypeCapacityStatusOperatorProvenanceAndRegistrationDate_WithAStableCursor()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (_, otherFsp) = await app.FspAsync();
        var (_, mo) = await app.MarketOperatorAsync();
        using (fsp)
        using (otherFsp)
        using (mo)
        {
            // A neighbourhood of its own (a box nobody else's test uses): four assets of this FSP, one of another.
            var lat = 53.0 + (Random.Shared.Next(0, 5000) / 10000.0);
            var lon = -2.5 + (Random.Shared.Next(0, 5000) / 10000.0);
            var small = await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint(latitude: lat, longitude: lon));
            var planned = await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint(latitude: lat + 0.001, longitude: lon) with
            {
                Status = "planned",
                CommissioningDate = null,
            });
            var battery = await fsp.RegisterAssetAsync(new RegisterAssetRequest
            {
                Type = "battery-storage",
                Mpan = TestData.Mpan(10),
                Manufacturer = "Tesla",
                Model = "Powerwall 2",
                SerialNumber = TestData.Serial(),
                Address = new AssetAddressDto { Line1 = "3 Mill Lane", Town = "Cambridge", Postcode = TestData.Postcode() },
                Location = new LocationDto { Latitude = lat + 0.002, Longitude = lon + 0.002 },
                ImportCapacityKw = 5m,
                ExportCapacityKw = 5m,
                StorageCapacityKwh = 13.5m,
                ConnectionVoltageKv = 0.23m,
                Status = "commissioned",
                CommissioningDate = new DateOnly(2023, 1, 1),
                OwnerConsent = new OwnerConsentDto { Reference = "C-" + Guid.NewGuid().ToString("N")[..8], Method = "signed-contract", Date = new DateOnly(2022, 12, 1) },
            });
            var farAway = await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint(latitude: lat + 1.5, longitude: lon));
            var theirs = await otherFsp.RegisterAssetAsync(ReadTestData.FullChargepoint(latitude: lat, longitude: lon + 0.001));
            var box = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}");

            async Task<List<string>> Ids(string query)
            {
                var page = await (await mo.GetAsync($"/api/v1/assets?purpose=procurement&bbox={box}&{query}&limit=200")).Read<Page<AssetSummary>>();
                Assert.Null(page.NextCursor);
                return [.. page.Items.Select(i => i.AssetId)];
            }

            Assert.Equal(new[] { small, planned, battery, theirs }.Order(StringComparer.Ordinal), await Ids(""));
            Assert.Equal(new[] { small, planned, theirs }.Order(StringComparer.Ordinal), await Ids("type=ev-chargepoint"));
            Assert.Equal(new[] { small, planned, battery }.Order(StringComparer.Ordinal), await Ids("type=ev-chargepoint,battery-storage&operator=" + fspId));
            Assert.Equal([battery], await Ids("minCapacityKw=4.9&maxCapacityKw=5.1"));
            Assert.Equal([planned], await Ids("status=planned"));
            Assert.Equal([battery], await Ids("dnoArea=10&type=battery-storage"));
            Assert.Equal(new[] { small, planned, battery, theirs }.Order(StringComparer.Ordinal), await Ids("provenance=provisional"));
            Assert.Empty(await Ids("provenance=confirmed"));
            Assert.Empty(await Ids("registeredTo=2020-01-01"));
            Assert.Equal(4, (await Ids("registeredFrom=" + Uri.EscapeDataString(TimeProvider.System.GetUtcNow().AddHours(-1).ToString("O")))).Count);
            Assert.DoesNotContain(farAway, await Ids(""));

            // The cursor pages through in asset-ID order, every asset once, also while new assets are registered.
            var seen = new List<string>();
            string? cursor = null;
            do
            {
                var page = await (await mo.GetAsync($"/api/v1/assets?purpose=procurement&bbox={box}&limit=2" + (cursor is null ? "" : "&cursor=" + cursor)))
                    .Read<Page<AssetSummary>>();
                seen.AddRange(page.Items.Select(i => i.AssetId));
                cursor = page.NextCursor;
                if (seen.Count == 2)
                    await otherFsp.RegisterAssetAsync(ReadTestData.FullChargepoint(latitude: lat, longitude: lon - 0.001));
            }
            while (cursor is not null);
            Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.Superset(new HashSet<string> { small, planned, battery, theirs }, seen.ToHashSet());

            // The FSP itself searches its own assets without a purpose.
            var own = await (await fsp.GetAsync($"/api/v1/assets?bbox={box}&limit=200")).Read<Page<AssetSummary>>();
            Assert.Equal(new[] { small, planned, battery }.Order(StringComparer.Ordinal), own.Items.Select(i => i.AssetId));
        }
    }

    [Fact]
    public async Task BUC2_Step6_BadInput_UnknownPurposeMalformedFiltersOversizedBoxOrPage_EachAClearProblem_AllAtOnce_NothingLogged()
    {
        var (_, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        using (fsp)
        using (mo)
        {
            await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint());
            using (var all = await mo.GetAsync("/api/v1/assets?purpose=gossip&type=toaster&dnoArea=9&gspGroup=Q&postcodeDistrict=1AB&bbox=1,2,3" +
                                               "&minCapacityKw=lots&maxCapacityKw=-1&status=broken&operator=nobody&portfolio=FRA-PF-1&provenance=rumoured" +
                                               "&registeredFrom=yesterday&registeredTo=2024-13-45&cursor=nope&limit=201"))
            {
                var problem = await all.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
                Assert.Equal(
                    ["bbox", "cursor", "dnoArea", "gspGroup", "limit", "minCapacityKw", "minCapacityKw", "operator", "portfolio", "postcodeDistrict", "provenance",
                     "purpose", "registeredFrom", "registeredTo", "status", "type"],
                    problem.Errors!.Select(e => e.Field).Order(StringComparer.Ordinal));
                Assert.Contains(problem.Errors!, e => e is { Field: "purpose", Code: "read.purpose_unknown" });
                Assert.Contains(problem.Errors!, e => e is { Field: "portfolio", Code: "search.filter_unavailable" });
            }
            using (var oversized = await mo.GetAsync("/api/v1/assets?purpose=procurement&bbox=-3,51,0,52"))
            {
                var problem = await oversized.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
                Assert.Equal("search.bbox_too_large", Assert.Single(problem.Errors!).Code);
            }
            using (var inverted = await mo.GetAsync("/api/v1/assets?purpose=procurement&bbox=0,52,-1,51"))
                Assert.Equal("field.out_of_range", Assert.Single((await inverted.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed")).Errors!).Code);
            using (var exportPaged = await mo.GetAsync("/api/v1/assets/export?purpose=procurement&format=xlsx&limit=10"))
                Assert.Equal(["format", "limit"], (await exportPaged.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed")).Errors!
                    .Select(e => e.Field).Order(StringComparer.Ordinal));
            using (var badLog = await mo.GetAsync($"/api/v1/participants/{moId}/access-log?reader=x&from=soon&to=2024-01-01&purpose=gossip&cursor=-3&limit=0"))
                Assert.Equal(["cursor", "from", "limit", "purpose", "reader"], (await badLog.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed")).Errors!
                    .Select(e => e.Field).Order(StringComparer.Ordinal));
            using (var badId = await mo.GetAsync("/api/v1/assets/FRA-EV-NOPE?purpose=procurement"))
                await badId.ReadProblem(HttpStatusCode.BadRequest, "asset.id_invalid");

            Assert.Equal(0, await app.LoggedReadsByAsync(moId));
        }
    }

    [Fact]
    public async Task BUC2_Step6_Export_StreamsCsvAndNdjson_UnderTheSameRule_AndLogsEveryAssetItReturned()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        using (fsp)
        using (mo)
        {
            var ids = new List<string>();
            for (var i = 0; i < 3; i++)
                ids.Add(await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint()));
            var granted = ids[0];
            await fsp.GrantAsync(fspId, "asset.identifiers", grantee: moId, assetIds: [granted]);
            ids.Sort(StringComparer.Ordinal);

            using (var ndjson = await mo.GetAsync($"/api/v1/assets/export?purpose=procurement&operator={fspId}"))
            {
                await ndjson.ShouldHave(HttpStatusCode.OK);
                Assert.Equal("application/x-ndjson", ndjson.Content.Headers.ContentType!.MediaType);
                var rows = (await ndjson.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(l => JsonSerializer.Deserialize<AssetResponse>(l, ApiExtensions.Json)!).ToList();
                Assert.Equal(ids, rows.Select(r => r.AssetId));
                Assert.All(rows, r => Assert.Null(r.Address));
                Assert.All(rows, r => Assert.Equal("Myenergi Ltd", r.Manufacturer));
                // Field by field, asset by asset: the identifiers of the granted asset only.
                Assert.Equal(granted, Assert.Single(rows, r => r.Mpan is not null && r.SerialNumber is not null).AssetId);
            }
            using (var csv = await mo.GetAsync($"/api/v1/assets/export?purpose=procurement&operator={fspId}&format=csv"))
            {
                await csv.ShouldHave(HttpStatusCode.OK);
                Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
                var lines = (await csv.Content.ReadAsStringAsync()).Split("\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
                Assert.Equal(string.Join(',', CsvColumns.Names), lines[0]);
                Assert.Equal(ids, lines.Skip(1).Select(l => l.Split(',')[0]));
                var address = CsvColumns.Names.ToList().IndexOf("address.postcode");
                Assert.All(lines.Skip(1), l => Assert.Equal("", l.Split(',')[address]));
            }

            // Each export is one logged read covering every asset it returned, with the groups returned of each.
            var log = await fsp.AccessLogAsync($"/api/v1/participants/{fspId}/access-log?reader={moId}");
            Assert.Equal(["asset.export", "asset.export"], log.Select(e => e.Action));
            Assert.All(log, e => Assert.Equal(3, e.Records));
            Assert.All(log, e => Assert.Equal(3, e.RecordsConcerned));
            var ofGranted = await fsp.AccessLogAsync($"/api/v1/assets/{granted}/access-log");
            Assert.All(ofGranted, e => Assert.Equal(["identity", "technical", "coarse-location", "identifiers"], e.FieldGroups));
            var ofAnother = await fsp.AccessLogAsync($"/api/v1/assets/{ids.First(id => id != granted)}/access-log");
            Assert.All(ofAnother, e => Assert.Equal(["identity", "technical", "coarse-location"], e.FieldGroups));
            Assert.Equal(2, ofGranted.Count);
        }
    }
}

public sealed class AssetSearchTests_Sqlite(SqliteApp app) : AssetSearchTests(app), IClassFixture<SqliteApp>;

public sealed class AssetSearchTests_Postgres(PostgresApp app) : AssetSearchTests(app), IClassFixture<PostgresApp>;
