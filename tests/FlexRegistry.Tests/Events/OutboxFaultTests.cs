using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Events;

/// <summary>
/// The transactional outbox under injected faults: a failure before or during commit leaves neither the change nor
/// its event; a failure after commit leaves both. Never one without the other.
/// </summary>
public abstract class OutboxFaultTests(RegistryApp app)
{
    public enum Phase
    {
        BeforeSave,
        DuringCommit,
        AfterCommit,
    }

    [Theory]
    [InlineData(Phase.BeforeSave, false)]
    [InlineData(Phase.DuringCommit, false)]
    [InlineData(Phase.AfterCommit, true)]
    public async Task AFaultAroundCommit_NeverLeavesAChangeWithoutItsEvent_OrAnEventWithoutItsChange(Phase phase, bool committed)
    {
        var registration = await app.RegisterOnlyAsync();
        await using var faulty = app.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            services.ConfigureDbContext<SqliteRegistryDbContext>(o => o.AddInterceptors(new Fault(phase)));
            services.ConfigureDbContext<PostgresRegistryDbContext>(o => o.AddInterceptors(new Fault(phase)));
        }));
        using var client = await faulty.AuthenticatedAsync(registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!);
        using var response = await client.PutAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/commercial-information",
            Participants.CommercialInformationTests.ValidForFsp());
        await response.ReadProblem(HttpStatusCode.InternalServerError, "server.error");

        using var own = await app.AuthenticatedAsync(registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!);
        using var stored = await own.GetAsync($"/api/v1/participants/{registration.ParticipantId}/commercial-information");
        var (events, _) = await own.ReadFeedAsync(types: EventTestData.Updated);
        Assert.Equal(committed ? HttpStatusCode.OK : HttpStatusCode.NotFound, stored.StatusCode);
        Assert.Equal(committed ? 1 : 0, events.Count);
    }

    /// <summary>Throws at one phase of a SaveChanges that stores commercial information (and nowhere else, so tokens still work).</summary>
    private sealed class Fault(Phase phase) : IDbTransactionInterceptor, ISaveChangesInterceptor
    {
        private bool _armed;

        private static bool Targets(DbContext? context) => context?.ChangeTracker.Entries<CommercialInformation>().Any() == true;

        public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            _armed = Targets(eventData.Context);
            if (_armed && phase == Phase.BeforeSave)
                throw new InvalidOperationException("Injected fault before SaveChanges.");
            return ValueTask.FromResult(result);
        }

        public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (_armed && phase == Phase.DuringCommit)
                throw new InvalidOperationException("Injected fault while committing.");
            return ValueTask.FromResult(result);
        }

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
            _armed && phase == Phase.AfterCommit ? throw new InvalidOperationException("Injected fault after commit.") : Task.CompletedTask;
    }
}

public sealed class OutboxFaultTests_Sqlite(SqliteApp app) : OutboxFaultTests(app), IClassFixture<SqliteApp>;

public sealed class OutboxFaultTests_Postgres(PostgresApp app) : OutboxFaultTests(app), IClassFixture<PostgresApp>;
