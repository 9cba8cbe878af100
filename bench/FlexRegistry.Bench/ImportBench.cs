using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Cli.Sandbox;
using FlexRegistry.Client;
using FlexRegistry.Client.Contracts;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace FlexRegistry.Bench;

/// <summary>
/// Bulk import (c). <c>copy-baseline</c> measures the raw limit on the register's own database: a table made
/// <c>LIKE assets INCLUDING ALL</c> (same columns, same unique and blocking indexes) is filled with the existing
/// file's rows (not timed), then the new file's rows that are not exact duplicates (what an import must insert) go
/// in with one Npgsql binary COPY (PostgreSQL) or one prepared INSERT in one transaction (SQLite), timed.
/// Rows are parsed and shaped (the register's own validation, identity keys and asset IDs) before the clock starts, so the
/// baseline is the bare write. <c>import</c> registers the existing file and then the new one through
/// <c>POST /api/v1/asset-imports</c> (branch <c>import</c>), timing the second.
/// </summary>
public static class ImportBench
{
    private const string Registrant = "FRP-BENCH00000000";
    private static readonly DateOnly Today = new(2026, 1, 1);

    public static async Task<int> CopyBaselineAsync(Args args)
    {
        var provider = args.Require("provider");
        var connection = args.Require("connection");
        var existing = Rows(args.Require("existing"), skipDuplicates: true);
        var incoming = Rows(args.Require("new"), skipDuplicates: true);
        Console.WriteLine($"rows: {existing.Count} existing, {incoming.Count} new (exact duplicates left out)");
        double seconds;
        if (provider == "postgres")
        {
            await using var source = NpgsqlDataSource.Create(connection);
            var columns = await PostgresTableAsync(source, "bench_copy");
            await CopyAsync(source, columns, existing, Ids(existing));
            await using (var analyse = source.CreateCommand("ANALYZE bench_copy"))
                await analyse.ExecuteNonQueryAsync();
            var ids = Ids(incoming);
            var clock = Stopwatch.StartNew();
            await CopyAsync(source, columns, incoming, ids);
            seconds = clock.Elapsed.TotalSeconds;
        }
        else
        {
            await using var db = new SqliteConnection(connection);
            await db.OpenAsync();
            var columns = await SqliteTableAsync(db, "bench_copy");
            await InsertAsync(db, columns, existing, Ids(existing));
            var ids = Ids(incoming);
            var clock = Stopwatch.StartNew();
            await InsertAsync(db, columns, incoming, ids);
            seconds = clock.Elapsed.TotalSeconds;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT baseline={(provider == "postgres" ? "npgsql-binary-copy" : "sqlite-prepared-insert")} rows={incoming.Count} seconds={seconds:F2} rows_per_s={incoming.Count / seconds:F0}"));
        return 0;
    }

    /// <summary>Registers the existing file (not timed), then times the import of the new file, end to end through the API.</summary>
    public static async Task<int> ImportAsync(Args args)
    {
        var url = new Uri(args.Require("url"));
        using var http = Registry.Http(url);
        var credentials = args.Get("client-id") is { } id ? new ApiClientCredentials(id, args.Require("client-secret")) : await Registry.RegisterParticipantAsync(http);
        var client = FlexRegistryClient.Create(url, credentials.ClientId, credentials.ClientSecret!);
        var first = await RunImportAsync(client, args.Require("existing"));
        Console.WriteLine($"existing: {Describe(first.Status)} in {first.Seconds:F1}s");
        var second = await RunImportAsync(client, args.Require("new"));
        Console.WriteLine($"new: {Describe(second.Status)} in {second.Seconds:F1}s");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT import rows={second.Status.RowsProcessed} seconds={second.Seconds:F2} rows_per_s={second.Status.RowsProcessed / second.Seconds:F0} registered={second.Status.Registered} duplicates={second.Status.Duplicates} possible_duplicates={second.Status.PossibleDuplicates} invalid={second.Status.Invalid}"));
        return second.Status.Status == "completed" ? 0 : 2;
    }

    internal static async Task<(AssetImportStatus Status, double Seconds)> RunImportAsync(FlexRegistryClient client, string path)
    {
        var clock = Stopwatch.StartNew();
        await using var file = File.OpenRead(path);
        var status = await client.StartAssetImportAsync(file, path.EndsWith(".csv", StringComparison.Ordinal) ? "text/csv" : "application/x-ndjson", Guid.NewGuid().ToString("N"));
        while (!status.Finished)
        {
            await Task.Delay(200);
            status = await client.GetAssetImportAsync(status.ImportId);
        }
        return (status, clock.Elapsed.TotalSeconds);
    }

    private static string Describe(AssetImportStatus s) =>
        $"{s.Status}: {s.RowsProcessed} rows, {s.Registered} registered, {s.Duplicates} duplicates, {s.PossibleDuplicates} possible duplicates, {s.Invalid} invalid {s.Failure}";

    /// <summary>
    /// The rows' asset IDs as the register makes them (<see cref="AssetId.New"/>: type code, random, check character), made
    /// before the clock starts. Not sequential: the register's IDs are not, and a sequential key would have its primary-key
    /// index take every insert at its right edge, cheaper than the random inserts the register's own rows cost.
    /// </summary>
    private static List<string> Ids(List<AssetData> rows) => [.. rows.Select(r => AssetId.New(r.Type).Value)];

    /// <summary>An NDJSON file's rows, validated and shaped as the register stores them; exact duplicates (per the manifest) left out.</summary>
    private static List<AssetData> Rows(string path, bool skipDuplicates)
    {
        var duplicates = skipDuplicates && File.Exists(path + ".manifest.csv")
            ? GenerateAssets.ReadManifest(path + ".manifest.csv").Where(m => m.Kind == RowKind.Duplicate).Select(m => m.RowNumber).ToHashSet()
            : [];
        var rows = new List<AssetData>();
        long row = 0;
        foreach (var line in File.ReadLines(path))
        {
            row++;
            if (duplicates.Contains(row))
                continue;
            var request = JsonSerializer.Deserialize<RegisterAssetRequest>(line, FlexRegistryClient.Json)!;
            rows.Add(AssetValidation.Validate(request, Today).Data ?? throw new InvalidDataException($"row {row} is invalid"));
        }
        return rows;
    }

    /// <summary>The value the register stores in <paramref name="column"/> for a row, or a fallback for a NOT NULL column the rows do not fill.</summary>
    internal static object? ColumnValue(Column column, AssetData row, string id, DateTimeOffset now) => Value(column.Name, row, id, now) ?? Fallback(column);

    /// <summary>The columns, quoted, as an SQL column list.</summary>
    internal static string ColumnList(List<Column> columns) => string.Join(", ", columns.Select(c => $"\"{c.Name}\""));

    private static object? Value(string column, AssetData a, string id, DateTimeOffset now) => column switch
    {
        "Id" => id,
        "Type" => a.Type.Code,
        "Status" => a.Status.ToString(),
        "DataStatus" => "Provisional",
        "Mpan" => a.Mpan,
        "ExportMpan" => a.ExportMpan,
        "Manufacturer" => a.Manufacturer,
        "Model" => a.Model,
        "SerialNumber" => a.SerialNumber,
        "IdentityKey" => AssetKeys.Identity(a.Type, a.Manufacturer, a.SerialNumber, Registrant),
        "MeterKey" => AssetKeys.Meter(a.Type, a.Mpan, a.SerialNumber),
        "AddressLine1" => a.AddressLine1,
        "Town" => a.Town,
        "Postcode" => a.Postcode,
        "PostcodeDistrict" => a.PostcodeDistrict,
        "Latitude" => a.Latitude,
        "Longitude" => a.Longitude,
        "DnoDistributorId" => a.DnoDistributorId,
        "GspGroup" => a.GspGroup,
        "ImportCapacityKw" => a.ImportCapacityKw,
        "ExportCapacityKw" => a.ExportCapacityKw,
        "StorageCapacityKwh" => a.StorageCapacityKwh,
        "RatedCapacityKw" => Math.Max(a.ImportCapacityKw ?? 0, a.ExportCapacityKw ?? 0),
        "ConnectionVoltageKv" => a.ConnectionVoltageKv,
        "CommissioningDate" => a.CommissioningDate,
        "ConsentReference" => a.ConsentReference,
        "ConsentMethod" => a.ConsentMethod,
        "ConsentDate" => a.ConsentDate,
        "RegistrantId" => Registrant,
        "Parties" => " " + Registrant + " ",
        "MarketQualifications" => a.MarketQualifications.ToArray(),
        "ConfirmationDueAt" or "RegisteredAt" or "UpdatedAt" => now,
        "Version" => Guid.NewGuid(),
        "VersionNumber" => 1,
        _ when column.EndsWith("DeclaredBy", StringComparison.Ordinal) => Registrant,
        _ => null,
    };

    internal sealed record Column(string Name, string DataType, bool Nullable, bool HasDefault);

    /// <summary>(Re)creates <paramref name="table"/> as an empty copy of <c>assets</c> (columns, unique and blocking indexes) and returns its columns.</summary>
    internal static async Task<List<Column>> PostgresTableAsync(NpgsqlDataSource source, string table)
    {
        await using (var setup = source.CreateCommand($"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (LIKE assets INCLUDING ALL)"))
            await setup.ExecuteNonQueryAsync();
        var columns = new List<Column>();
        await using var command = source.CreateCommand(
            "SELECT column_name, data_type, is_nullable = 'YES', column_default IS NOT NULL FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position");
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            columns.Add(new Column(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3)));
        return columns;
    }

