using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlexRegistry.Assets.Imports;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Events;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FlexRegistry.Tests.Assets;

/// <summary>BUC.2 step 1: bulk registration from CSV and NDJSON, with the single path's rules, duplicates and events.</summary>
public abstract class AssetImportTests(RegistryApp app)
{
    [Fact]
    public async Task BUC2_Step1_Bulk_CsvImport_RegistersEveryRow_AndTheResultsMapRowsToReadableAssets()
    {
        var (registration, client) = await app.RegisterAsync();
        using (client)
        {
            var template = await client.GetAsync("/api/v1/asset-imports/template");
            Assert.Equal("text/csv", template.Content.Headers.ContentType?.MediaType);
            var templateLines = (await template.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, templateLines.Length);
            Assert.Equal(string.Join(',', AssetImportReader.Columns), templateLines[0]);

            // The template's example row is itself a valid import.
            var rows = Enumerable.Range(0, 300).Select(_ => TestData.Chargepoint()).ToList();
            var status = await ImportAsync(client, templateLines[0] + "\n" + templateLines[1] + "\n" + string.Join("", rows.Select(CsvLine)), "text/csv");
            Assert.Equal(("completed", "csv", 301, 301, 301, 0, 0), (status.Status, status.Format, status.RowsReceived, status.RowsProcessed, status.Registered, status.Duplicates, status.Invalid));
            Assert.NotNull(status.CompletedAt);

            var results = await ResultsAsync(client, status.ImportId);
            Assert.Equal(Enumerable.Range(1, 301), results.Select(r => r.RowNumber));
            Assert.All(results, r => Assert.Equal("registered", r.Outcome));
            Assert.Equal(301, results.Select(r => r.AssetId).Distinct().Count());
            // Row n+1 (after the template's example) is rows[n]: read back a few and compare.
            foreach (var i in new[] { 0, 150, 299 })
            {
                var asset = await (await client.GetAsync($"/api/v1/assets/{results[i + 1].AssetId}")).Read<AssetResponse>();
                Assert.Equal(rows[i].SerialNumber, asset.SerialNumber);
                Assert.Equal(rows[i].Mpan, asset.Mpan);
                Assert.Equal("provisional", asset.DataStatus);
                Assert.Equal(registration.ParticipantId, asset.RegistrantId);
            }

            var csv = await ResultsCsvAsync(client, status.ImportId);
            Assert.Equal("rowNumber,outcome,assetId,existingAssetId,duplicateCaseId,errors", csv[0]);
            Assert.Equal(302, csv.Length);
            Assert.Equal($"2,registered,{results[1].AssetId},,,", csv[2]);

            // Each registration has its event; the audit log covers each registered asset exactly once, in batch records
            // (one leaf per batch, listing its assets), found by any asset's ID; and the log still verifies.
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var ids = results.Select(r => r.AssetId!).ToList();
            Assert.Equal(301, await db.Events.CountAsync(e => e.Type == "flexregistry.asset.registered" && ids.Contains(e.Subject)));
            var batches = await db.AuditRecords.AsNoTracking().Where(a => a.Action == "asset.register" && a.SubjectParticipantId == registration.ParticipantId).ToListAsync();
            Assert.Equal(ids.Order(StringComparer.Ordinal), batches.SelectMany(a => a.ResourceIdList).Order(StringComparer.Ordinal));
            Assert.InRange(batches.Count, 1, 301 / 2);
            using (var found = await client.GetAsync($"/api/v1/audit?resource={ids[150]}"))
            {
                var record = Assert.Single((await found.Read<Page<AuditRecordResponse>>()).Items);
                Assert.Contains(ids[150], record.ResourceIds);
                Assert.Contains("import:" + status.ImportId, record.Fields);
            }
            using var op = await app.OperatorAsync();
            var verified = await (await op.PostAsync("/api/v1/audit/verify", null)).Read<AuditVerificationResponse>();
            Assert.True(verified.Valid, verified.Reason);
        }
    }

