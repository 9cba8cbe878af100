using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using FlexRegistry.Assets;
using FlexRegistry.Assets.Matching;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Assets;

/// <summary>BUC.2 steps 1b–5a: one ID per physical asset, validated against published rules.</summary>
public abstract class AssetRegistrationTests(RegistryApp app)
{
    private static readonly string[] TypeCodes =
        ["heat-pump", "ev-chargepoint", "v2g-chargepoint", "battery-storage", "solar-pv", "wind", "generator", "ic-demand", "other-der", "portfolio"];

    [Fact]
    public async Task BUC2_Step1b_PublishedRequirements_ListTheTaxonomyAndTheRuleCatalogue()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var types = await (await client.GetAsync("/api/v1/reference/asset-types")).Read<List<AssetTypeResponse>>();
            Assert.Equal(TypeCodes, types.Select(t => t.Code));
            Assert.Equal(types.Count, types.Select(t => t.IdCode).Distinct().Count());
            Assert.All(types, t => Assert.Matches("^[A-Z]{2}$", t.IdCode));
            Assert.All(types, t => Assert.Contains("status", t.RequiredFields));
            Assert.Equal(["battery-storage", "v2g-chargepoint"], types.Where(t => t.Storage).Select(t => t.Code).Order());
            var ev = types.Single(t => t.Code == "ev-chargepoint");
            Assert.Contains("mpan", ev.RequiredFields);
            Assert.Contains("ownerConsent", ev.RequiredFields);
            Assert.Equal(350m, ev.ImportCapacityKw.Max);
            Assert.Null(ev.StorageCapacityKwh);