    /// <summary>
    /// Plain Npgsql binary COPY: one typed, synchronous <c>Write&lt;T&gt;(value, NpgsqlDbType)</c> per value (no boxing,
    /// no per-value async), the column writers resolved once from the table's columns.
    /// </summary>
    private static async Task CopyAsync(NpgsqlDataSource source, List<Column> columns, List<AssetData> rows, List<string> ids)
    {
        var now = TimeProvider.System.GetUtcNow();
        var writers = columns.Select(CopyWriter).ToArray();
        await using var connection = await source.OpenConnectionAsync();
        using var writer = connection.BeginBinaryImport(
            $"COPY bench_copy ({ColumnList(columns)}) FROM STDIN (FORMAT BINARY)");
        for (var i = 0; i < rows.Count; i++)
        {
            writer.StartRow();
            var row = new CopyRow(rows[i], ids[i], now);
            foreach (var write in writers)
                write(writer, row);
        }
        writer.Complete();
    }

    private readonly record struct CopyRow(AssetData Asset, string Id, DateTimeOffset Now);

    private static Action<NpgsqlBinaryImporter, CopyRow> CopyWriter(Column column) => column.Name switch
    {
        "Id" => (w, r) => w.Write(r.Id, NpgsqlDbType.Varchar),
        "Type" => (w, r) => w.Write(r.Asset.Type.Code, NpgsqlDbType.Varchar),
        "Status" => (w, r) => w.Write(r.Asset.Status.ToString(), NpgsqlDbType.Varchar),
        "DataStatus" => (w, _) => w.Write("Provisional", NpgsqlDbType.Varchar),
        "Mpan" => (w, r) => Text(w, r.Asset.Mpan),
        "ExportMpan" => (w, r) => Text(w, r.Asset.ExportMpan),
        "Manufacturer" => (w, r) => Text(w, r.Asset.Manufacturer),
        "Model" => (w, r) => Text(w, r.Asset.Model),
        "SerialNumber" => (w, r) => Text(w, r.Asset.SerialNumber),
        "IdentityKey" => (w, r) => Text(w, AssetKeys.Identity(r.Asset.Type, r.Asset.Manufacturer, r.Asset.SerialNumber, Registrant)),
        "MeterKey" => (w, r) => Text(w, AssetKeys.Meter(r.Asset.Type, r.Asset.Mpan, r.Asset.SerialNumber)),
        "AddressLine1" => (w, r) => Text(w, r.Asset.AddressLine1),
        "Town" => (w, r) => Text(w, r.Asset.Town),
        "Postcode" => (w, r) => Text(w, r.Asset.Postcode),
        "PostcodeDistrict" => (w, r) => Text(w, r.Asset.PostcodeDistrict),
        "Latitude" => (w, r) => Number(w, r.Asset.Latitude),
        "Longitude" => (w, r) => Number(w, r.Asset.Longitude),
        "DnoDistributorId" => (w, r) => Integer(w, r.Asset.DnoDistributorId),
        "GspGroup" => (w, r) => Text(w, r.Asset.GspGroup),
        "ImportCapacityKw" => (w, r) => Number(w, r.Asset.ImportCapacityKw),
        "ExportCapacityKw" => (w, r) => Number(w, r.Asset.ExportCapacityKw),
        "StorageCapacityKwh" => (w, r) => Number(w, r.Asset.StorageCapacityKwh),
        "RatedCapacityKw" => (w, r) => w.Write(Math.Max(r.Asset.ImportCapacityKw ?? 0, r.Asset.ExportCapacityKw ?? 0), NpgsqlDbType.Double),
        "ConnectionVoltageKv" => (w, r) => Number(w, r.Asset.ConnectionVoltageKv),
        "CommissioningDate" => (w, r) => Date(w, r.Asset.CommissioningDate),
        "ConsentReference" => (w, r) => Text(w, r.Asset.ConsentReference),
        "ConsentMethod" => (w, r) => Text(w, r.Asset.ConsentMethod),
        "ConsentDate" => (w, r) => Date(w, r.Asset.ConsentDate),
        "MarketQualifications" => (w, r) => w.Write(r.Asset.MarketQualifications as string[] ?? [.. r.Asset.MarketQualifications], NpgsqlDbType.Array | NpgsqlDbType.Text),
        "RegistrantId" => (w, _) => w.Write(Registrant, NpgsqlDbType.Varchar),
        "Parties" => (w, _) => w.Write(" " + Registrant + " ", NpgsqlDbType.Varchar),
        "ConfirmationDueAt" or "RegisteredAt" or "UpdatedAt" => (w, r) => w.Write(r.Now, NpgsqlDbType.TimestampTz),
        "Version" => (w, _) => w.Write(Guid.NewGuid(), NpgsqlDbType.Uuid),
        _ when column.Name.EndsWith("DeclaredBy", StringComparison.Ordinal) => (w, _) => w.Write(Registrant, NpgsqlDbType.Varchar),
        _ => Fallback(column) switch
        {
            null => (w, _) => w.WriteNull(),
            int n => (w, _) => w.Write(n, NpgsqlDbType.Integer),
            double d => (w, _) => w.Write(d, NpgsqlDbType.Double),
            bool b => (w, _) => w.Write(b, NpgsqlDbType.Boolean),
            Guid g => (w, _) => w.Write(g, NpgsqlDbType.Uuid),
            DateTimeOffset t => (w, _) => w.Write(t, NpgsqlDbType.TimestampTz),
            DateOnly d => (w, _) => w.Write(d, NpgsqlDbType.Date),
            string[] a => (w, _) => w.Write(a, NpgsqlDbType.Array | NpgsqlDbType.Text),
            var v => (w, _) => w.Write(Convert.ToString(v, CultureInfo.InvariantCulture)!, NpgsqlDbType.Varchar),
        },
    };

