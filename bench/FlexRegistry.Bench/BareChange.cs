using System.Text.Json;
using Npgsql;

namespace FlexRegistry.Bench;

/// <summary>
/// The floor of an asset change (bench only, issue 17): <c>PATCH /bare/change/{id}</c> does the database work every
/// correct PATCH must do, and nothing else, in the fewest round trips the database allows. First one batch of reads:
/// the asset row (to merge the patch into and to validate), the caller's attachments to it (field ownership) and its
/// current operators (field ownership and who hears of the change). Then one batch of writes, which PostgreSQL runs as
/// one implicit transaction: the version-checked UPDATE of the asset, its history row, one event row and one audit record
/// (the last three into empty copies of <c>asset_changes</c>, <c>events</c> and <c>audit_records</c>, so the register's
/// sequencers and history do not see them). Raw prepared ADO.NET, no authentication, no EF Core. Its saturation divided
/// by the bare single-row UPDATE's (<c>PATCH /bare/assets/{id}</c>) is the most any PATCH design that keeps history, event
/// and audit in the change's own transaction can reach against the 0.5 × goal.
/// </summary>
internal static class BareChange
{
    private const string ChangeColumns = "\"AssetId\", \"Version\", \"At\", \"Action\", \"Source\", \"Actor\", \"ActorParticipantId\", \"Roles\", \"ChangesJson\"";

    private static readonly string[] ChangedFields = ["model"];

    public static async Task MapPostgresAsync(WebApplication app, NpgsqlDataSource source)
    {
        await using (var setup = source.CreateCommand(
            "CREATE TABLE IF NOT EXISTS bench_events (LIKE events INCLUDING ALL); " +
            "CREATE TABLE IF NOT EXISTS bench_audit (LIKE audit_records INCLUDING ALL); " +
            "DROP TABLE IF EXISTS bench_changes; CREATE TABLE bench_changes (LIKE asset_changes INCLUDING ALL)"))
            await setup.ExecuteNonQueryAsync();
        app.MapPatch("/bare/change/{id}", async (string id, HttpRequest http, CancellationToken ct) =>
        {
            if (await BareHost.ModelAsync(http, ct) is not { } model)
                return Results.UnprocessableEntity();
            var now = TimeProvider.System.GetUtcNow();
            await using var connection = await source.OpenConnectionAsync(ct);
            string? registrant = null, oldModel = null;
            Guid version = default;
            long number = 0;
            await using (var reads = new NpgsqlBatch(connection))
            {
                reads.BatchCommands.Add(BareRegister.Command("SELECT \"RegistrantId\", \"Model\", \"Version\", \"VersionNumber\" FROM assets WHERE \"Id\" = $1", [id]));
                reads.BatchCommands.Add(BareRegister.Command("SELECT \"Role\" FROM asset_parties WHERE \"AssetId\" = $1 AND \"ParticipantId\" = $2 AND \"Status\" = 'Active'", [id, "FRP-BENCH00000000"]));
                reads.BatchCommands.Add(BareRegister.Command("SELECT DISTINCT \"OperatorId\" FROM operator_claims WHERE \"AssetId\" = $1 AND \"From\" <= $2 AND (\"To\" IS NULL OR \"To\" > $2)", [id, now]));
                await using var reader = await reads.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    registrant = reader.GetString(0);
                    oldModel = reader.IsDBNull(1) ? null : reader.GetString(1);
                    version = reader.GetGuid(2);
                    number = reader.GetInt64(3);
                }
                while (await reader.NextResultAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                    }
                }
            }
            if (registrant is null)
                return Results.NotFound();
            var changes = JsonSerializer.Serialize(new[] { new { field = "model", old = oldModel, @new = model } });
            var eventData = JsonSerializer.Serialize(new { assetId = id, version = number + 1, changes = ChangedFields });
            await using var writes = new NpgsqlBatch(connection);
            writes.BatchCommands.Add(BareRegister.Command(
                "UPDATE assets SET \"Model\" = $1, \"Version\" = $2, \"VersionNumber\" = $3, \"UpdatedAt\" = $4 WHERE \"Id\" = $5 AND \"Version\" = $6",
                [model, Guid.NewGuid(), number + 1, now, id, version]));
            writes.BatchCommands.Add(BareRegister.Command($"INSERT INTO bench_changes ({ChangeColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                [id, number + 1, now, "asset.updated", "party", "client:bench", registrant, "registrant", changes]));
            writes.BatchCommands.Add(BareRegister.Command($"INSERT INTO bench_events ({BareRegister.EventColumns}) VALUES ($1, $2, $3, $4, $5, $6)",
                [Guid.NewGuid(), "asset.updated", id, now, " " + registrant + " ", eventData]));
            writes.BatchCommands.Add(BareRegister.Command($"INSERT INTO bench_audit ({BareRegister.AuditColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                ["asset.update", "bench-client", registrant, "model", now, "succeeded", id, "asset", registrant]));
            try
            {
                await writes.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return Results.StatusCode(StatusCodes.Status412PreconditionFailed);
            }
            return Results.Ok(new { assetId = id });
        });
    }
}
