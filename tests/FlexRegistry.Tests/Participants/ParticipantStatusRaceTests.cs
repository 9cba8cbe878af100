using System.Data.Common;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Participants;

/// <summary>
/// An operator's status action names no version of the participant, so a row changed by someone else between the
/// action's read and its write — typically the verification worker recording its Companies House check on a
/// participant registered a moment ago — is not the operator's conflict: the action runs again on fresh state
/// instead of answering 409. The change is injected deterministically, at the action's save.
/// </summary>
public abstract class ParticipantStatusRaceTests(RegistryApp app)
{
    [Fact]
    public async Task AVerifyThatMeetsAConcurrentChangeToTheParticipant_RunsAgainOnFreshState_AndIsRecordedOnce()
    {
        var registration = await app.RegisterOnlyAsync();
        var id = ParticipantId.Parse(registration.ParticipantId);
        var race = new ConcurrentChangeAtFirstStatusSave(async () =>
        {
            // Someone else's write to the same row, committed while the action's transaction is open but before its UPDATE.
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            await db.Participants.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Version, Guid.NewGuid()));
        });
        await using var racing = app.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            services.ConfigureDbContext<SqliteRegistryDbContext>(o => o.AddInterceptors(race));
            services.ConfigureDbContext<PostgresRegistryDbContext>(o => o.AddInterceptors(race));
        }));
        using var op = await racing.AuthenticatedAsync(FlexRegistry.Auth.ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);

        var verified = await op.ActOnParticipantAsync(registration.ParticipantId, "verify", "Companies House record checked by hand");

        Assert.Equal(1, race.Fired);
        Assert.Equal("active", verified.Status);
        var change = Assert.Single(verified.History!);
        Assert.Equal(("provisional", "active"), (change.From, change.To));
    }

    /// <summary>
    /// Runs <paramref name="change"/> once, as the transaction of the first save that records a participant status change
    /// is about to begin: after the action read the participant, before its UPDATE (and, on SQLite, before the write
    /// lock is taken, where the worker's write would also have landed).
    /// </summary>
    private sealed class ConcurrentChangeAtFirstStatusSave(Func<Task> change) : DbTransactionInterceptor
    {
        private int _fired;

        public int Fired => Volatile.Read(ref _fired);

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection,
            TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context?.ChangeTracker.Entries<StatusChange>().Any(e => e.State == EntityState.Added) == true
                && Interlocked.CompareExchange(ref _fired, 1, 0) == 0)
                await change();
            return result;
        }
    }
}

public sealed class ParticipantStatusRaceTests_Sqlite(SqliteApp app) : ParticipantStatusRaceTests(app), IClassFixture<SqliteApp>;

public sealed class ParticipantStatusRaceTests_Postgres(PostgresApp app) : ParticipantStatusRaceTests(app), IClassFixture<PostgresApp>;
