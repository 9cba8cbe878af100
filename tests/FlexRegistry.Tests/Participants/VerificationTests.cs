using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Participants;

/// <summary>BUC.4 step 1: verification through Companies House confirms the provisional ID (two-stage ID).</summary>
public abstract class VerificationTests(RegistryApp app, FakeCompaniesHouse companiesHouse)
{
    [Fact]
    public async Task BUC4_Step1_MatchingCompaniesHouseRecord_ConfirmsTheProvisionalId()
    {
        var request = TestData.Registration("Verified Flex Ltd");
        companiesHouse.AddCompany(request.CompanyNumber!, "VERIFIED FLEX LIMITED", request.RegisteredAddress!.Postcode!.Replace(" ", "", StringComparison.Ordinal));
        var (registration, client) = await app.RegisterAsync(request);
        using (client)
        {
            Assert.Equal("provisional", registration.Status);
            var confirmed = await Confirmed(client, registration.ParticipantId, p => p.Status != "provisional");
            Assert.Equal("active", confirmed.Status);
            Assert.Equal("companies-house", confirmed.Verification!.Source);
            Assert.Equal("completed", confirmed.Verification.Stage);
            Assert.Contains(confirmed.History!, h => h.From == "provisional" && h.To == "active" && h.Actor == "verifier:companies-house");

            // The worker's change is in the audit trail as the register's own act, readable by the participant.
            var audit = await (await client.GetAsync($"/api/v1/audit?resource={registration.ParticipantId}")).Read<Page<AuditRecordResponse>>();
            Assert.Contains(audit.Items, r => r.Action == "participant.verification.completed" && r.ActorClientId == "system:verification"
                                              && r.ActorParticipantId is null && r.SubjectParticipantId == registration.ParticipantId);

            // The adapter spoke Companies House's protocol: the company path and the API key as basic-auth user name.
            var call = Assert.Single(companiesHouse.Requests, r => r.Path == $"/company/{request.CompanyNumber}");
            Assert.Equal("Basic " + Convert.ToBase64String("test-ch-key:"u8.ToArray()), call.Authorization);
        }
    }

    [Fact]
    public async Task BUC4_Step1_NameMismatch_GoesToManualReviewWithReasons()
    {
        var request = TestData.Registration("Mismatch Energy Ltd");
        companiesHouse.AddCompany(request.CompanyNumber!, "SOMETHING ELSE ENTIRELY LTD", request.RegisteredAddress!.Postcode!);
        var (registration, client) = await app.RegisterAsync(request);
        using (client)
        {
            var reviewed = await Confirmed(client, registration.ParticipantId, p => p.Verification!.Stage == "manual-review");
            Assert.Equal("provisional", reviewed.Status);
            Assert.Contains("SOMETHING ELSE ENTIRELY LTD", reviewed.Verification!.Summary, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BUC4_Step1_UnknownCompany_IsRejectedWithReasons()
    {
        var registration = await app.RegisterOnlyAsync();
        using var op = await app.OperatorAsync();
        var rejected = await Confirmed(op, registration.ParticipantId, p => p.Status == "rejected");
        Assert.Equal("rejected", rejected.Status);
        Assert.Contains("has no company", rejected.Verification!.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BUC4_Step1_DissolvedCompany_IsRejected()
    {
        var request = TestData.Registration("Gone Flex Ltd");
        companiesHouse.AddCompany(request.CompanyNumber!, "GONE FLEX LTD", request.RegisteredAddress!.Postcode!, status: "dissolved");
        var registration = await app.RegisterOnlyAsync(request);
        using var op = await app.OperatorAsync();
        var rejected = await Confirmed(op, registration.ParticipantId, p => p.Status == "rejected");
        Assert.Contains("dissolved", rejected.Verification!.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BUC4_Step1_CompaniesHouseDown_VerificationIsRetriedUntilItAnswers()
    {
        var request = TestData.Registration("Patient Flex Ltd");
        companiesHouse.AddCompany(request.CompanyNumber!, "PATIENT FLEX LTD", request.RegisteredAddress!.Postcode!);
        // More failures than the HTTP client's own quick retries absorb, so the queue's retry has to carry it.
        companiesHouse.FailNext(request.CompanyNumber!, 4);
        var (registration, client) = await app.RegisterAsync(request);
        using (client)
        {
            var confirmed = await Confirmed(client, registration.ParticipantId, p => p.Status == "active", seconds: 30);
            Assert.Equal("active", confirmed.Status);
            Assert.True(companiesHouse.Requests.Count(r => r.Path == $"/company/{request.CompanyNumber}") >= 5);
        }
    }

    private static Task<ParticipantResponse> Confirmed(HttpClient client, string id, Func<ParticipantResponse, bool> until, int seconds = 20) =>
        RegistrationTests.Eventually(async () => await (await client.GetAsync($"/api/v1/participants/{id}")).Read<ParticipantResponse>(), until, seconds);
}

public sealed class VerificationTests_Sqlite(SqliteAppWithCompaniesHouse app)
    : VerificationTests(app, app.CompaniesHouse), IClassFixture<SqliteAppWithCompaniesHouse>;

public sealed class VerificationTests_Postgres(PostgresAppWithCompaniesHouse app)
    : VerificationTests(app, app.CompaniesHouse), IClassFixture<PostgresAppWithCompaniesHouse>;