    [Fact]
    public async Task BUC2_Step1_Bulk_NdjsonImport_RegistersEveryRow_AndTheResultsMapRowsToAssetIds()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var rows = Enumerable.Range(0, 250).Select(_ => TestData.Chargepoint()).ToList();
            var status = await ImportAsync(client, Ndjson(rows), "application/x-ndjson");
            Assert.Equal(("completed", "ndjson", 250, 250, 0, 0), (status.Status, status.Format, status.RowsReceived, status.Registered, status.Duplicates, status.Invalid));
            var results = await ResultsAsync(client, status.ImportId);
            Assert.Equal(Enumerable.Range(1, 250), results.Select(r => r.RowNumber));
            var last = await (await client.GetAsync($"/api/v1/assets/{results[^1].AssetId}")).Read<AssetResponse>();
            Assert.Equal(rows[^1].SerialNumber, last.SerialNumber);
        }
    }

    [Fact]
    public async Task BUC2_Step1_BadInput_TenPercentInvalidRows_TheValidRowsRegister_AndEveryInvalidRowReportsItsRuleCodes()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var rows = Enumerable.Range(0, 200).Select(i => i % 10 == 3
                ? TestData.Chargepoint() with { Mpan = "1234567890123", ImportCapacityKw = 900m, OwnerConsent = null }
                : TestData.Chargepoint()).ToList();
            var lines = rows.Select(CsvLine).ToList();
            // A value that is not a number is reported as unreadable, with the other rules of the row.
            lines[7] = lines[7].Replace(",7.4,", ",seven,", StringComparison.Ordinal);
            var status = await ImportAsync(client, Header + string.Join("", lines), "text/csv");
            Assert.Equal(("completed", 200, 179, 21, 0), (status.Status, status.RowsProcessed, status.Registered, status.Invalid, status.Duplicates));

            var results = await ResultsAsync(client, status.ImportId);
            foreach (var r in results.Where(r => (r.RowNumber - 1) % 10 == 3))
            {
                Assert.Equal("invalid", r.Outcome);
                Assert.Null(r.AssetId);
                Assert.Equal(
                    new HashSet<(string, string)> { ("mpan", "mpan.invalid"), ("importCapacityKw", "asset.capacity_out_of_bounds"), ("ownerConsent", "asset.consent_required") },
                    r.Errors!.Select(e => (e.Field, e.Code)).ToHashSet());
            }
            var unreadable = results[7];
            Assert.Equal("invalid", unreadable.Outcome);
            Assert.Equal([("importCapacityKw", "import.value_invalid")], unreadable.Errors!.Select(e => (e.Field, e.Code)));
            Assert.All(results.Where(r => (r.RowNumber - 1) % 10 != 3 && r.RowNumber != 8), r => Assert.Equal("registered", r.Outcome));

            var csv = await ResultsCsvAsync(client, status.ImportId);
            Assert.Contains("mpan.invalid@mpan", csv[4], StringComparison.Ordinal);

            // Nothing of an invalid row was stored.
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var badSerials = rows.Where((_, i) => i % 10 == 3 || i == 7).Select(r => r.SerialNumber).ToList();
            Assert.Equal(0, await db.Assets.CountAsync(a => badSerials.Contains(a.SerialNumber)));
        }
    }

    [Fact]
    public async Task BUC2_Step1_BadInput_BrokenQuotingWrongEncodingAndMissingColumns_AreRefusedUpFront_AndNothingIsStored()
    {
        var (registration, client) = await app.RegisterAsync();
        using (client)
        {
            var good = CsvLine(TestData.Chargepoint());

            // Broken quoting: a quote inside an unquoted field.
            using (var response = await PostAsync(client, Header + good + good.Replace("Myenergi Ltd", "Myen\"ergi", StringComparison.Ordinal) + good, "text/csv"))
                await response.ReadProblem(HttpStatusCode.BadRequest, "import.file_malformed");

            // Latin-1 bytes (é as 0xE9) are not UTF-8.
            var latin1 = Encoding.Latin1.GetBytes(Header + good.Replace("Mill Lane", "Allée", StringComparison.Ordinal));
            using (var response = await PostAsync(client, latin1, "text/csv"))
                await response.ReadProblem(HttpStatusCode.BadRequest, "import.encoding_invalid");

            // UTF-16 (with its byte-order mark), as some spreadsheet exports produce.
            var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Header + good)).ToArray();
            using (var response = await PostAsync(client, utf16, "text/csv"))
                await response.ReadProblem(HttpStatusCode.BadRequest, "import.encoding_invalid");

            // Missing required columns and an unknown (server-owned) one: every column problem at once.
            var header = string.Join(',', AssetImportReader.Columns.Where(c => c is not "type" and not "status").Append("assetId")) + "\n";
            using (var response = await PostAsync(client, header, "text/csv"))
            {
                var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "import.columns_invalid");
                Assert.Equal(["assetId", "status", "type"], problem.Errors!.Select(e => e.Field).Order(StringComparer.Ordinal));
            }

            // Not a format the endpoint reads.
            using (var response = await PostAsync(client, "{}", "application/json"))
                await response.ReadProblem(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");

            // A snake_case header with a UTF-8 BOM is fine.
            var snake = "\uFEFF" + string.Join(',', AssetImportReader.Columns.Select(c => c.Replace(".", "_", StringComparison.Ordinal))) + "\n" + good;
            var accepted = await ImportAsync(client, snake, "text/csv");
            Assert.Equal(1, accepted.Registered);

            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var participant = FlexRegistry.Participants.ParticipantId.Parse(registration.ParticipantId);
            var imports = await db.AssetImports.Where(i => i.ParticipantId == participant).Select(i => i.Id).ToListAsync();
            Assert.Equal([Guid.Parse(accepted.ImportId)], imports);
            Assert.Equal(0, await db.AssetImportRows.CountAsync(r => r.ImportId == imports[0]));
        }
    }

    [Fact]
    public async Task BUC2_Step4_Bulk_DuplicatesWithinTheFileAndOfExistingAssets_ReportTheExistingId_AndTellTheExistingParties()
    {
        var (owner, ownerClient) = await app.RegisterAsync();
        var (_, client) = await app.RegisterAsync();
        using (ownerClient)
        using (client)
        {
            var existing = TestData.Chargepoint();
            var created = await (await ownerClient.PostAsJsonAsync("/api/v1/assets", existing)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            var fresh = TestData.Chargepoint();
            var rows = new List<RegisterAssetRequest>
            {
                fresh,
                existing with { Manufacturer = "MYENERGI LTD.", SerialNumber = existing.SerialNumber!.ToLowerInvariant() }, // existing, in other formatting
                TestData.Chargepoint(),
                fresh with { Address = new AssetAddressDto { Line1 = "Elsewhere", Town = "Ely", Postcode = TestData.Postcode() } }, // same file
            };
            var status = await ImportAsync(client, Header + string.Join("", rows.Select(CsvLine)), "text/csv");
            Assert.Equal((2, 2, 0), (status.Registered, status.Duplicates, status.Invalid));
            var results = await ResultsAsync(client, status.ImportId);
            Assert.Equal(["registered", "duplicate", "registered", "duplicate"], results.Select(r => r.Outcome));
            Assert.Equal(created.AssetId, results[1].ExistingAssetId);
            Assert.Equal(results[0].AssetId, results[3].ExistingAssetId);

            // The existing asset's party heard of the attempt (BUC.2 step 5a); the importer learnt only the ID.
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var attempts = await db.Events.Where(e => e.Type == "flexregistry.asset.duplicate_attempted" && e.Subject == created.AssetId).ToListAsync();
            Assert.Single(attempts);
            Assert.Contains(" " + owner.ParticipantId + " ", attempts[0].Audience, StringComparison.Ordinal);
            Assert.Equal(1, await db.Assets.CountAsync(a => a.SerialNumber == fresh.SerialNumber));

            // Importing the same rows again: every row is now a duplicate of the first import's assets.
            var again = await ImportAsync(client, Header + string.Join("", rows.Select(CsvLine)), "text/csv");
            Assert.Equal((0, 4), (again.Registered, again.Duplicates));
            var secondResults = await ResultsAsync(client, again.ImportId);
            Assert.Equal([results[0].AssetId, created.AssetId, results[2].AssetId, results[0].AssetId], secondResults.Select(r => r.ExistingAssetId));
        }
    }

    [Fact]
    public async Task BUC2_Step4_Bulk_NearDuplicates_AreRegisteredAndFlagged_OffTheInsertPath()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var original = TestData.Chargepoint();
            // Same meter point, type, capacity and address; the serial with two digits swapped: no exact key, but clearly the same device.
            var near = original with { SerialNumber = TestData.Transposed(original.SerialNumber!) };
            var status = await ImportAsync(client, Ndjson([original, near]), "application/x-ndjson");
            Assert.Equal((2, 1), (status.Registered, status.PossibleDuplicates));
            var results = await ResultsAsync(client, status.ImportId);
            Assert.Null(results[0].DuplicateCaseId);
            Assert.NotNull(results[1].DuplicateCaseId);
            var cases = await (await client.GetAsync("/api/v1/duplicate-cases?kind=asset")).Read<Page<DuplicateCaseResponse>>();
            var flagged = Assert.Single(cases.Items, c => c.CaseId == results[1].DuplicateCaseId);
            Assert.Equal(results[1].AssetId, flagged.SubjectId);
            Assert.Equal(results[0].AssetId, flagged.CandidateId);
        }
    }

    [Fact]
    public async Task BUC2_Step4a_Bulk_DefiniteMatch_IsAnsweredAsADuplicate_AndTheIssuedIdPointsToTheExistingAsset()
    {
        var (_, a) = await app.RegisterAsync();
        var (_, b) = await app.RegisterAsync();
        using (a)
        using (b)
        {
            var original = TestData.Chargepoint();
            var existing = await (await a.PostAsJsonAsync("/api/v1/assets", original)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            var otherMpan = FlexRegistry.Shared.Mpan.WithCheckDigit("14" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(CultureInfo.InvariantCulture));
            // B's file: the same device under another name of its maker at another meter point (definite), the same device
            // with a transposed serial (review), and a new asset.
            var definite = original with { Manufacturer = "MyEnergi Limited", Mpan = otherMpan, OwnerConsent = original.OwnerConsent! with { Reference = "B-1" } };
            var near = original with { SerialNumber = TestData.Transposed(original.SerialNumber!), OwnerConsent = original.OwnerConsent! with { Reference = "B-2" } };
            var status = await ImportAsync(b, Ndjson([definite, near, TestData.Chargepoint()]), "application/x-ndjson");
            Assert.Equal((2, 1, 1), (status.Registered, status.Duplicates, status.PossibleDuplicates));

            var results = await ResultsAsync(b, status.ImportId);
            Assert.Equal(("duplicate", existing.AssetId), (results[0].Outcome, results[0].ExistingAssetId));
            Assert.Null(results[0].DuplicateCaseId);
            // The ID issued before the sweep decided keeps resolving, to the existing asset; B does not become its party.
            var withdrawn = await (await b.GetAsync($"/api/v1/assets/{results[0].AssetId}")).Read<AssetResponse>();
            Assert.Equal(("merged", existing.AssetId), (withdrawn.Status, withdrawn.MergedInto));
            await (await b.GetAsync($"/api/v1/assets/{existing.AssetId}")).ShouldHave(HttpStatusCode.NotFound);

            // The transposed serial is a case naming the existing asset, not the withdrawn one.
            Assert.Equal("registered", results[1].Outcome);
            var duplicateCase = await (await b.GetAsync($"/api/v1/duplicate-cases/{results[1].DuplicateCaseId}")).Read<DuplicateCaseResponse>();
            Assert.Equal(existing.AssetId, duplicateCase.CandidateId);
            Assert.Equal(("registered", null), (results[2].Outcome, results[2].DuplicateCaseId));
        }
    }

    [Fact]
    public async Task BUC2_Step1_Bulk_IdempotencyKey_SameFileAnswersTheSameImport_AnotherFileIs422()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var file = Header + string.Join("", Enumerable.Range(0, 20).Select(_ => CsvLine(TestData.Chargepoint())));
            var key = "import-" + Guid.NewGuid();
            AssetImportStatus first;
            using (var response = await PostAsync(client, file, "text/csv", key))
            {
                first = await response.Read<AssetImportStatus>(HttpStatusCode.Accepted);
                Assert.Equal($"/api/v1/asset-imports/{first.ImportId}", response.Headers.Location?.OriginalString);
            }
            var done = await WaitAsync(client, first.ImportId);
            using (var response = await PostAsync(client, file, "text/csv", key))
            {
                var replay = await response.Read<AssetImportStatus>(HttpStatusCode.Accepted);
                Assert.Equal(first.ImportId, replay.ImportId);
                Assert.Equal(20, replay.Registered);
            }
            using (var response = await PostAsync(client, file + CsvLine(TestData.Chargepoint()), "text/csv", key))
                await response.ReadProblem(HttpStatusCode.UnprocessableEntity, "import.idempotency_key_reused");

            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            Assert.Equal(1, await db.AssetImports.CountAsync(i => i.IdempotencyKey == key));
            // Registered once: its rows' assets (simply registered rows have no result row of their own).
            var importId = Guid.Parse(first.ImportId);
            Assert.Equal(done.Registered, await db.Assets.CountAsync(a => a.ImportId == importId));
        }
    }

    [Fact]
    public async Task BUC2_Step1_Bulk_AnotherParticipantsImport_IsNotFound()
    {
        var (_, client) = await app.RegisterAsync();
        var (_, other) = await app.RegisterAsync();
        using (client)
        using (other)
        {
            var status = await ImportAsync(client, Ndjson([TestData.Chargepoint()]), "application/x-ndjson");
            using (var response = await other.GetAsync($"/api/v1/asset-imports/{status.ImportId}"))
                await response.ReadProblem(HttpStatusCode.NotFound, "import.not_found");
            using (var response = await other.GetAsync($"/api/v1/asset-imports/{status.ImportId}/results"))
                await response.ReadProblem(HttpStatusCode.NotFound, "import.not_found");
            using (var response = await client.GetAsync($"/api/v1/asset-imports/{Guid.NewGuid()}"))
                await response.ReadProblem(HttpStatusCode.NotFound, "import.not_found");
        }
    }

    internal static readonly string Header = string.Join(',', AssetImportReader.Columns) + "\n";

    internal static string CsvLine(RegisterAssetRequest r)
    {
        static string N(decimal? d) => d?.ToString(CultureInfo.InvariantCulture) ?? "";
        static string D(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
        static string T(string? s) => s is null ? "" : s.IndexOfAny([',', '"', '\n']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        string[] cells =
        [
            T(r.Type), T(r.Mpan), T(r.ExportMpan), T(r.Manufacturer), T(r.Model), T(r.SerialNumber), T(r.Address?.Line1), T(r.Address?.Town), T(r.Address?.Postcode),
            r.Location?.Latitude?.ToString(CultureInfo.InvariantCulture) ?? "", r.Location?.Longitude?.ToString(CultureInfo.InvariantCulture) ?? "",
            N(r.ImportCapacityKw), N(r.ExportCapacityKw), N(r.StorageCapacityKwh), N(r.ConnectionVoltageKv), T(r.Status), D(r.CommissioningDate),
            T(r.OwnerConsent?.Reference), T(r.OwnerConsent?.Method), D(r.OwnerConsent?.Date), T(r.MarketQualifications is null ? null : string.Join(';', r.MarketQualifications)),
        ];
        return string.Join(',', cells) + "\n";
    }

    internal static string Ndjson(IEnumerable<RegisterAssetRequest> rows) =>
        string.Join("", rows.Select(r => JsonSerializer.Serialize(r, ApiExtensions.Json) + "\n"));

    internal static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string contentType, string? key = null) =>
        PostAsync(client, Encoding.UTF8.GetBytes(body), contentType, key);

    internal static async Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] body, string contentType, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/asset-imports") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private static async Task<AssetImportStatus> ImportAsync(HttpClient client, string body, string contentType)
    {
        using var response = await PostAsync(client, body, contentType);
        var started = await response.Read<AssetImportStatus>(HttpStatusCode.Accepted);
        Assert.Equal("queued", started.Status);
        return await WaitAsync(client, started.ImportId);
    }

    internal static async Task<AssetImportStatus> WaitAsync(HttpClient client, string importId, int seconds = 120)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var status = await (await client.GetAsync($"/api/v1/asset-imports/{importId}")).Read<AssetImportStatus>();
            if (status.Status is "completed" or "failed")
                return status;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"import still {status.Status} at row {status.RowsProcessed}");
            await Task.Delay(100);
        }
    }

    internal static async Task<List<AssetImportRowResult>> ResultsAsync(HttpClient client, string importId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/asset-imports/{importId}/results");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
        using var response = await client.SendAsync(request);
        await response.ShouldHave(HttpStatusCode.OK);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<AssetImportRowResult>(l, ApiExtensions.Json)!)];
    }

    private static async Task<string[]> ResultsCsvAsync(HttpClient client, string importId)
    {
        using var response = await client.GetAsync($"/api/v1/asset-imports/{importId}/results?format=csv");
        await response.ShouldHave(HttpStatusCode.OK);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}

