using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Participants;

/// <summary>BUC.4 step 3: commercial information against the ID, published requirements and a dry-run check.</summary>
public abstract class CommercialInformationTests(RegistryApp app)
{
    public static CommercialInformationRequest ValidForFsp() => new()
    {
        TradingNames = ["Bright Flex"],
        Contacts =
        [
            new ContactDto { Purpose = "commercial", Name = "Chris Sales", Email = "sales@flex.example" },
            new ContactDto { Purpose = "operational", Name = "Control Room", Email = "control@flex.example", Phone = "+44 20 7946 0000" },
        ],
        BankDetails = new BankDetailsDto { AccountName = "Bright Flex Ltd", SortCode = "40-47-84", AccountNumber = "70872490" },
        Insurance = new InsuranceDto { Insurer = "Example Mutual", PolicyNumber = "PL-123456", PublicLiabilityCoverGbp = 5_000_000m, ExpiresOn = new DateOnly(2099, 12, 31) },
        IcoRegistrationNumber = "ZA123456",
    };

    [Fact]
    public async Task BUC4_Step3_RequirementsArePublishedPerRole()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var fsp = Assert.Single(await (await client.GetAsync("/api/v1/participants/requirements?role=fsp")).Read<List<RoleRequirements>>());
            Assert.True(fsp.Requirements.Single(r => r.Field == "bankDetails").Required);
            Assert.True(fsp.Requirements.Single(r => r.Field == "insurance").Required);
            Assert.All(fsp.Requirements, r => Assert.False(string.IsNullOrWhiteSpace(r.Why)));

            var mo = Assert.Single(await (await client.GetAsync("/api/v1/participants/requirements?role=market-operator")).Read<List<RoleRequirements>>());
            Assert.False(mo.Requirements.Single(r => r.Field == "bankDetails").Required);
            Assert.DoesNotContain(mo.Requirements, r => r.Field == "contacts[purpose=operational]");

            var all = await (await client.GetAsync("/api/v1/participants/requirements")).Read<List<RoleRequirements>>();
            Assert.Equal(8, all.Count);
            // Installers (issue 17) work on customers' premises with their meter and device data: insured and ICO-registered.
            var installer = Assert.Single(all, r => r.Role == "installer");
            Assert.True(installer.Requirements.Single(r => r.Field == "insurance").Required);
            Assert.True(installer.Requirements.Single(r => r.Field == "icoRegistrationNumber").Required);

