using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
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
    /// returns the primary keys (as the database stores them) of the rows actually inserted. With
    /// <paramref name="conflictsExpected"/> false the caller has already left out the rows it knows to conflict, so
    /// conflicts are rare (a concurrent writer); with true (a batch that still holds its duplicates) PostgreSQL first
    /// leaves out the rows whose unique values are held. Either way the database's unique indexes decide.
    /// </summary>
    public abstract Task<HashSet<string>> InsertIgnoringConflictsAsync<T>(RegistryDbContext db, IReadOnlyList<T> rows, bool conflictsExpected,
        CancellationToken ct) where T : class;

    /// <summary>
    /// One mapped column. <see cref="ProviderValue"/> is a compiled accessor (member read, null check, the mapping's value
    /// converter inlined), built once per model from the EF metadata, so a row costs no metadata look-up or reflection.
    /// </summary>
    internal sealed record Column(string Name, IProperty Property, RelationalTypeMapping Mapping, Func<object, object?> ProviderValue);

    /// <summary>
    /// A mapped table; <paramref name="Key"/> is null when the database assigns it (the event log's sequence).
    /// <paramref name="CopyRow"/> writes one entity's values with typed, synchronous binary-COPY writes (PostgreSQL models only).
    /// <paramref name="UniqueColumns"/>: the columns that have a unique index of their own, the primary key left out.
    /// </summary>
    internal sealed record Table(string Name, IReadOnlyList<Column> Columns, Column? Key, Action<NpgsqlBinaryImporter, object>? CopyRow,
        IReadOnlyList<Column> UniqueColumns)
    {
        public string QuotedName => Quote(Name);

        public string ColumnList => string.Join(", ", Columns.Select(c => Quote(c.Name)));
    }

    internal static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The tables described so far, per model (one model per provider context type).</summary>
    private static readonly ConditionalWeakTable<IModel, ConcurrentDictionary<Type, Table>> Tables = [];

    internal static Table Describe<T>(RegistryDbContext db) =>
        Tables.GetOrCreateValue(db.Model).GetOrAdd(typeof(T), static (type, db) => Build(db, type), db);

    private static Table Build(RegistryDbContext db, Type type)
    {
        var entity = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not mapped.");
        var tableName = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(tableName, entity.GetSchema());
        var properties = new List<IProperty>();
        foreach (var property in entity.GetProperties())
        {
            // Database-assigned identities (e.g. the event log's sequence) are left to the database.
            if (property.IsPrimaryKey() && property.ValueGenerated != ValueGenerated.Never && property.ClrType == typeof(long))
                continue;
            // So are columns the database fills in at insert (a log row's writer transaction).
            if (property.FindAnnotation(RegistryDbContext.WriterTransactionAnnotation) is not null)
                continue;
            properties.Add(property);
        }
        foreach (var complex in entity.GetComplexProperties())
            properties.AddRange(complex.ComplexType.GetProperties());
        var columns = properties.Select(p => new Column(p.GetColumnName(store)!, p, p.GetRelationalTypeMapping(), ColumnAccess.Compile(p))).ToList();
        var keys = entity.FindPrimaryKey()!.Properties;
        var copyRow = db.Database.IsNpgsql() ? ColumnAccess.CompileCopyRow(type, columns) : null;
        var unique = entity.GetIndexes().Where(i => i.IsUnique && i.Properties.Count == 1 && !i.Properties[0].IsPrimaryKey())
            .Select(i => columns.Single(c => c.Property == i.Properties[0])).ToList();
        return new Table(tableName, columns, columns.FirstOrDefault(c => c.Property == keys[0]), copyRow, unique);
    }

    internal static DbTransaction? Transaction(RegistryDbContext db) => db.Database.CurrentTransaction?.GetDbTransaction();
}

/// <summary>SQLite: prepared INSERTs (the statement is compiled once per connection and reused) in the caller's transaction.</summary>
internal sealed class SqliteBulkWriter : BulkWriter
{
    public override async Task InsertAsync<T>(RegistryDbContext db, IReadOnlyList<T> rows, CancellationToken ct) =>
        await WriteAsync(db, rows, "", ct);