    private static void Text(NpgsqlBinaryImporter w, string? value)
    {
        if (value is null)
            w.WriteNull();
        else
            w.Write(value, NpgsqlDbType.Varchar);
    }

    private static void Number(NpgsqlBinaryImporter w, double? value)
    {
        if (value is { } v)
            w.Write(v, NpgsqlDbType.Double);
        else
            w.WriteNull();
    }

    private static void Integer(NpgsqlBinaryImporter w, int? value)
    {
        if (value is { } v)
            w.Write(v, NpgsqlDbType.Integer);
        else
            w.WriteNull();
    }

    private static void Date(NpgsqlBinaryImporter w, DateOnly? value)
    {
        if (value is { } v)
            w.Write(v, NpgsqlDbType.Date);
        else
            w.WriteNull();
    }

    /// <summary>A value for a NOT NULL column the rows do not fill (so the baseline keeps working if the table grows).</summary>
    private static object? Fallback(Column column) => column.Nullable || column.HasDefault ? null : column.DataType switch
    {
        "integer" or "bigint" or "smallint" => 0,
        "double precision" => 0.0,
        "boolean" => false,
        "uuid" => Guid.NewGuid(),
        "timestamp with time zone" => TimeProvider.System.GetUtcNow(),
        "date" => Today,
        "ARRAY" => Array.Empty<string>(),
        _ => "",
    };

