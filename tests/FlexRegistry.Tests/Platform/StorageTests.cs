using System.Net;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Platform;

/// <summary>The embedded default is durable: WAL journal and synchronous=FULL on the connections the app uses.</summary>
public sealed class SqliteStorageTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Sqlite_RunsInWalModeWithFullSynchronousCommits()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        command.CommandText = "PRAGMA synchronous;";
        Assert.Equal(2L, (long?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken)); // 2 = FULL
        command.CommandText = "PRAGMA foreign_keys;";
        Assert.Equal(1L, (long?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}

public abstract class BindingErrorTests(RegistryApp app)
{
    [Fact]
    public async Task UnbindableQueryParameter_IsA400Problem()
    {
        using var op = await app.OperatorAsync();
        using var response = await op.GetAsync("/api/v1/participants?limit=lots");
        var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "request.bad_request");
        Assert.Contains("limit", problem.Detail, StringComparison.Ordinal);
    }
}

public sealed class BindingErrorTests_Sqlite(SqliteApp app) : BindingErrorTests(app), IClassFixture<SqliteApp>;

public sealed class BindingErrorTests_Postgres(PostgresApp app) : BindingErrorTests(app), IClassFixture<PostgresApp>;
