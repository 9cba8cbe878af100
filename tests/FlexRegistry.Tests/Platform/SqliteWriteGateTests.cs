using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Participants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Platform;

/// <summary>
/// SQLite's writers queue in process (<see cref="SqliteWriteGate"/>). A write that found SQLite's write lock taken
/// instead would sleep 150 ms in Microsoft.Data.Sqlite before trying again; writes outside a transaction (a
/// <c>SaveChanges</c> of one statement, every <c>ExecuteUpdate</c>) did exactly that, and their stalls were the
/// commit→delivery tail of the events benchmark on SQLite. SQLite only.
/// </summary>
public sealed class SqliteWriteGateTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private SqliteWriteGate Gate => app.Services.GetRequiredService<SqliteWriteGate>();

    [Fact]
    public async Task AWriteOutsideATransaction_QueuesForTheGate_AndRunsOnceTheTransactionHoldingItEnds()
    {
        await using var holderScope = app.Services.CreateAsyncScope();
        await using var writerScope = app.Services.CreateAsyncScope();
        var holder = holderScope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var writer = writerScope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var id = Guid.NewGuid();

        await using (var transaction = await holder.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            // Not a transaction of its own: EF runs it as one statement, which must wait in the gate's queue rather than
            // run into SQLite's lock.
            var write = writer.AssetImports.Where(i => i.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Failure, "gate test"), TestContext.Current.CancellationToken);
            await RegistrationTests.Eventually(() => Task.FromResult(Gate.Waiting), n => n == 1, seconds: 10);
            Assert.False(write.IsCompleted);

            await transaction.CommitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, await write.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        }

        // The statement left the gate: the next transaction gets it at once.
        await using var next = await holder.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, Gate.Waiting);
    }

    [Fact]
    public async Task AReadOutsideATransaction_DoesNotWaitForTheGate()
    {
        await using var holderScope = app.Services.CreateAsyncScope();
        await using var readerScope = app.Services.CreateAsyncScope();
        var holder = holderScope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var reader = readerScope.ServiceProvider.GetRequiredService<RegistryDbContext>();

        await using var transaction = await holder.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
        // Were reads gated, this would wait for the transaction (up to the gate's 30 s patience) and time out here.
        var count = await reader.AssetImports.CountAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // The read finished while the transaction held the gate (gated, it would have waited up to 30 s). Writers may queue
        // for the gate meanwhile (the post-commit sequencers are writers), so the gate's queue proves nothing here.
        Assert.True(count >= 0);
        Assert.True(Gate.Held);
    }

    [Theory]
    [InlineData("SELECT 1", false)]
    [InlineData("  select \"a\".\"Id\" FROM assets", false)]
    [InlineData("-- tag\n-- another\nSELECT 1", false)]
    [InlineData("PRAGMA synchronous=FULL;", false)]
    [InlineData("EXPLAIN QUERY PLAN SELECT 1", false)]
    [InlineData("UPDATE \"webhook_deliveries\" AS \"w\" SET \"LeaseOwner\" = @p", true)]
    [InlineData("INSERT INTO \"asset_imports\" (\"Id\") VALUES (@p0)", true)]
    [InlineData("DELETE FROM \"asset_import_rows\"", true)]
    [InlineData("-- tag\nDELETE FROM x", true)]
    [InlineData("WITH x AS (SELECT 1) DELETE FROM y", true)]
    [InlineData("SELECTED_NOT_A_KEYWORD", true)]
    public void OnlyPlainQueriesCountAsReads(string sql, bool writes) => Assert.Equal(writes, SqliteWriteGate.Writes(sql));
}
