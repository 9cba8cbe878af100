using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Participants;

/// <summary>Operator actions, visibility between participants, the directory, and the ID as the identity everywhere (step 8).</summary>
public abstract class ParticipantLifecycleTests(RegistryApp app)
{
    [Fact]
    public async Task OperatorActions_FollowTheTransitionTable_AndRecordWhoWhenWhy()
    {
        var (registration, client) = await app.RegisterAsync();
        client.Dispose();
        var id = registration.ParticipantId;
        using var op = await app.OperatorAsync();

        // Reinstating a provisional participant is not a transition in the table.
        using var early = await op.PostAsJsonAsync($"/api/v1/participants/{id}/reinstate", new StatusActionRequest { Reason = "x" });
        var problem = await early.ReadProblem(HttpStatusCode.Conflict, "participant.invalid_status_transition");
        Assert.Contains("provisional", problem.Detail, StringComparison.Ordinal);

        await op.ActOnParticipantAsync(id, "verify", "Companies House record checked by hand");
        await op.ActOnParticipantAsync(id, "suspend", "Unpaid registry fees");
        // A suspended participant's clients cannot obtain tokens.
        await AssertTokenRefused(registration);
        var reinstated = await op.ActOnParticipantAsync(id, "reinstate", "Fees paid");

        Assert.Equal("active", reinstated.Status);
        Assert.Equal(
            ["provisional>active", "active>suspended", "suspended>active"],
            reinstated.History!.Select(h => $"{h.From}>{h.To}"));
        Assert.All(reinstated.History!, h => Assert.Equal("client:registry-operator", h.Actor));
        Assert.Equal("Unpaid registry fees", reinstated.History![1].Reason);

        using var rejectActive = await op.PostAsJsonAsync($"/api/v1/participants/{id}/reject", new StatusActionRequest { Reason = "late" });
        await rejectActive.ReadProblem(HttpStatusCode.Conflict, "participant.invalid_status_transition");
    }

    [Fact]
    public async Task OperatorActions_RequireAReason_AndTheOperatorRole()
    {
        var (registration, client) = await app.RegisterAsync();
        using var op = await app.OperatorAsync();
        using var noReason = await op.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/verify", new StatusActionRequest());
        var problem = await noReason.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Contains(problem.Errors!, e => e.Field == "reason" && e.Code == "field.required");

        // A participant cannot verify itself.
        using var self = await client.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/verify", new StatusActionRequest { Reason = "trust me" });
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        client.Dispose();
    }

