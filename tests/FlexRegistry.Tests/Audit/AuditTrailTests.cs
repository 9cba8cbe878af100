using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Participants;

namespace FlexRegistry.Tests.Audit;

/// <summary>
/// The tamper-evident audit trail: every write and every read of commercial information is recorded in the same
/// transaction (fail closed), chained by hashes, checkpointed with signatures, and verifiable by the registry operator.
/// Tests in one class run one after another, so tampering with the fixture's database is undone before the next.
/// </summary>
public abstract class AuditTrailTests(RegistryApp app)
{
    [Fact]
    public async Task WritesAndCommercialReads_AreRecorded_WithActorAndFieldNames_ButNoPersonalData()
    {
        var registration = TestData.Registration();
        var (registered, client) = await app.RegisterActiveAsync(registration);
        using (client)
        {
            var id = registered.ParticipantId;
            using var put = await client.PutAsJsonAsync($"/api/v1/participants/{id}/commercial-information", CommercialInformationTests.ValidForFsp());
            await put.ShouldHave(HttpStatusCode.OK);
            using var read = await client.GetAsync($"/api/v1/participants/{id}/commercial-information");
            await read.ShouldHave(HttpStatusCode.OK);
            var worker = await Auth.ApiClientTests.CreateAsync(client, id, ["participants:read"]);

            using var list = await client.GetAsync($"/api/v1/audit?limit=500");
            var raw = await list.Content.ReadAsStringAsync();
            var page = await list.Read<Page<AuditRecordResponse>>();
            Assert.Equal(
                ["participant.register", "api_client.create", "participant.verify", "commercial_information.put", "commercial_information.read", "api_client.create"],
                page.Items.Where(r => r.ActorClientId?.StartsWith("system:", StringComparison.Ordinal) != true).Select(r => r.Action));
            // The verification worker's own decision (sending it to review: the fake register does not know the company)
            // is recorded as the register's act, wherever it fell between the participant's actions.
            Assert.All(page.Items.Where(r => r.ActorClientId?.StartsWith("system:", StringComparison.Ordinal) == true),
                r => Assert.StartsWith("participant.verification.", r.Action, StringComparison.Ordinal));
            Assert.All(page.Items, r => Assert.Equal(id, r.SubjectParticipantId));
            Assert.All(page.Items, r => Assert.Equal("success", r.Outcome));
            var byParticipants = page.Items.Where(r => r.ActorClientId?.StartsWith("system:", StringComparison.Ordinal) != true).ToList();
            Assert.Null(byParticipants[0].ActorParticipantId); // anonymous registration
            Assert.Contains("legalName", byParticipants[0].Fields);
            Assert.Equal("registry-operator", byParticipants[2].ActorClientId);
            var commercialRead = byParticipants[4];
            Assert.Equal(registered.ApiClient.ClientId, commercialRead.ActorClientId);
            Assert.Equal(id, commercialRead.ActorParticipantId);
            Assert.Contains("bankDetails", commercialRead.Fields);
            Assert.Equal(worker.ClientId, byParticipants[5].ResourceId);

            // Names, emails, addresses and commercial values never enter the trail.
            foreach (var personal in new[] { registration.LegalName!, registration.AuthorisedPerson!.Email!, registration.AuthorisedPerson.Name!, registration.ContactEmail!, "Chris Sales", "70872490", "Station Road" })
                Assert.DoesNotContain(personal, raw, StringComparison.OrdinalIgnoreCase);

            // Another participant sees none of these records, even asking by resource.
            var (_, other) = await app.RegisterActiveAsync();
            using (other)
            {
                using var theirs = await other.GetAsync($"/api/v1/audit?resource={id}");
                Assert.Empty((await theirs.Read<Page<AuditRecordResponse>>()).Items);
            }
            // The registry operator sees them.
            using var op = await app.OperatorAsync();
            using var all = await op.GetAsync($"/api/v1/audit?resource={id}");
            Assert.Contains((await all.Read<Page<AuditRecordResponse>>()).Items, r => r.Action == "commercial_information.read");
        }
    }

    [Fact]
    public async Task ErasingPersonalData_DoesNotBreakVerification()
    {
        var (registered, client) = await app.RegisterActiveAsync();
        client.Dispose();
        await app.ExecuteSqlAsync($"UPDATE participants SET \"AuthorisedPersonName\" = 'erased', \"AuthorisedPersonEmail\" = 'erased@erased.invalid' WHERE \"Id\" = '{registered.ParticipantId}'");
        await AssertValidAsync();
    }