    public override async Task<HashSet<string>> InsertIgnoringConflictsAsync<T>(RegistryDbContext db, IReadOnlyList<T> rows, bool conflictsExpected,
        CancellationToken ct) =>
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
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < parameters.Length; i++)
                parameters[i].Value = table.Columns[i].ProviderValue(row) ?? DBNull.Value;
            // Synchronous: SQLite's async calls run synchronously anyway, at the cost of a task per row.
            if (command.ExecuteNonQuery() == 1 && table.Key is { } key)
                inserted.Add(Convert.ToString(key.ProviderValue(row), System.Globalization.CultureInfo.InvariantCulture)!);
        }
        return inserted;
    }
}

/// <summary>
/// PostgreSQL: binary COPY. Ignoring conflicts, the rows are copied straight into the target inside a savepoint; only if
/// that hits a unique violation (a row the caller did not know to conflict, e.g. a concurrent writer's) is the savepoint
/// rolled back and the rows copied into a temporary table shaped like the target (dropped at commit), then moved with one
/// set-based <c>INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING</c> key. When conflicts are expected, the rows whose
/// unique values are already held are found first, with one index-served query per uniquely indexed column that returns
/// only the held values, and left out: a plain COPY into the target (which PostgreSQL writes a page of rows at a time) is
/// about half the cost of the speculative insertion of <c>ON CONFLICT</c> (measured on the 1M-row import, see
/// docs/benchmarks.md). Values are written with their own CLR types, which match the column types (text into varchar,
/// never a char(n) comparison), so the target's indexes serve the look-up and the conflict check.
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

    public override async Task<HashSet<string>> InsertIgnoringConflictsAsync<T>(RegistryDbContext db, IReadOnlyList<T> rows, bool conflictsExpected,
        CancellationToken ct)
    {
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        if (rows.Count == 0)
            return inserted;
        var table = Describe<T>(db);
        var key = table.Key ?? throw new InvalidOperationException($"{typeof(T).Name}'s key is database-generated.");
        var transaction = db.Database.CurrentTransaction ?? throw new InvalidOperationException("Bulk inserts run in the caller's transaction.");
        if (conflictsExpected && table.UniqueColumns.Count > 0)
        {
            rows = await WithoutHeldValuesAsync(db, table, rows, ct);
            if (rows.Count == 0)
                return inserted;
        }
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
            // A value taken meanwhile by a concurrent writer, or held twice among the rows themselves.
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

    /// <summary>
    /// The rows none of whose unique values (in <see cref="BulkWriter.Table.UniqueColumns"/>) the target already holds: one
    /// <c>SELECT column … WHERE column = ANY(@values)</c> per column, each served by that column's unique index.
    /// </summary>
    private static async Task<IReadOnlyList<T>> WithoutHeldValuesAsync<T>(RegistryDbContext db, Table table, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var held = new List<(Column Column, HashSet<string> Values)>();
        foreach (var column in table.UniqueColumns)
        {
            var values = rows.Select(r => column.ProviderValue(r)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
            if (values.Length == 0)
                continue;
            var found = new HashSet<string>(StringComparer.Ordinal);
            await using var select = new NpgsqlCommand($"SELECT {Quote(column.Name)} FROM {table.QuotedName} WHERE {Quote(column.Name)} = ANY(@values)", connection);
            select.Transaction = (NpgsqlTransaction?)Transaction(db);
            select.Parameters.Add(new NpgsqlParameter<string[]>("values", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values });
            await using (var reader = await select.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                    found.Add(reader.GetString(0));
            }
            if (found.Count > 0)
                held.Add((column, found));
        }
        return held.Count == 0 ? rows : [.. rows.Where(r => !held.Any(h => h.Column.ProviderValue(r) is string v && h.Values.Contains(v)))];
    }

    private static async Task CopyAsync<T>(RegistryDbContext db, Table table, string target, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var copyRow = table.CopyRow ?? throw new InvalidOperationException("Not a PostgreSQL model.");
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {target} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", ct);
        // Typed, synchronous writes (as the raw baseline does): they fill Npgsql's buffer, which is flushed to the socket
        // when full; an async call per value cost a state machine per value.
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            writer.StartRow();
            copyRow(writer, row);
        }
        await writer.CompleteAsync(ct);
    }
}

