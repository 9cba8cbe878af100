using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Participants;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Platform;

/// <summary>
/// Server-owned fields (IDs, status, roles, versions, timestamps, verification results, secrets) smuggled into any
/// write body are refused with 400 and never take effect. The inventory test fails when a new write endpoint is not
/// covered here.
/// </summary>
public abstract class MassAssignmentTests(RegistryApp app)
{
    private static readonly string[] StatusFields = ["status", "from", "to", "actor", "participantId", "history"];

    /// <summary>Every endpoint with a JSON body: a body that is valid on its own, and the server-owned members to add.</summary>
    private static readonly string[] AssetServerOwned =
        ["assetId", "registrantId", "dataStatus", "mergedInto", "dnoArea", "gspGroup", "fastTracked", "provenance", "registeredAt"];

    private static readonly string[] AssetPartyServerOwned =
        ["partyId", "assetId", "status", "initiative", "requestedBy", "requestedAt", "from", "endedAt", "endReason"];

    private static readonly string[] ProductServerOwned = ["productId", "ownerId", "serviceClass", "createdAt", "updatedAt"];

    private static readonly Dictionary<string, (Func<object> Body, string[] ServerOwned)> Writes = new()
    {
        ["POST /api/v1/participants"] = (() => TestData.Registration(),
            ["participantId", "id", "status", "roles", "version", "registeredAt", "updatedAt", "verification", "mergedInto", "apiClient"]),
        ["PUT /api/v1/participants/{id}/commercial-information"] = (CommercialInformationTests.ValidForFsp,
            ["participantId", "updatedAt", "updatedBy", "version", "results"]),
        ["POST /api/v1/participants/{id}/commercial-information/check"] = (CommercialInformationTests.ValidForFsp,
            ["participantId", "valid", "results", "errors"]),
        ["POST /api/v1/participants/{id}/verify"] = (() => new StatusActionRequest { Reason = "test" }, StatusFields),
        ["POST /api/v1/participants/{id}/reject"] = (() => new StatusActionRequest { Reason = "test" }, StatusFields),
        ["POST /api/v1/participants/{id}/suspend"] = (() => new StatusActionRequest { Reason = "test" }, StatusFields),
        ["POST /api/v1/participants/{id}/reinstate"] = (() => new StatusActionRequest { Reason = "test" }, StatusFields),
        ["POST /api/v1/participants/{id}/deregister"] = (() => new StatusActionRequest { Reason = "test" }, StatusFields),
        ["POST /api/v1/participants/{id}/clients"] = (() => new CreateApiClientRequest { Name = "test", Permissions = ["participants:read"] },
            ["clientId", "clientSecret", "status", "participantId", "createdAt", "authentication"]),
        ["PUT /api/v1/participants/{id}/clients/{clientId}/keys"] = (() => new ReplaceApiClientKeysRequest { Jwks = Auth.KeysForMassAssignment.Jwks },
            ["clientId", "status", "participantId", "createdAt", "authentication", "certificate"]),
        ["POST /api/v1/participants/{id}/users"] = (() => new InviteUserRequest { Email = "sam@flex.example", Name = "Sam", Permissions = ["participants:read"] },
            ["userId", "status", "participantId", "invitationToken", "invitationExpiresAt", "identityIssuer", "createdAt"]),
        ["PUT /api/v1/participants/{id}/users/{userId}/permissions"] = (() => new ChangeUserPermissionsRequest { Permissions = ["participants:read"] },
            ["userId", "status", "participantId", "email", "identityIssuer", "updatedAt"]),
        ["PUT /api/v1/participants/{id}/users/{userId}/identity"] = (() => new MapUserIdentityRequest { Issuer = "https://idp.example", Subject = "s" },
            ["userId", "status", "participantId", "email"]),
        ["POST /api/v1/participants/{id}/email-domains"] = (() => new ApproveEmailDomainRequest { Domain = "flex-group.example" },
            ["source", "approvedAt", "participantId"]),
        ["POST /api/v1/duplicate-cases/{id}/merge"] = (() => new MergeDuplicateRequest { Reason = "test" },
            ["status", "resolvedBy", "resolvedAt", "resolution", "score", "mergedAwayId"]),
        ["POST /api/v1/duplicate-cases/{id}/dismiss"] = (() => new DismissDuplicateRequest { Reason = "test" },
            ["status", "resolvedBy", "resolvedAt", "resolution", "score"]),
        ["POST /api/v1/subscriptions"] = (() => new CreateSubscriptionRequest { Url = "https://receiver.example/hooks", Types = ["flexregistry.participant.updated"] },
            ["id", "secret", "participantId", "active", "cursor", "createdAt", "disabledReason"]),
        ["PATCH /api/v1/subscriptions/{id}"] = (() => new UpdateSubscriptionRequest { Active = true },
            ["id", "secret", "participantId", "url", "cursor", "createdAt"]),
        ["POST /api/v1/subscriptions/{id}/replay"] = (() => new ReplayRequest { FromSequence = 1 },
            ["id", "cursor", "participantId"]),
        ["POST /api/v1/participants/{id}/market-interests"] = (() => new ExpressInterestRequest { MarketOperatorId = "FRP-SMUGGLED" },
            ["interestId", "participantId", "status", "expressedAt", "withdrawnAt"]),
        ["POST /api/v1/participants/{id}/data-sharing-grants"] = (() => new GiveGrantRequest { GranteeRole = "market-operator", Part = "commercial-information", Purpose = "onboarding" },
            ["grantId", "grantorId", "status", "grantedAt", "endedAt", "endReason"]),
        ["POST /api/v1/participants/{id}/data-sharing-grants/{grantId}/revoke"] = (() => new RevokeGrantRequest { Reason = "test" },
            ["grantId", "grantorId", "status", "endedAt"]),
        ["PUT /api/v1/participants/{id}/access-notifications"] = (() => new AccessNotificationsRequest { AllAssets = true },
            ["participantId", "updatedAt", "updatedBy"]),
        ["POST /api/v1/signing-keys/rotate"] = (() => new RotateSigningKeyRequest { Immediately = false }, ["keyId", "state", "createdAt", "activatesAt"]),
        ["POST /api/v1/assets"] = (() => TestData.Chargepoint(), AssetServerOwned),
        ["POST /api/v1/assets/check"] = (() => TestData.Chargepoint(), AssetServerOwned),
        ["POST /api/v1/assets/{id}/parties"] = (() => new AssetPartyRequest { Role = "installer" }, AssetPartyServerOwned),
        ["POST /api/v1/assets/{id}/parties/{partyId}/accept"] = (() => new AcceptAssetPartyRequest(), AssetPartyServerOwned),
        ["POST /api/v1/assets/{id}/parties/{partyId}/decline"] = (() => new AssetPartyDecisionRequest { Reason = "test" }, AssetPartyServerOwned),
        ["POST /api/v1/assets/{id}/parties/{partyId}/end"] = (() => new AssetPartyDecisionRequest { Reason = "test" }, AssetPartyServerOwned),
        ["POST /api/v1/assets/{id}/change-owner"] = (() => new ChangeOwnerRequest { Reason = "test" }, [.. AssetServerOwned, "status", "version"]),
        ["POST /api/v1/assets/{id}/move-meter-point"] = (() => new MoveMeterPointRequest { Mpan = TestData.Mpan() }, [.. AssetServerOwned, "status", "version"]),
        ["POST /api/v1/assets/{id}/upgrade"] = (() => new UpgradeAssetRequest { ImportCapacityKw = 7m }, [.. AssetServerOwned, "status", "version"]),
        ["POST /api/v1/assets/{id}/decommission"] = (() => new DecommissionAssetRequest { Reason = "test" }, [.. AssetServerOwned, "status", "version"]),
        ["POST /api/v1/products"] = (() => Market.MarketTestData.Product("dso-sustain"), ProductServerOwned),
        ["PUT /api/v1/products/{id}"] = (() => Market.MarketTestData.Product("dso-sustain"), ProductServerOwned),
        ["POST /api/v1/products/{id}/eligibility-check"] = (() => new EligibilityCheckRequest { AssetIds = ["FRA-SMUGGLED"] },
            ["productId", "eligible", "notEligible", "assets"]),
        ["POST /api/v1/portfolios/{id}/members"] = (() => new AddPortfolioMembersRequest { Members = [new PortfolioMemberDto { AssetId = "FRA-SMUGGLED" }] },
            ["portfolioId", "membershipId", "changed", "portfolio", "ownerId"]),
        ["POST /api/v1/portfolios/{id}/members/remove"] = (() => new RemovePortfolioMembersRequest { AssetIds = ["FRA-SMUGGLED"] },
            ["portfolioId", "changed", "portfolio"]),
        ["POST /api/v1/operator-claims"] = (() => Market.MarketTestData.Claim("FRA-SMUGGLED", "dso-flexibility", TimeProvider.System.GetUtcNow()),
            ["claimId", "operatorId", "status", "endReason", "createdAt", "replaced"]),
        ["POST /api/v1/operator-claims/{id}/end"] = (() => new EndClaimRequest(), ["claimId", "status", "endReason", "operatorId"]),
        ["POST /api/v1/contracts"] = (() => Market.MarketTestData.Contract("FRA-SMUGGLED", "SMUGGLED"),
            ["contractId", "sellerId", "buyerId", "status", "proposedBy", "proposedAt", "acceptedAt", "warnings"]),
        ["POST /api/v1/contracts/{id}/terminate"] = (() => new TerminateContractRequest(), ["contractId", "status", "endedBy"]),
        ["POST /api/v1/conflicts/{id}/acknowledge"] = (() => new AcknowledgeConflictRequest { Note = "test" }, ["conflictId", "status", "acknowledgedByYou"]),
        ["POST /api/v1/conflicts/{id}/resolve"] = (() => new ResolveConflictRequest { Resolution = "test" }, ["conflictId", "status", "resolvedBy"]),
        ["POST /api/v1/conflicts/detect"] = (() => new DetectConflictsRequest(), ["open", "detected", "cleared", "conflicts"]),
        ["POST /api/v1/markets"] = (() => Onboarding.OnboardingTestData.Market(), ["marketId", "operatorId", "createdAt", "updatedAt"]),
        ["PUT /api/v1/markets/{id}"] = (() => Onboarding.OnboardingTestData.Market(), ["marketId", "operatorId", "createdAt", "updatedAt"]),
        ["POST /api/v1/markets/{id}/onboardings"] = (() => new ApplyToMarketRequest(), ["onboardingId", "marketId", "operatorId", "status", "appliedAt", "requests"]),
        ["POST /api/v1/onboardings/{id}/return"] = (() => new ReasonRequest { Reason = "test" }, ["onboardingId", "status", "onboardedAt"]),
        ["POST /api/v1/onboardings/{id}/requests"] = (() => new RaiseOnboardingRequest { Kind = "agreement", Description = "test" },
            ["requestId", "status", "answer", "document", "returnReason", "raisedAt"]),
        ["POST /api/v1/onboardings/{id}/requests/{requestId}/answer"] = (() => new AnswerOnboardingRequest { Answer = "test" },
            ["requestId", "status", "document", "returnReason"]),
        ["POST /api/v1/onboardings/{id}/requests/{requestId}/return"] = (() => new ReasonRequest { Reason = "test" }, ["requestId", "status", "answer"]),
        ["POST /api/v1/owner-access"] = (() => new OwnerAccessRequest { AssetId = "FRA-SMUGGLED", Mpan = "1", ConsentReference = "c" }, ["token", "expiresAt"]),
        ["POST /api/v1/owner-view/assets/{id}/claims/{claimId}/withdraw-consent"] = (() => new WithdrawConsentRequest { Reason = "test" },
            ["status", "endReason", "claimId"]),
    };