public sealed class AssetImportTests_Sqlite(SqliteApp app) : AssetImportTests(app), IClassFixture<SqliteApp>;

/// <summary>
/// Small batches and sweeps, so that a small file crosses many batch and sweep boundaries: the next batch is prepared
/// while one is written, and the near-duplicate sweep computes behind the batches while they commit.
/// </summary>
public abstract class AssetImportPipelineTests(RegistryApp app)
{
    [Fact]
    public async Task BUC2_Step4a_Bulk_SweepBehindTheBatches_FlagsEachNearDuplicateOnce_AndEveryRowIsRegisteredOnce()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            // 40 distinct assets; after every 5th, a near duplicate of one 3 rows back and an exact duplicate of one 4 back,
            // so pairs straddle batches (3 rows) and sweeps (4 rows) in both directions.
            var originals = Enumerable.Range(0, 40).Select(_ => TestData.Chargepoint()).ToList();
            var rows = new List<RegisterAssetRequest>();
            var nearOf = new Dictionary<int, int>();
            var exactOf = new Dictionary<int, int>();
            var rowOf = new Dictionary<int, int>();
            for (var i = 0; i < originals.Count; i++)
            {
                rows.Add(originals[i]);
                rowOf[i] = rows.Count;
                if (i % 5 != 4)
                    continue;
                rows.Add(originals[i - 3] with { SerialNumber = TestData.Transposed(originals[i - 3].SerialNumber!) });
                nearOf[rows.Count] = rowOf[i - 3];
                rows.Add(originals[i - 4]);
                exactOf[rows.Count] = rowOf[i - 4];
            }

