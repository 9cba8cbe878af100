using FlexRegistry.AccessLog;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace FlexRegistry.Tests.Reads;

/// <summary>
/// Upgrading to the packed access-log records (issue 16) keeps every record: the migration packs the rows of the former
/// per-asset table into their entries exactly as the recorder packs new ones (so digests still verify), and its Down
/// unpacks them again. Run on an empty database of each provider, migrated to just before it.
/// </summary>
public abstract class AccessLogMigrationTests
{
    protected abstract Task<RegistryDbContext> CreateAsync();

    protected abstract Task DropAsync();

    /// <summary>An <c>At</c> value as the provider stores it.</summary>
    protected abstract string StoredTime { get; }

    [Fact]
    public async Task PackedRecordsMigration_MovesEveryRecordIntoItsEntry_AndDowngradeRestoresTheRows()
    {
        try
        {
            await using var db = await CreateAsync();
            var migrator = db.GetService<IMigrator>();
            var all = db.Database.GetMigrations().ToList();
            var packing = all.FindIndex(m => m.EndsWith("_AccessLogPackedRecords", StringComparison.Ordinal));
            Assert.True(packing > 0);
            var before = all[packing - 1];
            await migrator.MigrateAsync(before);

            const string columns = "\"Id\", \"At\", \"ReaderId\", \"ReaderActor\", \"Purpose\", \"Action\", \"Resource\", \"FieldGroups\", \"Records\", \"Digest\"";
            var entries = $"INSERT INTO access_log_entries ({columns}) VALUES " +
                $"(1, {StoredTime}, 'FRP-READER0000001', 'client:c', 'procurement', 'asset.search', 'asset', 'identity', 3, 'd1'), " +
                $"(2, {StoredTime}, 'FRP-READER0000001', 'client:c', 'procurement', 'asset.read', 'asset', 'identity', 1, 'd2'), " +
                $"(3, {StoredTime}, 'FRP-READER0000001', 'client:c', 'procurement', 'commercial_information.read', 'participant', 'x', 1, 'd3')";
            await db.Database.ExecuteSqlRawAsync(entries);
            (string Asset, long Entry, int Groups)[] rows =
                [("FRA-HP-BBBBBBBBBBB1", 1, 7), ("FRA-EV-AAAAAAAAAAA2", 1, 255), ("FRA-EV-AAAAAAAAAAA1", 1, 3), ("FRA-EV-AAAAAAAAAAA2", 2, 1)];
            foreach (var (asset, entry, groups) in rows)
                await db.Database.ExecuteSqlRawAsync("INSERT INTO access_log_records (\"AssetId\", \"EntryId\", \"Groups\") VALUES ({0}, {1}, {2})", asset, entry, groups);

            await migrator.MigrateAsync(all[packing]);
            var packed = await db.Database.SqlQueryRaw<string>("SELECT \"PackedRecords\" AS \"Value\" FROM access_log_entries ORDER BY \"Id\"").ToListAsync();
            string[] expected = [.. Enumerable.Range(1, 2).Select(e => PackedRecordList.Pack([.. rows.Where(r => r.Entry == e).Select(r => (r.Asset, r.Groups))])), ""];
            Assert.Equal(expected, packed);
            Assert.Equal(3, packed[0].Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

            await migrator.MigrateAsync(before);
            var restored = await db.Database.SqlQueryRaw<string>(
                "SELECT \"AssetId\" || ' ' || CAST(\"EntryId\" AS TEXT) || ' ' || CAST(\"Groups\" AS TEXT) AS \"Value\" FROM access_log_records").ToListAsync();
            Assert.Equal(rows.Select(r => $"{r.Asset} {r.Entry} {r.Groups}").Order(StringComparer.Ordinal), restored.Order(StringComparer.Ordinal));
        }
        finally
        {
            await DropAsync();
        }
    }
}

public sealed class AccessLogMigrationTests_Sqlite : AccessLogMigrationTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("flexreg-test-").FullName;

    protected override string StoredTime => "0";

    protected override Task<RegistryDbContext> CreateAsync() =>
        Task.FromResult<RegistryDbContext>(new SqliteRegistryDbContext(new DbContextOptionsBuilder<SqliteRegistryDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_directory, "registry.db")}").Options));

    protected override Task DropAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class AccessLogMigrationTests_Postgres : AccessLogMigrationTests
{
    private readonly string _database = "flexreg_test_" + Guid.NewGuid().ToString("N")[..12];

    protected override string StoredTime => "now()";

    protected override async Task<RegistryDbContext> CreateAsync()
    {
        await using (var connection = new NpgsqlConnection(PostgresApp.ServerConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(PostgresApp.ServerConnectionString) { Database = _database }.ToString();
        return new PostgresRegistryDbContext(new DbContextOptionsBuilder<PostgresRegistryDbContext>().UseNpgsql(cs).Options);
    }

    protected override async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(PostgresApp.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
