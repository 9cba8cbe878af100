using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Assets.Matching;
using FlexRegistry.Participants;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FlexRegistry.Bench;

/// <summary>
/// The floor of a registration (bench only): <c>POST /bare/register</c> does the database work every correct registration
/// must do, and nothing else — in one transaction, the asset row, one event row and one audit record (into empty copies
/// of <c>assets</c>, <c>events</c> and <c>audit_records</c>, so the register's own sequencers do not see them), the block
/// locks (PostgreSQL) and the blocked-candidates read the near-duplicate check needs, then the commit. The statements are
/// sent as one batch (one round trip, Npgsql's <see cref="NpgsqlBatch"/>) before the commit, with raw prepared ADO.NET:
/// the cheapest way the same work can reach the database. No authentication, no ASP.NET Core pipeline beyond routing, no
/// EF Core. Its saturation divided by the bare write's (<see cref="BareHost"/>) is the most any registration design that
/// keeps these writes in the request's transaction can reach against the issue's goal.
/// </summary>
internal static class BareRegister
{
    private static readonly (BlockKind Kind, string Column)[] BlockColumns =
        [(BlockKind.Mpan, "Mpan"), (BlockKind.Postcode, "Postcode"), (BlockKind.Serial, "SerialKey"), (BlockKind.Address, "AddressKey"), (BlockKind.Geo, "GeoCell")];

    internal const string EventColumns = "\"Id\", \"Type\", \"Subject\", \"Time\", \"Audience\", \"DataJson\"";
    internal const string AuditColumns = "\"Action\", \"ActorClientId\", \"ActorParticipantId\", \"Fields\", \"OccurredAt\", \"Outcome\", \"ResourceId\", \"ResourceType\", \"SubjectParticipantId\"";

    /// <summary>One registration's rows, as the register writes them.</summary>
    private sealed record Work(Asset Asset, Dictionary<string, object?> AssetRow, object?[] Event, object?[] Audit, List<(BlockKind Kind, string Value)> Keys);

    private static readonly ParticipantId Registrant = ParticipantId.New();

    private static Work Prepare(AssetData data, string id, DateTimeOffset now, List<ImportBench.Column> columns)
    {
        var asset = Asset.Register(data, Registrant, now);
        var row = columns.ToDictionary(c => c.Name, c => ImportBench.ColumnValue(c, data, id, now));
        row["SerialKey"] = asset.SerialKey;
        row["AddressKey"] = asset.AddressKey;
        row["GeoCell"] = asset.GeoCell;
        var eventData = JsonSerializer.Serialize(new { assetId = id, type = data.Type.Code, status = "registered", registrantId = "FRP-BENCH00000000" });
        object?[] ev = [Guid.NewGuid(), "asset.registered", id, now, " FRP-BENCH00000000 ", eventData];
        object?[] audit = ["asset.register", "bench-client", "FRP-BENCH00000000", "type,mpan,manufacturer,model,serialNumber,postcode,importCapacityKw",
            now, "succeeded", id, "asset", "FRP-BENCH00000000"];
        return new Work(asset, row, ev, audit, [.. AssetBlocking.Keys(asset)]);
    }

    private static string CandidatesSql(List<(BlockKind Kind, string Value)> keys, Func<int, string> parameter, int first) =>
        string.Join(" UNION ALL ", keys.Select((k, i) =>
            $"SELECT * FROM (SELECT * FROM bench_write WHERE \"{BlockColumns.First(b => b.Kind == k.Kind).Column}\" = {parameter(first + i)} " +
            $"AND \"Id\" <> {parameter(first + keys.Count)} AND \"Status\" <> 'Merged' ORDER BY \"RegisteredAt\" LIMIT {AssetBlocking.MaxPerBlock}) b{i}"));

