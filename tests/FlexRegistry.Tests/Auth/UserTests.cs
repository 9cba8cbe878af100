using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Auth;

/// <summary>
/// BUC.4 step 4 (users): the organisation invites people with a subset of its permissions; they sign in at an external
/// OpenID provider (a local fake speaking the real discovery/JWKS protocol) whose identity is bound on acceptance.
/// </summary>
public abstract class UserTests(RegistryApp app, FakeOidcIssuer idp)
{
    private static string Sub() => "idp-" + Guid.NewGuid().ToString("N");

    private HttpClient WithToken(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<InviteUserResponse> InviteAsync(HttpClient admin, string participantId, string email, params string[] permissions)
    {
        using var response = await admin.PostAsJsonAsync($"/api/v1/participants/{participantId}/users",
            new InviteUserRequest { Email = email, Name = "Sam Operator", Permissions = permissions });
        return await response.Read<InviteUserResponse>(HttpStatusCode.Created);
    }

    /// <summary>Invites and accepts: returns the user and an HTTP client carrying the user's external token.</summary>
    private async Task<(InviteUserResponse User, HttpClient Client, string Subject)> UserAsync(HttpClient admin, string participantId, params string[] permissions)
    {
        var email = $"sam.{Guid.NewGuid():N}@flex.example";
        var invited = await InviteAsync(admin, participantId, email, permissions);
        var subject = Sub();
        var client = WithToken(idp.Token(subject, email));
        using var accepted = await client.PostAsJsonAsync("/api/v1/invitations/accept", new AcceptInvitationRequest { Token = invited.InvitationToken });
        Assert.Equal("active", (await accepted.Read<UserResponse>()).Status);
        return (invited, client, subject);
    }

    [Fact]
    public async Task BUC4_Step4_InvitedUser_WithAssetsRead_CanReadAssetsButNotWrite()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var id = registration.ParticipantId;
            var (user, client, _) = await UserAsync(admin, id, "assets:read");
            using (client)
            {
                using var read = await client.GetAsync("/api/v1/assets");
                await read.ShouldHave(HttpStatusCode.OK);
                using var write = await client.PostAsJsonAsync("/api/v1/assets", TestData.Chargepoint());
                Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
                using var manage = await client.GetAsync($"/api/v1/participants/{id}/users");
                Assert.Equal(HttpStatusCode.Forbidden, manage.StatusCode);
            }

            var list = await (await admin.GetAsync($"/api/v1/participants/{id}/users")).Read<Page<UserResponse>>();
            var listed = Assert.Single(list.Items);
            Assert.Equal(user.UserId, listed.UserId);
            Assert.Equal("active", listed.Status);
            Assert.Equal(["assets:read"], listed.Permissions);
            Assert.Equal(idp.Issuer, listed.IdentityIssuer);
        }
    }

    [Fact]
    public async Task BUC4_Step4_UserWithUsersManage_InvitesFurtherUsers_AndChangedPermissionsApplyAtOnce()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var id = registration.ParticipantId;
            var (_, manager, _) = await UserAsync(admin, id, "users:manage");
            using (manager)
            {
                var (second, secondClient, _) = await UserAsync(manager, id, "participants:read");
                using (secondClient)
                {
                    using var before = await secondClient.GetAsync("/api/v1/assets");
                    Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
                    using var changed = await manager.PutAsJsonAsync($"/api/v1/participants/{id}/users/{second.UserId}/permissions",
                        new ChangeUserPermissionsRequest { Permissions = ["assets:read", "participants:read"] });
                    Assert.Equal(["assets:read", "participants:read"], (await changed.Read<UserResponse>()).Permissions);
                    using var after = await secondClient.GetAsync("/api/v1/assets");
                    await after.ShouldHave(HttpStatusCode.OK);
                }

                // The user's actions are audited under the user's ID.
                using var op = await app.OperatorAsync();
                var audit = await (await op.GetAsync($"/api/v1/audit?resource={second.UserId}")).Read<Page<AuditRecordResponse>>();
                Assert.Equal(["user.invite", "user.accept_invitation", "user.change_permissions"], audit.Items.Select(a => a.Action));
            }
        }
    }

    [Fact]
    public async Task BUC4_Step4_Invite_PermissionBeyondRoles_OrOffDomain_IsRefused_AndAllFieldErrorsAtOnce()
    {
        var (registration, admin) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        using (admin)
        {
            var url = $"/api/v1/participants/{registration.ParticipantId}/users";
            using var beyond = await admin.PostAsJsonAsync(url, new InviteUserRequest { Email = "a@flex.example", Name = "A", Permissions = ["assets:read", "assets:write"] });
            await beyond.ReadProblem(HttpStatusCode.UnprocessableEntity, "user.permission_not_allowed");
            using var offDomain = await admin.PostAsJsonAsync(url, new InviteUserRequest { Email = "a@elsewhere.example", Name = "A", Permissions = ["assets:read"] });
            await offDomain.ReadProblem(HttpStatusCode.UnprocessableEntity, "user.email_domain_not_registered");
            using var invalid = await admin.PostAsJsonAsync(url, new InviteUserRequest { Email = "not-an-email", Name = "", Permissions = ["nope"] });
            var problem = await invalid.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Equivalent(new[] { "email", "name", "permissions[0]" }, problem.Errors!.Select(e => e.Field).ToArray());
            var list = await (await admin.GetAsync(url)).Read<Page<UserResponse>>();
            Assert.Empty(list.Items);
        }
    }

    [Fact]
    public async Task BUC4_Step4_Invite_KnownAndUnknownEmail_GetTheSameStatusAndShape()
    {
        var (a, adminA) = await app.RegisterActiveAsync();
        var (b, adminB) = await app.RegisterActiveAsync();
        using (adminA)
        using (adminB)
        {
            var known = $"kim.{Guid.NewGuid():N}@flex.example";
            await InviteAsync(adminA, a.ParticipantId, known, "participants:read");
            using var again = await adminB.PostAsJsonAsync($"/api/v1/participants/{b.ParticipantId}/users",
                new InviteUserRequest { Email = known, Name = "Kim", Permissions = ["participants:read"] });
            using var fresh = await adminB.PostAsJsonAsync($"/api/v1/participants/{b.ParticipantId}/users",
                new InviteUserRequest { Email = $"new.{Guid.NewGuid():N}@flex.example", Name = "Kim", Permissions = ["participants:read"] });
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            Assert.Equal(fresh.StatusCode, again.StatusCode);
            static async Task<string[]> Shape(HttpResponseMessage r)
            {
                using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
                return [.. doc.RootElement.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}")];
            }
            Assert.Equal(await Shape(fresh), await Shape(again));
        }
    }

    [Fact]
    public async Task BUC4_Step4_Invitation_IsOneTime_EmailBound_AndUnknownTokensLookTheSame()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var email = $"lee.{Guid.NewGuid():N}@flex.example";
            var invited = await InviteAsync(admin, registration.ParticipantId, email, "participants:read");

            // Another person holding the token cannot accept it: their provider vouches for another email.
            using var stranger = WithToken(idp.Token(Sub(), "mallory@flex.example"));
            using var stolen = await stranger.PostAsJsonAsync("/api/v1/invitations/accept", new AcceptInvitationRequest { Token = invited.InvitationToken });
            await stolen.ReadProblem(HttpStatusCode.UnprocessableEntity, "invitation.invalid");
            using var unknown = await stranger.PostAsJsonAsync("/api/v1/invitations/accept", new AcceptInvitationRequest { Token = "fri_unknown" });
            await unknown.ReadProblem(HttpStatusCode.UnprocessableEntity, "invitation.invalid");

            using var invitee = WithToken(idp.Token(Sub(), email.ToUpperInvariant()));
            using var first = await invitee.PostAsJsonAsync("/api/v1/invitations/accept", new AcceptInvitationRequest { Token = invited.InvitationToken });
            await first.ShouldHave(HttpStatusCode.OK);
            using var second = await invitee.PostAsJsonAsync("/api/v1/invitations/accept", new AcceptInvitationRequest { Token = invited.InvitationToken });
            await second.ReadProblem(HttpStatusCode.UnprocessableEntity, "invitation.invalid");

            // The register's own client tokens cannot accept invitations: only an external identity can be bound.
            using var ownToken = await admin.PostAsJsonAsync("/api/v1/invitations/accept", new AcceptInvitationRequest { Token = invited.InvitationToken });
            Assert.Equal(HttpStatusCode.Forbidden, ownToken.StatusCode);
        }
    }

    [Fact]
    public async Task BUC4_Step4_ConcurrentAcceptances_OfOneInvitation_ExactlyOneBindsAnIdentity()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var email = $"ray.{Guid.NewGuid():N}@flex.example";
            var invited = await InviteAsync(admin, registration.ParticipantId, email, "participants:read");
            var clients = Enumerable.Range(0, 6).Select(_ => WithToken(idp.Token(Sub(), email))).ToList();
            var responses = await Task.WhenAll(clients.Select(c =>
                c.PostAsJsonAsync("/api/v1/invitations/accept", new AcceptInvitationRequest { Token = invited.InvitationToken })));
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode));
            foreach (var r in responses)
                r.Dispose();
            foreach (var c in clients)
                c.Dispose();
        }
    }

    [Fact]
    public async Task BUC4_Step4_OneIdentity_CannotBeBoundToTwoUsers()
    {
        var (a, adminA) = await app.RegisterActiveAsync();
        var (b, adminB) = await app.RegisterActiveAsync();
        using (adminA)
        using (adminB)
        {
            var email = $"pat.{Guid.NewGuid():N}@flex.example";
            var first = await InviteAsync(adminA, a.ParticipantId, email, "participants:read");
            var second = await InviteAsync(adminB, b.ParticipantId, email, "participants:read");
            using var person = WithToken(idp.Token(Sub(), email));
            using var ok = await person.PostAsJsonAsync("/api/v1/invitations/accept", new AcceptInvitationRequest { Token = first.InvitationToken });
            await ok.ShouldHave(HttpStatusCode.OK);
            using var refused = await person.PostAsJsonAsync("/api/v1/invitations/accept", new AcceptInvitationRequest { Token = second.InvitationToken });
            await refused.ReadProblem(HttpStatusCode.Conflict, "user.identity_already_bound");
        }
    }

    [Fact]
    public async Task ExternalTokens_WrongIssuerAudienceExpiredOrBadSignature_Return401()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var (_, good, subject) = await UserAsync(admin, registration.ParticipantId, "participants:read");
            good.Dispose();
            var url = $"/api/v1/participants/{registration.ParticipantId}";
            using (var ok = WithToken(idp.Token(subject)))
                await (await ok.GetAsync(url)).ShouldHave(HttpStatusCode.OK);

            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            string[] bad =
            [
                idp.Token(subject, issuer: "https://idp.elsewhere.example"),
                idp.Token(subject, audience: "api://another-api"),
                idp.Token(subject, expires: now.AddMinutes(-10)),
                idp.Token(subject, foreignKey: true),
            ];
            foreach (var token in bad)
            {
                using var client = WithToken(token);
                using var response = await client.GetAsync(url);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }
    }

    [Fact]
    public async Task UnmappedIdentity_WithInjectedParticipantRolesAndScopes_HoldsNothing()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        admin.Dispose();
        using var client = WithToken(idp.Token(Sub(), "x@flex.example", extra: new Dictionary<string, object>
        {
            ["participant_id"] = registration.ParticipantId,
            ["role"] = "registry-operator",
            ["scope"] = "participants:read users:manage registry:admin",
            ["oi_scp"] = "users:manage",
        }));
        using var read = await client.GetAsync($"/api/v1/participants/{registration.ParticipantId}");
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        using var users = await client.GetAsync($"/api/v1/participants/{registration.ParticipantId}/users");
        Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
        using var audit = await client.GetAsync("/api/v1/audit");
        Assert.Equal(HttpStatusCode.Forbidden, audit.StatusCode);
    }

    [Fact]
    public async Task BUC4_Step4_SuspendedUser_IsRefusedAtOnce_ReinstatedUserComesBack_RemovedUserForGood()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var id = registration.ParticipantId;
            var (user, client, _) = await UserAsync(admin, id, "participants:read");
            using (client)
            {
                var url = $"/api/v1/participants/{id}";
                await (await client.GetAsync(url)).ShouldHave(HttpStatusCode.OK);
                using var suspended = await admin.PostAsync($"{url}/users/{user.UserId}/suspend", null);
                Assert.Equal("suspended", (await suspended.Read<UserResponse>()).Status);
                using (var refused = await client.GetAsync(url))
                    Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                using var reinstated = await admin.PostAsync($"{url}/users/{user.UserId}/reinstate", null);
                Assert.Equal("active", (await reinstated.Read<UserResponse>()).Status);
                await (await client.GetAsync(url)).ShouldHave(HttpStatusCode.OK);

                using var removed = await admin.DeleteAsync($"{url}/users/{user.UserId}");
                await removed.ShouldHave(HttpStatusCode.NoContent);
                using (var gone = await client.GetAsync(url))
                    Assert.Equal(HttpStatusCode.Forbidden, gone.StatusCode); // the identity is released: it now maps to no one
                var listed = Assert.Single((await (await admin.GetAsync($"{url}/users")).Read<Page<UserResponse>>()).Items);
                Assert.Equal("removed", listed.Status);
                Assert.Equal("", listed.Email); // personal data erased on removal
                using var twice = await admin.DeleteAsync($"{url}/users/{user.UserId}");
                await twice.ReadProblem(HttpStatusCode.Conflict, "user.invalid_status_transition");
            }
        }
    }

    [Fact]
    public async Task BUC4_Step4_ParticipantSuspension_StopsItsUsersAndClientsAtOnce()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        var id = registration.ParticipantId;
        var (_, user, _) = await UserAsync(admin, id, "participants:read");
        using var created = await admin.PostAsJsonAsync($"/api/v1/participants/{id}/clients",
            new CreateApiClientRequest { Name = "Further", Permissions = ["participants:read"] });
        var further = await created.Read<CreateApiClientResponse>(HttpStatusCode.Created);
        using var furtherClient = await app.AuthenticatedAsync(further.ClientId, further.ClientSecret!);
        var url = $"/api/v1/participants/{id}";
        foreach (var c in new[] { admin, user, furtherClient })
            await (await c.GetAsync(url)).ShouldHave(HttpStatusCode.OK);

        using var op = await app.OperatorAsync();
        using var suspended = await op.PostAsJsonAsync($"{url}/suspend", new StatusActionRequest { Reason = "Investigation" });
        await suspended.ShouldHave(HttpStatusCode.OK);

        // Users are looked up on every request; clients' "may act" is cached for LiveTokenCheck.CacheFor at most.
        using (var refused = await user.GetAsync(url))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await Task.Delay(FlexRegistry.Auth.LiveTokenCheck.CacheFor + TimeSpan.FromMilliseconds(200));
        foreach (var c in new[] { admin, furtherClient })
        {
            using var response = await c.GetAsync(url);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        admin.Dispose();
        user.Dispose();
    }

    [Fact]
    public async Task BUC4_Step4_EmailDomains_AuthorisedPersonsDomain_PlusOperatorApproved()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var id = registration.ParticipantId;
            var domains = await (await admin.GetAsync($"/api/v1/participants/{id}/email-domains")).Read<Page<EmailDomainResponse>>();
            Assert.Equal(["flex.example:authorised-person"], domains.Items.Select(d => $"{d.Domain}:{d.Source}"));

            // Only the registry operator approves further domains.
            using var self = await admin.PostAsJsonAsync($"/api/v1/participants/{id}/email-domains", new ApproveEmailDomainRequest { Domain = "flex-group.example" });
            Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
            using var op = await app.OperatorAsync();
            using var approved = await op.PostAsJsonAsync($"/api/v1/participants/{id}/email-domains", new ApproveEmailDomainRequest { Domain = "Flex-Group.example" });
            Assert.Equal("flex-group.example", (await approved.Read<EmailDomainResponse>(HttpStatusCode.Created)).Domain);
            using var again = await op.PostAsJsonAsync($"/api/v1/participants/{id}/email-domains", new ApproveEmailDomainRequest { Domain = "flex-group.example" });
            await again.ReadProblem(HttpStatusCode.Conflict, "email_domain.already_registered");
            await InviteAsync(admin, id, "jo@flex-group.example", "participants:read");

            using var withdrawn = await op.DeleteAsync($"/api/v1/participants/{id}/email-domains/flex-group.example");
            await withdrawn.ShouldHave(HttpStatusCode.NoContent);
            using var refused = await admin.PostAsJsonAsync($"/api/v1/participants/{id}/users",
                new InviteUserRequest { Email = "jo2@flex-group.example", Name = "Jo", Permissions = ["participants:read"] });
            await refused.ReadProblem(HttpStatusCode.UnprocessableEntity, "user.email_domain_not_registered");
        }
    }

    [Fact]
    public async Task BUC4_Step4_RegistryOperator_MapsAnIdentityToAUser()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var id = registration.ParticipantId;
            var invited = await InviteAsync(admin, id, $"max.{Guid.NewGuid():N}@flex.example", "participants:read");
            var subject = Sub();
            // The organisation itself cannot map identities.
            using var self = await admin.PutAsJsonAsync($"/api/v1/participants/{id}/users/{invited.UserId}/identity",
                new MapUserIdentityRequest { Issuer = idp.Issuer, Subject = subject });
            Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
            using var op = await app.OperatorAsync();
            using var untrusted = await op.PutAsJsonAsync($"/api/v1/participants/{id}/users/{invited.UserId}/identity",
                new MapUserIdentityRequest { Issuer = "https://idp.elsewhere.example", Subject = subject });
            await untrusted.ReadProblem(HttpStatusCode.UnprocessableEntity, "user.issuer_not_trusted");
            using var mapped = await op.PutAsJsonAsync($"/api/v1/participants/{id}/users/{invited.UserId}/identity",
                new MapUserIdentityRequest { Issuer = idp.Issuer, Subject = subject });
            Assert.Equal("active", (await mapped.Read<UserResponse>()).Status);
            using var user = WithToken(idp.Token(subject));
            await (await user.GetAsync($"/api/v1/participants/{id}")).ShouldHave(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task AnotherOrganisation_SeesNoUsers_404LikeMissing_AndAuditHoldsNoPersonalData()
    {
        var (a, adminA) = await app.RegisterActiveAsync();
        var (_, adminB) = await app.RegisterActiveAsync();
        using (adminA)
        using (adminB)
        {
            var email = $"secret.person.{Guid.NewGuid():N}@flex.example";
            var invited = await InviteAsync(adminA, a.ParticipantId, email, "participants:read");
            using var list = await adminB.GetAsync($"/api/v1/participants/{a.ParticipantId}/users");
            await list.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            using var suspend = await adminB.PostAsync($"/api/v1/participants/{a.ParticipantId}/users/{invited.UserId}/suspend", null);
            await suspend.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");

            using var op = await app.OperatorAsync();
            using var audit = await op.GetAsync($"/api/v1/audit?resource={invited.UserId}");
            var raw = await audit.Content.ReadAsStringAsync();
            await audit.ShouldHave(HttpStatusCode.OK);
            Assert.Contains("user.invite", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("secret.person", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("Sam Operator", raw, StringComparison.Ordinal);
            using var events = await adminA.GetAsync("/api/v1/events?limit=200");
            var eventsRaw = await events.Content.ReadAsStringAsync();
            Assert.DoesNotContain("secret.person", eventsRaw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AcceptInvitation_ServerOwnedFields_AreRefused_AndTakeNoEffect()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var email = $"eve.{Guid.NewGuid():N}@flex.example";
            var invited = await InviteAsync(admin, registration.ParticipantId, email, "participants:read");
            using var client = WithToken(idp.Token(Sub(), email));
            foreach (var field in new[] { "userId", "status", "permissions", "participantId", "identityIssuer", "subject" })
            {
                var body = new Dictionary<string, object> { ["token"] = invited.InvitationToken, [field] = field == "permissions" ? new[] { "registry:admin" } : "smuggled" };
                using var response = await client.PostAsJsonAsync("/api/v1/invitations/accept", body);
                await response.ReadProblem(HttpStatusCode.BadRequest, "request.malformed_json");
            }
            var listed = Assert.Single((await (await admin.GetAsync($"/api/v1/participants/{registration.ParticipantId}/users")).Read<Page<UserResponse>>()).Items);
            Assert.Equal("invited", listed.Status);
        }
    }
}

public sealed class UserTests_Sqlite(SqliteExternalIssuerApp app) : UserTests(app, app.Idp), IClassFixture<SqliteExternalIssuerApp>;

public sealed class UserTests_Postgres(PostgresExternalIssuerApp app) : UserTests(app, app.Idp), IClassFixture<PostgresExternalIssuerApp>;