    /// <summary>
    /// Write endpoints whose body is not JSON bound to a record, each covered by its own test here. (The asset-import
    /// upload declares no Accepts metadata, so the inventory cannot see it; it is listed for the record.)
    /// </summary>
    private static readonly Dictionary<string, string> CoveredSeparately = new()
    {
        ["PATCH /api/v1/assets/{id}"] = nameof(AssetMergePatch_ServerOwnedFields_AreRefused_AndTakeNoEffect),
        // Needs a token of an external issuer, which only UserTests' fixture trusts.
        ["POST /api/v1/invitations/accept"] = nameof(Auth.UserTests.AcceptInvitation_ServerOwnedFields_AreRefused_AndTakeNoEffect),
        ["POST /api/v1/asset-imports"] = nameof(AssetImport_ServerOwnedColumnsAndMembers_AreRefused_AndTakeNoEffect),
        // The body is the document's bytes (PDF, PNG, JPEG): nothing to smuggle a member into.
        ["PUT /api/v1/onboardings/{id}/requests/{requestId}/document"] = nameof(Onboarding.OnboardingTests.BUC4_Step7_BadInput_DocumentNotWhatItsTypeSays_Oversized_WrongKind_RequestToAProviderNotInterested_NothingStored),
    };

    [Fact]
    public void EveryWriteEndpointWithABody_IsCovered()
    {
        var withBody = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .ToList();
        Assert.NotEmpty(withBody);
        Assert.All(withBody, key => Assert.True(Writes.ContainsKey(key) || CoveredSeparately.ContainsKey(key), $"{key} takes a body but has no mass-assignment case here"));
    }

