using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Participants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Audit;

/// <summary>
/// The verifiable audit log: every write and every read of commercial information is recorded in the same transaction
/// (fail closed), joins an RFC 9162 Merkle tree under signed tree heads, and is verifiable by the registry operator.
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
    public async Task ConcurrentWrites_AllJoinTheLog_WithGaplessLeavesUnderSignedTreeHeads()
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
        // Every write is in the log as soon as it can be read: three records per participant's puts, leaves without gaps.
        foreach (var p in participants)
        {
            using var list = await p.Client.GetAsync($"/api/v1/audit?resource={p.Registration.ParticipantId}&limit=500");
            var records = (await list.Read<Page<AuditRecordResponse>>()).Items;
            Assert.Equal(3, records.Count(r => r.Action == "commercial_information.put"));
            p.Client.Dispose();
        }
        var result = await AssertValidAsync();
        Assert.True(result.Records >= 6 * 5, $"expected at least 30 records, got {result.Records}");
        Assert.True(result.TreeHeads >= 1, "no signed tree head");
    }

    [Fact]
    public async Task Verify_DetectsEditedDeletedReorderedAndTruncatedRecords_AndForgedTreeHeads()
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
        var k = mine[3].LeafIndex;
        Assert.True(k < before.Records - 1);
        var recordAtK = $"(SELECT \"RecordPosition\" FROM audit_leaves WHERE \"LeafIndex\" = {k})";

        string[] tables = ["audit_records", "audit_leaves", "audit_tree_nodes", "audit_tree_heads"];
        foreach (var table in tables)
            await app.ExecuteSqlAsync($"CREATE TABLE {table}_backup AS SELECT * FROM {table}");
        try
        {
            // Edited: one field of one record.
            await app.ExecuteSqlAsync($"UPDATE audit_records SET \"Action\" = 'commercial_information.put', \"Fields\" = 'tradingNames' WHERE \"Position\" = {recordAtK}");
            await AssertBrokenAsync(k, "changed");
            await RestoreAsync();

            // Edited: who acted.
            await app.ExecuteSqlAsync($"UPDATE audit_records SET \"ActorClientId\" = 'someone-else' WHERE \"Position\" = {recordAtK}");
            await AssertBrokenAsync(k, "changed");
            await RestoreAsync();

            // Edited, and the stored leaf hash recomputed to match: the signed tree heads still know the old tree.
            await app.ExecuteSqlAsync($"UPDATE audit_records SET \"ActorClientId\" = 'someone-else' WHERE \"Position\" = {recordAtK}");
            await RewriteLeafHashAsync(k);
            var rewritten = await VerifyAsync();
            Assert.False(rewritten.Valid, "a rewritten leaf went undetected");
            Assert.Contains("signed tree head", rewritten.Reason, StringComparison.Ordinal);
            Assert.True(rewritten.FirstBrokenLeafIndex <= k);
            await RestoreAsync();

            // Deleted.
            await app.ExecuteSqlAsync($"DELETE FROM audit_records WHERE \"Position\" = {recordAtK}");
            await AssertBrokenAsync(k, "missing");
            await RestoreAsync();

            // Reordered: two neighbouring records swap places in the log.
            await app.ExecuteSqlAsync($"UPDATE audit_leaves SET \"RecordPosition\" = -1 WHERE \"LeafIndex\" = {k}");
            await app.ExecuteSqlAsync($"UPDATE audit_leaves SET \"RecordPosition\" = (SELECT \"RecordPosition\" FROM audit_leaves_backup WHERE \"LeafIndex\" = {k}) WHERE \"LeafIndex\" = {k + 1}");
            await app.ExecuteSqlAsync($"UPDATE audit_leaves SET \"RecordPosition\" = (SELECT \"RecordPosition\" FROM audit_leaves_backup WHERE \"LeafIndex\" = {k + 1}) WHERE \"LeafIndex\" = {k}");
            await AssertBrokenAsync(k, "moved");
            await RestoreAsync();

            // Truncated: the tail cut off from leaf k on (records, leaves and hashes); the signed tree heads still cover it.
            await app.ExecuteSqlAsync($"DELETE FROM audit_records WHERE \"Position\" IN (SELECT \"RecordPosition\" FROM audit_leaves WHERE \"LeafIndex\" >= {k})");
            await app.ExecuteSqlAsync($"DELETE FROM audit_leaves WHERE \"LeafIndex\" >= {k}");
            await app.ExecuteSqlAsync($"DELETE FROM audit_tree_nodes WHERE \"Id\" >= {k} AND \"Id\" < {1L << 56}");
            await AssertBrokenAsync(k, "truncated");
            await RestoreAsync();

            // A forged tree head (root replaced) fails its signature.
            var forged = app.Provider == "Postgres" ? $"decode('{new string('a', 64)}', 'hex')" : $"X'{new string('a', 64)}'";
            await app.ExecuteSqlAsync($"UPDATE audit_tree_heads SET \"RootHash\" = {forged} WHERE \"TreeSize\" = (SELECT MAX(\"TreeSize\") FROM audit_tree_heads_backup)");
            var forgedResult = await VerifyAsync();
            Assert.False(forgedResult.Valid, "a forged tree head went undetected");
            Assert.Contains("not validly signed", forgedResult.Reason, StringComparison.Ordinal);
        }
        finally
        {
            await RestoreAsync();
            foreach (var table in tables)
                await app.ExecuteSqlAsync($"DROP TABLE {table}_backup");
        }
        await AssertValidAsync();

        async Task RestoreAsync()
        {
            foreach (var table in tables)
            {
                await app.ExecuteSqlAsync($"DELETE FROM {table}");
                await app.ExecuteSqlAsync($"INSERT INTO {table} SELECT * FROM {table}_backup");
            }
        }
    }

    /// <summary>What an attacker with write access to the database would do after editing a record: store its new leaf hash.</summary>
    private async Task RewriteLeafHashAsync(long leafIndex)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var position = await db.AuditLeaves.Where(l => l.LeafIndex == leafIndex).Select(l => l.RecordPosition).SingleAsync();
        var record = await db.AuditRecords.AsNoTracking().SingleAsync(r => r.Position == position);
        var hash = record.LeafHash();
        await db.AuditTreeNodes.Where(n => n.Id == leafIndex).ExecuteUpdateAsync(n => n.SetProperty(x => x.Hash, hash));
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

    private async Task<AuditVerificationResponse> VerifyAsync()
    {
        using var op = await app.OperatorAsync();
        using var response = await op.PostAsync("/api/v1/audit/verify", null);
        return await response.Read<AuditVerificationResponse>();
    }

    private async Task<AuditVerificationResponse> AssertValidAsync()
    {
        var result = await VerifyAsync();
        Assert.True(result.Valid, $"log broken at {result.FirstBrokenLeafIndex}: {result.Reason}");
        Assert.Null(result.FirstBrokenLeafIndex);
        return result;
    }

    private async Task AssertBrokenAsync(long at, string reasonContains)
    {
        var result = await VerifyAsync();
        Assert.False(result.Valid, "tampering went undetected");
        Assert.Equal(at, result.FirstBrokenLeafIndex);
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