            using var unknown = await client.GetAsync("/api/v1/participants/requirements?role=king");
            await unknown.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        }
    }

    [Fact]
    public async Task BUC4_Step3_DryRunCheck_ReportsEveryProblem_AndStoresNothing()
    {
        var (registration, client) = await app.RegisterAsync();
        using (client)
        {
            var bad = ValidForFsp() with
            {
                Contacts = [new ContactDto { Purpose = "sales", Name = "", Email = "nope" }],
                BankDetails = new BankDetailsDto { AccountName = "X", SortCode = "12-34", AccountNumber = "123" },
                Insurance = new InsuranceDto { Insurer = "Y", PolicyNumber = "P", PublicLiabilityCoverGbp = 1000m, ExpiresOn = new DateOnly(2000, 1, 1) },
                IcoRegistrationNumber = "12345",
            };
            var check = await (await client.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/commercial-information/check", bad))
                .Read<CommercialInformationCheckResponse>();
            Assert.False(check.Valid);
            var codes = check.Errors.Select(e => $"{e.Field}:{e.Code}").ToHashSet();
            Assert.Superset(new HashSet<string>
            {
                "contacts[0].purpose:contact.purpose_invalid",
                "contacts[0].name:field.required",
                "contacts[0].email:email.invalid",
                "bankDetails.sortCode:bank.sort_code_invalid",
                "bankDetails.accountNumber:bank.account_number_invalid",
                "insurance.publicLiabilityCoverGbp:insurance.cover_too_low",
                "insurance.expiresOn:insurance.expired",
                "icoRegistrationNumber:ico.invalid",
                "contacts:commercial.contact_required",
            }, codes);
            Assert.Contains(check.Requirements, r => r.Field == "bankDetails" && !r.Met);

            var good = await (await client.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/commercial-information/check", ValidForFsp()))
                .Read<CommercialInformationCheckResponse>();
            Assert.True(good.Valid);
            Assert.All(good.Requirements, r => Assert.True(r.Met, r.Field));

            // Checking stored nothing.
            using var none = await client.GetAsync($"/api/v1/participants/{registration.ParticipantId}/commercial-information");
            await none.ReadProblem(HttpStatusCode.NotFound, "resource.not_found");
        }
    }

    [Fact]
    public async Task BUC4_Step3_SubmittedInformationIsStoredAgainstTheId_AndVisibleOnlyToItsOwnerAndTheOperator()
    {
        var (registration, client) = await app.RegisterAsync();
        var (_, other) = await app.RegisterActiveAsync();
        using (client)
        using (other)
        {
            var url = $"/api/v1/participants/{registration.ParticipantId}/commercial-information";
            using var put = await client.PutAsJsonAsync(url, ValidForFsp());
            var stored = await put.Read<CommercialInformationResponse>();
            Assert.Equal(registration.ParticipantId, stored.ParticipantId);
            Assert.Equal($"client:{registration.ApiClient.ClientId}", stored.UpdatedBy);
            var etag = put.Headers.ETag!.Tag;

            using var get = await client.GetAsync(url);
            var read = await get.Read<CommercialInformationResponse>();
            Assert.Equal("70872490", read.Information.BankDetails!.AccountNumber);
            Assert.Equal(etag, get.Headers.ETag!.Tag);

            using var op = await app.OperatorAsync();
            using var byOperator = await op.GetAsync(url);
            await byOperator.ShouldHave(HttpStatusCode.OK);

            using var byOther = await other.GetAsync(url);
            await byOther.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            using var writeByOther = await other.PutAsJsonAsync(url, ValidForFsp());
            await writeByOther.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");

            // Optimistic concurrency: a stale If-Match is refused and changes nothing.
            using var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(ValidForFsp() with { TradingNames = ["Changed"] }) };
            stale.Headers.TryAddWithoutValidation("If-Match", "\"00000000000000000000000000000000\"");
            using var staleResponse = await client.SendAsync(stale);
            await staleResponse.ReadProblem(HttpStatusCode.PreconditionFailed, "resource.precondition_failed");
            var unchanged = await (await client.GetAsync(url)).Read<CommercialInformationResponse>();
            Assert.Equal(["Bright Flex"], unchanged.Information.TradingNames);

            // If-Match: * means "whatever version exists".
            using var any = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(ValidForFsp() with { TradingNames = ["Renamed"] }) };
            any.Headers.TryAddWithoutValidation("If-Match", "*");
            using var anyResponse = await client.SendAsync(any);
            Assert.Equal(["Renamed"], (await anyResponse.Read<CommercialInformationResponse>()).Information.TradingNames);
        }
    }

    [Fact]
    public async Task BUC4_Step3_InvalidSubmission_Answers422WithEveryError_AndKeepsThePreviousVersion()
    {
        var (registration, client) = await app.RegisterAsync();
        using (client)
        {
            var url = $"/api/v1/participants/{registration.ParticipantId}/commercial-information";
            using var first = await client.PutAsJsonAsync(url, ValidForFsp());
            await first.ShouldHave(HttpStatusCode.OK);

            using var invalid = await client.PutAsJsonAsync(url, ValidForFsp() with { BankDetails = null, Insurance = null });
            var problem = await invalid.ReadProblem(HttpStatusCode.UnprocessableEntity, "participant.commercial_information_invalid");
            Assert.Equal(["bankDetails", "insurance"], problem.Errors!.Select(e => e.Field));

            var kept = await (await client.GetAsync(url)).Read<CommercialInformationResponse>();
            Assert.NotNull(kept.Information.BankDetails);
        }
    }

    [Fact]
    public async Task BUC4_Step3_AMarketOperatorNeedsNoBankDetailsOrInsurance()
    {
        var (registration, client) = await app.RegisterAsync(TestData.Registration(roles: ["market-operator"]));
        using (client)
        {
            var info = new CommercialInformationRequest
            {
                Contacts = [new ContactDto { Purpose = "commercial", Name = "Flex Team", Email = "flex@dso.example" }],
                IcoRegistrationNumber = "Z1234567",
            };
            using var put = await client.PutAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/commercial-information", info);
            await put.ShouldHave(HttpStatusCode.OK);
        }
    }
}

public sealed class CommercialInformationTests_Sqlite(SqliteApp app) : CommercialInformationTests(app), IClassFixture<SqliteApp>;

public sealed class CommercialInformationTests_Postgres(PostgresApp app) : CommercialInformationTests(app), IClassFixture<PostgresApp>;