    [Fact]
    public async Task ServerOwnedFields_InAnyWriteBody_AreRefused_AndTakeNoEffect()
    {
        var (registered, client) = await app.RegisterActiveAsync();
        client.Dispose();
        var id = registered.ParticipantId;
        using var op = await app.OperatorAsync();
        foreach (var (key, (body, serverOwned)) in Writes)
        {
            var space = key.IndexOf(' ', StringComparison.Ordinal);
            var path = key[(space + 1)..].Replace("{id}", key.Contains("duplicate-cases", StringComparison.Ordinal) || key.Contains("subscriptions", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : id, StringComparison.Ordinal)
                .Replace("{clientId}", "frc_none", StringComparison.Ordinal);
            foreach (var field in serverOwned)
            {
                var json = JsonSerializer.SerializeToNode(body(), body().GetType(), ApiExtensions.Json)!.AsObject();
                json[field] = field == "status" ? "active" : "FRP-SMUGGLED";
                using var request = new HttpRequestMessage(new HttpMethod(key[..space]), path) { Content = JsonContent.Create(json) };
                using var response = await op.SendAsync(request);
                var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "request.malformed_json");
                Assert.Contains(problem.Errors!, e => e.Field.Contains(field, StringComparison.OrdinalIgnoreCase) || e.Field == "$");
            }
        }

        // Nothing happened: still active, no commercial information, no new client, the audit trail untouched by them.
        var participant = await (await op.GetAsync($"/api/v1/participants/{id}")).Read<ParticipantResponse>();
        Assert.Equal("active", participant.Status);
        Assert.Single(participant.History!);
        using var info = await op.GetAsync($"/api/v1/participants/{id}/commercial-information");
        Assert.Equal(HttpStatusCode.NotFound, info.StatusCode);
        var clients = await (await op.GetAsync($"/api/v1/participants/{id}/clients")).Read<Page<ApiClientResponse>>();
        Assert.Single(clients.Items);
        var audit = await (await op.GetAsync($"/api/v1/audit?resource={id}")).Read<Page<AuditRecordResponse>>();
        Assert.Equal(["participant.register", "participant.verify"], audit.Items.Where(r => r.ActorClientId?.StartsWith("system:", StringComparison.Ordinal) != true).Select(r => r.Action));
    }