/// <summary>
/// Compiles, from the EF metadata, what <see cref="BulkWriter"/> does per value: read the member (through any complex
/// property, null-checked), apply the mapping's value converter, and on PostgreSQL write the provider value with its CLR
/// type and an explicit <see cref="NpgsqlDbType"/>, so Npgsql resolves no type per value (boxed, per-value resolution made
/// a COPY several times slower). Binary COPY carries no per-field type, and text and varchar share their wire format.
/// A member the metadata does not expose as a CLR member (a shadow property) goes through EF's getter instead.
/// </summary>
internal static class ColumnAccess
{
    private static readonly MethodInfo WriteTyped = typeof(NpgsqlBinaryImporter).GetMethods()
        .Single(m => m.Name == nameof(NpgsqlBinaryImporter.Write) && m.IsGenericMethod && m.GetParameters() is [_, { ParameterType: var t }] && t == typeof(NpgsqlDbType));

    private static readonly MethodInfo WriteInferred = typeof(NpgsqlBinaryImporter).GetMethods()
        .Single(m => m.Name == nameof(NpgsqlBinaryImporter.Write) && m.IsGenericMethod && m.GetParameters().Length == 1).MakeGenericMethod(typeof(object));

    private static readonly MethodInfo WriteNull = typeof(NpgsqlBinaryImporter).GetMethod(nameof(NpgsqlBinaryImporter.WriteNull), Type.EmptyTypes)!;

    private static readonly Dictionary<Type, NpgsqlDbType> DbTypes = new()
    {
        [typeof(string)] = NpgsqlDbType.Text,
        [typeof(int)] = NpgsqlDbType.Integer,
        [typeof(long)] = NpgsqlDbType.Bigint,
        [typeof(short)] = NpgsqlDbType.Smallint,
        [typeof(double)] = NpgsqlDbType.Double,
        [typeof(bool)] = NpgsqlDbType.Boolean,
        [typeof(Guid)] = NpgsqlDbType.Uuid,
        [typeof(DateTimeOffset)] = NpgsqlDbType.TimestampTz,
        [typeof(DateOnly)] = NpgsqlDbType.Date,
    };

    /// <summary>The column's provider value of an entity, boxed (null for a null value).</summary>
    public static Func<object, object?> Compile(IProperty property)
    {
        var row = Expression.Parameter(typeof(object), "row");
        if (Value(property, row) is not var (isNull, value))
            return EfGetter(property);
        var body = Expression.Condition(isNull, Expression.Constant(null, typeof(object)), Expression.Convert(value, typeof(object)));
        return Expression.Lambda<Func<object, object?>>(body, row).Compile();
    }