            using var response = await AssetImportTests.PostAsync(client, AssetImportTests.Ndjson(rows), "application/x-ndjson");
            var started = await response.Read<AssetImportStatus>(HttpStatusCode.Accepted);
            var status = await AssetImportTests.WaitAsync(client, started.ImportId);
            Assert.Equal(("completed", rows.Count), (status.Status, status.RowsProcessed));
            Assert.Equal((originals.Count + nearOf.Count, exactOf.Count, nearOf.Count, 0),
                (status.Registered, status.Duplicates, status.PossibleDuplicates, status.Invalid));

            var results = await AssetImportTests.ResultsAsync(client, started.ImportId);
            Assert.Equal(Enumerable.Range(1, rows.Count), results.Select(r => r.RowNumber));
            AssetImportRowResult Row(int number) => results[number - 1];
            foreach (var (row, original) in exactOf)
                Assert.Equal(("duplicate", Row(original).AssetId), (Row(row).Outcome, Row(row).ExistingAssetId));
            // Exactly the near-duplicate rows are flagged, each against its original, and no case runs the other way.
            Assert.Equal(nearOf.Keys.Order(), results.Where(r => r.DuplicateCaseId is not null).Select(r => r.RowNumber).Order());
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var ids = results.Where(r => r.AssetId is not null).Select(r => r.AssetId!).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            var cases = await db.DuplicateCases.Where(c => ids.Contains(c.SubjectId)).ToListAsync();
            Assert.Equal(nearOf.Count, cases.Count);
            foreach (var (row, original) in nearOf)
            {
                var opened = Assert.Single(cases, c => c.SubjectId == Row(row).AssetId);
                Assert.Equal((Row(row).DuplicateCaseId, Row(original).AssetId), (opened.Id.ToString(), opened.CandidateId));
            }

