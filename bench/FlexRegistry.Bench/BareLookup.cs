using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace FlexRegistry.Bench;

/// <summary>
/// The floor of a market operator's logged lookup by ID (bench only, issue 16): <c>GET /bare/lookup/{id}</c> does the
/// database work every correct lookup must do, and nothing else, in the fewest round trips the database allows. First
/// one batch of reads: the asset row, the grants the reader holds, the asset's active parties and its current
/// operators (the visibility rule needs all three). Then one batch of writes, which PostgreSQL runs as one implicit
/// transaction, committed before the answer (fail closed): the access-log entry, its record and its subjects, and its
/// audit record (into empty copies of <c>access_log_entries</c>, <c>access_log_records</c>, <c>access_log_subjects</c>
/// and <c>audit_records</c>, so the register's sequencers and access log do not see them). Raw prepared ADO.NET, no
/// authentication, no purpose check, no EF Core, no group commit. <c>GET /bare/lookup-reads/{id}</c> is the read batch
/// alone: no lookup that applies the rule can be cheaper, logged or not. Each one's saturation divided by the bare
/// one-row GET's (<c>GET /bare/assets/by-id/{id}</c>) bounds what any design can reach against the 0.5 × goal.
/// </summary>
internal static class BareLookup
{
    private const string Reader = "FRP-BENCHREADER00";

    public static async Task MapPostgresAsync(WebApplication app, NpgsqlDataSource source)
    {
        await using (var setup = source.CreateCommand(
            "DROP TABLE IF EXISTS bench_access_log_entries, bench_access_log_records, bench_access_log_subjects; " +
            "CREATE TABLE bench_access_log_entries (LIKE access_log_entries INCLUDING ALL); " +
            "CREATE TABLE bench_access_log_records (LIKE access_log_records INCLUDING ALL); " +
            "CREATE TABLE bench_access_log_subjects (LIKE access_log_subjects INCLUDING ALL); " +
            "CREATE TABLE IF NOT EXISTS bench_audit (LIKE audit_records INCLUDING ALL)"))
            await setup.ExecuteNonQueryAsync();
        app.MapGet("/bare/lookup-reads/{id}", async (string id, CancellationToken ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct);
            var read = await ReadAsync(connection, id, ct);
            return read is null ? Results.NotFound() : Results.Ok(read.Value.Row);
        });
        app.MapGet("/bare/lookup/{id}", async (string id, CancellationToken ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct);
            if (await ReadAsync(connection, id, ct) is not { } read)
                return Results.NotFound();
            var now = TimeProvider.System.GetUtcNow();
            const string groups = "identity,technical,coarse-location";
            var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{now:O}|{Reader}|{id}|{groups}")));
            await using var writes = new NpgsqlBatch(connection);
            // The entry's ID comes from the database and the record and subjects refer to it: one statement each, through
            // a CTE, so the whole log write is still one round trip.
            writes.BatchCommands.Add(BareRegister.Command(
                "WITH e AS (INSERT INTO bench_access_log_entries (\"At\", \"ReaderId\", \"ReaderActor\", \"Purpose\", \"Action\", \"Resource\", \"FieldGroups\", \"Records\", \"Digest\") " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) RETURNING \"Id\"), " +
                "r AS (INSERT INTO bench_access_log_records (\"AssetId\", \"EntryId\", \"Groups\") SELECT $9, \"Id\", 7 FROM e) " +
                "INSERT INTO bench_access_log_subjects (\"ParticipantId\", \"EntryId\", \"Records\") SELECT p, \"Id\", 1 FROM e, unnest($10::text[]) AS p",
                [now, Reader, "client:bench", "procurement", "asset.read", "asset", groups, digest, id, read.Parties]));
            writes.BatchCommands.Add(BareRegister.Command($"INSERT INTO bench_audit ({BareRegister.AuditColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                ["access.asset.read", "bench-client", Reader, groups, now, "succeeded", id, "asset", read.Parties[0]]));
            await writes.ExecuteNonQueryAsync(ct);
            return Results.Ok(read.Row);
        });
    }

    /// <summary>The read batch: the asset row, and its parties and operators (the access log's subjects).</summary>
    private static async Task<(Dictionary<string, object?> Row, string[] Parties)?> ReadAsync(NpgsqlConnection connection, string id, CancellationToken ct)
    {
        var now = TimeProvider.System.GetUtcNow();
        await using var reads = new NpgsqlBatch(connection);
        reads.BatchCommands.Add(BareRegister.Command("SELECT * FROM assets WHERE \"Id\" = $1", [id]));
        reads.BatchCommands.Add(BareRegister.Command(
            "SELECT \"Id\", \"GrantorId\", \"Part\", \"Purpose\", \"NamedAssets\" FROM data_sharing_grants " +
            "WHERE \"Grantee\" = ANY($1) AND \"EndedAt\" IS NULL AND \"ExpiresAt\" > $2 AND \"GrantorId\" <> $3",
            [new[] { Reader, "role:system-operator" }, now, Reader]));
        reads.BatchCommands.Add(BareRegister.Command("SELECT \"ParticipantId\", \"Role\" FROM asset_parties WHERE \"AssetId\" = $1 AND \"Status\" = 'Active'", [id]));
        reads.BatchCommands.Add(BareRegister.Command("SELECT DISTINCT \"OperatorId\" FROM operator_claims WHERE \"AssetId\" = $1 AND \"From\" <= $2 AND (\"To\" IS NULL OR \"To\" > $2)", [id, now]));
        await using var reader = await reads.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        // The row as the bare one-row GET answers it.
        var row = new Dictionary<string, object?>(reader.FieldCount);
        for (var i = 0; i < reader.FieldCount; i++)
            row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        var parties = new List<string> { row["RegistrantId"] as string ?? "" };
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
        }
        while (await reader.NextResultAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetString(0) is var party && !parties.Contains(party))
                    parties.Add(party);
            }
        }
        return (row, [.. parties]);
    }
}