    [Fact]
    public async Task Suspension_RevokesTokensAlreadyIssued_WithinSeconds()
    {
        var (registration, client) = await app.RegisterActiveAsync();
        using (client)
        {
            using var before = await client.GetAsync($"/api/v1/participants/{registration.ParticipantId}");
            await before.ShouldHave(HttpStatusCode.OK);

            using var op = await app.OperatorAsync();
            await op.ActOnParticipantAsync(registration.ParticipantId, "suspend", "Investigation");

            var clock = System.Diagnostics.Stopwatch.StartNew();
            HttpStatusCode status;
            do
            {
                using var after = await client.GetAsync($"/api/v1/participants/{registration.ParticipantId}");
                status = after.StatusCode;
                if (status == HttpStatusCode.Unauthorized)
                    await after.ReadProblem(HttpStatusCode.Unauthorized, "auth.token_revoked");
                else
                    await Task.Delay(200);
            }
            while (status != HttpStatusCode.Unauthorized && clock.Elapsed < TimeSpan.FromSeconds(10));
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"revocation took {clock.Elapsed}");

            // Reinstated, the same client works again with a new token.
            await op.ActOnParticipantAsync(registration.ParticipantId, "reinstate", "Cleared");
            using var again = await app.AuthenticatedAsync(registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!);
            using var ok = await again.GetAsync($"/api/v1/participants/{registration.ParticipantId}");
            await ok.ShouldHave(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Deregistration_IsFinal()
    {
        var (registration, client) = await app.RegisterActiveAsync();
        client.Dispose();
        using var op = await app.OperatorAsync();
        var gone = await op.ActOnParticipantAsync(registration.ParticipantId, "deregister", "Ceased trading");
        Assert.Equal("deregistered", gone.Status);
        await AssertTokenRefused(registration);
        using var back = await op.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/reinstate", new StatusActionRequest { Reason = "oops" });
        await back.ReadProblem(HttpStatusCode.Conflict, "participant.invalid_status_transition");
    }

    [Fact]
    public async Task Verify_AppliesOnlyToProvisionalParticipants()
    {
        var (registration, client) = await app.RegisterActiveAsync();
        client.Dispose();
        using var op = await app.OperatorAsync();
        await op.ActOnParticipantAsync(registration.ParticipantId, "suspend", "Checks");
        using var verify = await op.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/verify", new StatusActionRequest { Reason = "shortcut" });
        await verify.ReadProblem(HttpStatusCode.Conflict, "participant.invalid_status_transition");
    }

    [Fact]
    public async Task NarrowedTokens_AreLimitedToTheirScopes()
    {
        var (registration, client) = await app.RegisterAsync();
        client.Dispose();
        using var readOnly = app.Anonymous();
        readOnly.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            await app.TokenAsync(registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!, "participants:read"));
        using var read = await readOnly.GetAsync($"/api/v1/participants/{registration.ParticipantId}");
        await read.ShouldHave(HttpStatusCode.OK);
        using var write = await readOnly.PutAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/commercial-information", CommercialInformationTests.ValidForFsp());
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);

        // The registry operator's powers need the registry:admin scope, not only the role.
        using var narrowOperator = app.Anonymous();
        narrowOperator.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            await app.TokenAsync(FlexRegistry.Auth.ApiClient.BootstrapClientId, RegistryApp.OperatorSecret, "participants:read"));
        using var verify = await narrowOperator.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/verify", new StatusActionRequest { Reason = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, verify.StatusCode);
    }

    [Fact]
    public async Task Rejected_ParticipantCannotObtainTokens()
    {
        var (registration, client) = await app.RegisterAsync();
        client.Dispose();
        using var op = await app.OperatorAsync();
        await op.ActOnParticipantAsync(registration.ParticipantId, "reject", "Not a GB organisation");
        await AssertTokenRefused(registration);
    }

    [Fact]
    public async Task AnotherParticipantsNonPublicRecord_AnswersNotFound_LikeAMissingOne()
    {
        var (provisional, c1) = await app.RegisterAsync();
        var (_, other) = await app.RegisterActiveAsync();
        using (c1)
        using (other)
        {
            using var hidden = await other.GetAsync($"/api/v1/participants/{provisional.ParticipantId}");
            var hiddenProblem = await hidden.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            using var missing = await other.GetAsync($"/api/v1/participants/{FlexRegistry.Participants.ParticipantId.New()}");
            var missingProblem = await missing.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            Assert.Equal(missingProblem.Title, hiddenProblem.Title);

            using var commercial = await other.GetAsync($"/api/v1/participants/{provisional.ParticipantId}/commercial-information");
            await commercial.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
        }
    }

    [Fact]
    public async Task ActiveParticipant_IsVisibleToOthers_WithoutPrivateFields()
    {
        var (target, c1) = await app.RegisterActiveAsync(TestData.Registration() with { VatNumber = TestData.VatNumber() });
        var (_, other) = await app.RegisterAsync();
        using (c1)
        using (other)
        {
            var seen = await (await other.GetAsync($"/api/v1/participants/{target.ParticipantId}")).Read<ParticipantResponse>();
            Assert.Equal("active", seen.Status);
            Assert.Null(seen.ContactEmail);
            Assert.Null(seen.AuthorisedPerson);
            Assert.Null(seen.VatNumber);
            Assert.Null(seen.Verification);
            Assert.Null(seen.History);
            Assert.Equal("1 Station Road", seen.RegisteredAddress!.Line1); // a company's registered office is public record
        }
    }

    [Fact]
    public async Task IndividualsHomeAddress_IsWithheldFromOthers()
    {
        var request = TestData.Registration("Sam Jones") with { CompanyNumber = null, Individual = true };
        var (individual, c1) = await app.RegisterActiveAsync(request);
        var (_, other) = await app.RegisterAsync();
        using (c1)
        using (other)
        {
            var seen = await (await other.GetAsync($"/api/v1/participants/{individual.ParticipantId}")).Read<ParticipantResponse>();
            Assert.True(seen.Individual);
            Assert.Null(seen.RegisteredAddress!.Line1);
            Assert.Equal(request.RegisteredAddress!.Postcode!.Split(' ')[0], seen.RegisteredAddress.Postcode);
            var page = await (await other.GetAsync("/api/v1/participants?query=Sam%20Jones")).Read<Page<DirectoryEntry>>();
            var entry = Assert.Single(page.Items, e => e.ParticipantId == individual.ParticipantId);
            Assert.DoesNotContain("Station Road", JsonSerializer.Serialize(entry), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BUC4_Step5_Directory_FindsActiveParticipantsByNameAndRole_AndPages()
    {
        var tag = "Dirtest" + Guid.NewGuid().ToString("N")[..6];
        var ids = new List<string>();
        foreach (var (name, role) in new[] { ($"{tag} Alpha Ltd", "fsp"), ($"{tag} Beta Ltd", "fsp"), ($"{tag} Gamma Ltd", "market-operator") })
        {
            var (r, c) = await app.RegisterActiveAsync(TestData.Registration(name, roles: role));
            c.Dispose();
            ids.Add(r.ParticipantId);
        }
        var (pending, pc) = await app.RegisterAsync(TestData.Registration($"{tag} Delta Ltd"));
        pc.Dispose();

        using var op = await app.OperatorAsync();
        var (_, reader) = await app.RegisterAsync();
        using (reader)
        {
            var all = await (await reader.GetAsync($"/api/v1/participants?query={tag}")).Read<Page<DirectoryEntry>>();
            Assert.Equal(ids, all.Items.Select(e => e.ParticipantId));
            Assert.DoesNotContain(all.Items, e => e.ParticipantId == pending.ParticipantId); // provisional: not in the public directory

            var operators = await (await reader.GetAsync($"/api/v1/participants?query={tag}&role=market-operator")).Read<Page<DirectoryEntry>>();
            Assert.Equal([ids[2]], operators.Items.Select(e => e.ParticipantId));
            Assert.Equal("Eastern England", operators.Items[0].DnoArea);

            var first = await (await reader.GetAsync($"/api/v1/participants?query={tag}&limit=2")).Read<Page<DirectoryEntry>>();
            Assert.Equal(2, first.Items.Count);
            Assert.NotNull(first.NextCursor);
            var second = await (await reader.GetAsync($"/api/v1/participants?query={tag}&limit=2&cursor={first.NextCursor}")).Read<Page<DirectoryEntry>>();
            Assert.Equal(ids, first.Items.Concat(second.Items).Select(e => e.ParticipantId));
            Assert.Null(second.NextCursor);

            using var badQuery = await reader.GetAsync("/api/v1/participants?role=king&limit=0&cursor=%%%");
            var problem = await badQuery.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Equal(["limit", "role", "cursor"], problem.Errors!.Select(e => e.Field));
        }

        // The registry operator sees provisional registrations too.
        var withPending = await (await op.GetAsync($"/api/v1/participants?query={tag}&status=provisional")).Read<Page<DirectoryEntry>>();
        Assert.Equal([pending.ParticipantId], withPending.Items.Select(e => e.ParticipantId));
    }

    [Fact]
    public async Task BUC4_Step8_TokensCarryTheParticipantIdRolesAndScopes()
    {
        var (registration, client) = await app.RegisterAsync(TestData.Registration(roles: ["aggregator"]));
        client.Dispose();
        var token = await app.TokenAsync(registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!);
        var payload = JsonDocument.Parse(Base64UrlDecode(token.Split('.')[1])).RootElement;

        Assert.Equal(registration.ParticipantId, payload.GetProperty("participant_id").GetString());
        Assert.Equal(registration.ApiClient.ClientId, payload.GetProperty("sub").GetString());
        var role = payload.GetProperty("role");
        Assert.Equal("aggregator", role.ValueKind == JsonValueKind.Array ? role[0].GetString() : role.GetString());
        var scopes = payload.GetProperty("scope").GetString()!.Split(' ');
        Assert.Contains("assets:import", scopes);
        Assert.Contains("commercial:write", scopes);
        Assert.DoesNotContain("registry:admin", scopes);

        // A client can ask for fewer scopes, never more.
        var narrow = await app.TokenAsync(registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!, "participants:read");
        Assert.Equal("participants:read", JsonDocument.Parse(Base64UrlDecode(narrow.Split('.')[1])).RootElement.GetProperty("scope").GetString());
        using var anonymous = app.Anonymous();
        using var wider = await anonymous.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = registration.ApiClient.ClientId,
            ["client_secret"] = registration.ApiClient.ClientSecret!,
            ["scope"] = "registry:admin",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, wider.StatusCode);
        Assert.Contains("invalid_scope", await wider.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BUC4_Step8_TheParticipantIdResolvesForOtherParticipants()
    {
        var (target, c1) = await app.RegisterActiveAsync();
        var (_, other) = await app.RegisterActiveAsync(TestData.Registration(roles: ["market-operator"]));
        using (c1)
        using (other)
        {
            var seen = await (await other.GetAsync($"/api/v1/participants/{target.ParticipantId}")).Read<ParticipantResponse>();
            Assert.Equal(target.ParticipantId, seen.ParticipantId);
        }
    }

    [Fact]
    public async Task WrongClientSecret_IsRefusedAtTheTokenEndpoint()
    {
        var (registration, client) = await app.RegisterAsync();
        client.Dispose();
        using var anonymous = app.Anonymous();
        using var response = await anonymous.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = registration.ApiClient.ClientId,
            ["client_secret"] = "wrong",
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_client", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task AssertTokenRefused(RegisterParticipantResponse registration)
    {
        using var anonymous = app.Anonymous();
        using var response = await anonymous.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = registration.ApiClient.ClientId,
            ["client_secret"] = registration.ApiClient.ClientSecret!,
        }));
        Assert.False(response.IsSuccessStatusCode);
        Assert.Contains("invalid_client", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Base64UrlDecode(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=')));
    }
}

public sealed class ParticipantLifecycleTests_Sqlite(SqliteApp app) : ParticipantLifecycleTests(app), IClassFixture<SqliteApp>;

public sealed class ParticipantLifecycleTests_Postgres(PostgresApp app) : ParticipantLifecycleTests(app), IClassFixture<PostgresApp>;
