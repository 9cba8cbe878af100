using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Client;
using FlexRegistry.Client.Contracts;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FlexRegistry.Bench;

/// <summary>
/// The raw baselines for the single-asset endpoint, on the same database the register uses; they exist only in the
/// bench, never in the product. <c>GET /bare/assets/{mpan}</c>, the issue's baseline: a bare minimal-API endpoint, no
/// authentication, no validation, that answers with one indexed query (assets by MPAN). <c>POST /bare/assets</c>, a
/// lower bound for any registration: the same request body read and put through the register's own validation, then
/// one prepared single-row <c>INSERT</c> (its own transaction, committed as durably as the register's) into
/// <c>bench_write</c>, an empty copy of <c>assets</c> with the same columns and indexes. No authentication, no
/// near-duplicate check, no audit record, no event. <c>POST /bare/register</c>: the floor of a registration's database
/// work (<see cref="BareRegister"/>). <c>PATCH /bare/assets/{id}</c>, the baseline of an asset change (issue 17): the
/// body's <c>model</c> read, then one single-row <c>UPDATE</c> of that column by primary key in <c>assets</c> (its own
/// transaction); no authentication, no If-Match, no history row, no event, no audit record.
/// </summary>
public static class BareHost
{
    public static async Task<int> RunAsync(Args args)
    {
        var provider = args.Require("provider");
        var connection = args.Require("connection");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(args.Get("urls") ?? "http://127.0.0.1:5091");
        builder.Logging.ClearProviders();
        if (args.Get("log-errors") is not null)
            builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Error);
        var app = builder.Build();
        // The pages benchmark's baseline: a static HTML page of a rendered page's size, no database, no layout, no session.
        var page = "<!DOCTYPE html><html lang=\"en\"><head><title>Bare</title></head><body>" + string.Concat(Enumerable.Repeat("<p>FlexRegistry bare page.</p>", 800)) + "</body></html>";
        app.MapGet("/bare/page", () => Results.Content(page, "text/html; charset=utf-8"));
        if (provider == "postgres")
        {
            // Prepared, as the docs say (Npgsql prepares a statement automatically from its 5th use), unless the
            // connection string (BENCH_PG_OPTIONS) says otherwise.
            var sourceBuilder = new NpgsqlDataSourceBuilder(connection);
            if (sourceBuilder.ConnectionStringBuilder.MaxAutoPrepare == 0)
                sourceBuilder.ConnectionStringBuilder.MaxAutoPrepare = 20;
            await using var source = sourceBuilder.Build();
            app.MapGet("/bare/assets/{mpan}", async (string mpan, CancellationToken ct) =>
            {
                await using var command = source.CreateCommand("SELECT \"Id\" FROM assets WHERE \"Mpan\" = $1 LIMIT 1");
                command.Parameters.Add(new NpgsqlParameter { Value = mpan });
                var id = await command.ExecuteScalarAsync(ct);
                return Results.Ok(new { mpan, assetId = id as string });
            });
            // The directory benchmark's baseline: one exact lookup by normalised name on the participants table.
            app.MapGet("/bare/participants/by-name/{name}", async (string name, CancellationToken ct) =>
            {
                await using var command = source.CreateCommand("SELECT \"Id\", \"LegalName\" FROM participants WHERE \"NormalisedName\" = $1 LIMIT 10");
                command.Parameters.Add(new NpgsqlParameter { Value = name });
                await using var reader = await command.ExecuteReaderAsync(ct);
                var rows = new List<object>();
                while (await reader.ReadAsync(ct))
                    rows.Add(new { participantId = reader.GetString(0), legalName = reader.GetString(1) });
                return Results.Ok(new { items = rows });
            });
            // The same one-row query the register's GET /api/v1/assets/{id} makes (every column, by primary key), as JSON.
            app.MapGet("/bare/assets/by-id/{id}", async (string id, CancellationToken ct) =>
            {
                await using var command = source.CreateCommand("SELECT * FROM assets WHERE \"Id\" = $1");
                command.Parameters.Add(new NpgsqlParameter { Value = id });
                await using var reader = await command.ExecuteReaderAsync(ct);
                return await RowAsync(reader, ct);
            });
            var columns = await ImportBench.PostgresTableAsync(source, "bench_write");
            var insert = $"INSERT INTO bench_write ({ImportBench.ColumnList(columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "$" + (i + 1)))})";
            app.MapPost("/bare/assets", async (HttpRequest http, CancellationToken ct) =>
            {
                if (await ReadAsync(http, ct) is not { } row)
                    return Results.UnprocessableEntity();
                await using var command = source.CreateCommand(insert);
                foreach (var column in columns)
                    command.Parameters.Add(new NpgsqlParameter { Value = ImportBench.ColumnValue(column, row.Data, row.Id, row.Now) ?? DBNull.Value });
                try
                {
                    await command.ExecuteNonQueryAsync(ct);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
                {
                    return Results.Conflict();
                }
                return Results.Json(new { assetId = row.Id }, statusCode: StatusCodes.Status201Created);
            });
            app.MapPatch("/bare/assets/{id}", async (string id, HttpRequest http, CancellationToken ct) =>
            {
                if (await ModelAsync(http, ct) is not { } model)
                    return Results.UnprocessableEntity();
                await using var command = source.CreateCommand("UPDATE assets SET \"Model\" = $1 WHERE \"Id\" = $2");
                command.Parameters.Add(new NpgsqlParameter { Value = model });
                command.Parameters.Add(new NpgsqlParameter { Value = id });
                return await command.ExecuteNonQueryAsync(ct) == 1 ? Results.Ok(new { assetId = id }) : Results.NotFound();
            });
            await BareRegister.MapPostgresAsync(app, source, columns);
            await BareChange.MapPostgresAsync(app, source);
            await BareLookup.MapPostgresAsync(app, source);
            await app.RunAsync();
        }
        else
        {
            app.MapGet("/bare/assets/{mpan}", async (string mpan, CancellationToken ct) =>
            {
                await using var db = new SqliteConnection(connection);
                await db.OpenAsync(ct);
                await using var command = db.CreateCommand();
                command.CommandText = "SELECT \"Id\" FROM assets WHERE \"Mpan\" = $mpan LIMIT 1";
                command.Parameters.AddWithValue("$mpan", mpan);
                var id = await command.ExecuteScalarAsync(ct);
                return Results.Ok(new { mpan, assetId = id as string });
            });
            app.MapGet("/bare/participants/by-name/{name}", async (string name, CancellationToken ct) =>
            {
                await using var db = new SqliteConnection(connection);
                await db.OpenAsync(ct);
                await using var command = db.CreateCommand();
                command.CommandText = "SELECT \"Id\", \"LegalName\" FROM participants WHERE \"NormalisedName\" = $name LIMIT 10";
                command.Parameters.AddWithValue("$name", name);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var rows = new List<object>();
                while (await reader.ReadAsync(ct))
                    rows.Add(new { participantId = reader.GetString(0), legalName = reader.GetString(1) });
                return Results.Ok(new { items = rows });
            });
            app.MapGet("/bare/assets/by-id/{id}", async (string id, CancellationToken ct) =>
            {
                await using var db = new SqliteConnection(connection);
                await db.OpenAsync(ct);
                await using var command = db.CreateCommand();
                command.CommandText = "SELECT * FROM assets WHERE \"Id\" = $id";
                command.Parameters.AddWithValue("$id", id);
                await using var reader = await command.ExecuteReaderAsync(ct);
                return await RowAsync(reader, ct);
            });
            // One connection and one prepared statement, used by one request at a time: SQLite has one writer, and
            // queueing here (as the register's write gate does) avoids the driver's sleep on a busy database. The
            // connection commits as the register's do (WAL, synchronous=FULL).
            await using var writer = new SqliteConnection(connection);
            await writer.OpenAsync();
            await using (var pragmas = writer.CreateCommand())
            {
                pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
                await pragmas.ExecuteNonQueryAsync();
            }
            var columns = await ImportBench.SqliteTableAsync(writer, "bench_write");
            var (insert, parameters) = ImportBench.PrepareSqliteInsert(writer, "bench_write", columns, transaction: null);
            await using var _ = insert;
            using var gate = new SemaphoreSlim(1, 1);
            app.MapPost("/bare/assets", async (HttpRequest http, CancellationToken ct) =>
            {
                if (await ReadAsync(http, ct) is not { } row)
                    return Results.UnprocessableEntity();
                await gate.WaitAsync(ct);
                try
                {
                    ImportBench.SetSqliteRow(parameters, columns, row.Data, row.Id, row.Now);
                    insert.ExecuteNonQuery();
                }
                catch (SqliteException e) when (e.SqliteExtendedErrorCode == 2067) // SQLITE_CONSTRAINT_UNIQUE
                {
                    return Results.Conflict();
                }
                finally
                {
                    gate.Release();
                }
                return Results.Json(new { assetId = row.Id }, statusCode: StatusCodes.Status201Created);
            });
            await using var update = writer.CreateCommand();
            update.CommandText = "UPDATE assets SET \"Model\" = $model WHERE \"Id\" = $id";
            var modelParameter = update.Parameters.Add("$model", SqliteType.Text);
            var idParameter = update.Parameters.Add("$id", SqliteType.Text);
            update.Prepare();
            app.MapPatch("/bare/assets/{id}", async (string id, HttpRequest http, CancellationToken ct) =>
            {
                if (await ModelAsync(http, ct) is not { } model)
                    return Results.UnprocessableEntity();
                await gate.WaitAsync(ct);
                try
                {
                    modelParameter.Value = model;
                    idParameter.Value = id;
                    return update.ExecuteNonQuery() == 1 ? Results.Ok(new { assetId = id }) : Results.NotFound();
                }
                finally
                {
                    gate.Release();
                }
            });
            await BareRegister.MapSqliteAsync(app, writer, columns);
            await app.RunAsync();
        }
        return 0;
    }