    /// <summary>The SQLite counterpart of <see cref="PostgresTableAsync"/>: the table and its indexes from <paramref name="from"/>'s own DDL.</summary>
    internal static async Task<List<Column>> SqliteTableAsync(SqliteConnection db, string table, string from = "assets")
    {
        var statements = new List<string>();
        await using (var schema = db.CreateCommand())
        {
            schema.CommandText = $"SELECT sql FROM sqlite_master WHERE tbl_name = '{from}' AND sql IS NOT NULL ORDER BY type DESC";
            await using var reader = await schema.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                statements.Add(reader.GetString(0).Replace($"\"{from}\"", $"\"{table}\"", StringComparison.Ordinal).Replace($"_{from}_", $"_{table}_", StringComparison.Ordinal));
        }
        await using (var drop = db.CreateCommand())
        {
            drop.CommandText = $"DROP TABLE IF EXISTS {table}; " + string.Join("; ", statements);
            await drop.ExecuteNonQueryAsync();
        }
        var columns = new List<Column>();
        await using var info = db.CreateCommand();
        info.CommandText = $"SELECT name, type, \"notnull\" = 0, dflt_value IS NOT NULL FROM pragma_table_info('{table}')";
        await using var columnReader = await info.ExecuteReaderAsync();
        while (await columnReader.ReadAsync())
        {
            var type = columnReader.GetString(1).ToUpperInvariant() switch
            {
                "INTEGER" => "integer",
                "REAL" => "double precision",
                _ => "text",
            };
            columns.Add(new Column(columnReader.GetString(0), type, columnReader.GetBoolean(2), columnReader.GetBoolean(3)));
        }
        return columns;
    }

