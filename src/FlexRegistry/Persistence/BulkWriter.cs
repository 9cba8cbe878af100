using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace FlexRegistry.Persistence;

/// <summary>
/// Writes many rows of a mapped entity inside the caller's open transaction, bypassing the change tracker: Npgsql binary
/// COPY on PostgreSQL, one prepared INSERT per row on SQLite. Columns, names and value conversions come from the EF model,
/// so the rows are exactly what EF would have written (and read back) — there is no second, hand-kept column list. Only the
/// provider-specific part lives here; what to write is the caller's business.
/// </summary>
public abstract class BulkWriter
{
    public static BulkWriter For(RegistryDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.IsNpgsql() ? new PostgresBulkWriter() : new SqliteBulkWriter();
    }

    /// <summary>Inserts every row (a unique violation fails the transaction).</summary>
    public abstract Task InsertAsync<T>(RegistryDbContext db, IReadOnlyList<T> rows, CancellationToken ct) where T : class;

    /// <summary>
    /// Inserts the rows, silently skipping any that would violate a unique index (<c>ON CONFLICT DO NOTHING</c>), and
    /// returns the primary keys (as the database stores them) of the rows actually inserted. Fastest when the caller has
    /// already left out the rows it knows to conflict: conflicts are expected to be rare (a concurrent writer).
    /// </summary>
    public abstract Task<HashSet<string>> InsertIgnoringConflictsAsync<T>(RegistryDbContext db, IReadOnlyList<T> rows, CancellationToken ct) where T : class;

    internal sealed record Column(string Name, IProperty Property, RelationalTypeMapping Mapping)
    {
        public object? ModelValue(object entity) => Property.GetGetter().GetClrValueUsingContainingEntity(entity);

        public object? ProviderValue(object entity) =>
            ModelValue(entity) is { } value ? Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value : null;
    }

    /// <summary>A mapped table; <paramref name="Key"/> is null when the database assigns it (the event log's sequence).</summary>
    internal sealed record Table(string Name, IReadOnlyList<Column> Columns, Column? Key)
    {
        public string QuotedName => Quote(Name);

        public string ColumnList => string.Join(", ", Columns.Select(c => Quote(c.Name)));
    }

    internal static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static Table Describe<T>(RegistryDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var tableName = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(tableName, entity.GetSchema());
        var columns = new List<Column>();
        foreach (var property in entity.GetProperties())
        {
            // Database-assigned identities (e.g. the event log's sequence) are left to the database.
            if (property.IsPrimaryKey() && property.ValueGenerated != ValueGenerated.Never && property.ClrType == typeof(long))
                continue;
            columns.Add(new Column(property.GetColumnName(store)!, property, property.GetRelationalTypeMapping()));
        }
        foreach (var complex in entity.GetComplexProperties())
        {
            foreach (var property in complex.ComplexType.GetProperties())
                columns.Add(new Column(property.GetColumnName(store)!, property, property.GetRelationalTypeMapping()));
        }
        var keys = entity.FindPrimaryKey()!.Properties;
        return new Table(tableName, columns, columns.FirstOrDefault(c => c.Property == keys[0]));
    }

    internal static DbTransaction? Transaction(RegistryDbContext db) => db.Database.CurrentTransaction?.GetDbTransaction();
}

/// <summary>SQLite: prepared INSERTs (the statement is compiled once per connection and reused) in the caller's transaction.</summary>
internal sealed class SqliteBulkWriter : BulkWriter
{
    public override async Task InsertAsync<T>(RegistryDbContext db, IReadOnlyList<T> rows, CancellationToken ct) =>
        await WriteAsync(db, rows, "", ct);

    public override async Task<HashSet<string>> InsertIgnoringConflictsAsync<T>(RegistryDbContext db, IReadOnlyList<T> rows, CancellationToken ct) =>
        await WriteAsync(db, rows, " ON CONFLICT DO NOTHING", ct);

    private static async Task<HashSet<string>> WriteAsync<T>(RegistryDbContext db, IReadOnlyList<T> rows, string conflict, CancellationToken ct)
        where T : class
    {
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        if (rows.Count == 0)
            return inserted;
        var table = Describe<T>(db);
        await db.Database.OpenConnectionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = Transaction(db);
        var names = table.Columns.Select((_, i) => "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        command.CommandText = $"INSERT INTO {table.QuotedName} ({table.ColumnList}) VALUES ({string.Join(", ", names)}){conflict}";
        // The parameters are made once, typed by their mappings (e.g. a GUID bound as text), and only their values change.
        var parameters = table.Columns.Select((column, i) => column.Mapping.CreateParameter(command, names[i], null, nullable: true)).ToArray();
        command.Parameters.AddRange(parameters);
        command.Prepare();
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++)
                parameters[i].Value = table.Columns[i].ProviderValue(row) ?? DBNull.Value;
            if (await command.ExecuteNonQueryAsync(ct) == 1 && table.Key is { } key)
                inserted.Add(Convert.ToString(key.ProviderValue(row), System.Globalization.CultureInfo.InvariantCulture)!);
        }
        return inserted;
    }
}