    public static async Task MapPostgresAsync(WebApplication app, NpgsqlDataSource source, List<ImportBench.Column> columns)
    {
        await using (var setup = source.CreateCommand(
            "DROP TABLE IF EXISTS bench_events; CREATE TABLE bench_events (LIKE events INCLUDING ALL); " +
            "DROP TABLE IF EXISTS bench_audit; CREATE TABLE bench_audit (LIKE audit_records INCLUDING ALL)"))
            await setup.ExecuteNonQueryAsync();
        var insertAsset = $"INSERT INTO bench_write ({ImportBench.ColumnList(columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "$" + (i + 1)))})";
        var insertEvent = $"INSERT INTO bench_events ({EventColumns}) VALUES ($1, $2, $3, $4, $5, $6)";
        var insertAudit = $"INSERT INTO bench_audit ({AuditColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        app.MapPost("/bare/register", async (HttpRequest http, CancellationToken ct) =>
        {
            if (await BareHost.ReadAsync(http, ct) is not { } body)
                return Results.UnprocessableEntity();
            var work = Prepare(body.Data, body.Id, body.Now, columns);
            await using var connection = await source.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(Command(insertAsset, columns.Select(c => work.AssetRow[c.Name])));
            batch.BatchCommands.Add(Command(insertEvent, work.Event));
            batch.BatchCommands.Add(Command(insertAudit, work.Audit));
            if (work.Keys.Count > 0 && Matching(http))
            {
                var names = work.Keys.Select(k => $"asset-{k.Kind}:{k.Value}").Distinct().Order(StringComparer.Ordinal).ToArray();
                batch.BatchCommands.Add(Command("SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest($1) AS k", [names]));
                batch.BatchCommands.Add(Command(CandidatesSql(work.Keys, i => "$" + i, 1), [.. work.Keys.Select(k => (object?)k.Value), body.Id]));
            }
            try
            {
                await using (var reader = await batch.ExecuteReaderAsync(ct))
                {
                    do
                    {
                        while (await reader.ReadAsync(ct))
                        {
                            var values = new object[reader.FieldCount];
                            reader.GetValues(values);
                        }
                    }
                    while (await reader.NextResultAsync(ct));
                }
                await transaction.CommitAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return Results.Conflict();
            }
            return Results.Json(new { assetId = body.Id }, statusCode: StatusCodes.Status201Created);
        });
    }

    /// <summary><c>?match=false</c> leaves out the block locks and the candidates read (the rows alone: an ablation).</summary>
    private static bool Matching(HttpRequest http) => http.Query["match"] != "false";

    /// <summary>One statement of a batch, its values as positional parameters (null as DBNull).</summary>
    internal static NpgsqlBatchCommand Command(string sql, IEnumerable<object?> values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    /// <summary>
    /// SQLite: the same statements on one connection, one request at a time (SQLite has one writer; the register's write
    /// gate queues the same way), each prepared once, in a transaction committed as the register commits (WAL, FULL).
    /// </summary>
    public static async Task MapSqliteAsync(WebApplication app, SqliteConnection writer, List<ImportBench.Column> columns)
    {
        await ImportBench.SqliteTableAsync(writer, "bench_events", from: "events");
        await ImportBench.SqliteTableAsync(writer, "bench_audit", from: "audit_records");
        var (insertAsset, assetParameters) = ImportBench.PrepareSqliteInsert(writer, "bench_write", columns, transaction: null);
        var insertEvent = Prepare(writer, $"INSERT INTO bench_events ({EventColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5)", 6);
        var insertAudit = Prepare(writer, $"INSERT INTO bench_audit ({AuditColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8)", 9);
        var candidates = new Dictionary<string, SqliteCommand>();
        var gate = new SemaphoreSlim(1, 1); // lives as long as the host
        app.MapPost("/bare/register", async (HttpRequest http, CancellationToken ct) =>
        {
            if (await BareHost.ReadAsync(http, ct) is not { } body)
                return Results.UnprocessableEntity();
            var work = Prepare(body.Data, body.Id, body.Now, columns);
            await gate.WaitAsync(ct);
            try
            {
                using var transaction = writer.BeginTransaction(deferred: false);
                insertAsset.Transaction = insertEvent.Transaction = insertAudit.Transaction = transaction;
                for (var c = 0; c < columns.Count; c++)
                    assetParameters[c].Value = ImportBench.SqliteValue(work.AssetRow[columns[c].Name]);
                insertAsset.ExecuteNonQuery();
                Execute(insertEvent, work.Event);
                Execute(insertAudit, work.Audit);
                if (work.Keys.Count > 0 && Matching(http))
                {
                    var shape = string.Join(",", work.Keys.Select(k => k.Kind));
                    if (!candidates.TryGetValue(shape, out var read))
                    {
                        read = writer.CreateCommand();
                        read.CommandText = CandidatesSql(work.Keys, i => "$p" + i, 0);
                        for (var i = 0; i <= work.Keys.Count; i++)
                            read.Parameters.Add(new SqliteParameter("$p" + i, null));
                        candidates[shape] = read;
                    }
                    read.Transaction = transaction;
                    for (var i = 0; i < work.Keys.Count; i++)
                        read.Parameters[i].Value = work.Keys[i].Value;
                    read.Parameters[work.Keys.Count].Value = body.Id;
                    using var reader = read.ExecuteReader();
                    while (reader.Read())
                    {
                        var values = new object[reader.FieldCount];
                        reader.GetValues(values);
                    }
                }
                transaction.Commit();
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == 2067) // SQLITE_CONSTRAINT_UNIQUE
            {
                return Results.Conflict();
            }
            finally
            {
                gate.Release();
            }
            return Results.Json(new { assetId = body.Id }, statusCode: StatusCodes.Status201Created);
        });
    }

    private static SqliteCommand Prepare(SqliteConnection db, string sql, int count)
    {
        var command = db.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < count; i++)
            command.Parameters.Add(new SqliteParameter("$p" + i, null));
        command.Prepare();
        return command;
    }

    private static void Execute(SqliteCommand command, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = ImportBench.SqliteValue(values[i]);
        command.ExecuteNonQuery();
    }
}
