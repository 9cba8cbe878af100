using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Participants;

/// <summary>BUC.4 steps 1 and 2: an organisation registers once and only once.</summary>
public abstract class RegistrationTests(RegistryApp app)
{
    [Fact]
    public async Task BUC4_Step1_Register_ReturnsProvisionalIdAndAWorkingApiClient()
    {
        var request = TestData.Registration(roles: ["fsp", "aggregator"]);
        using var anonymous = app.Anonymous();
        using var response = await anonymous.PostAsJsonAsync("/api/v1/participants", request);
        var registration = await response.Read<RegisterParticipantResponse>(HttpStatusCode.Created);

        Assert.Equal("provisional", registration.Status);
        Assert.True(ParticipantId.TryParse(registration.ParticipantId, out _));
        Assert.Equal($"/api/v1/participants/{registration.ParticipantId}", response.Headers.Location?.OriginalString);
        Assert.StartsWith("frc_", registration.ApiClient.ClientId, StringComparison.Ordinal);
        Assert.True(registration.ApiClient.ClientSecret!.Length >= 40);

        // The organisation can start work at once with its provisional ID.
        using var client = await app.AuthenticatedAsync(registration.ApiClient.ClientId, registration.ApiClient.ClientSecret);
        var own = await (await client.GetAsync($"/api/v1/participants/{registration.ParticipantId}")).Read<ParticipantResponse>();
        Assert.Equal(request.LegalName, own.LegalName);
        Assert.Equal("provisional", own.Status);
        Assert.Equal(["aggregator", "fsp"], own.Roles);
        Assert.Equal(request.CompanyNumber, own.CompanyNumber);
        Assert.Equal("alex.director@flex.example", own.AuthorisedPerson!.Email);
    }