/// <summary>
/// PostgreSQL: binary COPY. Ignoring conflicts, it is optimistic: the rows are copied straight into the target inside a
/// savepoint; only if that hits a unique violation (a row the caller did not know to conflict, e.g. a concurrent writer's)
/// is the savepoint rolled back and the rows copied into a temporary table shaped like the target (dropped at commit),
/// then moved with one set-based <c>INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING</c> key. Values are written with their own CLR types, which
/// match the column types (text into varchar, never a char(n) comparison), so the target's indexes serve the conflict check.
/// </summary>
internal sealed class PostgresBulkWriter : BulkWriter
{
    public override async Task InsertAsync<T>(RegistryDbContext db, IReadOnlyList<T> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
            return;
        var table = Describe<T>(db);
        await CopyAsync(db, table, table.QuotedName, rows, ct);
    }

    public override async Task<HashSet<string>> InsertIgnoringConflictsAsync<T>(RegistryDbContext db, IReadOnlyList<T> rows, CancellationToken ct)
    {
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        if (rows.Count == 0)
            return inserted;
        var table = Describe<T>(db);
        var key = table.Key ?? throw new InvalidOperationException($"{typeof(T).Name}'s key is database-generated.");
        var transaction = db.Database.CurrentTransaction ?? throw new InvalidOperationException("Bulk inserts run in the caller's transaction.");
        await transaction.CreateSavepointAsync("bulk_insert", ct);
        try
        {
            await CopyAsync(db, table, table.QuotedName, rows, ct);
            await transaction.ReleaseSavepointAsync("bulk_insert", ct);
            foreach (var row in rows)
                inserted.Add(Convert.ToString(key.ProviderValue(row), System.Globalization.CultureInfo.InvariantCulture)!);
            return inserted;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackToSavepointAsync("bulk_insert", ct);
        }

        var staging = Quote("bulk_" + table.Name);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var create = new NpgsqlCommand(
            $"DROP TABLE IF EXISTS {staging}; CREATE TEMP TABLE {staging} (LIKE {table.QuotedName} INCLUDING DEFAULTS) ON COMMIT DROP", connection))
        {
            create.Transaction = (NpgsqlTransaction?)Transaction(db);
            await create.ExecuteNonQueryAsync(ct);
        }
        await CopyAsync(db, table, staging, rows, ct);
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO {table.QuotedName} ({table.ColumnList}) SELECT {table.ColumnList} FROM {staging} ON CONFLICT DO NOTHING RETURNING {Quote(key.Name)}",
            connection);
        insert.Transaction = (NpgsqlTransaction?)Transaction(db);
        await using var reader = await insert.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            inserted.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        return inserted;
    }

    private static async Task CopyAsync<T>(RegistryDbContext db, Table table, string target, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var copy = new StringBuilder($"COPY {target} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)");
        var columns = table.Columns.Select(ColumnWriter.For).ToArray();
        await using var writer = await connection.BeginBinaryImportAsync(copy.ToString(), ct);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(ct);
            foreach (var column in columns)
                await column.WriteAsync(writer, row, ct);
        }
        await writer.CompleteAsync(ct);
    }

    /// <summary>
    /// Writes one column's value with its provider CLR type and an explicit <see cref="NpgsqlDbType"/>, so Npgsql does not
    /// resolve the type of every boxed value again (that alone made a COPY several times slower). Binary COPY carries no
    /// per-field type, and text and varchar share their wire format. Types without an entry here take the generic path.
    /// </summary>
    private abstract class ColumnWriter
    {
        public abstract Task WriteAsync(NpgsqlBinaryImporter writer, object row, CancellationToken ct);

        public static ColumnWriter For(Column column)
        {
            var clr = column.Mapping.Converter?.ProviderClrType ?? column.Mapping.ClrType;
            clr = Nullable.GetUnderlyingType(clr) ?? clr;
            return clr switch
            {
                _ when clr == typeof(string) => new Typed<string>(column, NpgsqlDbType.Text),
                _ when clr == typeof(int) => new Typed<int>(column, NpgsqlDbType.Integer),
                _ when clr == typeof(long) => new Typed<long>(column, NpgsqlDbType.Bigint),
                _ when clr == typeof(short) => new Typed<short>(column, NpgsqlDbType.Smallint),
                _ when clr == typeof(double) => new Typed<double>(column, NpgsqlDbType.Double),
                _ when clr == typeof(bool) => new Typed<bool>(column, NpgsqlDbType.Boolean),
                _ when clr == typeof(Guid) => new Typed<Guid>(column, NpgsqlDbType.Uuid),
                _ when clr == typeof(DateTimeOffset) => new Typed<DateTimeOffset>(column, NpgsqlDbType.TimestampTz),
                _ when clr == typeof(DateOnly) => new Typed<DateOnly>(column, NpgsqlDbType.Date),
                _ => new Untyped(column),
            };
        }

        private sealed class Typed<T>(Column column, NpgsqlDbType type) : ColumnWriter
        {
            public override Task WriteAsync(NpgsqlBinaryImporter writer, object row, CancellationToken ct) =>
                column.ProviderValue(row) is T value ? writer.WriteAsync(value, type, ct) : writer.WriteNullAsync(ct);
        }

        private sealed class Untyped(Column column) : ColumnWriter
        {
            public override Task WriteAsync(NpgsqlBinaryImporter writer, object row, CancellationToken ct) =>
                column.ProviderValue(row) is { } value ? writer.WriteAsync(value, ct) : writer.WriteNullAsync(ct);
        }
    }
}