    [Fact]
    public async Task WhenTheAuditRecordCannotBeWritten_TheActionFails_AndNothingChanges()
    {
        var (registered, client) = await app.RegisterActiveAsync();
        using (client)
        {
            var id = registered.ParticipantId;
            var url = $"/api/v1/participants/{id}/commercial-information";
            using var first = await client.PutAsJsonAsync(url, CommercialInformationTests.ValidForFsp());
            await first.ShouldHave(HttpStatusCode.OK);
            using var op = await app.OperatorAsync();

            await BreakAuditStoreAsync();
            try
            {
                using var put = await client.PutAsJsonAsync(url, CommercialInformationTests.ValidForFsp() with { TradingNames = ["Changed Name"] });
                await put.ReadProblem(HttpStatusCode.InternalServerError, "server.error");
                using var read = await client.GetAsync(url);
                await read.ReadProblem(HttpStatusCode.InternalServerError, "server.error");
                Assert.DoesNotContain("Bright Flex", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                using var create = await client.PostAsJsonAsync($"/api/v1/participants/{id}/clients",
                    new CreateApiClientRequest { Name = "Unlogged", Permissions = ["participants:read"] });
                await create.ReadProblem(HttpStatusCode.InternalServerError, "server.error");
                using var suspend = await op.PostAsJsonAsync($"/api/v1/participants/{id}/suspend", new StatusActionRequest { Reason = "Unlogged" });
                await suspend.ReadProblem(HttpStatusCode.InternalServerError, "server.error");
            }
            finally
            {
                await RepairAuditStoreAsync();
            }

            var stored = await (await client.GetAsync(url)).Read<CommercialInformationResponse>();
            Assert.Equal(["Bright Flex"], stored.Information.TradingNames);
            var participant = await (await client.GetAsync($"/api/v1/participants/{id}")).Read<ParticipantResponse>();
            Assert.Equal("active", participant.Status);
            var clients = await (await client.GetAsync($"/api/v1/participants/{id}/clients")).Read<Page<ApiClientResponse>>();
            Assert.DoesNotContain(clients.Items, c => c.Name == "Unlogged");
            await AssertValidAsync();
        }
    }

    [Fact]
    public async Task ConcurrentWrites_KeepTheChainLinearAndGapless()
    {
        var participants = new List<(RegisterParticipantResponse Registration, HttpClient Client)>();
        for (var i = 0; i < 6; i++)
            participants.Add(await app.RegisterAsync());
        await Task.WhenAll(participants.Select(async p =>
        {
            for (var round = 0; round < 3; round++)
            {
                using var put = await p.Client.PutAsJsonAsync($"/api/v1/participants/{p.Registration.ParticipantId}/commercial-information", CommercialInformationTests.ValidForFsp());
                await put.ShouldHave(HttpStatusCode.OK);
            }
        }));
        foreach (var p in participants)
            p.Client.Dispose();
        var result = await AssertValidAsync();
        Assert.True(result.Records >= 6 * 5, $"expected at least 30 records, got {result.Records}");
        Assert.True(result.Checkpoints >= 6, $"expected checkpoints every 5 records, got {result.Checkpoints}");
    }

    [Fact]
    public async Task Verify_DetectsEditedDeletedReorderedAndTruncatedRecords()
    {
        var (registered, client) = await app.RegisterActiveAsync();
        using (client)
        {
            for (var i = 0; i < 6; i++)
            {
                using var put = await client.PutAsJsonAsync($"/api/v1/participants/{registered.ParticipantId}/commercial-information", CommercialInformationTests.ValidForFsp());
                await put.ShouldHave(HttpStatusCode.OK);
            }
        }
        var before = await AssertValidAsync();
        using var op = await app.OperatorAsync();
        var mine = (await (await op.GetAsync($"/api/v1/audit?resource={registered.ParticipantId}&limit=500")).Read<Page<AuditRecordResponse>>()).Items;
        var k = mine[3].Sequence;
        Assert.True(k < before.Records);

        await app.ExecuteSqlAsync("CREATE TABLE audit_backup AS SELECT * FROM audit_records");
        await app.ExecuteSqlAsync("CREATE TABLE audit_checkpoints_backup AS SELECT * FROM audit_checkpoints");
        try
        {
            // Edited: one field of one record.
            await app.ExecuteSqlAsync($"UPDATE audit_records SET \"Action\" = 'commercial_information.put', \"Fields\" = 'tradingNames' WHERE \"Sequence\" = {k}");
            await AssertBrokenAsync(k, "changed");
            await RestoreAsync();

            // Edited: who acted.
            await app.ExecuteSqlAsync($"UPDATE audit_records SET \"ActorClientId\" = 'someone-else' WHERE \"Sequence\" = {k}");
            await AssertBrokenAsync(k, "changed");
            await RestoreAsync();

            // Deleted.
            await app.ExecuteSqlAsync($"DELETE FROM audit_records WHERE \"Sequence\" = {k}");
            await AssertBrokenAsync(k, "missing");
            await RestoreAsync();

            // Reordered: two neighbours swap places.
            await app.ExecuteSqlAsync($"UPDATE audit_records SET \"Sequence\" = -1 WHERE \"Sequence\" = {k}");
            await app.ExecuteSqlAsync($"UPDATE audit_records SET \"Sequence\" = {k} WHERE \"Sequence\" = {k + 1}");
            await app.ExecuteSqlAsync($"UPDATE audit_records SET \"Sequence\" = {k + 1} WHERE \"Sequence\" = -1");
            await AssertBrokenAsync(k, null);
            await RestoreAsync();

            // Truncated: the tail cut off from the last checkpointed record on; the signed checkpoint still names it.
            var lastCheckpoint = before.Records - (before.Records % 5);
            await app.ExecuteSqlAsync($"DELETE FROM audit_records WHERE \"Sequence\" >= {lastCheckpoint}");
            await AssertBrokenAsync(lastCheckpoint, "truncated");
            await RestoreAsync();

            // A forged checkpoint (head hash replaced) fails its signature.
            await app.ExecuteSqlAsync($"UPDATE audit_checkpoints SET \"HeadHash\" = '{new string('a', 64)}' WHERE \"Sequence\" = {lastCheckpoint}");
            await AssertBrokenAsync(lastCheckpoint, "signed");
        }
        finally
        {
            await RestoreAsync();
            await app.ExecuteSqlAsync("DROP TABLE audit_backup");
            await app.ExecuteSqlAsync("DROP TABLE audit_checkpoints_backup");
        }
        await AssertValidAsync();

        async Task RestoreAsync()
        {
            await app.ExecuteSqlAsync("DELETE FROM audit_records");
            await app.ExecuteSqlAsync("INSERT INTO audit_records SELECT * FROM audit_backup");
            await app.ExecuteSqlAsync("DELETE FROM audit_checkpoints");
            await app.ExecuteSqlAsync("INSERT INTO audit_checkpoints SELECT * FROM audit_checkpoints_backup");
        }
    }

    [Fact]
    public async Task Verify_IsTheRegistryOperatorsOnly()
    {
        var (_, client) = await app.RegisterActiveAsync();
        using (client)
        {
            using var response = await client.PostAsync("/api/v1/audit/verify", null);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    private async Task<AuditVerificationResponse> AssertValidAsync()
    {
        using var op = await app.OperatorAsync();
        using var response = await op.PostAsync("/api/v1/audit/verify", null);
        var result = await response.Read<AuditVerificationResponse>();
        Assert.True(result.Valid, $"chain broken at {result.FirstBrokenSequence}: {result.Reason}");
        Assert.Null(result.FirstBrokenSequence);
        return result;
    }

    private async Task AssertBrokenAsync(long at, string? reasonContains)
    {
        using var op = await app.OperatorAsync();
        using var response = await op.PostAsync("/api/v1/audit/verify", null);
        var result = await response.Read<AuditVerificationResponse>();
        Assert.False(result.Valid, "tampering went undetected");
        Assert.Equal(at, result.FirstBrokenSequence);
        if (reasonContains is not null)
            Assert.Contains(reasonContains, result.Reason, StringComparison.OrdinalIgnoreCase);
    }

    private Task BreakAuditStoreAsync() => app.Provider == "Postgres"
        ? app.ExecuteSqlAsync("""
            CREATE FUNCTION audit_unavailable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$;
            CREATE TRIGGER audit_unavailable BEFORE INSERT ON audit_records FOR EACH ROW EXECUTE FUNCTION audit_unavailable();
            """)
        : app.ExecuteSqlAsync("CREATE TRIGGER audit_unavailable BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END;");

    private Task RepairAuditStoreAsync() => app.Provider == "Postgres"
        ? app.ExecuteSqlAsync("DROP TRIGGER audit_unavailable ON audit_records; DROP FUNCTION audit_unavailable();")
        : app.ExecuteSqlAsync("DROP TRIGGER audit_unavailable");
}

public sealed class AuditTrailTests_Sqlite(SqliteApp app) : AuditTrailTests(app), IClassFixture<SqliteApp>;

public sealed class AuditTrailTests_Postgres(PostgresApp app) : AuditTrailTests(app), IClassFixture<PostgresApp>;