    [Fact]
    public async Task BUC4_Step1_WithoutAnAutomaticSource_RegistrationGoesToManualReview()
    {
        var (registration, client) = await app.RegisterAsync();
        using (client)
        {
            var own = await Eventually(async () =>
                await (await client.GetAsync($"/api/v1/participants/{registration.ParticipantId}")).Read<ParticipantResponse>(),
                p => p.Verification!.Stage == "manual-review");
            Assert.Equal("provisional", own.Status);
            Assert.Contains("registry operator", own.Verification!.Summary, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("01234567", " 1234567 ")]
    [InlineData("SC012345", "sc 12345")]
    [InlineData("OC301234", "oc301234")]
    public async Task BUC4_Step2_SameCompanyNumberInAnyFormatting_ReturnsTheExistingId(string first, string again)
    {
        // Theory rows reuse numbers, so make each row's numbers unique to this run by their prefix family.
        var suffix = TestData.CompanyNumber()[^5..];
        first = first[..^5] + suffix;
        again = again.TrimEnd()[..^5] + suffix;
        var (registration, client) = await app.RegisterAsync(TestData.Registration(companyNumber: first));
        client.Dispose();

        using var anonymous = app.Anonymous();
        using var response = await anonymous.PostAsJsonAsync("/api/v1/participants", TestData.Registration(companyNumber: again));
        var problem = await response.ReadProblem(HttpStatusCode.Conflict, "participant.already_registered");
        Assert.Equal(registration.ParticipantId, problem.ExistingParticipantId);
    }

    [Fact]
    public async Task BUC4_Step2_SameEicInAnyFormatting_ReturnsTheExistingId()
    {
        var eic = TestData.Eic();
        var request = TestData.Registration() with { CompanyNumber = null, EicCode = eic };
        var (registration, client) = await app.RegisterAsync(request);
        client.Dispose();

        using var anonymous = app.Anonymous();
        var again = TestData.Registration() with { CompanyNumber = null, EicCode = " " + eic.ToLowerInvariant() + " " };
        using var response = await anonymous.PostAsJsonAsync("/api/v1/participants", again);
        var problem = await response.ReadProblem(HttpStatusCode.Conflict, "participant.already_registered");
        Assert.Equal(registration.ParticipantId, problem.ExistingParticipantId);
    }

    [Fact]
    public async Task BUC4_Step2_SameVatNumberInAnyFormatting_ReturnsTheExistingId()
    {
        var vat = TestData.VatNumber(); // GB + 9 digits
        var (registration, client) = await app.RegisterAsync(TestData.Registration() with { VatNumber = vat });
        client.Dispose();

        var spaced = $"gb {vat[2..5]} {vat[5..9]} {vat[9..]}";
        using var anonymous = app.Anonymous();
        using var response = await anonymous.PostAsJsonAsync("/api/v1/participants", TestData.Registration() with { VatNumber = spaced });
        var problem = await response.ReadProblem(HttpStatusCode.Conflict, "participant.already_registered");
        Assert.Equal(registration.ParticipantId, problem.ExistingParticipantId);
    }

    [Fact]
    public async Task BUC4_Step2_FiftyConcurrentIdenticalRegistrations_YieldExactlyOneId()
    {
        var request = TestData.Registration();
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            using var anonymous = app.Anonymous();
            start.Wait();
            using var response = await anonymous.PostAsJsonAsync("/api/v1/participants", request);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(attempts);

        var created = results.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var conflicts = results.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.True(created.Count == 1, $"expected one 201, got {created.Count}: {string.Join(" | ", results.Select(r => $"{(int)r.StatusCode} {r.Body}"))}");
        Assert.Equal(49, conflicts.Count);
        var id = System.Text.Json.JsonSerializer.Deserialize<RegisterParticipantResponse>(created[0].Body, ApiExtensions.Json)!.ParticipantId;
        Assert.All(conflicts, c => Assert.Contains($"\"existingParticipantId\":\"{id}\"", c.Body, StringComparison.Ordinal));

        // And the register holds exactly one record with that company number.
        using var op = await app.OperatorAsync();
        var page = await (await op.GetAsync($"/api/v1/participants?query={request.CompanyNumber}&status=provisional")).Read<Page<DirectoryEntry>>();
        Assert.Single(page.Items, e => e.CompanyNumber == request.CompanyNumber);
    }

    [Fact]
    public async Task BUC4_Step2_NearDuplicateNameAtTheSamePostcode_IsRegisteredButFlaggedForReview()
    {
        var postcode = TestData.Postcode();
        var (first, c1) = await app.RegisterAsync(TestData.Registration("Acme Energy Ltd", postcode: postcode));
        var (second, c2) = await app.RegisterAsync(TestData.Registration("ACME ENERGY LIMITED", postcode: postcode.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()));
        using (c1)
        using (c2)
        {
            Assert.NotEqual(first.ParticipantId, second.ParticipantId);

            using var op = await app.OperatorAsync();
            var queue = await (await op.GetAsync("/api/v1/duplicate-cases?kind=participant&status=open&limit=200")).Read<Page<DuplicateCaseResponse>>();
            var flagged = Assert.Single(queue.Items, c => c.SubjectId == second.ParticipantId);
            Assert.Equal(first.ParticipantId, flagged.CandidateId);
            Assert.Equal(1.0, flagged.Evidence["legalName"]);
            Assert.Equal(1.0, flagged.Evidence["registeredAddress.postcode"]);

            // The parties see the case; an unrelated participant does not.
            var mine = await (await c1.GetAsync("/api/v1/duplicate-cases?kind=participant")).Read<Page<DuplicateCaseResponse>>();
            Assert.Contains(mine.Items, c => c.CaseId == flagged.CaseId);
            var (_, stranger) = await app.RegisterAsync();
            using (stranger)
            {
                var theirs = await (await stranger.GetAsync("/api/v1/duplicate-cases?kind=participant")).Read<Page<DuplicateCaseResponse>>();
                Assert.DoesNotContain(theirs.Items, c => c.CaseId == flagged.CaseId);
                using var hidden = await stranger.GetAsync($"/api/v1/duplicate-cases/{flagged.CaseId}");
                await hidden.ReadProblem(HttpStatusCode.NotFound, "duplicate_case.not_found");
            }
        }
    }

    [Fact]
    public async Task BUC4_Step2_DifferentNameAtTheSamePostcode_IsNotFlagged()
    {
        var postcode = TestData.Postcode();
        var (first, c1) = await app.RegisterAsync(TestData.Registration("Northern Heat Pumps Ltd", postcode: postcode));
        var (second, c2) = await app.RegisterAsync(TestData.Registration("Southern Battery Storage Ltd", postcode: postcode));
        c1.Dispose();
        c2.Dispose();
        using var op = await app.OperatorAsync();
        var queue = await (await op.GetAsync("/api/v1/duplicate-cases?kind=participant&limit=200")).Read<Page<DuplicateCaseResponse>>();
        Assert.DoesNotContain(queue.Items, c => c.SubjectId == second.ParticipantId || c.CandidateId == second.ParticipantId);
        Assert.DoesNotContain(queue.Items, c => c.SubjectId == first.ParticipantId);
    }

    [Fact]
    public async Task BUC4_Step2_OperatorMergesANearDuplicate_TheMergedIdResolvesToTheSurvivor()
    {
        var postcode = TestData.Postcode();
        var (survivor, c1) = await app.RegisterActiveAsync(TestData.Registration("Bright Flex Ltd", postcode: postcode));
        var (duplicate, c2) = await app.RegisterAsync(TestData.Registration("BRIGHT FLEX LIMITED", postcode: postcode));
        c1.Dispose();
        using var op = await app.OperatorAsync();
        var queue = await (await op.GetAsync("/api/v1/duplicate-cases?kind=participant&status=open&limit=200")).Read<Page<DuplicateCaseResponse>>();
        var flagged = Assert.Single(queue.Items, c => c.SubjectId == duplicate.ParticipantId);

        var merged = await (await op.PostAsJsonAsync($"/api/v1/duplicate-cases/{flagged.CaseId}/merge",
            new MergeDuplicateRequest { SurvivorId = survivor.ParticipantId, Reason = "Same company, registered twice" })).Read<DuplicateCaseResponse>();
        Assert.Equal("merged", merged.Status);
        Assert.Equal(survivor.ParticipantId, merged.SurvivorId);

        var old = await (await op.GetAsync($"/api/v1/participants/{duplicate.ParticipantId}")).Read<ParticipantResponse>();
        Assert.Equal("merged", old.Status);
        Assert.Equal(survivor.ParticipantId, old.MergedInto);
        Assert.Contains(old.History!, h => h.To == "merged" && h.Actor == "client:registry-operator");

        // Tokens issued for the merged ID stop working (their participant claim is stale) …
        await Task.Delay(FlexRegistry.Auth.LiveTokenCheck.CacheFor + TimeSpan.FromMilliseconds(300));
        using (c2)
        {
            using var stale = await c2.GetAsync($"/api/v1/participants/{survivor.ParticipantId}");
            await stale.ReadProblem(HttpStatusCode.Unauthorized, "auth.token_revoked");
        }

        // … and the duplicate's client carries on with a new token, now acting for the survivor.
        using var carriedOn = await app.AuthenticatedAsync(duplicate.ApiClient.ClientId, duplicate.ApiClient.ClientSecret!);
        var viewed = await (await carriedOn.GetAsync($"/api/v1/participants/{survivor.ParticipantId}")).Read<ParticipantResponse>();
        Assert.NotNull(viewed.ContactEmail);

        // A second decision on the same case is refused.
        using var again = await op.PostAsJsonAsync($"/api/v1/duplicate-cases/{flagged.CaseId}/dismiss", new DismissDuplicateRequest { Reason = "again" });
        await again.ReadProblem(HttpStatusCode.Conflict, "duplicate_case.already_resolved");
    }

    [Fact]
    public async Task BUC4_Step2_OperatorDismissesAFlag_BothParticipantsStay()
    {
        var postcode = TestData.Postcode();
        var (first, c1) = await app.RegisterAsync(TestData.Registration("Harbour Energy Services Ltd", postcode: postcode));
        var (second, c2) = await app.RegisterAsync(TestData.Registration("Harbour Energy Services Limited", postcode: postcode));
        using var op = await app.OperatorAsync();
        var queue = await (await op.GetAsync("/api/v1/duplicate-cases?kind=participant&status=open&limit=200")).Read<Page<DuplicateCaseResponse>>();
        var flagged = Assert.Single(queue.Items, c => c.SubjectId == second.ParticipantId);

        // Parties cannot decide participant cases; the registry operator does.
        using var byParty = await c1.PostAsJsonAsync($"/api/v1/duplicate-cases/{flagged.CaseId}/dismiss", new DismissDuplicateRequest { Reason = "not us" });
        Assert.Equal(HttpStatusCode.Forbidden, byParty.StatusCode);

        var dismissed = await (await op.PostAsJsonAsync($"/api/v1/duplicate-cases/{flagged.CaseId}/dismiss",
            new DismissDuplicateRequest { Reason = "Two companies in the same building" })).Read<DuplicateCaseResponse>();
        Assert.Equal("dismissed", dismissed.Status);
        var stillThere = await (await c2.GetAsync($"/api/v1/participants/{second.ParticipantId}")).Read<ParticipantResponse>();
        Assert.Equal("provisional", stillThere.Status);
        c1.Dispose();
        c2.Dispose();
        Assert.NotEqual(first.ParticipantId, second.ParticipantId);
    }

    [Fact]
    public async Task BUC4_Step2_ARejectedRegistrationReleasesItsKeys()
    {
        var request = TestData.Registration();
        var (rejected, c1) = await app.RegisterAsync(request);
        c1.Dispose();
        using var op = await app.OperatorAsync();
        var reject = await op.ActOnParticipantAsync(rejected.ParticipantId, "reject", "Documents did not match");
        Assert.Equal("rejected", reject.Status);

        var (again, c2) = await app.RegisterAsync(request);
        c2.Dispose();
        Assert.NotEqual(rejected.ParticipantId, again.ParticipantId);
    }

    [Fact]
    public async Task BUC4_Step2_ParticipantIdsAreNotSequentialAndCarryACheckCharacter()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (registration, client) = await app.RegisterAsync();
            client.Dispose();
            ids.Add(registration.ParticipantId);
        }
        Assert.All(ids, id => Assert.Matches("^FRP-[0-9A-HJKMNP-TV-Z]{12}[0-9A-Z]$", id));
        Assert.Equal(3, ids.Distinct().Count());
        // Consecutive registrations share no common prefix beyond the type: nothing to guess from.
        Assert.DoesNotContain(ids.Zip(ids.Skip(1)), p => p.First[..8] == p.Second[..8]);

        using var op = await app.OperatorAsync();
        var typo = ids[0][..^1] + (ids[0][^1] == 'A' ? 'B' : 'A');
        using var wrongCheck = await op.GetAsync($"/api/v1/participants/{typo}");
        await wrongCheck.ReadProblem(HttpStatusCode.BadRequest, "participant.id_invalid");
        using var malformed = await op.GetAsync("/api/v1/participants/not-an-id");
        await malformed.ReadProblem(HttpStatusCode.BadRequest, "participant.id_invalid");
        using var unknown = await op.GetAsync($"/api/v1/participants/{ParticipantId.New()}");
        await unknown.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
        var lower = await (await op.GetAsync($"/api/v1/participants/{ids[0].ToLowerInvariant()}")).Read<ParticipantResponse>();
        Assert.Equal(ids[0], lower.ParticipantId);
    }

    internal static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> until, int seconds = 20)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (until(value) || clock.Elapsed.TotalSeconds > seconds)
                return value;
            await Task.Delay(100);
        }
    }
}

public sealed class RegistrationTests_Sqlite(SqliteApp app) : RegistrationTests(app), IClassFixture<SqliteApp>;

public sealed class RegistrationTests_Postgres(PostgresApp app) : RegistrationTests(app), IClassFixture<PostgresApp>;