    /// <summary>One entity's values, written column by column into a binary COPY (the caller starts the row).</summary>
    public static Action<NpgsqlBinaryImporter, object> CompileCopyRow(Type entityType, IReadOnlyList<BulkWriter.Column> columns)
    {
        var writer = Expression.Parameter(typeof(NpgsqlBinaryImporter), "writer");
        var row = Expression.Parameter(typeof(object), "row");
        var entity = Expression.Variable(entityType, "entity");
        var statements = new List<Expression> { Expression.Assign(entity, Expression.Convert(row, entityType)) };
        foreach (var column in columns)
        {
            if (Value(column.Property, entity) is var (isNull, value) && DbTypes.TryGetValue(value.Type, out var dbType))
            {
                // A reference-typed provider value (a converter's string) is null-checked once more.
                var provider = Expression.Variable(value.Type, "value");
                Expression write = Expression.Call(writer, WriteTyped.MakeGenericMethod(value.Type), provider, Expression.Constant(dbType));
                if (!value.Type.IsValueType)
                    write = Expression.IfThenElse(Expression.Equal(provider, Expression.Constant(null, value.Type)), Expression.Call(writer, WriteNull), write);
                statements.Add(Expression.IfThenElse(isNull, Expression.Call(writer, WriteNull),
                    Expression.Block([provider], Expression.Assign(provider, value), write)));
                continue;
            }
            // Any other provider type (e.g. a primitive collection) is written boxed and its type resolved by Npgsql.
            var boxed = Expression.Variable(typeof(object), "boxed");
            statements.Add(Expression.Block([boxed],
                Expression.Assign(boxed, Expression.Invoke(Expression.Constant(column.ProviderValue), entity)),
                Expression.IfThenElse(Expression.Equal(boxed, Expression.Constant(null)), Expression.Call(writer, WriteNull),
                    Expression.Call(writer, WriteInferred, boxed))));
        }
        return Expression.Lambda<Action<NpgsqlBinaryImporter, object>>(Expression.Block([entity], statements), writer, row).Compile();
    }

    /// <summary>
    /// The column's provider value and when it is null, as expressions over <paramref name="row"/> (a reference-typed
    /// provider value may still be null); null when a member on the way is not a CLR member or the provider type is nullable.
    /// </summary>
    private static (Expression IsNull, Expression Value)? Value(IProperty property, Expression row)
    {
        var guards = new List<Expression>();
        if (Owner(property.DeclaringType, row, guards) is not { } owner || Member(owner, property) is not { } member)
            return null;
        Expression value = member;
        if (Nullable.GetUnderlyingType(value.Type) is { } underlying)
        {
            guards.Add(Expression.Not(Expression.Property(value, "HasValue")));
            value = Expression.Property(value, "Value");
        }
        else if (!value.Type.IsValueType)
            guards.Add(Expression.Equal(value, Expression.Constant(null, value.Type)));
        if (property.GetRelationalTypeMapping().Converter is { } converter)
        {
            var convert = converter.ConvertToProviderExpression;
            value = Expression.Invoke(convert, Expression.Convert(value, convert.Parameters[0].Type));
            if (Nullable.GetUnderlyingType(value.Type) is not null)
                return null;
        }
        var isNull = guards.Count == 0 ? Expression.Constant(false) : guards.Aggregate(Expression.OrElse);
        return (isNull, value);
    }

    /// <summary>The object holding <paramref name="type"/>'s members: the entity itself, or a complex property's value (null-guarded).</summary>
    private static Expression? Owner(ITypeBase type, Expression row, List<Expression> guards)
    {
        if (type is not IComplexType complex)
            return Expression.Convert(row, type.ClrType);
        if (Owner(complex.ComplexProperty.DeclaringType, row, guards) is not { } parent || Member(parent, complex.ComplexProperty) is not { } value)
            return null;
        if (Nullable.GetUnderlyingType(value.Type) is not null)
            return null;
        if (!value.Type.IsValueType)
            guards.Add(Expression.Equal(value, Expression.Constant(null, value.Type)));
        return value;
    }

    private static MemberExpression? Member(Expression owner, IPropertyBase property) =>
        property.IsShadowProperty() ? null : property.GetMemberInfo(forMaterialization: false, forSet: false) switch
        {
            PropertyInfo p => Expression.Property(Expression.Convert(owner, p.DeclaringType!), p),
            FieldInfo f => Expression.Field(Expression.Convert(owner, f.DeclaringType!), f),
            _ => null,
        };

    private static Func<object, object?> EfGetter(IProperty property)
    {
        var converter = property.GetRelationalTypeMapping().Converter;
        var getter = property.GetGetter();
        return entity => getter.GetClrValueUsingContainingEntity(entity) is { } value ? converter is null ? value : converter.ConvertToProvider(value) : null;
    }
}