            var rules = await (await client.GetAsync("/api/v1/reference/validation-rules")).Read<List<ValidationRuleResponse>>();
            Assert.Equal(rules.Count, rules.Select(r => r.Code).Distinct().Count());
            Assert.All(rules, r => Assert.Contains(r.Severity, new[] { "error", "warning" }));
            Assert.All(rules, r => Assert.NotEmpty(r.Description));
            foreach (var code in new[] { "mpan.invalid", "postcode.invalid", "asset.capacity_out_of_bounds", "asset.storage_not_applicable",
                         "asset.connection_voltage_out_of_scope", "asset.commissioning_date_required", "asset.consent_required" })
                Assert.Contains(rules, r => r.Code == code);
        }
    }

    [Fact]
    public async Task BUC2_Step2_InvalidAsset_ReportsEveryBrokenRuleAtOnce_AndTheCheckStoresNothing()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var bad = TestData.Chargepoint() with
            {
                Mpan = "1234567890123",
                Address = new AssetAddressDto { Line1 = "1 High Street", Town = "Cambridge", Postcode = "QQ1 1QQ" },
                ImportCapacityKw = 500m,
                StorageCapacityKwh = 10m,
                ConnectionVoltageKv = 11m,
                CommissioningDate = null,
                OwnerConsent = null,
            };
            using var response = await client.PostAsJsonAsync("/api/v1/assets", bad);
            var problem = await response.ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.validation_failed");
            var broken = problem.Errors!.Select(e => (e.Field, e.Code)).ToHashSet();
            Assert.Equal(
                new HashSet<(string, string)>
                {
                    ("mpan", "mpan.invalid"), ("address.postcode", "postcode.invalid"), ("importCapacityKw", "asset.capacity_out_of_bounds"),
                    ("storageCapacityKwh", "asset.storage_not_applicable"), ("connectionVoltageKv", "asset.connection_voltage_out_of_scope"),
                    ("commissioningDate", "asset.commissioning_date_required"), ("ownerConsent", "asset.consent_required"),
                },
                broken);

            // Every reported code is a published rule.
            var rules = await (await client.GetAsync("/api/v1/reference/validation-rules")).Read<List<ValidationRuleResponse>>();
            Assert.All(problem.Errors!, e => Assert.Contains(rules, r => r.Code == e.Code));

            // The dry run reports the same and stores nothing.
            var check = await (await client.PostAsJsonAsync("/api/v1/assets/check", bad)).Read<AssetCheckResponse>();
            Assert.False(check.Valid);
            Assert.Equal(broken, check.Errors.Select(e => (e.Field, e.Code)).ToHashSet());

            var good = TestData.Chargepoint(mpan: TestData.Mpan(12));
            var goodCheck = await (await client.PostAsJsonAsync("/api/v1/assets/check", good)).Read<AssetCheckResponse>();
            Assert.True(goodCheck.Valid);
            Assert.Empty(goodCheck.Errors);
            Assert.Equal("_C", goodCheck.GspGroup);

            var mine = await (await client.GetAsync("/api/v1/assets")).Read<Page<AssetSummary>>();
            Assert.Empty(mine.Items);
            // The checked asset was not stored: registering it now is a first registration, not a duplicate.
            using var registered = await client.PostAsJsonAsync("/api/v1/assets", good);
            await registered.ShouldHave(HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task BUC2_Step2_FutureDates_AndStorageTypes_FollowTheRules()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var future = DateOnly.FromDateTime(DateTime.Today.AddYears(1));
            var commissionedInFuture = TestData.Chargepoint() with { CommissioningDate = future };
            var problem = await (await client.PostAsJsonAsync("/api/v1/assets", commissionedInFuture)).ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.validation_failed");
            Assert.Contains(problem.Errors!, e => e is { Field: "commissioningDate", Code: "asset.commissioning_date_in_future" });

            var battery = TestData.Chargepoint() with { Type = "battery-storage", ImportCapacityKw = 5m, ExportCapacityKw = 5m, StorageCapacityKwh = 13.5m };
            await (await client.PostAsJsonAsync("/api/v1/assets", battery)).ShouldHave(HttpStatusCode.Created);

            var batteryWithoutStorage = TestData.Chargepoint() with { Type = "battery-storage", ImportCapacityKw = 5m };
            var missing = await (await client.PostAsJsonAsync("/api/v1/assets", batteryWithoutStorage)).ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.validation_failed");
            Assert.Contains(missing.Errors!, e => e is { Field: "storageCapacityKwh", Code: "field.required" });
            Assert.Contains(missing.Errors!, e => e is { Field: "exportCapacityKw", Code: "field.required" });
        }
    }

    [Fact]
    public async Task BUC2_Step2b_AssetAlreadyQualifiedInAMarket_IsRecordedAsFastTracked()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var request = TestData.Chargepoint() with { MarketQualifications = ["NESO Demand Flexibility Service", "UKPN Sustain"] };
            var created = await (await client.PostAsJsonAsync("/api/v1/assets", request)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            var asset = await (await client.GetAsync($"/api/v1/assets/{created.AssetId}")).Read<AssetResponse>();
            Assert.True(asset.FastTracked);
            Assert.Equal(request.MarketQualifications, asset.MarketQualifications);
            // Fast-tracking skips no rule: the same asset without consent is still refused.
            var noConsent = TestData.Chargepoint() with { MarketQualifications = ["NESO Demand Flexibility Service"], OwnerConsent = null };
            await (await client.PostAsJsonAsync("/api/v1/assets", noConsent)).ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.validation_failed");
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var registered = await db.Events.AsNoTracking().SingleAsync(e => e.Subject == created.AssetId && e.Type == "flexregistry.asset.registered");
            Assert.Contains("\"fastTracked\":true", registered.DataJson, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BUC2_Step2c_PlannedAsset_IsRegistrable_AndLaterPatchedToCommissioned()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var planned = TestData.Chargepoint() with { Status = "planned", CommissioningDate = DateOnly.FromDateTime(DateTime.Today.AddMonths(3)) };
            using var created = await client.PostAsJsonAsync("/api/v1/assets", planned);
            var registration = await created.Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.Equal("planned", registration.Status);
            var etag = created.Headers.ETag!.Tag;

            var commission = """{"status":"commissioned","commissioningDate":"2025-01-15"}""";
            using (var noIfMatch = await Patch(client, registration.AssetId, commission, ifMatch: null))
                await noIfMatch.ReadProblem((HttpStatusCode)428, "resource.precondition_required");
            using (var stale = await Patch(client, registration.AssetId, commission, ifMatch: "\"" + Guid.NewGuid().ToString("N") + "\""))
                await stale.ReadProblem(HttpStatusCode.PreconditionFailed, "resource.precondition_failed");
            using (var typeChange = await Patch(client, registration.AssetId, """{"type":"heat-pump"}""", etag))
                await typeChange.ReadProblem(HttpStatusCode.BadRequest, "asset.field_not_patchable");

            using var patched = await Patch(client, registration.AssetId, commission, etag);
            var asset = await patched.Read<AssetResponse>();
            Assert.Equal("commissioned", asset.Status);
            Assert.Equal(new DateOnly(2025, 1, 15), asset.CommissioningDate);
            Assert.Equal(planned.Mpan, asset.Mpan);

            // The old ETag is stale now, and a commissioned asset does not go back to planned.
            using (var staleAgain = await Patch(client, registration.AssetId, """{"connectionVoltageKv":0.4}""", etag))
                await staleAgain.ShouldHave(HttpStatusCode.PreconditionFailed);
            using var back = await Patch(client, registration.AssetId, """{"status":"planned"}""", patched.Headers.ETag!.Tag);
            await back.ReadProblem(HttpStatusCode.Conflict, "asset.invalid_status_transition");

            // A patch is validated by the same rules.
            var current = await client.GetAsync($"/api/v1/assets/{registration.AssetId}");
            using var invalid = await Patch(client, registration.AssetId, """{"address":{"postcode":"Q1"},"ownerConsent":{"date":"2999-01-01"}}""", current.Headers.ETag!.Tag);
            var problem = await invalid.ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.validation_failed");
            Assert.Equal(["address.postcode", "ownerConsent.date"], problem.Errors!.Select(e => e.Field).Order());
        }
    }

    [Fact]
    public async Task AssetWrites_AreAudited_WithFieldNamesButNoValues()
    {
        var (registration, client) = await app.RegisterAsync();
        using (client)
        {
            var request = TestData.Chargepoint();
            using var created = await client.PostAsJsonAsync("/api/v1/assets", request);
            var asset = await created.Read<RegisterAssetResponse>(HttpStatusCode.Created);
            using (var patched = await Patch(client, asset.AssetId, """{"model":"zappi v2.1"}""", created.Headers.ETag!.Tag))
                await patched.ShouldHave(HttpStatusCode.OK);

            var audit = await (await client.GetAsync($"/api/v1/audit?resource={asset.AssetId}")).Read<Page<AuditRecordResponse>>();
            Assert.Equal(["asset.register", "asset.update"], audit.Items.Select(r => r.Action));
            Assert.All(audit.Items, r => Assert.Equal(registration.ParticipantId, r.ActorParticipantId));
            Assert.Contains("mpan", audit.Items[0].Fields);
            Assert.Equal(["model"], audit.Items[1].Fields);
            var raw = await (await client.GetAsync($"/api/v1/audit?resource={asset.AssetId}")).Content.ReadAsStringAsync();
            Assert.DoesNotContain(request.Mpan!, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(request.SerialNumber!, raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BUC2_Step4_SixtyFourConcurrentIdenticalRegistrations_YieldExactlyOneAsset()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var request = TestData.Chargepoint();
            using var start = new ManualResetEventSlim();
            var attempts = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
            {
                start.Wait();
                using var response = await client.PostAsJsonAsync("/api/v1/assets", request);
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            })).ToList();
            start.Set();
            var results = await Task.WhenAll(attempts);

            var created = results.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
            var conflicts = results.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
            Assert.True(created.Count == 1, $"expected one 201, got {created.Count}: {string.Join(" | ", results.Select(r => $"{(int)r.StatusCode} {r.Body}"))}");
            Assert.Equal(63, conflicts.Count);
            var id = System.Text.Json.JsonSerializer.Deserialize<RegisterAssetResponse>(created[0].Body, ApiExtensions.Json)!.AssetId;
            Assert.All(conflicts, c => Assert.Contains($"\"existingAssetId\":\"{id}\"", c.Body, StringComparison.Ordinal));
            Assert.All(conflicts, c => Assert.Contains("\"code\":\"asset.duplicate\"", c.Body, StringComparison.Ordinal));

            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            Assert.Equal(1, await db.Assets.CountAsync(a => a.Mpan == request.Mpan));
            // The losers' inserts failed: their audit entries must have gone with them (one record, for the winner).
            var registrant = (await db.Assets.Where(a => a.Mpan == request.Mpan).Select(a => a.RegistrantId).SingleAsync()).Value;
            var audited = await db.AuditRecords.Where(r => r.ActorParticipantId == registrant && r.Action == "asset.register").Select(r => r.ResourceId).ToListAsync();
            Assert.Equal([id], audited);
        }
    }

    [Fact]
    public async Task BUC2_Step4_SameAssetInOtherFormatting_IsTheSameAsset()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var first = TestData.Chargepoint();
            var created = await (await client.PostAsJsonAsync("/api/v1/assets", first)).Read<RegisterAssetResponse>(HttpStatusCode.Created);

            // Manufacturer + serial, formatted differently, at another meter point.
            var sameDevice = TestData.Chargepoint(serial: " " + first.SerialNumber!.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal)) with { Manufacturer = "MYENERGI LTD." };
            var problem = await (await client.PostAsJsonAsync("/api/v1/assets", sameDevice)).ReadProblem(HttpStatusCode.Conflict, "asset.duplicate");
            Assert.Equal(created.AssetId, problem.ExistingAssetId);

            // MPAN + type + serial, with the manufacturer spelt another way and the MPAN spaced.
            var sameMeter = first with { Manufacturer = "myenergi", Mpan = string.Join(' ', first.Mpan!.Chunk(4).Select(c => new string(c))) };
            var meterProblem = await (await client.PostAsJsonAsync("/api/v1/assets", sameMeter)).ReadProblem(HttpStatusCode.Conflict, "asset.duplicate");
            Assert.Equal(created.AssetId, meterProblem.ExistingAssetId);
        }
    }

    [Fact]
    public async Task BUC2_Step4a_NearDuplicate_IsRegisteredWithACase_AndAPartyMergesIt_TheMergedIdKeepsResolving()
    {
        var (first, a) = await app.RegisterAsync();
        var (second, b) = await app.RegisterAsync();
        using (a)
        using (b)
        {
            var original = TestData.Chargepoint();
            var existing = await (await a.PostAsJsonAsync("/api/v1/assets", original)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.Null(existing.DuplicateCaseId);

            // Same meter point and address, slightly different capacity and address spelling, the serial with two digits
            // swapped: no exact key.
            var near = original with
            {
                SerialNumber = TestData.Transposed(original.SerialNumber!),
                Address = original.Address! with { Line1 = original.Address.Line1!.Replace("Lane", "Ln.", StringComparison.Ordinal) },
                ImportCapacityKw = 7.2m,
                Manufacturer = "myenergi",
                OwnerConsent = original.OwnerConsent! with { Reference = "B-" + original.OwnerConsent.Reference },
            };
            var flagged = await (await b.PostAsJsonAsync("/api/v1/assets", near)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.Equal("provisional", flagged.DataStatus);
            Assert.NotNull(flagged.DuplicateCaseId);

            var duplicateCase = await (await b.GetAsync($"/api/v1/duplicate-cases/{flagged.DuplicateCaseId}")).Read<DuplicateCaseResponse>();
            Assert.Equal("asset", duplicateCase.Kind);
            Assert.Equal(flagged.AssetId, duplicateCase.SubjectId);
            Assert.Equal(existing.AssetId, duplicateCase.CandidateId);
            Assert.Contains(duplicateCase.Comparisons, e => e is { Field: "premises", Level: "meter-and-address" });
            Assert.Contains(duplicateCase.Comparisons, e => e is { Field: "serialNumber", Level: "transposition" });
            Assert.Contains(duplicateCase.Comparisons, e => e is { Field: "capacity", Level: "rounded" });
            Assert.Equal(duplicateCase.Comparisons.Single(e => e.Field == "premises").Weight, duplicateCase.Evidence["premises"]);
            Assert.True(duplicateCase.MatchWeight >= AssetMatcher.ReviewWeight);
            // Both registrants are parties: A sees the case too.
            await (await a.GetAsync($"/api/v1/duplicate-cases/{flagged.DuplicateCaseId}")).ShouldHave(HttpStatusCode.OK);

            // A different asset type at the same meter point is not a near duplicate.
            var heatPump = TestData.Chargepoint(mpan: original.Mpan, postcode: original.Address.Postcode) with
            {
                Type = "heat-pump",
                Manufacturer = "Vaillant",
                Model = "aroTHERM plus",
                ImportCapacityKw = 3m,
            };
            var distinct = await (await a.PostAsJsonAsync("/api/v1/assets", heatPump)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.Null(distinct.DuplicateCaseId);

            // B, a party of the case, merges its record into A's.
            using var merge = await b.PostAsJsonAsync($"/api/v1/duplicate-cases/{flagged.DuplicateCaseId}/merge",
                new MergeDuplicateRequest { Reason = "Same chargepoint; our serial was the installer's job number.", SurvivorId = existing.AssetId });
            var merged = await merge.Read<DuplicateCaseResponse>();
            Assert.Equal("merged", merged.Status);

            var old = await (await b.GetAsync($"/api/v1/assets/{flagged.AssetId}")).Read<AssetResponse>();
            Assert.Equal("merged", old.Status);
            Assert.Equal(existing.AssetId, old.MergedInto);
            // B is now a party of the survivor and can read it.
            var survivor = await (await b.GetAsync($"/api/v1/assets/{existing.AssetId}")).Read<AssetResponse>();
            Assert.Equal(first.ParticipantId, survivor.RegistrantId);
            Assert.NotEqual(second.ParticipantId, survivor.RegistrantId);
        }
    }

    [Fact]
    public async Task BUC2_Step4a_AssetCaseDismissedByTheOperator_ParticipantCasesStayOperatorOnly()
    {
        var (_, a) = await app.RegisterAsync();
        using (a)
        {
            var original = TestData.Chargepoint();
            await (await a.PostAsJsonAsync("/api/v1/assets", original)).ShouldHave(HttpStatusCode.Created);
            var near = original with { SerialNumber = TestData.Transposed(original.SerialNumber!) };
            var flagged = await (await a.PostAsJsonAsync("/api/v1/assets", near)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.NotNull(flagged.DuplicateCaseId);

            using var op = await app.OperatorAsync();
            var dismissed = await (await op.PostAsJsonAsync($"/api/v1/duplicate-cases/{flagged.DuplicateCaseId}/dismiss",
                new DismissDuplicateRequest { Reason = "Two chargepoints on one drive." })).Read<DuplicateCaseResponse>();
            Assert.Equal("dismissed", dismissed.Status);
            var asset = await (await a.GetAsync($"/api/v1/assets/{flagged.AssetId}")).Read<AssetResponse>();
            Assert.Equal("commissioned", asset.Status);

            // A participant case: its parties may look but not resolve.
            var postcode = TestData.Postcode();
            var (p1, c1) = await app.RegisterAsync(TestData.Registration("Near Twin Energy Ltd", postcode: postcode));
            var (_, c2) = await app.RegisterAsync(TestData.Registration("NEAR TWIN ENERGY LIMITED", postcode: postcode));
            using (c1)
            using (c2)
            {
                var cases = await (await c2.GetAsync("/api/v1/duplicate-cases?kind=participant&status=open")).Read<Page<DuplicateCaseResponse>>();
                var participantCase = Assert.Single(cases.Items);
                using var refused = await c2.PostAsJsonAsync($"/api/v1/duplicate-cases/{participantCase.CaseId}/dismiss", new DismissDuplicateRequest { Reason = "Not us." });
                await refused.ReadProblem(HttpStatusCode.Forbidden, "auth.forbidden");
                Assert.NotNull(p1);
            }
        }
    }

    [Fact]
    public async Task BUC2_Step5_RegistrationIsConfirmedToTheRegistrant()
    {
        var (registration, client) = await app.RegisterAsync();
        using (client)
        {
            var request = TestData.Chargepoint(mpan: TestData.Mpan(23)) with { Location = new LocationDto { Latitude = 53.8, Longitude = -1.55 } };
            using var response = await client.PostAsJsonAsync("/api/v1/assets", request);
            var created = await response.Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.True(AssetId.TryParse(created.AssetId, out var id));
            Assert.Equal("EV", id.TypeCode);
            Assert.StartsWith("FRA-EV-", created.AssetId, StringComparison.Ordinal);
            Assert.Equal($"/api/v1/assets/{created.AssetId}", response.Headers.Location?.OriginalString);
            Assert.NotNull(response.Headers.ETag);

            using var read = await client.GetAsync($"/api/v1/assets/{created.AssetId}");
            var asset = await read.Read<AssetResponse>();
            Assert.Equal(response.Headers.ETag, read.Headers.ETag);
            Assert.Equal("ev-chargepoint", asset.Type);
            Assert.Equal("commissioned", asset.Status);
            Assert.Equal("provisional", asset.DataStatus);
            Assert.Equal(request.Mpan, asset.Mpan);
            Assert.Equal(7.4m, asset.ImportCapacityKw);
            Assert.Equal("_M", asset.GspGroup);
            Assert.Equal("Yorkshire", asset.DnoArea);
            Assert.Equal(request.Address!.Postcode![..^4], asset.PostcodeDistrict);
            Assert.Equal(registration.ParticipantId, asset.RegistrantId);
            Assert.All(asset.Provenance!.Values, p => Assert.Equal(registration.ParticipantId, p.DeclaredBy));
            Assert.All(asset.Provenance!.Values, p => Assert.Equal("provisional", p.State));

            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var registered = await db.Events.AsNoTracking().SingleAsync(e => e.Subject == created.AssetId && e.Type == "flexregistry.asset.registered");
            Assert.Equal($" {registration.ParticipantId} ", registered.Audience);

            // Only its parties and the registry operator can read it; anyone else hears 404 as if it did not exist.
            var (_, other) = await app.RegisterAsync();
            using (other)
            {
                await (await other.GetAsync($"/api/v1/assets/{created.AssetId}")).ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
                var theirs = await (await other.GetAsync("/api/v1/assets")).Read<Page<AssetSummary>>();
                Assert.DoesNotContain(theirs.Items, i => i.AssetId == created.AssetId);
            }
            using var op = await app.OperatorAsync();
            await (await op.GetAsync($"/api/v1/assets/{created.AssetId}")).ShouldHave(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task BUC2_Step5a_DuplicateAttempt_GetsOnlyTheExistingId_AndTheAttachedPartiesAreTold()
    {
        var (owner, a) = await app.RegisterAsync();
        var (attempter, b) = await app.RegisterAsync();
        using (a)
        using (b)
        {
            var request = TestData.Chargepoint();
            var created = await (await a.PostAsJsonAsync("/api/v1/assets", request)).Read<RegisterAssetResponse>(HttpStatusCode.Created);

            using var response = await b.PostAsJsonAsync("/api/v1/assets", request with { OwnerConsent = request.OwnerConsent! with { Reference = "B-OWN-REF" } });
            var body = await response.Content.ReadAsStringAsync();
            var problem = await response.ReadProblem(HttpStatusCode.Conflict, "asset.duplicate");
            Assert.Equal(created.AssetId, problem.ExistingAssetId);
            // Nothing of the other party's data: no registrant, consent, address or device details.
            Assert.DoesNotContain(owner.ParticipantId, body, StringComparison.Ordinal);
            Assert.DoesNotContain(request.OwnerConsent!.Reference!, body, StringComparison.Ordinal);
            Assert.DoesNotContain(request.Address!.Postcode!, body, StringComparison.Ordinal);
            Assert.DoesNotContain("Mill Lane", body, StringComparison.Ordinal);
            await (await b.GetAsync($"/api/v1/assets/{created.AssetId}")).ShouldHave(HttpStatusCode.NotFound);

            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var attempt = await db.Events.AsNoTracking().SingleAsync(e => e.Subject == created.AssetId && e.Type == "flexregistry.asset.duplicate_attempted");
            Assert.Equal($" {owner.ParticipantId} ", attempt.Audience);
            // Who tried is commercially sensitive to both: the parties learn that someone did, the registry operator who.
            Assert.DoesNotContain(attempter.ParticipantId, attempt.DataJson, StringComparison.Ordinal);
            var audited = await db.AuditRecords.AsNoTracking().SingleAsync(r => r.ResourceId == created.AssetId && r.Action == "asset.register_duplicate");
            Assert.Equal(attempter.ParticipantId, audited.ActorParticipantId);
        }
    }

    [Fact]
    public async Task Register_WithIdempotencyKey_ReplaysTheAnswer_AndRefusesTheKeyForAnotherBody()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var request = TestData.Chargepoint();
            var key = Guid.NewGuid().ToString();
            var first = await (await PostWithKey(client, request, key)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            var again = await (await PostWithKey(client, request, key)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.Equal(first.AssetId, again.AssetId);
            using var reused = await PostWithKey(client, TestData.Chargepoint(), key);
            await reused.ReadProblem(HttpStatusCode.UnprocessableEntity, "idempotency.key_reused");
        }
    }

    [Fact]
    public async Task GetAsset_MalformedOrWrongCheckCharacter_Is400_UnknownIs404()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            await (await client.GetAsync("/api/v1/assets/FRA-EV-123")).ReadProblem(HttpStatusCode.BadRequest, "asset.id_invalid");
            var valid = AssetId.New(AssetType.Find("heat-pump")!).Value;
            var wrongCheck = valid[..^1] + (valid[^1] == '0' ? '1' : '0');
            await (await client.GetAsync($"/api/v1/assets/{wrongCheck}")).ReadProblem(HttpStatusCode.BadRequest, "asset.id_invalid");
            await (await client.GetAsync($"/api/v1/assets/{valid}")).ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
        }
    }

    [Fact]
    public async Task SearchAssets_FiltersByAreaTypeAndCapacity_AndPagesWithACursor()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            for (var i = 0; i < 3; i++)
                await (await client.PostAsJsonAsync("/api/v1/assets", TestData.Chargepoint(mpan: TestData.Mpan(10)))).ShouldHave(HttpStatusCode.Created);
            var heatPump = TestData.Chargepoint(mpan: TestData.Mpan(12)) with { Type = "heat-pump", Manufacturer = "Vaillant", Model = "aroTHERM", ImportCapacityKw = 12m };
            await (await client.PostAsJsonAsync("/api/v1/assets", heatPump)).ShouldHave(HttpStatusCode.Created);

            var eastern = await (await client.GetAsync("/api/v1/assets?dnoArea=10&type=ev-chargepoint")).Read<Page<AssetSummary>>();
            Assert.Equal(3, eastern.Items.Count);
            var big = await (await client.GetAsync("/api/v1/assets?minCapacityKw=10")).Read<Page<AssetSummary>>();
            Assert.Equal("heat-pump", Assert.Single(big.Items).Type);
            var london = await (await client.GetAsync("/api/v1/assets?gspGroup=C")).Read<Page<AssetSummary>>();
            Assert.Single(london.Items);

            var seen = new List<string>();
            string? cursor = null;
            do
            {
                var page = await (await client.GetAsync("/api/v1/assets?limit=3" + (cursor is null ? "" : "&cursor=" + cursor))).Read<Page<AssetSummary>>();
                seen.AddRange(page.Items.Select(i => i.AssetId));
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            Assert.Equal(4, seen.Distinct().Count());
            Assert.Equal(4, seen.Count);
            await (await client.GetAsync("/api/v1/assets?type=toaster")).ShouldHave(HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task Portfolio_IsAKindOfAsset_WithItsOwnTypedId_AndOneIdPerRegistrantReference()
    {
        var (_, client) = await app.RegisterAsync();
        var (_, other) = await app.RegisterAsync();
        using (client)
        using (other)
        {
            var portfolio = new RegisterAssetRequest { Type = "portfolio", SerialNumber = "North zone DFS portfolio", Status = "commissioned", CommissioningDate = new DateOnly(2025, 1, 1) };
            var created = await (await client.PostAsJsonAsync("/api/v1/assets", portfolio)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.StartsWith("FRA-PF-", created.AssetId, StringComparison.Ordinal);
            var again = await (await client.PostAsJsonAsync("/api/v1/assets", portfolio with { SerialNumber = "north-zone dfs PORTFOLIO" })).ReadProblem(HttpStatusCode.Conflict, "asset.duplicate");
            Assert.Equal(created.AssetId, again.ExistingAssetId);
            // Another registrant's portfolio of the same name is another portfolio.
            await (await other.PostAsJsonAsync("/api/v1/assets", portfolio)).ShouldHave(HttpStatusCode.Created);

            // A non-party cannot change (or learn of) the asset.
            using var read = await client.GetAsync($"/api/v1/assets/{created.AssetId}");
            using var patch = await Patch(other, created.AssetId, """{"importCapacityKw":10}""", read.Headers.ETag!.Tag);
            await patch.ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
        }
    }

    private static Task<HttpResponseMessage> PostWithKey(HttpClient client, RegisterAssetRequest request, string key)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/assets") { Content = JsonContent.Create(request) };
        message.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(message);
    }

    private static Task<HttpResponseMessage> Patch(HttpClient client, string id, string json, string? ifMatch)
    {
        var message = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/assets/{id}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/merge-patch+json"),
        };
        if (ifMatch is not null)
            message.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        return client.SendAsync(message);
    }
}

public sealed class AssetRegistrationTests_Sqlite(SqliteApp app) : AssetRegistrationTests(app), IClassFixture<SqliteApp>;

public sealed class AssetRegistrationTests_Postgres(PostgresApp app) : AssetRegistrationTests(app), IClassFixture<PostgresApp>;
