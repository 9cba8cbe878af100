using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Tests.Platform;

/// <summary>One migration set per provider; a model change without a migration for both fails here.</summary>
public sealed class MigrationTests
{
    [Fact]
    public void SqliteMigrations_CoverTheModel()
    {
        using var db = new SqliteRegistryDbContext(
            new DbContextOptionsBuilder<SqliteRegistryDbContext>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes the SQLite migrations do not cover: dotnet ef migrations add <Name> --context SqliteRegistryDbContext --output-dir Persistence/Migrations/Sqlite");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void PostgresMigrations_CoverTheModel()
    {
        using var db = new PostgresRegistryDbContext(
            new DbContextOptionsBuilder<PostgresRegistryDbContext>().UseNpgsql("Host=localhost;Database=unused").Options);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes the PostgreSQL migrations do not cover: dotnet ef migrations add <Name> --context PostgresRegistryDbContext --output-dir Persistence/Migrations/Postgres");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void BothProviders_HaveTheSameMigrations()
    {
        using var sqlite = new SqliteRegistryDbContext(
            new DbContextOptionsBuilder<SqliteRegistryDbContext>().UseSqlite("Data Source=:memory:").Options);
        using var postgres = new PostgresRegistryDbContext(
            new DbContextOptionsBuilder<PostgresRegistryDbContext>().UseNpgsql("Host=localhost;Database=unused").Options);
        static IEnumerable<string> Names(DbContext db) => db.Database.GetMigrations().Select(m => m[15..]);
        Assert.Equal(Names(sqlite), Names(postgres));
    }
}