    private static async Task InsertAsync(SqliteConnection db, List<Column> columns, List<AssetData> rows, List<string> ids)
    {
        var now = TimeProvider.System.GetUtcNow();
        await using var transaction = (SqliteTransaction)await db.BeginTransactionAsync();
        var (insert, parameters) = PrepareSqliteInsert(db, "bench_copy", columns, transaction);
        await using (insert)
        {
            for (var r = 0; r < rows.Count; r++)
            {
                SetSqliteRow(parameters, columns, rows[r], ids[r], now);
                insert.ExecuteNonQuery();
            }
        }
        await transaction.CommitAsync();
    }

    /// <summary>A prepared single-row <c>INSERT</c> of every column into <paramref name="table"/>, and its parameters in column order.</summary>
    internal static (SqliteCommand Insert, SqliteParameter[] Parameters) PrepareSqliteInsert(SqliteConnection db, string table, List<Column> columns,
        SqliteTransaction? transaction)
    {
        var insert = db.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO {table} ({ColumnList(columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
        var parameters = columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
        insert.Prepare();
        return (insert, parameters);
    }

    /// <summary>Sets <paramref name="parameters"/> (from <see cref="PrepareSqliteInsert"/>) to one row's values.</summary>
    internal static void SetSqliteRow(SqliteParameter[] parameters, List<Column> columns, AssetData row, string id, DateTimeOffset now)
    {
        for (var c = 0; c < columns.Count; c++)
            parameters[c].Value = SqliteValue(ColumnValue(columns[c], row, id, now));
    }

    /// <summary>A value as the register stores it in SQLite (EF's conversions: ISO dates, upper-case GUIDs, JSON arrays).</summary>
    internal static object SqliteValue(object? value) => value switch
    {
        null => DBNull.Value,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        Guid g => g.ToString().ToUpperInvariant(),
        string[] a => JsonSerializer.Serialize(a),
        _ => value,
    };
}
