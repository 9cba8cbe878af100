using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Participants;

namespace FlexRegistry.Tests.Audit;

/// <summary>
/// The audit log's signed tree heads, inclusion proofs and consistency proofs, checked from outside: a participant
/// fetches them from the running register and tests/interop-audit/verify-audit.mjs (Node.js crypto, RFC 9162's
/// verification algorithms, none of our code) verifies them, and refuses tampered copies.
/// </summary>
public abstract class AuditProofTests(RegistryApp app)
{
    [Fact]
    public async Task IndependentVerifier_AcceptsOurTreeHeadsAndProofs_AndRejectsTamperedOnes()
    {
        var (registered, client) = await app.RegisterActiveAsync();
        using (client)
        {
            var id = registered.ParticipantId;
            await PutCommercialInformationAsync(client, id, 2);
            var firstRecords = await OwnRecordsAsync(client, id);
            var firstHead = await client.GetStringAsync("/api/v1/audit/tree-head");
            await PutCommercialInformationAsync(client, id, 3);
            var records = await OwnRecordsAsync(client, id);
            var secondHead = await client.GetStringAsync("/api/v1/audit/tree-head");
            var (first, second) = (Size(firstHead), Size(secondHead));
            Assert.True(second > first, $"the log did not grow: {first} then {second}");

            var inclusions = new JsonArray();
            // Every record of its own against the latest head, and its first records against the older head too.
            foreach (var (record, size) in records.Select(r => (r, (long?)null)).Concat(firstRecords.Select(r => (r, (long?)first))))
            {
                var query = size is null ? "" : $"?treeSize={size}";
                var proof = await client.GetStringAsync($"/api/v1/audit/records/{record["leafIndex"]}/inclusion-proof{query}");
                inclusions.Add(new JsonObject { ["proof"] = JsonNode.Parse(proof), ["record"] = record.DeepClone() });
            }
            var consistency = await client.GetStringAsync($"/api/v1/audit/consistency-proof?first={first}&second={second}");
            using var anonymous = app.Anonymous();
            var input = new JsonObject
            {
                ["jwks"] = JsonNode.Parse(await anonymous.GetStringAsync("/.well-known/jwks")),
                ["heads"] = new JsonArray(JsonNode.Parse(firstHead), JsonNode.Parse(secondHead)),
                ["inclusions"] = inclusions,
                ["consistency"] = JsonNode.Parse(consistency),
            };
            var file = Path.GetTempFileName();
            try
            {
                await File.WriteAllTextAsync(file, input.ToJsonString());
                var (exitCode, output) = await Node.RunInAsync(Node.TestsDirectory("interop-audit"), "verify-audit.mjs", file);
                Assert.True(exitCode == 0, output);
                // Per inclusion: 1 verified, 4 or 5 refused; heads and the consistency proof on top.
                Assert.Contains($"verified {2 + inclusions.Count + 1},", output, StringComparison.Ordinal);
                Assert.Contains("failures 0", output, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task InclusionProof_OfAnotherParticipantsRecord_AnswersAsMissing()
    {
        var (mine, client) = await app.RegisterActiveAsync();
        var (_, other) = await app.RegisterActiveAsync();
        using (client)
        using (other)
        {
            var record = (await OwnRecordsAsync(client, mine.ParticipantId))[0];
            using var theirs = await other.GetAsync($"/api/v1/audit/records/{record["leafIndex"]}/inclusion-proof");
            await theirs.ReadProblem(HttpStatusCode.NotFound, "audit.record_not_found");
            using var missing = await other.GetAsync("/api/v1/audit/records/999999999/inclusion-proof");
            await missing.ReadProblem(HttpStatusCode.NotFound, "audit.record_not_found");
            using var own = await client.GetAsync($"/api/v1/audit/records/{record["leafIndex"]}/inclusion-proof");
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            // The registry operator may prove any record.
            using var op = await app.OperatorAsync();
            using var operators = await op.GetAsync($"/api/v1/audit/records/{record["leafIndex"]}/inclusion-proof");
            Assert.Equal(HttpStatusCode.OK, operators.StatusCode);
        }
    }

    [Fact]
    public async Task Proofs_RefuseSizesOutsideTheSignedTree_WithEveryFieldError()
    {
        var (mine, client) = await app.RegisterActiveAsync();
        using (client)
        {
            var record = (await OwnRecordsAsync(client, mine.ParticipantId))[0];
            var size = Size(await client.GetStringAsync("/api/v1/audit/tree-head"));
            using var beyond = await client.GetAsync($"/api/v1/audit/records/{record["leafIndex"]}/inclusion-proof?treeSize={size + 1000}");
            var problem = await beyond.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Contains(problem.Errors!, e => e.Field == "treeSize");
            using var consistency = await client.GetAsync($"/api/v1/audit/consistency-proof?first=0&second={size + 1000}");
            var both = await consistency.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Equal(["first", "second"], both.Errors!.Select(e => e.Field).Order(StringComparer.Ordinal));
        }
    }

    private static async Task PutCommercialInformationAsync(HttpClient client, string id, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var put = await client.PutAsJsonAsync($"/api/v1/participants/{id}/commercial-information", CommercialInformationTests.ValidForFsp());
            await put.ShouldHave(HttpStatusCode.OK);
        }
    }

    /// <summary>The caller's records as listed (raw JSON, as a verifier outside .NET reads them).</summary>
    private static async Task<List<JsonNode>> OwnRecordsAsync(HttpClient client, string id)
    {
        var page = JsonNode.Parse(await client.GetStringAsync($"/api/v1/audit?resource={id}&limit=500"))!;
        return [.. page["items"]!.AsArray().Select(r => r!)];
    }

    private static long Size(string head) => JsonDocument.Parse(head).RootElement.GetProperty("treeSize").GetInt64();
}

public sealed class AuditProofTests_Sqlite(SqliteApp app) : AuditProofTests(app), IClassFixture<SqliteApp>;

public sealed class AuditProofTests_Postgres(PostgresApp app) : AuditProofTests(app), IClassFixture<PostgresApp>;
