using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Reads;

namespace FlexRegistry.Tests.Participants;

/// <summary>
/// BUC.4 step 6, "more under a grant": the participant record and the directory show a reader holding a grant from the
/// participant the commercial-information sections the grant covers, when the read declares the grant's purpose; every
/// such read is access-logged and the grantor sees it. Without a purpose or a grant: public fields only, no refusal.
/// </summary>
public abstract class DirectoryUnderGrantTests(RegistryApp app)
{
    private static readonly string[] NotGranted =
        ["commercial-information.trading-names", "commercial-information.bank-details", "commercial-information.ico-registration"];

    [Fact]
    public async Task BUC4_Step6_Grantee_ReadingTheRecordAndTheDirectoryWithThePurpose_SeesExactlyTheGrantedSections_AndEachReadIsLogged()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        using (fsp)
        using (mo)
        {
            var information = CommercialInformationTests.ValidForFsp();
            await (await fsp.PutAsJsonAsync($"/api/v1/participants/{fspId}/commercial-information", information)).ShouldHave(HttpStatusCode.OK);
            await fsp.GrantAsync(fspId, "commercial-information.contacts", "onboarding", grantee: moId);
            await fsp.GrantAsync(fspId, "commercial-information.insurance", "onboarding", grantee: moId);
            // A grant for another purpose adds nothing to an onboarding read.
            await fsp.GrantAsync(fspId, "commercial-information.bank-details", "settlement", grantee: moId);

            var record = await (await mo.GetAsync($"/api/v1/participants/{fspId}?purpose=onboarding")).Read<ParticipantResponse>();
            Assert.Equal(information.Contacts, record.Information!.Contacts);
            Assert.Equal(information.Insurance, record.Information.Insurance);
            Assert.Null(record.Information.BankDetails);
            Assert.Null(record.Information.TradingNames);
            Assert.Null(record.Information.IcoRegistrationNumber);
            Assert.Equal(NotGranted, record.WithheldGroups);
            Assert.Null(record.ContactEmail); // the rest of the record is what any participant sees
            Assert.Null(record.Verification);

            var entry = Assert.Single(await fsp.AccessLogAsync($"/api/v1/participants/{fspId}/access-log"));
            Assert.Equal((moId, "onboarding", "commercial_information.read", "participant"), (entry.ReaderId, entry.Purpose, entry.Action, entry.Resource));
            Assert.Equal(["commercial-information.contacts", "commercial-information.insurance"], entry.FieldGroups);

            // The directory: the same sections on the grantor's entry, whether found by name or by ID; one log entry per page.
            var legalName = record.LegalName;
            foreach (var query in new[] { legalName, fspId })
            {
                var page = await (await mo.GetAsync($"/api/v1/participants?purpose=onboarding&limit=200&query={Uri.EscapeDataString(query)}"))
                    .Read<Page<DirectoryEntry>>();
                var hit = Assert.Single(page.Items, i => i.ParticipantId == fspId);
                Assert.Equal(information.Contacts, hit.Information!.Contacts);
                Assert.Equal(information.Insurance, hit.Information.Insurance);
                Assert.Null(hit.Information.BankDetails);
                Assert.Equal(NotGranted, hit.WithheldGroups);
                Assert.All(page.Items.Where(i => i.ParticipantId != fspId), i => Assert.Null(i.Information));
            }
            var log = await fsp.AccessLogAsync($"/api/v1/participants/{fspId}/access-log");
            Assert.Equal(3, log.Count);
            Assert.All(log, e => Assert.Equal((moId, 1), (e.ReaderId, e.RecordsConcerned)));

            // The settlement grant shows the bank details, and only them, to a settlement read.
            var settlement = await (await mo.GetAsync($"/api/v1/participants/{fspId}?purpose=settlement")).Read<ParticipantResponse>();
            Assert.Equal(information.BankDetails, settlement.Information!.BankDetails);
            Assert.Null(settlement.Information.Contacts);
        }
    }

    [Fact]
    public async Task BUC4_Step6_WithoutPurpose_WithoutGrant_OrAfterRevocation_PublicFieldsOnly_NothingLogged_AndNotFoundRulesUnchanged()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        var (otherMoId, otherMo) = await app.MarketOperatorAsync();
        using (fsp)
        using (mo)
        using (otherMo)
        {
            await (await fsp.PutAsJsonAsync($"/api/v1/participants/{fspId}/commercial-information", CommercialInformationTests.ValidForFsp())).ShouldHave(HttpStatusCode.OK);
            var grant = await fsp.GrantAsync(fspId, "commercial-information", "onboarding", grantee: moId);
            var name = (await (await fsp.GetAsync($"/api/v1/participants/{fspId}")).Read<ParticipantResponse>()).LegalName;

            async Task PublicOnly(HttpClient reader, string purposeQuery)
            {
                var record = await (await reader.GetAsync($"/api/v1/participants/{fspId}{purposeQuery}")).Read<ParticipantResponse>();
                Assert.Null(record.Information);
                Assert.Null(record.WithheldGroups);
                Assert.Equal(name, record.LegalName);
                var page = await (await reader.GetAsync($"/api/v1/participants?query={Uri.EscapeDataString(name)}&limit=200"
                    + purposeQuery.Replace('?', '&'))).Read<Page<DirectoryEntry>>();
                var hit = Assert.Single(page.Items, i => i.ParticipantId == fspId);
                Assert.Null(hit.Information);
                Assert.Null(hit.WithheldGroups);
            }

            await PublicOnly(mo, "");                          // the grantee without a purpose: no refusal either
            await PublicOnly(mo, "?purpose=procurement");      // the grantee with another purpose
            await PublicOnly(otherMo, "?purpose=onboarding");  // a market operator without a grant
            await fsp.RevokeAsync(fspId, grant.GrantId);
            await PublicOnly(mo, "?purpose=onboarding");       // revoked: the very next read
            Assert.Empty(await fsp.AccessLogAsync($"/api/v1/participants/{fspId}/access-log"));
            Assert.Equal(0, await app.LoggedReadsByAsync(moId));
            Assert.Equal(0, await app.LoggedReadsByAsync(otherMoId));

            // A bad purpose is a field error among the others, and nothing is read.
            using (var bad = await mo.GetAsync($"/api/v1/participants?purpose=marketing&role=nope"))
            {
                var problem = await bad.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
                Assert.Equal(["purpose", "role"], problem.Errors!.Select(e => e.Field).Order(StringComparer.Ordinal));
                Assert.Contains(problem.Errors!, e => e.Code == "read.purpose_unknown");
            }
            using (var bad = await mo.GetAsync($"/api/v1/participants/{fspId}?purpose=registry-administration"))
                Assert.Equal("read.purpose_unknown", Assert.Single((await bad.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed")).Errors!).Code);

            // A grant does not make a record outside the public directory visible: a provisional grantor answers 404 as before.
            var (provisional, provisionalClient) = await app.RegisterAsync();
            using (provisionalClient)
            {
                using var submitted = await provisionalClient.PutAsJsonAsync($"/api/v1/participants/{provisional.ParticipantId}/commercial-information",
                    CommercialInformationTests.ValidForFsp());
                using var given = await provisionalClient.PostAsJsonAsync($"/api/v1/participants/{provisional.ParticipantId}/data-sharing-grants", new GiveGrantRequest
                {
                    GranteeParticipantId = moId,
                    Part = "commercial-information",
                    Purpose = "onboarding",
                    ExpiresAt = TimeProvider.System.GetUtcNow().AddDays(1),
                });
                using var hidden = await mo.GetAsync($"/api/v1/participants/{provisional.ParticipantId}?purpose=onboarding");
                await hidden.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            }
            Assert.Equal(0, await app.LoggedReadsByAsync(moId));
        }
    }
}

public sealed class DirectoryUnderGrantTests_Sqlite(SqliteApp app) : DirectoryUnderGrantTests(app), IClassFixture<SqliteApp>;

public sealed class DirectoryUnderGrantTests_Postgres(PostgresApp app) : DirectoryUnderGrantTests(app), IClassFixture<PostgresApp>;