    [Fact]
    public async Task AssetMergePatch_ServerOwnedFields_AreRefused_AndTakeNoEffect()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            using var created = await fsp.PostAsJsonAsync("/api/v1/assets", TestData.Chargepoint());
            await created.ShouldHave(HttpStatusCode.Created);
            var location = created.Headers.Location!.OriginalString;
            var etag = created.Headers.ETag!.Tag;
            foreach (var field in AssetServerOwned.Append("type"))
            {
                using var patch = new HttpRequestMessage(HttpMethod.Patch, location)
                {
                    Content = new StringContent($"{{\"{field}\": \"smuggled\"}}", System.Text.Encoding.UTF8, "application/merge-patch+json"),
                };
                patch.Headers.TryAddWithoutValidation("If-Match", etag);
                using var response = await fsp.SendAsync(patch);
                var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "asset.field_not_patchable");
                Assert.Contains(problem.Errors!, e => e.Field == field);
            }
            // Nothing changed: the ETag the asset had before still matches.
            using var after = await fsp.GetAsync(location);
            await after.ShouldHave(HttpStatusCode.OK);
            Assert.Equal(etag, after.Headers.ETag!.Tag);
        }
    }

    /// <summary>
    /// A CSV naming a server-owned column is refused whole (400, nothing stored); an NDJSON line carrying a server-owned
    /// member is refused as its own row (invalid, import.row_malformed), and no asset is registered from it.
    /// </summary>
    [Fact]
    public async Task AssetImport_ServerOwnedColumnsAndMembers_AreRefused_AndTakeNoEffect()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var header = string.Join(',', FlexRegistry.Assets.Imports.AssetImportReader.Columns);
            var lines = new List<string>();
            foreach (var field in AssetServerOwned)
            {
                using (var csv = await Assets.AssetImportTests.PostAsync(fsp, header + "," + field + "\n", "text/csv"))
                {
                    var problem = await csv.ReadProblem(HttpStatusCode.BadRequest, "import.columns_invalid");
                    Assert.Contains(problem.Errors!, e => e.Field == field);
                }
                var json = JsonSerializer.SerializeToNode(TestData.Chargepoint(), ApiExtensions.Json)!.AsObject();
                json[field] = "FRP-SMUGGLED";
                lines.Add(json.ToJsonString());
            }
            using var response = await Assets.AssetImportTests.PostAsync(fsp, string.Join("\n", lines), "application/x-ndjson");
            var started = await response.Read<AssetImportStatus>(HttpStatusCode.Accepted);
            var done = await Assets.AssetImportTests.WaitAsync(fsp, started.ImportId);
            Assert.Equal((AssetServerOwned.Length, 0), (done.Invalid, done.Registered));
            var results = await Assets.AssetImportTests.ResultsAsync(fsp, started.ImportId);
            Assert.All(results, r => Assert.Equal("import.row_malformed", Assert.Single(r.Errors!).Code));
        }
    }
}

public sealed class MassAssignmentTests_Sqlite(SqliteApp app) : MassAssignmentTests(app), IClassFixture<SqliteApp>;

public sealed class MassAssignmentTests_Postgres(PostgresApp app) : MassAssignmentTests(app), IClassFixture<PostgresApp>;