    internal sealed record Row(AssetData Data, string Id, DateTimeOffset Now);

    /// <summary>The <c>model</c> of a JSON object body; null when there is none.</summary>
    internal static async Task<string?> ModelAsync(HttpRequest http, CancellationToken ct)
    {
        using var body = await JsonDocument.ParseAsync(http.Body, cancellationToken: ct);
        return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String
            ? model.GetString()
            : null;
    }

    /// <summary>The row as a JSON object of its columns (404 when there is none).</summary>
    private static async Task<IResult> RowAsync(System.Data.Common.DbDataReader reader, CancellationToken ct)
    {
        if (!await reader.ReadAsync(ct))
            return Results.NotFound();
        var row = new Dictionary<string, object?>(reader.FieldCount);
        for (var i = 0; i < reader.FieldCount; i++)
            row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        return Results.Ok(row);
    }

    /// <summary>The body, validated by the register's own rules and given a register ID; null when invalid.</summary>
    internal static async Task<Row?> ReadAsync(HttpRequest http, CancellationToken ct)
    {
        var request = await JsonSerializer.DeserializeAsync<RegisterAssetRequest>(http.Body, FlexRegistryClient.Json, ct);
        var now = TimeProvider.System.GetUtcNow();
        if (request is null || AssetValidation.Validate(request, DateOnly.FromDateTime(now.UtcDateTime)).Data is not { } data)
            return null;
        return new Row(data, AssetId.New(data.Type).Value, now);
    }
}