            // One registration event per registered asset; the audit chain still verifies.
            var registeredEvents = await db.Events.Where(e => e.Type == "flexregistry.asset.registered" && ids.Contains(e.Subject)).CountAsync();
            Assert.Equal(ids.Count, registeredEvents);
            using var op = await app.OperatorAsync();
            using var verify = await op.PostAsync(new Uri("/api/v1/audit/verify", UriKind.Relative), null);
            var verified = await verify.Read<AuditVerificationResponse>();
            Assert.True(verified.Valid, verified.Reason);
        }
    }
}

public sealed class SmallBatchSqliteApp : SqliteApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Imports:BatchSize", "3"), new("Imports:SweepRows", "4")];
}

public sealed class SmallBatchPostgresApp : PostgresApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Imports:BatchSize", "3"), new("Imports:SweepRows", "4")];
}

public sealed class AssetImportPipelineTests_Sqlite(SmallBatchSqliteApp app) : AssetImportPipelineTests(app), IClassFixture<SmallBatchSqliteApp>;

public sealed class AssetImportPipelineTests_Postgres(SmallBatchPostgresApp app) : AssetImportPipelineTests(app), IClassFixture<SmallBatchPostgresApp>;

public sealed class AssetImportTests_Postgres(PostgresApp app) : AssetImportTests(app), IClassFixture<PostgresApp>;

