using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace FlexRegistry.Auth;

/// <summary>
/// When <c>Registry:OperatorClientSecret</c> is set, makes sure the registry operator exists and its bootstrap client
/// <c>registry-operator</c> authenticates with that secret (rotating it when the configured secret changes).
/// </summary>
internal sealed class OperatorBootstrap(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<OperatorBootstrap> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var secret = configuration["Registry:OperatorClientSecret"];
        if (string.IsNullOrEmpty(secret))
            return;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();

        var client = await db.ApiClients.FirstOrDefaultAsync(c => c.ClientId == ApiClient.BootstrapClientId, cancellationToken);
        if (client is null)
        {
            var now = time.GetUtcNow();
            var operatorRecord = Participant.RegistryOperatorRecord(configuration["Registry:OperatorName"] ?? "FlexRegistry registry operator", now);
            db.Participants.Add(operatorRecord);
            db.ApiClients.Add(ApiClient.RegistryOperator(operatorRecord.Id, now));
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Created the registry operator {ParticipantId}", operatorRecord.Id);
        }

        var application = await applications.FindByClientIdAsync(ApiClient.BootstrapClientId, cancellationToken);
        if (application is null)
        {
            await applications.CreateAsync(ClientCredentials.Descriptor(ApiClient.BootstrapClientId, "Registry operator (bootstrap)", secret), cancellationToken);
        }
        else if (!await applications.ValidateClientSecretAsync(application, secret, cancellationToken))
        {
            await applications.UpdateAsync(application, secret, cancellationToken);
            logger.LogInformation("Rotated the registry operator's bootstrap secret");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