/// <summary>
/// Crash safety with a real crash: the service runs as a child process, is killed with SIGKILL in the middle of an
/// import, and restarted on the same database; the import resumes from its last committed batch and every row has
/// exactly one result, with no asset lost and none registered twice.
/// </summary>
public abstract class AssetImportKillTests
{
    private const int Rows = 20_000;

    protected abstract string Provider { get; }

    protected abstract Task<string> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    protected abstract DbConnection Connect(string connectionString);

    [Fact]
    public async Task BUC2_Step1_Bulk_KilledMidImport_ResumesAfterRestart_NoRowLostNoneDuplicated()
    {
        var connectionString = await CreateDatabaseAsync();
        var keys = Path.Combine(Directory.CreateTempSubdirectory("flexreg-import-keys-").FullName, "keys.json");
        // One key file for both lives, as in a real deployment: the audit checkpoints signed before the kill verify after it.
        var settings = new Dictionary<string, string> { ["Imports__BatchSize"] = "200", ["Imports__PollInterval"] = "00:00:00.200", ["Auth__KeyFile"] = keys };
        try
        {
            // Every 40th row repeats an earlier row's asset (an exact duplicate within the file); every 50th is invalid.
            var rows = new List<RegisterAssetRequest>(Rows);
            for (var i = 0; i < Rows; i++)
                rows.Add(i % 40 == 39 ? rows[i - 20] : i % 50 == 49 ? TestData.Chargepoint() with { Mpan = "1234567890123" } : TestData.Chargepoint());
            var invalid = rows.Count(r => r.Mpan == "1234567890123");
            var duplicates = Enumerable.Range(0, Rows).Count(i => i % 40 == 39 && rows[i].Mpan != "1234567890123");
            var body = AssetImportTests.Ndjson(rows);
            string importId;
            string clientId, secret;
            using (var first = ProcessKillTests.RegistryProcess.Start(Provider, connectionString, settings))
            {
                using var http = await first.ReadyAsync();
                using var registered = await http.PostAsJsonAsync("/api/v1/participants", TestData.Registration());
                var registration = await registered.Read<RegisterParticipantResponse>(HttpStatusCode.Created);
                (clientId, secret) = (registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!);
                await ProcessKillTests.RegistryProcess.AuthenticateAsync(http, clientId, secret);
                using var response = await AssetImportTests.PostAsync(http, body, "application/x-ndjson");
                importId = (await response.Read<AssetImportStatus>(HttpStatusCode.Accepted)).ImportId;

                // Kill it once some batches are committed and many remain.
                var status = await EventTestData.Eventually(
                    async () => await (await http.GetAsync($"/api/v1/asset-imports/{importId}")).Read<AssetImportStatus>(), s => s.RowsProcessed >= 1000, 120);
                first.Kill();
                Assert.InRange(status.RowsProcessed, 1000, Rows - 1000);
            }

            using var second = ProcessKillTests.RegistryProcess.Start(Provider, connectionString, settings);
            using (var http = await second.ReadyAsync())
            {
                await ProcessKillTests.RegistryProcess.AuthenticateAsync(http, clientId, secret);
                var done = await AssetImportTests.WaitAsync(http, importId, 300);
                Assert.Equal(("completed", Rows, Rows), (done.Status, done.RowsReceived, done.RowsProcessed));
                Assert.Equal((Rows - duplicates - invalid, duplicates, invalid), (done.Registered, done.Duplicates, done.Invalid));

                var results = await AssetImportTests.ResultsAsync(http, importId);
                Assert.Equal(Enumerable.Range(1, Rows), results.Select(r => r.RowNumber));
                Assert.Equal(done.Registered, results.Count(r => r.Outcome == "registered"));
                Assert.Equal(done.Registered, results.Where(r => r.AssetId is not null).Select(r => r.AssetId).Distinct().Count());
                for (var i = 39; i < Rows; i += 40)
                    Assert.Equal(results[i - 20].AssetId, results[i].ExistingAssetId ?? results[i].AssetId);

                await ProcessKillTests.RegistryProcess.AuthenticateAsync(http, FlexRegistry.Auth.ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);
                var verified = await (await http.PostAsync(new Uri("/api/v1/audit/verify", UriKind.Relative), null)).Read<AuditVerificationResponse>();
                Assert.True(verified.Valid, verified.Reason);
            }

            await using var connection = Connect(connectionString);
            await connection.OpenAsync();
            Assert.Equal((long)(Rows - duplicates - invalid), await ScalarAsync(connection, "SELECT COUNT(*) FROM assets"));
            // Result rows only for the rows not simply registered (GET …/results above still answered every row).
            Assert.Equal((long)(duplicates + invalid), await ScalarAsync(connection, "SELECT COUNT(*) FROM asset_import_results WHERE \"Outcome\" <> 'registered'"));
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT COUNT(*) FROM asset_import_results WHERE \"Outcome\" = 'registered' AND \"DuplicateCaseId\" IS NULL"));
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT COUNT(*) FROM asset_import_rows"));
            Assert.Equal((long)(Rows - duplicates - invalid), await ScalarAsync(connection, "SELECT COUNT(*) FROM events WHERE \"Type\" = 'flexregistry.asset.registered'"));
        }
        finally
        {
            await DropDatabaseAsync();
            Directory.Delete(Path.GetDirectoryName(keys)!, recursive: true);
        }
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}

public sealed class AssetImportKillTests_Sqlite : AssetImportKillTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("flexreg-import-kill-").FullName;

    protected override string Provider => "Sqlite";

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult($"Data Source={Path.Combine(_directory, "registry.db")}");

    protected override DbConnection Connect(string connectionString) => new SqliteConnection(connectionString);

    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class AssetImportKillTests_Postgres : AssetImportKillTests
{
    private readonly string _database = "flexreg_ikill_" + Guid.NewGuid().ToString("N")[..12];

    protected override string Provider => "Postgres";

    protected override DbConnection Connect(string connectionString) => new NpgsqlConnection(connectionString);

    protected override async Task<string> CreateDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresApp.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(PostgresApp.ServerConnectionString) { Database = _database, Pooling = false }.ToString();
    }

    protected override async Task DropDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresApp.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
